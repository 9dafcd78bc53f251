"""Benchmark of the extraction engine: quality on the annotated corpus, speed, memory, start-up,
and the same figures for a simple baseline (one regex over pycountry names).

    .venv/bin/python bench/bench_extract.py [--quick] [--update-docs] [--json PATH]

Quality: per-field precision / recall / F1 on tests/corpus/train and tests/corpus/heldout (matching
rules in bench/extract_quality.py; the document date from the annotation is passed, the language is
detected).  Speed: one core, one process: documents/second on ~500-word articles made from the
corpus texts, and MB/second on 1, 2 and 5 MB documents (linear = same MB/s).  Memory: peak resident
set (getrusage maxrss) of this process.  Start-up: import + gazetteer load in a fresh interpreter.
Writes bench/results/extract.json; with --update-docs rewrites the "## Extraction" section of
docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.extract_baseline import build as build_baseline  # noqa: E402
from bench.extract_quality import FIELDS, evaluate  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
SAMPLES = ROOT.parent / "shared" / "samples"
RESULTS = ROOT / "bench" / "results" / "extract.json"
DOCS = ROOT / "docs" / "BENCHMARKS.md"
COMMAND = ".venv/bin/python bench/bench_extract.py --update-docs   # make bench-extract"


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count()
    return {"nproc": nproc, "cpu": model or platform.processor(), "python": platform.python_version(),
            "platform": platform.platform()}


def article_texts(words_per_article: int = 500) -> list[str]:
    """~500-word articles cut from the corpus texts (train and heldout .txt, never annotations)
    and the shared samples; short texts are joined, long ones cut at a line break."""
    paths = sorted(CORPUS.glob("*/*.txt")) + (sorted(SAMPLES.glob("*.txt")) if SAMPLES.is_dir() else [])
    lines: list[str] = []
    for p in paths:
        lines.extend(p.read_text(encoding="utf-8").splitlines())
        lines.append("")
    out, cur, n = [], [], 0
    for line in lines:
        cur.append(line)
        n += len(line.split())
        if n >= words_per_article:
            out.append("\n".join(cur))
            cur, n = [], 0
    if cur and n > words_per_article // 2:
        out.append("\n".join(cur))
    return out


def big_text(articles: list[str], mb: float) -> str:
    target = int(mb * 1024 * 1024)
    parts, size, i = [], 0, 0
    while size < target:
        a = articles[i % len(articles)]
        parts.append(a)
        size += len(a.encode("utf-8")) + 2
        i += 1
    return "\n\n".join(parts)


def time_docs(fn, docs: list[str], min_seconds: float) -> dict:
    """Rates from this process's CPU time (one thread = one core): on a shared, loaded machine the
    wall clock also counts other people's work.  Wall-clock rates are kept beside them."""
    fn(docs[0])
    n, total_bytes = 0, 0
    start, cpu0 = time.perf_counter(), time.process_time()
    while True:
        for d in docs:
            fn(d)
            n += 1
            total_bytes += len(d.encode("utf-8"))
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            break
    cpu = time.process_time() - cpu0
    return {"documents": n, "cpu_seconds": round(cpu, 3), "wall_seconds": round(elapsed, 3),
            "docs_per_s": round(n / cpu, 1), "mb_per_s": round(total_bytes / cpu / 1048576, 3),
            "docs_per_s_wall": round(n / elapsed, 1)}


def time_big(fn, text: str, repeat: int) -> dict:
    size = len(text.encode("utf-8"))
    times, walls = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn(text)
        times.append(time.process_time() - c)
        walls.append(time.perf_counter() - t)
    best = min(times)
    return {"mb": round(size / 1048576, 2), "seconds": round(best, 3), "wall_seconds": round(min(walls), 3),
            "mb_per_s": round(size / best / 1048576, 3)}


STARTUP_ENGINE = ("import time; t=time.perf_counter(); "
                  "from amity.extract.pipeline import extract; from amity.extract.gazetteer import get_gazetteer; "
                  "get_gazetteer(); extract('VUFO met the Japanese delegation in Ha Noi.'); "
                  "print(time.perf_counter()-t)")
STARTUP_BASELINE = ("import time, sys; sys.path.insert(0, '.'); t=time.perf_counter(); "
                    "from bench.extract_baseline import build; f=build(); f('Japan'); print(time.perf_counter()-t)")


def startup(code: str, runs: int = 5) -> dict:
    inner, wall = [], []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        wall.append(time.perf_counter() - t)
        inner.append(float(r.stdout.strip().splitlines()[-1]))
    return {"import_and_load_s": round(statistics.median(inner), 3),
            "process_wall_s": round(statistics.median(wall), 3)}


