"""Benchmark of the intake pipeline and document search, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_intake.py [--docs 2000] [--search-docs 100000] [--dbs sqlite,postgresql]
                                           [--update-docs] [--json PATH]          # make bench-intake

1. Ingestion: a synthetic corpus of ~500-word articles (English and Vietnamese, generated below from article
   templates with random places, organisations, people, figures) is written to a folder as .txt files and
   ingested end to end by the real pipeline in one process (one core): read, SHA-256 and content-addressed
   storage, text, language, near-duplicate check, extraction, entity linking, search indexing, run/item records.
   Reported as documents/second, on a fresh database of each kind.
2. Search: the same generator fills the database with ``--search-docs`` documents (stored and indexed exactly
   as the pipeline does, but without running the extraction engine on each, which would take ~20 minutes per
   100k; mentions for facets are generated with them), then times a fixed mix of queries (words, phrases,
   prefixes, Vietnamese with and without diacritics, filters, date sort): p50/p95/max latency of
   ``amity.intake.search.search`` (top 20 + total count), with and without facets, and the index size.

Each database runs in a child process (fresh SQLite file in a temporary folder; a private PostgreSQL database
``amity_bench_intake``, or $BENCH_PG_DB, on $BENCH_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres,
dropped at the end). Results: bench/results/intake.json; ``--update-docs`` rewrites the "## Intake" section of docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "intake.json"
DOCS = ROOT / "docs" / "BENCHMARKS.md"
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("BENCH_PG_DB", "amity_bench_intake")

# ---------------------------------------------------------------- synthetic articles

COUNTRIES = [
    ("Japan", "Nhật Bản", "JP", "Japanese"), ("France", "Pháp", "FR", "French"), ("Cuba", "Cu Ba", "CU", "Cuban"),
    ("Laos", "Lào", "LA", "Lao"), ("Cambodia", "Campuchia", "KH", "Cambodian"),
    ("the Republic of Korea", "Hàn Quốc", "KR", "Korean"), ("India", "Ấn Độ", "IN", "Indian"),
    ("Russia", "Nga", "RU", "Russian"), ("Germany", "Đức", "DE", "German"),
    ("the United States", "Hoa Kỳ", "US", "American"), ("Australia", "Ô-xtrây-li-a", "AU", "Australian"),
    ("Singapore", "Xin-ga-po", "SG", "Singaporean"), ("Italy", "Italy", "IT", "Italian"),
    ("Mongolia", "Mông Cổ", "MN", "Mongolian"), ("Thailand", "Thái Lan", "TH", "Thai"),
    ("Hungary", "Hungary", "HU", "Hungarian"), ("Brazil", "Brazil", "BR", "Brazilian"),
    ("Mozambique", "Mô-dăm-bích", "MZ", "Mozambican"), ("Romania", "Rumani", "RO", "Romanian"),
    ("New Zealand", "Niu Di-lân", "NZ", "New Zealand"),
]
PLACES = [("Ha Noi", "Hà Nội"), ("Ho Chi Minh City", "Thành phố Hồ Chí Minh"), ("Da Nang", "Đà Nẵng"),
          ("Hue", "Huế"), ("Can Tho", "Cần Thơ"), ("Hai Phong", "Hải Phòng"), ("Nghe An", "Nghệ An"),
          ("Quang Tri", "Quảng Trị"), ("Lao Cai", "Lào Cai"), ("Khanh Hoa", "Khánh Hòa"), ("Ninh Binh", "Ninh Bình"),
          ("Dong Thap", "Đồng Tháp"), ("Tay Ninh", "Tây Ninh"), ("Lam Dong", "Lâm Đồng"), ("Gia Lai", "Gia Lai"),
          ("Thai Nguyen", "Thái Nguyên"), ("Quang Ninh", "Quảng Ninh"), ("Dak Lak", "Đắk Lắk")]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thu", "Quang", "Thanh", "Hữu", "Ngọc", "Anh", "Kim", "Hoài"]
GIVEN = ["Hùng", "Lan", "Tâm", "Bình", "Hương", "Sơn", "Nga", "Dũng", "Hà", "Phương", "Long", "Mai", "Tuấn", "Linh",
         "Khoa", "Trang", "Vinh", "Thảo", "Cường", "Yến"]
TOPICS = ["education", "health care", "climate change adaptation", "vocational training", "clean water",
          "disability support", "heritage conservation", "tourism promotion", "agriculture", "youth exchange",
          "unexploded ordnance clearance", "Agent Orange victims", "women's empowerment", "scholarships",
          "renewable energy", "digital skills", "disaster relief", "child nutrition", "cultural exchange",
          "language teaching"]
TOPICS_VI = ["giáo dục", "y tế", "thích ứng biến đổi khí hậu", "đào tạo nghề", "nước sạch", "hỗ trợ người khuyết tật",
             "bảo tồn di sản", "quảng bá du lịch", "nông nghiệp", "giao lưu thanh niên", "rà phá bom mìn",
             "hỗ trợ nạn nhân chất độc da cam", "bình đẳng giới", "học bổng", "năng lượng tái tạo", "kỹ năng số",
             "cứu trợ thiên tai", "dinh dưỡng trẻ em", "giao lưu văn hóa", "dạy ngoại ngữ"]
EVENTS = ["received a delegation of", "signed a memorandum of understanding with", "held a friendship meeting with",
          "organised a cultural exchange with", "welcomed volunteers from", "held talks with"]
EN_SENTENCES = [
    "The two sides reviewed cooperation in {topic} and agreed to expand exchanges between localities.",
    "{person}, Vice President of the {place} Union of Friendship Organisations, thanked the {demonym} friends for "
    "their support over the past {n} years.",
    "The delegation presented {money} USD to support {topic} projects in {place}.",
    "More than {n2} people took part in the activities, including students, teachers and veterans.",
    "According to the report, {n} projects in {topic} were completed in {year}, worth about {money} USD in total.",
    "The {country_fa} will organise a photo exhibition on the friendship between the two peoples in {month}.",
    "Speaking at the event, the Ambassador of {country} stressed the role of people-to-people diplomacy in "
    "deepening the partnership.",
    "Participants proposed new programmes on {topic} and {topic2} for the period {year} to {year2}.",
    "The association's members in {n} provinces collected donations for families affected by floods.",
    "Local authorities of {place} pledged to create favourable conditions for foreign non-governmental "
    "organisations working in {topic}.",
    "The programme also included a visit to a school, where the guests presented {n2} gifts to children.",
    "Delegates exchanged experience in mobilising resources for {topic} and agreed to meet again in {year2}.",
    "{person} said that the union had coordinated {n} delegations from {country} since the beginning of the year.",
    "The visit took place on the occasion of the {n}th anniversary of diplomatic relations between Viet Nam and "
    "{country}.",
    "Young volunteers from {country} spent {n} days working with farmers in {place} on {topic}.",
    "A seminar on {topic} gathered {n2} experts, officials and representatives of friendship associations.",
    "The guests expressed their wish to strengthen ties with {place} in {topic2} and {topic}.",
    "The two organisations agreed to exchange information regularly and to review the agreement every year.",
]
VI_SENTENCES = [
    "Hai bên đã trao đổi về kết quả hợp tác trong lĩnh vực {topic} và thống nhất mở rộng giao lưu giữa các địa "
    "phương.",
    "Ông {person}, Phó Chủ tịch Liên hiệp các tổ chức hữu nghị {place}, cảm ơn bạn bè {country} đã ủng hộ trong "
    "{n} năm qua.",
    "Đoàn đã trao tặng {money} triệu đồng hỗ trợ các dự án {topic} tại {place}.",
    "Hơn {n2} người đã tham gia các hoạt động, gồm học sinh, giáo viên và cựu chiến binh.",
    "Theo báo cáo, năm {year} đã có {n} dự án về {topic} được hoàn thành với tổng trị giá khoảng {money} triệu đồng.",
    "Hội hữu nghị Việt Nam - {country} sẽ tổ chức triển lãm ảnh về tình hữu nghị giữa nhân dân hai nước.",
    "Phát biểu tại buổi lễ, Đại sứ {country} nhấn mạnh vai trò của đối ngoại nhân dân trong việc làm sâu sắc "
    "quan hệ hai nước.",
    "Các đại biểu đề xuất chương trình mới về {topic} và {topic2} giai đoạn {year} - {year2}.",
    "Hội viên tại {n} tỉnh, thành phố đã quyên góp ủng hộ các gia đình bị ảnh hưởng bởi lũ lụt.",
    "Chính quyền {place} cam kết tạo điều kiện thuận lợi cho các tổ chức phi chính phủ nước ngoài hoạt động trong "
    "lĩnh vực {topic}.",
    "Đoàn cũng đã đến thăm một trường học và trao {n2} phần quà cho các em học sinh.",
    "Các đại biểu chia sẻ kinh nghiệm vận động nguồn lực cho {topic} và hẹn gặp lại vào năm {year2}.",
    "Thanh niên tình nguyện {country} đã làm việc {n} ngày cùng nông dân {place} về {topic}.",
    "Hội thảo về {topic} thu hút {n2} chuyên gia, cán bộ và đại diện các hội hữu nghị.",
]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _fill(template: str, rng: random.Random, ctx: dict, vi: bool) -> str:
    topics = TOPICS_VI if vi else TOPICS
    year = rng.randint(2018, 2026)
    values = dict(ctx, topic=rng.choice(topics), topic2=rng.choice(topics), n=rng.randint(2, 60),
                  n2=rng.randint(20, 900), money=f"{rng.randint(5, 900)},{rng.randint(0, 999):03d}" if not vi
                  else str(rng.randint(50, 5000)), year=year, year2=year + rng.randint(1, 5),
                  month=rng.choice(["March", "May", "August", "October", "December"]), person=_person(rng),
                  place=rng.choice(PLACES)[1 if vi else 0])
    return template.format(**values)


def make_article(i: int, seed: int = 7, words: int = 500) -> dict:
    rng = random.Random(seed * 1_000_003 + i)
    vi = rng.random() < 0.25
    country = rng.choice(COUNTRIES)
    place = rng.choice(PLACES)
    date = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 8 * 365))
    lead_person = _person(rng)
    ctx = {"country": country[1] if vi else country[0], "demonym": country[3],
           "country_fa": f"Viet Nam – {country[0].replace('the ', '')} Friendship Association"}
    if vi:
        title = f"{place[1]}: giao lưu hữu nghị với bạn bè {country[1]} ({i})"
        lead = (f"{place[1]}, ngày {date.day}/{date.month}/{date.year} — Liên hiệp các tổ chức hữu nghị {place[1]} "
                f"đã tiếp đoàn đại biểu Hội hữu nghị {country[1]} - Việt Nam do ông {lead_person} dẫn đầu.")
        pool = VI_SENTENCES
    else:
        title = f"{place[0]} and {country[3]} friends {rng.choice(['deepen', 'renew', 'celebrate', 'review'])} ties ({i})"
        lead = (f"{place[0]}, {date.day} {date:%B} {date.year} — The {place[0]} Union of Friendship Organisations "
                f"{rng.choice(EVENTS)} the {country[0].replace('the ', '').title() if False else country[0]} – "
                f"Viet Nam Friendship Association led by {lead_person}.")
        pool = EN_SENTENCES
    sentences = [lead]
    count = len(lead.split())
    while count < words:
        sentence = _fill(rng.choice(pool), rng, ctx, vi)
        sentences.append(sentence)
        count += len(sentence.split())
    paragraphs, para = [], []
    for s in sentences:
        para.append(s)
        if len(para) >= rng.randint(3, 5):
            paragraphs.append(" ".join(para))
            para = []
    if para:
        paragraphs.append(" ".join(para))
    return {"title": title, "text": title + "\n\n" + "\n\n".join(paragraphs), "date": date, "lang": "vi" if vi else "en",
            "iso2": country[2], "place": place[0]}


# ---------------------------------------------------------------- child: one database

def child_setup(database_url: str | None, var: str) -> None:
    os.environ["AMITY_VAR_DIR"] = var
    os.environ.pop("CELERY_BROKER_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amity.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def child_ingest(n: int, n_hooks: int) -> dict:
    from django.db import connection
    from django.db.models import Count

    from amity.intake import pipeline
    from amity.intake.models import Document
    from amity.partners.reference import load_reference

    load_reference()
    hooks = list(pipeline.POST_EXTRACT_HOOKS)

    def corpus(start: int, count: int) -> tuple[Path, int]:
        folder = Path(tempfile.mkdtemp(prefix="amity-bench-in-"))
        words = 0
        for i in range(start, start + count):
            art = make_article(i)
            words += len(art["text"].split())
            (folder / f"{i:06d}.txt").write_text(art["text"], encoding="utf-8")
        return folder, words

    def timed_run(folder: Path) -> tuple[float, float, object]:
        start, cpu0 = time.perf_counter(), time.process_time()
        run = pipeline.execute_run(pipeline.create_run(paths=[folder]))
        return time.perf_counter() - start, time.process_time() - cpu0, run

    pipeline.execute_run(pipeline.create_run(texts=[make_article(10**6)["text"]]))  # warm up (gazetteer load)
    # 1. the intake pipeline alone (no post-extract hooks)
    pipeline.POST_EXTRACT_HOOKS[:] = []
    folder, words = corpus(0, n)
    elapsed, cpu, run = timed_run(folder)
    out = {"vendor": connection.vendor, "docs": n, "avg_words": round(words / n), "seconds": round(elapsed, 2),
           "docs_per_s": round(n / elapsed, 1), "cpu_seconds": round(cpu, 2), "docs_per_cpu_s": round(n / cpu, 1),
           "added": run.added, "skipped": run.skipped, "failed": run.failed}
    # 2. the whole pipeline with the registered hooks (suggestions), on new documents
    pipeline.POST_EXTRACT_HOOKS[:] = hooks
    if hooks and n_hooks:
        folder, _ = corpus(n, n_hooks)
        elapsed, cpu, run = timed_run(folder)
        out["hooks"] = [getattr(h, "__module__", "") + "." + getattr(h, "__qualname__", repr(h)) for h in hooks]
        out["with_hooks"] = {"docs": n_hooks, "seconds": round(elapsed, 2), "docs_per_s": round(n_hooks / elapsed, 1),
                             "cpu_seconds": round(cpu, 2), "docs_per_cpu_s": round(n_hooks / cpu, 1),
                             "added": run.added, "failed": run.failed}
    out["statuses"] = dict(Document.objects.values_list("status").annotate(n=Count("id")))
    return out


QUERIES = [
    ("word", "friendship"), ("word", "scholarships"), ("rare word", "mozambican"), ("two words", "cuba donation"),
    ("phrase", '"union of friendship organisations"'), ("phrase", '"agent orange victims"'), ("prefix", "volunt*"),
    ("prefix", "heri*"), ("vi diacritics", "hữu nghị"), ("vi folded", "huu nghi"), ("vi phrase", '"đà nẵng"'),
    ("mixed", "japanese heritage hue"), ("name", "nguyen van hung"), ("syntax", 'NEAR("a" *) OR ('),
    ("three words", "clean water dong thap"), ("no hit", "zzyzx"),
]


def child_search(n: int, repeats: int) -> dict:
    from django.db import connection, transaction

    from amity.intake.models import Document, DocumentMention, DocumentStatus
    from amity.intake.search import Filters, get_backend, search

    backend = get_backend()
    rng = random.Random(11)
    load_start = time.perf_counter()
    batch = 2000
    for start in range(0, n, batch):
        arts = [make_article(i, seed=3) for i in range(start, min(n, start + batch))]
        with transaction.atomic():
            docs = Document.objects.bulk_create([
                Document(sha256=f"{i:064x}", blob_path="", title=a["title"], text=a["text"], date=a["date"],
                         language=a["lang"], status=DocumentStatus.DONE, size=len(a["text"]))
                for i, a in zip(range(start, start + len(arts)), arts, strict=True)
            ])
            if connection.vendor == "sqlite" or not docs[0].pk:
                ids = dict(Document.objects.filter(sha256__in=[d.sha256 for d in docs]).values_list("sha256", "id"))
                for d in docs:
                    d.pk = ids[d.sha256]
            for d in docs:
                backend.index(d)
            DocumentMention.objects.bulk_create(
                [DocumentMention(document=d, kind="country", name=a["iso2"]) for d, a in zip(docs, arts, strict=True)]
                + [DocumentMention(document=d, kind="event", name=rng.choice(["visit", "donation", "agreement"]))
                   for d in docs])
        if start and start % 20000 == 0:
            print(f"  {connection.vendor}: {start} documents loaded", file=sys.stderr, flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE intake_document_fts")
            cur.execute("VACUUM ANALYZE intake_document")
            cur.execute("VACUUM ANALYZE intake_documentmention")
    else:
        with connection.cursor() as cur:
            cur.execute("INSERT INTO intake_document_fts(intake_document_fts) VALUES ('optimize')")
            cur.execute("ANALYZE")
    load_seconds = time.perf_counter() - load_start

    def timed(fn) -> list[float]:
        out = []
        for _ in range(repeats):
            for _label, q in QUERIES:
                t = time.perf_counter()
                fn(q)
                out.append((time.perf_counter() - t) * 1000)
        return out

    for _label, q in QUERIES:  # warm caches
        search(q, facets=False)
    plain = timed(lambda q: search(q, facets=False))
    by_date = timed(lambda q: search(q, sort="date", facets=False))
    filtered = timed(lambda q: search(q, Filters(country="JP", date_from=dt.date(2020, 1, 1)), facets=False))
    faceted = timed(lambda q: search(q, facets=True))
    per_query = {}
    for label, q in QUERIES:
        t = time.perf_counter()
        result = search(q, facets=False)
        per_query[q] = {"kind": label, "ms": round((time.perf_counter() - t) * 1000, 1), "total": result.total,
                        "exact": getattr(result, "total_exact", True)}

    def stats(values):
        values = sorted(values)
        return {"p50": round(statistics.median(values), 1), "p95": round(values[int(len(values) * 0.95) - 1], 1),
                "max": round(values[-1], 1)}

    size = backend.size_bytes()
    db_size = None
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_database_size(current_database())")
            db_size = cur.fetchone()[0]
    if connection.vendor == "sqlite":
        db_size = Path(connection.settings_dict["NAME"]).stat().st_size
    return {"vendor": connection.vendor, "docs": n, "load_seconds": round(load_seconds, 1),
            "relevance": stats(plain), "date_sort": stats(by_date), "filtered": stats(filtered),
            "with_facets": stats(faceted), "index_bytes": size, "database_bytes": db_size, "queries": per_query}


def child_main(args) -> None:
    var = tempfile.mkdtemp(prefix="amity-bench-var-")
    child_setup(args.database_url or None, var)
    out = child_ingest(args.docs, args.hook_docs) if args.phase == "ingest" else \
        child_search(args.search_docs, args.repeats)
    print("RESULT " + json.dumps(out))


# ---------------------------------------------------------------- parent

def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(sql)


def run_child(db: str, phase: str, args) -> dict:
    cmd = [sys.executable, __file__, "--child", phase, "--docs", str(args.docs), "--hook-docs", str(args.hook_docs),
           "--search-docs",
           str(args.search_docs), "--repeats", str(args.repeats)]
    if db == "postgresql":
        pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
        pg_admin(f"CREATE DATABASE {PG_DB}")
        cmd += ["--database-url", PG_URL.rsplit("/", 1)[0] + "/" + PG_DB]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    finally:
        if db == "postgresql":
            pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode or not lines:
        raise SystemExit(f"{db} {phase} failed:\n{proc.stderr[-4000:]}")
    return json.loads(lines[-1][7:])


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    return (f"{os.cpu_count()} cores ({cpu or platform.processor()}), Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, {platform.platform()}")


def section(report: dict) -> str:
    lines = ["## Intake", "",
             f"Command: `.venv/bin/python bench/bench_intake.py --update-docs` (`make bench-intake`); "
             f"machine: {report['machine']}; measured {report['when']} "
             f"(load average at start: {report.get('load_at_start', '?')}).", ""]
    lines += ["### End-to-end ingestion (one process, one core)", "",
              "Synthetic ~500-word articles (75% English, 25% Vietnamese) written as .txt files in a folder and "
              "ingested by `execute_run` exactly as `amity ingest FOLDER` does: read, SHA-256, content-addressed "
              "storage, text, language, MinHash near-duplicate check, extraction engine, entity linking against the "
              "reference data, search indexing, run/item records.", "",
              "Docs/s is wall-clock; docs per CPU-second (process CPU time) is what one dedicated core does "
              "(the machine may be shared: see the load note). \"With hooks\" adds the post-extract hooks other "
              "apps register (the suggestions queue), on further new documents.", "",
              "| Database | Documents | Avg words | Seconds | Docs/s (wall) | Docs per CPU-second | "
              "With hooks: docs/s (wall) / per CPU-s | Added / skipped / failed |",
              "|---|---:|---:|---:|---:|---:|---|---|"]
    for r in report.get("ingest", []):
        wh = r.get("with_hooks")
        hooks = f"{wh['docs_per_s']} / {wh['docs_per_cpu_s']} ({wh['docs']} docs)" if wh else "no hooks registered"
        lines.append(f"| {r['vendor']} | {r['docs']} | {r['avg_words']} | {r['seconds']} | {r['docs_per_s']} | "
                     f"**{r['docs_per_cpu_s']}** | {hooks} | {r['added']} / {r['skipped']} / {r['failed']} |")
    lines += ["", "### Search latency", "",
              f"{report['search_docs']:,} documents of the same generator (stored and indexed as by the pipeline; "
              "extraction not run on each, mentions for facets generated), a fixed mix of "
              f"{len(QUERIES)} queries (words, phrases, prefixes, Vietnamese with and without diacritics, FTS syntax) "
              f"× {report['repeats']} repetitions; time of `search()` = top 20 + total count, in milliseconds.", "",
              "| Database | Relevance p50 / p95 / max | Date sort p50 / p95 | Filtered (country + date) p50 / p95 | "
              "With facets p50 / p95 | FTS index | Whole database |",
              "|---|---|---|---|---|---:|---:|"]
    for r in report.get("search", []):
        idx = f"{r['index_bytes'] / 1048576:.0f} MB" if r.get("index_bytes") else "n/a"
        dbs = f"{r['database_bytes'] / 1048576:.0f} MB" if r.get("database_bytes") else "n/a"
        lines.append(
            f"| {r['vendor']} | {r['relevance']['p50']} / **{r['relevance']['p95']}** / {r['relevance']['max']} | "
            f"{r['date_sort']['p50']} / {r['date_sort']['p95']} | {r['filtered']['p50']} / {r['filtered']['p95']} | "
            f"{r['with_facets']['p50']} / {r['with_facets']['p95']} | {idx} | {dbs} |")
    slow = []
    for r in report.get("search", []):
        worst = sorted(r["queries"].items(), key=lambda kv: -kv[1]["ms"])[:3]
        slow.append(f"{r['vendor']}: " + ", ".join(f"`{q}` {v['ms']} ms ({'' if v.get('exact', True) else '~'}{v['total']:,} hits)" for q, v in worst))
    if slow:
        lines += ["", "Slowest single queries (relevance): " + "; ".join(slow) + "."]
    notes = report.get("notes")
    if notes:
        lines += ["", notes]
    return "\n".join(lines) + "\n"


def update_docs(text: str) -> None:
    content = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n\n"
    pattern = re.compile(r"^## Intake\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(content):
        content = pattern.sub(lambda m: text + "\n", content)
    else:
        content = content.rstrip("\n") + "\n\n" + text
    DOCS.write_text(content, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="documents ingested end to end per database")
    parser.add_argument("--hook-docs", type=int, default=200,
                        help="documents ingested with the post-extract hooks (suggestions) registered")
    parser.add_argument("--search-docs", type=int, default=100_000, help="documents in the search benchmark")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--dbs", default="sqlite,postgresql")
    parser.add_argument("--skip", default="", help="ingest or search: skip that phase")
    parser.add_argument("--update-docs", action="store_true")
    parser.add_argument("--json", default=str(RESULTS))
    parser.add_argument("--notes", default="", help="a paragraph appended to the docs section")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.phase = args.child
        child_main(args)
        return
    dbs = [d.strip() for d in args.dbs.split(",") if d.strip()]
    if "postgresql" in dbs:
        try:
            pg_admin("SELECT 1")
        except Exception as exc:
            print(f"PostgreSQL not reachable at {PG_URL} ({exc}); PostgreSQL skipped", file=sys.stderr)
            dbs.remove("postgresql")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    report = {"machine": machine(), "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
              "load_at_start": round(load, 1),
              "search_docs": args.search_docs, "repeats": args.repeats, "ingest": [], "search": [],
              "notes": args.notes}
    for db in dbs:
        if args.skip != "ingest":
            print(f"{db}: ingesting {args.docs} documents end to end …", file=sys.stderr, flush=True)
            r = run_child(db, "ingest", args)
            print(f"  {r['docs_per_s']} docs/s ({r['seconds']} s)", file=sys.stderr, flush=True)
            report["ingest"].append(r)
        if args.skip != "search":
            print(f"{db}: loading {args.search_docs} documents for search …", file=sys.stderr, flush=True)
            r = run_child(db, "search", args)
            print(f"  p50 {r['relevance']['p50']} ms, p95 {r['relevance']['p95']} ms", file=sys.stderr, flush=True)
            report["search"].append(r)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    text = section(report)
    print(text)
    if args.update_docs:
        update_docs(text)


if __name__ == "__main__":
    main()
