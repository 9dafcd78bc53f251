"""Benchmark of the intake pipeline and document search, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_intake.py [--docs 2000] [--search-docs 100000] [--dbs sqlite,postgresql]
                                           [--update-docs] [--json PATH]          # make bench-intake
    # search only, on databases loaded once and kept (SQLite file under DIR, PostgreSQL amity_bench_search_<N>):
    .venv/bin/python bench/bench_intake.py --skip ingest --search-docs 1000000 --keep-db DIR --search-phase load
    .venv/bin/python bench/bench_intake.py --skip ingest --search-docs 1000000 --keep-db DIR --search-phase measure \
                                           --json /tmp/search.json

1. Ingestion: a synthetic corpus of ~500-word articles (English and Vietnamese, generated below from article
   templates with random places, organisations, people, figures) is written to a folder as .txt files and
   ingested end to end by the real pipeline in one process (one core): read, SHA-256 and content-addressed
   storage, text, language, near-duplicate check, extraction, entity linking, search indexing, run/item records.
   Reported as documents/second, on a fresh database of each kind.
2. Search: the same generator fills the database with ``--search-docs`` documents (stored and indexed exactly
   as the pipeline does, but without running the extraction engine on each, which would take ~20 minutes per
   100k; mentions for facets are generated with them), then times a fixed mix of queries (words, phrases,
   prefixes, Vietnamese with and without diacritics, filters, date sort): p50/p95/max latency of
   ``amity.intake.search.search`` (top 20 + total count), with and without facets, and the index size; also
   browsing without words (the document list as it opens, with filters, page 5). The loader indexes each batch
   of 2,000 through the back end's ``index_many`` (the rows the pipeline writes); on PostgreSQL the GIN index is
   built once after the load with the migration's statement.

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


def make_article(i: int, seed: int = 7, words: int = 500, recent: dt.date | None = None) -> dict:
    """One synthetic article. Dated at random over 2018-2025 (an archive: the search corpus), or with ``recent``
    within the 30 days up to that day (news as a monitor ingests it: the ingestion corpus)."""
    rng = random.Random(seed * 1_000_003 + i)
    vi = rng.random() < 0.25
    country = rng.choice(COUNTRIES)
    place = rng.choice(PLACES)
    date = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 8 * 365))
    if recent is not None:
        date = recent - dt.timedelta(days=date.toordinal() % 30)
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


def _server_cpu(connection) -> tuple[float, float] | None:
    """(CPU seconds of this connection's PostgreSQL backend, of all postgres processes) from /proc, when the
    server runs on this machine; None otherwise."""
    if connection.vendor != "postgresql":
        return None
    tick = os.sysconf("SC_CLK_TCK")

    def cpu(pid) -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

    try:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            backend = cur.fetchone()[0]
        mine = cpu(backend)
        total = 0.0
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if (entry / "comm").read_text().strip().startswith("postgres"):
                        total += cpu(entry.name)
                except OSError:
                    continue
        return mine, total
    except (OSError, ValueError, IndexError):
        return None


def child_ingest(n: int, n_pipeline: int) -> dict:
    """The main figure: ``n`` new documents ingested with every registered post-extract hook (suggestions,
    watchlist alerts, signals), i.e. end to end. Secondary: ``n_pipeline`` further documents with the hooks
    removed ("pipeline only"). DEBUG is off, as in production (DEBUG on logs every SQL query)."""
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count

    from amity.intake import pipeline
    from amity.intake.models import Document
    from amity.partners.reference import load_reference

    settings.DEBUG = False
    load_reference()
    hooks = list(pipeline.POST_EXTRACT_HOOKS)

    def corpus(start: int, count: int) -> tuple[Path, int]:
        folder = Path(tempfile.mkdtemp(prefix="amity-bench-in-"))
        words = 0
        today = dt.date.today()
        for i in range(start, start + count):
            art = make_article(i, recent=today)  # news of the last 30 days: early signals are evaluated
            words += len(art["text"].split())
            (folder / f"{i:06d}.txt").write_text(art["text"], encoding="utf-8")
        return folder, words

    def timed_run(folder: Path, count: int) -> dict:
        server0 = _server_cpu(connection)
        start, cpu0 = time.perf_counter(), time.process_time()
        profile_to = os.environ.get("AMITY_BENCH_PROFILE")  # a file: cProfile the timed run into it
        if profile_to:
            import cProfile

            with cProfile.Profile() as prof:
                run = pipeline.execute_run(pipeline.create_run(paths=[folder]))
            prof.dump_stats(f"{profile_to}.{connection.vendor}")
        else:
            run = pipeline.execute_run(pipeline.create_run(paths=[folder]))
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu0
        out = {"docs": count, "seconds": round(elapsed, 2), "docs_per_s": round(count / elapsed, 1),
               "cpu_seconds": round(cpu, 2), "docs_per_cpu_s": round(count / cpu, 1), "added": run.added,
               "skipped": run.skipped, "failed": run.failed}
        server1 = _server_cpu(connection)
        if server0 and server1:
            backend, every = server1[0] - server0[0], server1[1] - server0[1]
            out.update(server_cpu_seconds=round(backend, 2), all_postgres_cpu_seconds=round(every, 2),
                       docs_per_cpu_s_with_server=round(count / (cpu + backend), 1))
        return out

    stages = _stage_timers(pipeline) if os.environ.get("AMITY_BENCH_STAGES") else None
    pipeline.execute_run(pipeline.create_run(texts=[make_article(10**6)["text"]]))  # warm up (gazetteer load)
    # 0. calibration: the extraction engine alone on 200 of the articles (how fast this core is right now)
    from amity.intake import engine

    sample = [engine.normalize_text(make_article(10**6 + i)["text"]) for i in range(200)]
    cpu0 = time.process_time()
    for text in sample:
        engine.extract(text)
    engine_ms = (time.process_time() - cpu0) * 1000 / len(sample)
    # 1. end to end: the pipeline and every registered post-extract hook, on a fresh database
    folder, words = corpus(0, n)
    main = timed_run(folder, n)
    out = {"vendor": connection.vendor, "avg_words": round(words / n), **main,
           "engine_cpu_ms_per_doc": round(engine_ms, 2), "cpu_ms_per_doc": round(main["cpu_seconds"] * 1000 / n, 2),
           "hooks": [getattr(h, "__module__", "") + "." + getattr(h, "__qualname__", repr(h)) for h in hooks],
           "with_hooks": dict(main)}  # the same figures, for readers of the older report layout
    if stages is not None:
        out["stages_cpu_ms_per_doc"] = {name: round(sec * 1000 / n, 2) for name, sec in stages.items()}
        stages.clear()
    # 2. secondary: the intake pipeline alone (hooks removed), on further new documents
    if n_pipeline:
        pipeline.POST_EXTRACT_HOOKS[:] = []
        try:
            folder, _ = corpus(n, n_pipeline)
            out["pipeline_only"] = timed_run(folder, n_pipeline)
        finally:
            pipeline.POST_EXTRACT_HOOKS[:] = hooks
    out["statuses"] = dict(Document.objects.values_list("status").annotate(n=Count("id")))
    return out


QUERIES = [
    ("word", "friendship"), ("word", "scholarships"), ("rare word", "mozambican"), ("two words", "cuba donation"),
    ("phrase", '"union of friendship organisations"'), ("phrase", '"agent orange victims"'), ("prefix", "volunt*"),
    ("prefix", "heri*"), ("vi diacritics", "hữu nghị"), ("vi folded", "huu nghi"), ("vi phrase", '"đà nẵng"'),
    ("mixed", "japanese heritage hue"), ("name", "nguyen van hung"), ("syntax", 'NEAR("a" *) OR ('),
    ("three words", "clean water dong thap"), ("no hit", "zzyzx"),
]


def child_load(n: int, keep: Path | None = None) -> dict:
    """Fill the database with ``n`` generated documents (resuming a kept one), indexed through the back end's
    ``index_many`` exactly as the pipeline indexes a batch (same rows, same keys); on PostgreSQL the GIN index is
    dropped during the load and created again after it with the migration's statement (one build instead of
    millions of pending-list inserts), then VACUUM ANALYZE; on SQLite FTS5 'optimize' and ANALYZE."""
    from django.db import connection, transaction

    from amity.intake.models import Document, DocumentMention, DocumentStatus
    from amity.intake.search import get_backend

    backend = get_backend()
    pg = connection.vendor == "postgresql"
    rng = random.Random(11)
    load_start = time.perf_counter()
    have = Document.objects.count()
    if have >= n:
        print(f"  {connection.vendor}: {have} documents already loaded", file=sys.stderr, flush=True)
        return {"vendor": connection.vendor, "docs": have, "load_seconds": None}
    with connection.cursor() as cur:
        if pg:
            cur.execute("SET synchronous_commit = off")
            cur.execute("DROP INDEX IF EXISTS intake_document_fts_tsv")
        else:
            cur.execute("PRAGMA synchronous = OFF")
    batch = 2000
    for start in range(have, n, batch):
        arts = [make_article(i, seed=3) for i in range(start, min(n, start + batch))]
        with transaction.atomic():
            docs = Document.objects.bulk_create([
                Document(sha256=f"{i:064x}", blob_path="", title=a["title"], text=a["text"], date=a["date"],
                         language=a["lang"], status=DocumentStatus.DONE, size=len(a["text"]))
                for i, a in zip(range(start, start + len(arts)), arts, strict=True)
            ])
            if not docs[0].pk:
                ids = dict(Document.objects.filter(sha256__in=[d.sha256 for d in docs]).values_list("sha256", "id"))
                for d in docs:
                    d.pk = ids[d.sha256]
            backend.index_many(docs)
            DocumentMention.objects.bulk_create(
                [DocumentMention(document=d, kind="country", name=a["iso2"]) for d, a in zip(docs, arts, strict=True)]
                + [DocumentMention(document=d, kind="event", name=rng.choice(["visit", "donation", "agreement"]))
                   for d in docs])
            backend.refresh_filter_keys([d.pk for d in docs])  # as linking does after writing mentions
        done = start + len(arts)
        if done % 20000 == 0 or done == n:
            spent = time.perf_counter() - load_start
            rate = (done - have) / spent
            print(f"  {connection.vendor}: {done} documents loaded, {rate:.0f} docs/s, {spent / 60:.1f} min, "
                  f"~{(n - done) / rate / 60:.0f} min to go", file=sys.stderr, flush=True)
    steps = {}
    with connection.cursor() as cur:
        t = time.perf_counter()
        if pg:
            import importlib

            gin = importlib.import_module("amity.intake.migrations.0006_fts_filter_keys").GIN  # the same index
            cur.execute("SET maintenance_work_mem = '1GB'")
            cur.execute(gin)
            steps["gin_index_seconds"] = round(time.perf_counter() - t, 1)
            print(f"  postgresql: GIN index built in {steps['gin_index_seconds']} s", file=sys.stderr, flush=True)
            t = time.perf_counter()
            for table in ("intake_document_fts", "intake_document", "intake_documentmention"):
                cur.execute(f"VACUUM ANALYZE {table}")
            steps["vacuum_seconds"] = round(time.perf_counter() - t, 1)
        else:
            cur.execute("INSERT INTO intake_document_fts(intake_document_fts) VALUES ('optimize')")
            steps["optimize_seconds"] = round(time.perf_counter() - t, 1)
            print(f"  sqlite: FTS5 optimize in {steps['optimize_seconds']} s", file=sys.stderr, flush=True)
            cur.execute("ANALYZE")
    out = {"vendor": connection.vendor, "docs": n, "loaded_now": n - have,
           "load_seconds": round(time.perf_counter() - load_start, 1), **steps, **sizes(backend),
           "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")}
    if keep:
        (keep / f"load-{connection.vendor}-{n}.json").write_text(json.dumps(out, indent=1))
    return out


def sizes(backend) -> dict:
    from django.db import connection

    db_size = None
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_database_size(current_database())")
            db_size = cur.fetchone()[0]
    if connection.vendor == "sqlite":
        db_size = Path(connection.settings_dict["NAME"]).stat().st_size
    return {"index_bytes": backend.size_bytes(), "database_bytes": db_size}


def child_measure(n: int, repeats: int, keep: Path | None = None) -> dict:
    """Time every kind of search the document list page and the global search run: relevance (global search, API
    of the page without facets), the page itself (relevance + facets), date sort, filters (country + date),
    browsing without words (date order + facets, as the page opens), browsing with a filter."""
    from django.db import connection

    from amity.intake.models import Document
    from amity.intake.search import Filters, get_backend, search

    backend = get_backend()
    docs = Document.objects.count()
    country = Filters(country="JP", date_from=dt.date(2020, 1, 1))
    kinds = {
        "relevance": lambda q: search(q, facets=False),
        "date_sort": lambda q: search(q, sort="date", facets=False),
        "filtered": lambda q: search(q, country, facets=False),
        "with_facets": lambda q: search(q, facets=True),
        "filtered_facets": lambda q: search(q, country, sort="date", facets=True),
    }
    browse = {  # no words: the page as it opens, and with filters
        "browse": lambda: search("", sort="date", facets=True),
        "browse_filtered": lambda: search("", Filters(country="JP", language="en"), sort="date", facets=True),
        "browse_page_5": lambda: search("", sort="date", facets=True, offset=80, limit=20),
    }
    for _label, q in QUERIES:  # warm caches
        search(q, facets=False)
    out = {"vendor": connection.vendor, "docs": docs, "repeats": repeats,
           "load_average": round(os.getloadavg()[0], 2),
           "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")}
    cpu0 = time.process_time()
    for name, fn in kinds.items():
        values = []
        for _ in range(repeats):
            for _label, q in QUERIES:
                t = time.perf_counter()
                fn(q)
                values.append((time.perf_counter() - t) * 1000)
        out[name] = stats(values)
        print(f"  {connection.vendor}: {name} p50 {out[name]['p50']} p95 {out[name]['p95']} ms",
              file=sys.stderr, flush=True)
    for name, fn in browse.items():
        values = []
        for _ in range(repeats * 4):
            t = time.perf_counter()
            fn()
            values.append((time.perf_counter() - t) * 1000)
        out[name] = stats(values)
        print(f"  {connection.vendor}: {name} p50 {out[name]['p50']} p95 {out[name]['p95']} ms",
              file=sys.stderr, flush=True)
    out["process_cpu_seconds"] = round(time.process_time() - cpu0, 1)
    per_query = {}
    for label, q in QUERIES:
        t = time.perf_counter()
        result = search(q, facets=False)
        per_query[q] = {"kind": label, "ms": round((time.perf_counter() - t) * 1000, 1), "total": result.total,
                        "exact": getattr(result, "total_exact", True)}
    out["queries"] = per_query
    out.update(sizes(backend))
    load = keep / f"load-{connection.vendor}-{n}.json" if keep else None
    if load and load.exists():
        out["load"] = json.loads(load.read_text())
    out["load_average_end"] = round(os.getloadavg()[0], 2)
    return out


def stats(values: list[float]) -> dict:
    values = sorted(values)
    return {"p50": round(statistics.median(values), 1), "p95": round(values[max(0, int(len(values) * 0.95) - 1)], 1),
            "max": round(values[-1], 1)}


def child_search(n: int, repeats: int, phase: str = "all", keep: Path | None = None) -> dict:
    out = {}
    if phase in ("all", "load"):
        out = child_load(n, keep)
        if phase == "load":
            return out
    measured = child_measure(n, repeats, keep)
    if out:
        measured["load_seconds"] = out.get("load_seconds")
    elif "load" in measured:
        measured["load_seconds"] = measured["load"].get("load_seconds")
    return measured


def child_main(args) -> None:
    keep = Path(args.keep_db).resolve() if args.keep_db else None
    if keep and args.phase == "search":
        var = keep / "sqlite-var"
        var.mkdir(parents=True, exist_ok=True)
    else:
        var = Path(tempfile.mkdtemp(prefix="amity-bench-var-"))
    child_setup(args.database_url or None, str(var))
    out = child_ingest(args.docs, args.hook_docs) if args.phase == "ingest" else \
        child_search(args.search_docs, args.repeats, args.search_phase, keep)
    print("RESULT " + json.dumps(out))


# ---------------------------------------------------------------- parent

def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(sql)


def kept_pg_db(args) -> str:
    return f"amity_bench_search_{args.search_docs}"


def _stage_timers(pipeline) -> dict:
    """AMITY_BENCH_STAGES=1: process CPU seconds spent inside each pipeline step and hook (inclusive), reset
    after the warm-up; reported per document of the main run."""
    from amity.intake import engine

    totals: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            t0 = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                totals[name] = totals.get(name, 0.0) + time.process_time() - t0
        wrapper.__wrapped__ = fn
        return wrapper

    for name in ("store_items", "text_batch", "link_batch", "hooks_batch", "minhash", "_prepare_text"):
        setattr(pipeline, name, timed(name, getattr(pipeline, name)))
    pipeline.engine.extract = timed("engine.extract", engine.extract)
    for i, hook in enumerate(pipeline.POST_EXTRACT_HOOKS):
        label = getattr(hook, "__module__", "").rsplit(".", 1)[-1] + "." + getattr(hook, "__name__", str(i))
        batch = getattr(hook, "batch", None)
        hook_wrapper = timed(label, hook)
        if batch is not None:
            hook_wrapper.batch = timed(label, batch)
        pipeline.POST_EXTRACT_HOOKS[i] = hook_wrapper
    return totals


def run_child(db: str, phase: str, args) -> dict:
    cmd = [sys.executable, __file__, "--child", phase, "--docs", str(args.docs), "--hook-docs", str(args.hook_docs),
           "--search-docs",
           str(args.search_docs), "--repeats", str(args.repeats), "--search-phase", args.search_phase]
    keep = bool(args.keep_db) and phase == "search"
    if keep:
        cmd += ["--keep-db", args.keep_db]
    name = kept_pg_db(args) if keep else PG_DB
    if db == "postgresql":
        import psycopg

        with psycopg.connect(PG_URL, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not keep:
            pg_admin(f"DROP DATABASE IF EXISTS {name}")
        if not (keep and exists):
            pg_admin(f"CREATE DATABASE {name}")
        cmd += ["--database-url", PG_URL.rsplit("/", 1)[0] + "/" + name]
        if keep:
            print(f"  postgresql: kept database {name}", file=sys.stderr, flush=True)
    elif keep:
        print(f"  sqlite: kept database {Path(args.keep_db).resolve() / 'sqlite-var' / 'amity.sqlite3'}",
              file=sys.stderr, flush=True)
    try:
        # the child's progress lines go straight to our stderr; its RESULT line comes back on stdout
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=None if keep else subprocess.PIPE, text=True,
                              cwd=ROOT)
    finally:
        if db == "postgresql" and not keep:
            pg_admin(f"DROP DATABASE IF EXISTS {name}")
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode or not lines:
        raise SystemExit(f"{db} {phase} failed:\n{(proc.stderr or '')[-4000:]}")
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
                        help="further documents ingested with the post-extract hooks removed (secondary "
                             "'pipeline only' figure; the main figure always includes the hooks); 0: skip")
    parser.add_argument("--search-docs", type=int, default=100_000, help="documents in the search benchmark")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--dbs", default="sqlite,postgresql")
    parser.add_argument("--skip", default="", help="ingest or search: skip that phase")
    parser.add_argument("--update-docs", action="store_true")
    parser.add_argument("--json", default=str(RESULTS))
    parser.add_argument("--notes", default="", help="a paragraph appended to the docs section")
    parser.add_argument("--keep-db", default="", metavar="DIR",
                        help="search phase: keep its databases (SQLite: DIR/sqlite-var/amity.sqlite3; PostgreSQL: "
                             "database amity_bench_search_<search-docs>) and reuse them if they exist")
    parser.add_argument("--search-phase", default="all", choices=["all", "load", "measure"],
                        help="search phase: load the documents, measure on a loaded (kept) database, or both")
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
            if args.search_phase == "load":
                print(f"  loaded: {json.dumps(r)}", file=sys.stderr, flush=True)
                continue
            print(f"  p50 {r['relevance']['p50']} ms, p95 {r['relevance']['p95']} ms", file=sys.stderr, flush=True)
            report["search"].append(r)
    if not report["ingest"] and not report["search"]:  # --search-phase load: nothing measured
        return
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    text = section(report)
    print(text)
    if args.update_docs:
        update_docs(text)


if __name__ == "__main__":
    main()
