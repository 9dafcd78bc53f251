"""Ingest N new synthetic documents end to end (every post-extract hook) into a database kept by
``bench_intake.py --keep-db`` (e.g. the 1M-document one), to see whether ingestion slows as the corpus grows.

    .venv/bin/python bench/ingest_kept.py VAR_DIR [--database-url URL] [--docs 2000] [--offset 5000000]

VAR_DIR is the kept SQLite var folder (``<keep-db>/sqlite-var``; give a copy: documents are added), or any folder
with ``--database-url`` naming a kept PostgreSQL database (a copy: ``CREATE DATABASE x TEMPLATE kept``). ``--offset``
picks article numbers not ingested before (the same bytes are skipped). Prints one JSON line (``RESULT {...}``) with
the figures of ``bench_intake.child_ingest`` and the document counts before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_intake as b  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("var")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--offset", type=int, default=5_000_000)
    args = parser.parse_args()
    b.child_setup(args.database_url or None, args.var)
    make_article = b.make_article
    b.make_article = lambda i, **kw: make_article(i + args.offset, **kw)
    from amity.intake.models import Document

    before = Document.objects.count()
    out = b.child_ingest(args.docs, 0)
    out.update(documents_before=before, documents_after=Document.objects.count(), loadavg=os.getloadavg())
    print("RESULT " + json.dumps(out, default=str))


if __name__ == "__main__":
    main()