def fmt_quality(q: dict) -> list[str]:
    rows = ["| split | docs | field | precision | recall | F1 | tp / fp / fn |", "|---|---|---|---|---|---|---|"]
    for split, res in q.items():
        for f in FIELDS:
            s = res["scores"][f]
            rows.append(f"| {split} | {res['documents']} | {f} | {s['precision']:.3f} | {s['recall']:.3f} | "
                        f"**{s['f1']:.3f}** | {s['tp']} / {s['fp']} / {s['fn']} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="shorter timings (for a smoke run)")
    ap.add_argument("--update-docs", action="store_true", help="rewrite the Extraction section of docs/BENCHMARKS.md")
    ap.add_argument("--json", default=str(RESULTS), help="where to write the machine-readable results")
    args = ap.parse_args(argv)
    min_s = 1.0 if args.quick else 4.0
    repeat = 1 if args.quick else 3

    # start-up first, in fresh interpreters (this process has not imported the engine yet)
    start_engine = startup(STARTUP_ENGINE, 3 if args.quick else 5)
    start_base = startup(STARTUP_BASELINE, 3 if args.quick else 5)

    from amity.extract.pipeline import extract

    baseline = build_baseline()

    def engine(text, *, date=None, lang=None):
        return extract(text, date=date, lang=lang, evidence=False)

    quality = {split: evaluate(CORPUS, split, engine) for split in ("train", "heldout")}
    quality_base = {split: evaluate(CORPUS, split, baseline) for split in ("train", "heldout")}
    for res in list(quality.values()) + list(quality_base.values()):
        res.pop("errors", None)

    articles = article_texts()
    words = statistics.mean(len(a.split()) for a in articles) if articles else 0
    speed = {"articles": len(articles), "mean_words": round(words),
             "engine": time_docs(lambda t: extract(t, evidence=False), articles, min_s),
             "baseline": time_docs(baseline, articles, min_s)}
    sizes = (1, 2, 5)
    big = {"engine": [], "baseline": []}
    for mb in sizes:
        text = big_text(articles, mb)
        big["engine"].append(time_big(lambda t: extract(t, evidence=False), text, repeat))
        big["baseline"].append(time_big(baseline, text, repeat))
        del text
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # Linux: KiB

    result = {"machine": machine(), "command": COMMAND, "date": time.strftime("%Y-%m-%d"),
              "load": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
              "quality": quality, "baseline_quality": quality_base, "speed": speed, "big": big,
              "startup": {"engine": start_engine, "baseline": start_base},
              "peak_rss_mb": round(peak_mb, 1)}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=1), encoding="utf-8")

    report = render(result)
    print(report)
    if args.update_docs:
        update_docs(report)
    return 0


