"""The `amity` console script.

`amity extract ...` goes straight to the pure-Python engine (no Django start-up); everything else is a
Django management command (`amity migrate`, `amity load_reference`, `amity ingest PATH`, ...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "extract":
        from amity.extract.cli import main as extract_main

        return extract_main(argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amity.settings")
    from django.core.management import execute_from_command_line

    argv[0] = "amity"
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
