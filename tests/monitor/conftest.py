import pytest

from tests.suggestions.conftest import fast_passwords, make_doc  # noqa: F401  (shared fixtures)


@pytest.fixture(autouse=True)
def signals_for_any_date(settings):
    """The fixtures date their documents in 2025: let the ingestion hooks evaluate any day (the recency rule
    has its own test)."""
    settings.AMITY_SIGNAL_RECENT_DAYS = 0
