"""Project-level checks: production settings, translations compiled, the CLI entry point."""

import os
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def run(args, env=None, **kw):
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(args, cwd=REPO, env={**base, **(env or {})}, capture_output=True, text=True,
                          timeout=120, **kw)


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_deploy_check_is_clean_in_production_mode(tmp_path):
    result = run([PYTHON, "-m", "amity.cli", "check", "--deploy", "--fail-level", "WARNING"],
                 env={"DEBUG": "0", "SECRET_KEY": "x" * 20 + "production-secret-key-with-enough-entropy-123456",
                      "ALLOWED_HOSTS": "amity.example.org", "AMITY_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_mode_refuses_to_start_without_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DEBUG": "0", "AMITY_VAR_DIR": str(tmp_path)})
    result = subprocess.run([PYTHON, "-m", "amity.cli", "check"], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_translations_are_compiled_and_up_to_date():
    po_files = sorted((REPO / "amity").glob("**/locale/vi/LC_MESSAGES/django.po"))
    assert po_files
    for po_path in po_files:
        with po_path.open("rb") as handle:
            po = {_key(m.id): _key(m.string) for m in read_po(handle, locale="vi")
                  if m.id and any(_key(m.string)) and not m.fuzzy}
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} missing: run `amity compile_translations`"
        with mo_path.open("rb") as handle:
            mo = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
        assert po == mo, f"{mo_path} is stale: run `amity compile_translations`"
