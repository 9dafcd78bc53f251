"""The annotated extraction corpus stays valid (schema, ISO codes, names present in the texts)."""

import subprocess
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"


def test_corpus_annotations_are_valid():
    result = subprocess.run([sys.executable, str(CORPUS / "validate.py"), "--strict"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "files: " in result.stdout
