"""Matching new documents against watchlists: partners (through the document's linked mentions) and keywords
(folded, whole words, in the title and text). Any negative keyword in the document suppresses the alert."""

from __future__ import annotations

import re
from functools import lru_cache

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from amity.core.models import notify
from amity.extract.normalize import fold
from amity.monitor.models import Alert, Watchlist
from amity.monitor.signals import partners_mentioned


@lru_cache(maxsize=4096)
def _keyword_re(keyword: str) -> re.Pattern | None:
    key = fold(keyword)
    if not key:
        return None
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in key.split()) + r"(?!\w)")


def keyword_hits(keywords, folded_text: str) -> list[str]:
    hits = []
    for keyword in keywords or []:
        rx = _keyword_re(str(keyword))
        if rx is not None and rx.search(folded_text):
            hits.append(str(keyword))
    return hits


def matches(watchlist, mentioned: dict[str, set[int]], folded_text: str) -> list[str]:
    """What in the document matches the watchlist (empty: no alert)."""
    if keyword_hits(watchlist.negative_keywords, folded_text):
        return []
    found = []
    for label, attr in (("countries", "country"), ("organisations", "organisation"), ("persons", "person")):
        ids = {o.pk: o for o in getattr(watchlist, label).all()}
        found.extend(str(ids[i]) for i in sorted(mentioned[attr] & ids.keys()))
    found.extend(f"“{k}”" for k in keyword_hits(watchlist.keywords, folded_text))
    return found


def mentions_of(document) -> dict[str, set[int]]:
    return partners_mentioned([document.pk])[document.pk]


def match_document(document, watchlists=None) -> list[Alert]:
    """POST_EXTRACT hook: one alert (and in-app notification) per watchlist the document matches."""
    if getattr(document, "duplicate_of_id", None):
        return []  # a republished copy: its first copy already alerted
    if watchlists is None:
        watchlists = Watchlist.objects.filter(active=True).select_related("user").prefetch_related(
            "countries", "organisations", "persons")
    watchlists = list(watchlists)
    if not watchlists:
        return []  # nothing to match: spare reading the mentions and folding the text
    return _match_one(document, watchlists, mentions_of(document))


def match_documents(documents) -> list[Alert]:
    """The batch form of ``match_document``: the watchlists and the documents' mentions read once."""
    documents = [d for d in documents if not getattr(d, "duplicate_of_id", None)]
    if not documents:
        return []
    watchlists = list(Watchlist.objects.filter(active=True).select_related("user").prefetch_related(
        "countries", "organisations", "persons"))
    if not watchlists:
        return []
    mentioned = partners_mentioned([d.pk for d in documents])
    created = []
    for document in documents:
        created.extend(_match_one(document, watchlists, mentioned[document.pk]))
    return created


def _match_one(document, watchlists, mentioned) -> list[Alert]:
    folded = fold(f"{document.title or ''}\n{document.text or ''}")
    created = []
    for watchlist in watchlists:
        found = matches(watchlist, mentioned, folded)
        if not found:
            continue
        try:
            with transaction.atomic():
                alert = Alert.objects.create(watchlist=watchlist, document=document,
                                             matched_on=", ".join(found)[:500])
        except IntegrityError:
            continue  # already alerted (document re-processed)
        created.append(alert)
        notify([watchlist.user], _("%(watchlist)s: %(document)s") % {"watchlist": watchlist, "document": document},
               url=watchlist.get_absolute_url(), kind="alert")
    return created
