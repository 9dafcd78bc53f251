"""Through the real intake pipeline and extraction engine: the post-extract hooks make suggestions, alerts and
signals; two outlets' reports of one visit become one suggested activity with two sources."""

import pytest

from amity.intake import pipeline
from amity.intake.models import Document
from amity.monitor.models import Alert, Watchlist
from amity.partners.models import Country
from amity.suggestions.models import Kind, Suggestion

REPORT_A = (
    "Hanoi, 12 March 2025 — The Viet Nam Union of Friendship Organisations (VUFO) welcomed a delegation of the "
    "Japan-Viet Nam Friendship Association of Kanagawa led by its President on a working visit to Hanoi on 12 March "
    "2025. The two sides reviewed people-to-people exchanges in education and culture."
)
REPORT_B = (
    "A delegation of the Japan-Viet Nam Friendship Association of Kanagawa visited Hanoi on 12 March 2025 and "
    "met leaders of the Viet Nam Union of Friendship Organisations. Both sides agreed to organise a youth "
    "exchange in Da Nang in the summer."
)


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_hooks_run_in_the_pipeline(var_dir, reference, editor):
    watch = Watchlist.objects.create(user=editor, name="Japan", keywords=["youth exchange"])
    watch.countries.add(Country.objects.get(iso2="JP"))
    pipeline.execute_run(pipeline.create_run(texts=[REPORT_A, REPORT_B]))
    docs = list(Document.objects.order_by("id"))
    assert len(docs) == 2 and all(d.status == "done" for d in docs), [d.error for d in docs]
    visits = Suggestion.objects.filter(kind=Kind.ACTIVITY)
    assert visits.exists()
    best = max(visits, key=lambda s: s.source_count)
    assert best.source_count == 2 and best.payload["type"] == "visit"
    assert Alert.objects.filter(watchlist=watch).count() == 2
