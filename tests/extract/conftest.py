"""Shared fixtures for the extraction tests (no Django, no database)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "tests" / "data" / "samples"  # copies of shared/samples
PYTHON = sys.executable


def sample_paths() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt")) if SAMPLES.is_dir() else []


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
