"""``amity extract FILE [FILE...] [--json] [--compact]``.

One file: one JSON object.  Several: JSON Lines, each with a ``file`` key.  Unreadable files get
one line on stderr (``amity extract: FILE: reason``) and the batch goes on.  Exit status: 0 all
files extracted, 1 some failed, 2 usage error.  Never imports Django: ``amity.cli`` dispatches here.
"""

from __future__ import annotations

import argparse
import json
import sys

PROG = "amity extract"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 2 with one line, like argparse, but no SystemExit leak
        self.print_usage(sys.stderr)
        print(f"{PROG}: error: {message}", file=sys.stderr)
        raise _UsageError


class _UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description="Extract countries, organisations, persons, events, money and "
                                       "figures from articles (.txt, .html, .pdf, .docx).")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print JSON (the default and only output format)")
    p.add_argument("--compact", action="store_true", help="omit the evidence offsets")
    p.add_argument("--date", help="document date YYYY-MM-DD used to resolve partial dates")
    p.add_argument("--lang", choices=("en", "vi"), help="skip language detection")
    p.add_argument("--gazetteer", metavar="SNAPSHOT", help="JSON snapshot to add (default $AMITY_GAZETTEER)")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = _parser().parse_args(argv)
    except _UsageError:
        return 2
    except SystemExit as exc:     # --help
        return int(exc.code or 0)
    if args.date:
        from .dates import parse_iso
        if parse_iso(args.date) is None:
            print(f"{PROG}: error: --date must be YYYY-MM-DD, not {args.date!r}", file=sys.stderr)
            return 2
    if args.gazetteer:
        import os
        if not os.path.isfile(args.gazetteer):
            print(f"{PROG}: error: gazetteer snapshot {args.gazetteer}: no such file", file=sys.stderr)
            return 2
        os.environ["AMITY_GAZETTEER"] = args.gazetteer

    from .pipeline import extract_file
    from .reader import ReadError

    many = len(args.files) > 1
    failed = 0
    out = sys.stdout
    for path in args.files:
        try:
            result = extract_file(path, date=args.date, lang=args.lang, evidence=not args.compact)
        except ReadError as exc:
            print(f"{PROG}: {path}: {exc}", file=sys.stderr)
            failed += 1
            continue
        except (MemoryError, RecursionError) as exc:
            print(f"{PROG}: {path}: internal error ({type(exc).__name__})", file=sys.stderr)
            failed += 1
            continue
        for w in result.pop("warnings", []):
            print(f"{PROG}: {path}: warning: {w}", file=sys.stderr)
        if many:
            result = {"file": path, **result}
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        else:
            out.write(json.dumps(result, ensure_ascii=False, indent=None if args.compact else 2) + "\n")
        out.flush()
    return 1 if failed else 0