def render(r: dict) -> str:
    m = r["machine"]
    e, b = r["speed"]["engine"], r["speed"]["baseline"]
    lines = [
        "## Extraction",
        "",
        f"Measured {r['date']} on {m['nproc']} core(s), {m['cpu']}, Python {m['python']}; one process, one core.",
        f"Reproduce: `{r['command']}` (results also in `bench/results/extract.json`).",
        "",
        "### Quality (annotated corpus; tuned on train only, heldout annotations never read)",
        "",
        "Matching: names diacritic-folded and fuzzy (rapidfuzz ratio >= 85, short acronyms exact; organisations",
        "by name or canonical); events by type + compatible date (both null, or equal at the coarser precision)",
        "+ one shared participant; money by currency + amount within 0.5 %; figures by value within 0.5 %.",
        "The document date of the annotation is passed; the language is detected.",
        "",
        *fmt_quality(r["quality"]),
        "",
        "Baseline (regex over pycountry English names) finds countries only:",
        "",
        "| split | countries P | R | F1 |", "|---|---|---|---|",
        *[f"| {s} | {q['scores']['countries']['precision']:.3f} | {q['scores']['countries']['recall']:.3f} | "
          f"{q['scores']['countries']['f1']:.3f} |" for s, q in r["baseline_quality"].items()],
        "",
        "### Speed, memory, start-up",
        "",
        f"Articles: {r['speed']['articles']} texts of ~{r['speed']['mean_words']} words cut from the corpus.",
        "",
        "| | engine | baseline |", "|---|---|---|",
        f"| articles / s (CPU time of the process) | {e['docs_per_s']} | {b['docs_per_s']} |",
        f"| articles / s (wall clock; machine shared, load {r['load']}) | {e['docs_per_s_wall']} | {b['docs_per_s_wall']} |",
        f"| MB / s on articles | {e['mb_per_s']} | {b['mb_per_s']} |",
        *[f"| {x['mb']} MB document (CPU s; wall s) | {x['seconds']} s; {x['wall_seconds']} s ({x['mb_per_s']} MB/s) "
          f"| {y['seconds']} s; {y['wall_seconds']} s ({y['mb_per_s']} MB/s) |"
          for x, y in zip(r["big"]["engine"], r["big"]["baseline"], strict=True)],
        f"| start-up: import + gazetteer load (fresh interpreter) | {r['startup']['engine']['import_and_load_s']} s "
        f"| {r['startup']['baseline']['import_and_load_s']} s |",
        f"| start-up: whole `python -c` process | {r['startup']['engine']['process_wall_s']} s "
        f"| {r['startup']['baseline']['process_wall_s']} s |",
        f"| peak RSS of the benchmark process (both, incl. 5 MB runs) | {r['peak_rss_mb']} MB | |",
        "",
        "Linear in input size when MB/s stays flat from 1 to 5 MB. Files over 50 MB are refused by the reader",
        "(`amity extract: FILE: file too large`), so memory stays bounded; nothing is streamed.",
        "",
        "### Targets and notes",
        "",
        *targets(r),
        "",
        "- The CPU-time rate is the one-core figure (the wall clock on a shared machine also counts other",
        "  processes' work).",
        "- The baseline column is unchanged code: its swing between runs (830, 783 and 664 articles/s on",
        "  2026-11-23) is the machine's, so compare the two columns of one run. Third round (2026-11-23): old and",
        "  new engine alternating in one process (4 runs x 3, load 1.5-1.8): -14.5% CPU per article on these",
        "  articles, -18% on the intake benchmark's synthetic ones; output byte-identical on 991 documents.",
        "- Where the time goes (per ~500-word article, CPU, third round): organisations ~0.9 ms, gazetteer scan",
        "  0.3, fold_aligned 0.14, dates 0.13, money 0.12, name hints 0.1, event triggers 0.2, persons 0.3,",
        "  language/sentences 0.2; the rest is the pipeline's own bookkeeping.",
        "  Python's regex engine costs ~15-40 ns per character tried, so the remaining work is many small",
        "  scans; no stage dominates. Every stage is one pass or windowed around keywords/digits; overlap tests",
        "  use sorted intervals (no quadratic step; an earlier version was quadratic in organisation overlaps",
        "  and measured 0.07 MB/s at 5 MB).",
        "- Third round: dates tried only where a match can start (a digit run, or a pattern's own first",
        "  words just before one); alternations grouped by first character; a byte-table path of fold_aligned",
        "  for mostly-ASCII text; early exits in the shouting and no-diacritics tests; persons visit only the",
        "  sentences holding a title, a name hint or a known person. Tried without gain: a grouped money prefix,",
        "  other tokenisers for English organisation phrases.",
        "- Speed work (287 -> ~400 articles/s): the gazetteer automaton runs over a word-normalised text with",
        "  space-padded keys (whole-word hits only: ~50 instead of ~180 raw hits per article); one trigger",
        "  automaton instead of two; number-led patterns (figures, money) are matched at digit runs instead of",
        "  tried at every offset, and the digit runs are found once per document; regexes that started with a",
        "  look-behind were reordered so the engine can skip to their first character; appositions run only",
        "  before a role word; cached family-name and head-noun tests; cheaper normalisation, folding and",
        "  language detection (no per-character translate tables where a substring test or a list table does).",
        "  A latent bug that let an organisation-shape window start at offset 0 (a sentence with no space",
        "  within 160 characters before a head noun, e.g. a long URL) made the 5 MB run quadratic; fixed.",
        "- The gazetteer (packaged TSV + `amity/partners/data` reference CSV + optional database snapshot) loads in",
        "  well under the start-up figure; it is a cached singleton.",
        "",
    ]
    return "\n".join(lines)


def targets(r: dict) -> list[str]:
    h = r["quality"]["heldout"]["scores"]
    big = r["big"]["engine"]

    def ok(flag: bool) -> str:
        return "met" if flag else "**not met**"

    ent = {f: h[f]["f1"] for f in ("countries", "organizations", "persons")}
    return [
        "| target | measured | |", "|---|---|---|",
        "| heldout entities F1 >= 0.90 | " + ", ".join(f"{k} {v:.3f}" for k, v in ent.items())
        + f" | {ok(min(ent.values()) >= 0.90)} |",
        f"| heldout money F1 >= 0.95 | {h['money']['f1']:.3f} | {ok(h['money']['f1'] >= 0.95)} |",
        f"| heldout events F1 >= 0.75 | {h['events']['f1']:.3f} | {ok(h['events']['f1'] >= 0.75)} |",
        f"| >= 500 articles/s, one core | {r['speed']['engine']['docs_per_s']} (CPU time) | "
        f"{ok(r['speed']['engine']['docs_per_s'] >= 500)} |",
        f"| linear in size | {big[0]['mb_per_s']} / {big[1]['mb_per_s']} / {big[2]['mb_per_s']} MB/s at 1 / 2 / 5 MB | "
        f"{ok(big[2]['mb_per_s'] >= 0.75 * big[0]['mb_per_s'])} |",
        f"| start-up < 1 s | {r['startup']['engine']['import_and_load_s']} s | "
        f"{ok(r['startup']['engine']['import_and_load_s'] < 1)} |",
        f"| < 300 MB resident | {r['peak_rss_mb']} MB peak | {ok(r['peak_rss_mb'] < 300)} |",
    ]


def update_docs(section: str) -> None:
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n\n"
    pattern = re.compile(r"^## Extraction\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOCS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
