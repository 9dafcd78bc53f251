"""Creating suggestions from a document's extraction, and reviewing them (accept, merge, reject).

Entry points:
- ``suggest_from_document(document)``: the intake pipeline calls it after extraction and linking.
- ``accept(suggestion, user, payload=None)``, ``merge_into(suggestion, target, user)``,
  ``reject(suggestion, user, comment="")`` and ``bulk(ids, action, user)``.

Every function that writes runs in a transaction; a refused review raises ``ReviewError`` with a message for
the reviewer and leaves nothing half-written.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
import re
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from amity.core import permissions
from amity.core.dateranges import merged_ranges
from amity.core.gcpause import collector_paused
from amity.core.models import Citation, JournalNote, Source
from amity.core.sql import chunks, in_values, rows_where_in, update_rows
from amity.extract.normalize import fold, fold_aligned
from amity.suggestions.matching import EXACT, PROPOSE_AT, Indexes
from amity.suggestions.models import Kind, RejectedFingerprint, Status, Suggestion, SuggestionEvidence

MERGE_WINDOW_DAYS = 3  # events of one type this close, sharing a participant, are one activity
HOME_COUNTRY = "VN"  # shares every event; never enough on its own to call two events the same


class ReviewError(Exception):
    """A review action that cannot be done, with a message for the reviewer."""


# ---- fingerprints and dates ---------------------------------------------------------------------------------


def fingerprint(kind: str, *parts) -> str:
    raw = "|".join([kind, *map(_fp_part, parts)])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _fp_part(part) -> str:
    if isinstance(part, str):
        return fold(part)
    if isinstance(part, list | tuple | set):
        return ",".join(sorted(fold(str(p)) for p in part if p))
    return fold(str(part)) if part is not None else ""


def parse_partial_date(value) -> tuple[dt.date | None, str]:
    """'2025-03-04' -> (date, 'day'); '2025-03' -> (1 March, 'month'); '2025' -> (1 Jan, 'year')."""
    if not value:
        return None, "day"
    if isinstance(value, dt.date):
        return value, "day"
    value = str(value).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value), "day"
        if re.fullmatch(r"\d{4}-\d{2}", value):
            return dt.date(int(value[:4]), int(value[5:7]), 1), "month"
        if re.fullmatch(r"\d{4}", value):
            return dt.date(int(value), 1, 1), "year"
    except ValueError:
        return None, "day"
    return None, "day"


# ---- sentences ----------------------------------------------------------------------------------------------


class SentenceFinder:
    """The sentence around an evidence span, with the span's offsets relative to that sentence."""

    def __init__(self, text: str):
        from amity.extract.sentences import split

        self.text = text or ""
        self.spans = split(self.text) if self.text else []
        self.starts = [s for s, _e in self.spans]
        self._folded: dict[str, str] = {}

    def fold_aligned(self, sentence: str) -> str:
        """``fold_aligned(sentence)``, once per sentence: several facts (an organisation, its leader, the event)
        are often found in the same one."""
        folded = self._folded.get(sentence)
        if folded is None:
            folded = self._folded[sentence] = fold_aligned(sentence)
        return folded

    def around(self, evidence) -> tuple[str, int, int]:
        try:
            start, end = int(evidence.get("start", 0)), int(evidence.get("end", 0))
        except (AttributeError, TypeError, ValueError):
            return "", 0, 0
        if not self.text or start < 0 or end > len(self.text) or end < start:
            return "", 0, 0
        i = bisect.bisect_right(self.starts, start) - 1
        if i >= 0:
            s_start, s_end = self.spans[i]
            s_end = max(s_end, end)
        else:
            s_start, s_end = start, end
        sentence = self.text[s_start:s_end]
        if len(sentence) > 1500:  # a run-on "sentence" (a table); keep a window around the span
            w_start = max(s_start, start - 600)
            sentence, s_start = self.text[w_start:min(s_end, end + 600)], w_start
        return sentence, start - s_start, end - s_start


# ---- building suggestions from an extraction ---------------------------------------------------------------


class Builder:
    """Turns one document's extraction into suggestions (one per fact, grouped across documents)."""

    def __init__(self, document, indexes: Indexes | None = None):
        self.document = document
        self.extraction = document.extraction or {}
        self.idx = indexes or Indexes()
        self.sentences = SentenceFinder(document.text or "")
        self.doc_date = getattr(document, "date", None)
        self.vi = (getattr(document, "language", "") or "").startswith("vi")
        self.rejected = set()
        self.touched: list[Suggestion] = []
        self._consumed_money: set[int] = set()
        self._calls: list[tuple] = []
        self._activities: dict = {}  # (event type, date) -> register activities near it, read once per document
        self._subject_iso2: str | None = None  # see _subject

    def run(self) -> list[Suggestion]:
        if not self.collect():
            return []
        _flush_many([self])
        return self.touched

    def collect(self) -> bool:
        """Read the document's facts and record the suggestions they make (written by ``_flush_many``)."""
        ex = self.extraction
        if not isinstance(ex, dict):
            return False
        for item in _items(ex, "organizations"):
            self.organisation(item)
        for item in _items(ex, "persons"):
            self.person(item)
        for item in _items(ex, "events"):
            self.event(item)
        for i, item in enumerate(_items(ex, "money")):
            if i not in self._consumed_money:
                self.figure(item, money=True)
        for item in _items(ex, "figures"):
            self.figure(item)
        return True

    # -- one fact ---------------------------------------------------------------------------------------------

    def add(self, kind, fp, label, payload, evidence, *, date=None, countries=(), match=None, merge_query=None,
            names=()):
        """Create the suggestion or add this document as one more source of an existing one.

        Recorded here, written by ``_flush_many`` once every fact of the document (or of the batch) is known: a
        handful of queries per batch (rejections, existing suggestions, evidence) instead of several per fact."""
        self._calls.append((kind, fp, label, payload, evidence, date, countries, match, merge_query, names))

    def _add_one(self, w, kind, fp, label, payload, evidence, date, countries, match, merge_query, names):
        if fp in self.rejected:
            return None
        sentence, start, end = self.sentences.around(evidence or {})
        start, end = narrow(sentence, start, end, names, self.sentences.fold_aligned)
        suggestion = w.known.get(fp)
        if suggestion is None and merge_query is not None:
            suggestion = merge_query()
        created = False
        if suggestion is None:
            suggestion = _new_suggestion(kind, fp, label[:500], payload, date)
            if match is not None:
                suggestion.best_match = match.obj
                suggestion.match_score = match.score
            w.new.append(suggestion)  # written with the others at the end
            w.new_of_kind.setdefault(str(kind), []).append(suggestion)
            w.known[fp] = suggestion
            created = True
        elif suggestion.is_pending and kind in (Kind.ACTIVITY, Kind.AID_COMMITMENT):
            if _union_participants(suggestion, payload, save=False) and suggestion.pk is not None:
                w.grown[suggestion.pk] = suggestion  # its payload is written with the batch's other writes
        if countries:
            found = [c for c in (self.idx.country(iso) for iso in countries) if c is not None]
            for country in found:
                w.countries.append((suggestion, country))
        key = (self.document.pk, w.key(suggestion))
        if key not in w.has_evidence:
            w.has_evidence.add(key)
            ev = _Evidence(suggestion, self.document, sentence[:5000], start, end)
            if not created and suggestion.status in (Status.ACCEPTED, Status.MERGED):
                ev, ev_created = SuggestionEvidence.objects.get_or_create(
                    suggestion=suggestion, document=self.document,
                    defaults={"sentence": ev.sentence, "start": start, "end": end},
                )
                record = suggestion.created_record
                if ev_created and record is not None:
                    cite(record, [ev])
            else:
                w.evidence.append(ev)
        self.touched.append(suggestion)
        return suggestion

    def _similar_event(self, kind, typ, date, countries, orgs, persons):
        """``_similar_event``, with the candidates near each date read once per document and this document's
        new (still unwritten) events among them, as if they had been written already."""
        if date is None:
            return None
        mine = _participants({"countries": countries, "organisations": orgs, "persons": persons})
        if not mine:
            return None
        w = self._w
        window = dt.timedelta(days=MERGE_WINDOW_DAYS)
        key = (str(kind), date)
        if key not in w.events:
            rows = Suggestion.objects.filter(kind=kind, date__range=(date - window, date + window))
            w.events[key] = [w.known.setdefault(row.fingerprint, row) for row in rows.order_by("id")[:200]]
        candidates = w.events[key]
        if len(candidates) < 200:  # room for this batch's new events (200 stored ones leave none)
            new = [s for s in w.new_of_kind.get(str(kind), ()) if s.date is not None and abs(s.date - date) <= window]
            candidates = candidates + new
        return _best_event(candidates[:200], typ, mine)

    def organisation(self, item):
        name = _clean_name(item.get("canonical") or item.get("name"))
        if not name:
            return
        index = self.idx.organisations()
        match = index.best(name)
        written = _clean_name(item.get("name"))
        if (match is None or match.score < EXACT) and written and written != name:
            other = index.best(written)
            if other and (match is None or other.score > match.score):
                match = other
        if match and match.score >= EXACT:
            return  # already known: the pipeline links it as a mention
        kinds, other = _organisation_kinds()
        kind = item.get("kind")
        if not isinstance(kind, str) or kind not in kinds:
            kind = other
        country = (item.get("country") or "").upper()[:2]
        if self.vi:  # the name as written is Vietnamese; the engine's canonical name may be the English one
            name_vi = written or name
            name_en = name if fold(name) != fold(name_vi) and name.isascii() else ""
        else:
            name_en, name_vi = name, ""
        payload = {"name_en": name_en, "name_vi": name_vi, "acronym": "", "kind": kind, "home_country": country}
        self.add(Kind.ORGANISATION, fingerprint(Kind.ORGANISATION, name), name, payload, item.get("evidence"),
                 countries=[country] if country else (), match=match, names=(written, name))

    def person(self, item):
        name = _clean_name(item.get("name"))
        if not name:
            return
        match = self.idx.persons().best(name)
        title = _clean_name(item.get("title"))
        org = _clean_name(item.get("org"))
        if not (match and match.score >= EXACT):
            payload = {"full_name": name, "name_vi": "", "country": ""}
            self.add(Kind.PERSON, fingerprint(Kind.PERSON, name), name, payload, item.get("evidence"), match=match,
                     names=(name,))
        if title:
            self.post(name, title, org, item.get("evidence"), match)

    def post(self, name, title, org, evidence, person_match):
        from amity.partners.models import Post

        title = post_title(title, org)
        org_match = self.idx.organisations().best(org, cutoff=90) if org else None
        if org_match and " of " in title:  # "President of VUFO" at the union known as VUFO
            base, rest = title.split(" of ", 1)
            rest_match = self.idx.organisations().best(re.sub(r"^the ", "", rest, flags=re.IGNORECASE), cutoff=90)
            if rest_match and rest_match.obj.pk == org_match.obj.pk and base.strip():
                title = base.strip()
        if person_match and person_match.score >= EXACT:
            for post in Post.objects.filter(person=person_match.obj):
                same_org = not org or not post.organisation_id or (org_match and org_match.obj.pk == post.organisation_id)
                if fold(post.title) == fold(title) and same_org:
                    return  # the post is already recorded
        date = self.doc_date
        payload = {"person": name, "title": title, "organisation": org,
                   "date_from": date.isoformat() if date else ""}
        label = f"{name} — {title}" + (f", {org}" if org else "")
        org_key = org_match.obj.pk if org_match else org
        self.add(Kind.POST, fingerprint(Kind.POST, name, title, org_key), label, payload, evidence, date=date,
                 names=(name,))

    def event(self, item):
        typ = str(item.get("type") or "other")[:40]
        date, precision = _event_date(item, self.doc_date)
        countries = sorted({str(c).upper()[:2] for c in item.get("countries") or [] if c})
        orgs = [n for n in (_clean_name(o) for o in item.get("organizations") or []) if n]
        persons = [n for n in (_clean_name(p) for p in item.get("persons") or []) if n]
        summary = " ".join(str(item.get("summary") or "").split())[:1000]
        evidence = item.get("evidence") or {}
        if typ == "partnership_upgrade":
            return self.partnership_change(item, countries, date, evidence)
        kind = Kind.AID_COMMITMENT if typ == "aid_commitment" else Kind.ACTIVITY
        payload = {"type": typ, "title": _event_title(typ, summary, countries, orgs, persons),
                   "start": date.isoformat() if date else "", "precision": precision, "end": "",
                   "location": str(item.get("location") or "")[:200], "countries": countries,
                   "organisations": orgs, "persons": persons, "summary": summary}
        if kind == Kind.AID_COMMITMENT:
            money = self._money_in(evidence)
            payload.update(amount=money.get("amount"), currency=money.get("currency") or "",
                           about=str(money.get("about") or summary)[:500])
        fp = fingerprint(kind, typ, date.isoformat() if date else "", countries, orgs, persons)
        self.add(kind, fp, payload["title"], payload, evidence, date=date, countries=countries,
                 match=_activity_match(kind, typ, date, countries, orgs, persons, self.idx, self._activities),
                 merge_query=lambda: self._similar_event(kind, typ, date, countries, orgs, persons))

    def partnership_change(self, item, countries, date, evidence):
        partners = [c for c in countries if c != HOME_COUNTRY]
        if not partners:
            return
        sentence, _s, _e = self.sentences.around(evidence)
        level = detect_level(" ".join([sentence, str(item.get("summary") or "")]))
        for iso2 in partners:
            country = self.idx.country(iso2)
            from amity.partners.choices import PartnershipLevel

            level_label = str(PartnershipLevel(level).label) if level in PartnershipLevel.values else "?"
            label = f"{country or iso2}: {level_label}"
            payload = {"country": iso2, "level": level, "date_from": date.isoformat() if date else ""}
            self.add(Kind.PARTNERSHIP_CHANGE, fingerprint(Kind.PARTNERSHIP_CHANGE, iso2, level), label, payload,
                     evidence, date=date, countries=[iso2])

    def figure(self, item, money=False):
        value = item.get("amount") if money else item.get("value")
        if value in (None, ""):
            return
        unit = str(item.get("currency") if money else item.get("unit") or "")[:40]
        about = " ".join(str(item.get("about") or "").split())[:500]
        subject = self._subject()
        payload = {"value": value, "unit": unit, "about": about, "country": subject,
                   "date": self.doc_date.isoformat() if self.doc_date else ""}
        number = _fmt_number(value)
        label = f"{number} {unit} — {about}".strip(" —")
        self.add(Kind.FIGURE, fingerprint(Kind.FIGURE, number, unit, about[:120]), label, payload,
                 item.get("evidence"), date=self.doc_date, countries=[subject])

    def _subject(self) -> str:
        """The country a figure is about: the document's first one besides Viet Nam (read once per document,
        which has a dozen figures)."""
        if self._subject_iso2 is None:
            countries = [c for c in self.extraction.get("countries") or [] if isinstance(c, str)]
            self._subject_iso2 = next((c.upper() for c in countries if c.upper() != HOME_COUNTRY), HOME_COUNTRY)
        return self._subject_iso2

    def _money_in(self, evidence) -> dict:
        try:
            start, end = int(evidence.get("start", -1)), int(evidence.get("end", -1))
        except (AttributeError, TypeError, ValueError):
            return {}
        # The money item inside (or in the same sentence as) the event's evidence.
        sentence, s, _e = self.sentences.around(evidence)
        s_start, s_end = start - s, start - s + len(sentence)
        for i, money in enumerate(_items(self.extraction, "money")):
            ev = money.get("evidence") or {}
            try:
                m_start = int(ev.get("start", -1))
            except (TypeError, ValueError):
                continue
            if (start <= m_start < end) or (s_start <= m_start < s_end):
                self._consumed_money.add(i)
                return money
        return {}


_BLANK: dict = {}  # a new Suggestion's attributes (field defaults), read once


def _new_suggestion(kind, fp, label, payload, date) -> Suggestion:
    """``Suggestion(kind=..., fingerprint=..., label=..., payload=..., date=...)``, without Model.__init__'s
    per-field work: the field defaults copied from a blank instance (none is mutable: payload is always given),
    then these five fields. A batch creates thousands."""
    from django.db.models.base import ModelState
    from django.db.models.signals import post_init, pre_init

    if pre_init.has_listeners(Suggestion) or post_init.has_listeners(Suggestion):
        return Suggestion(kind=kind, fingerprint=fp, label=label, payload=payload, date=date)
    if not _BLANK:
        blank = Suggestion(payload={})
        _BLANK.update((k, v) for k, v in blank.__dict__.items() if k not in ("_state", "payload"))
    suggestion = Suggestion.__new__(Suggestion)
    suggestion.__dict__.update(_BLANK)
    suggestion._state = ModelState()
    suggestion.kind, suggestion.fingerprint, suggestion.label, suggestion.payload, suggestion.date = (
        kind, fp, label, payload, date)
    return suggestion


def _flush_many(builders: list[Builder]) -> None:
    """Write what the builders recorded, in their order, as if their documents had been processed one after
    the other: a fact of a later document finds the suggestion an earlier one created (one more source)."""
    calls = [(b, b._calls) for b in builders if b._calls]
    for b in builders:
        b._calls = []
    if not calls:
        return
    fps = {c[1] for _b, cs in calls for c in cs}
    rejected: set[str] = set()
    known: dict[str, Suggestion] = {}
    for chunk in chunks(fps):
        rejected.update(fp for (fp,) in rows_where_in(RejectedFingerprint, ("fingerprint",), "fingerprint", chunk))
    for chunk in chunks(fps - rejected):
        known.update((s.fingerprint, s) for s in _suggestions_by_fingerprint(chunk))
    doc_ids = {b.document.pk for b, _cs in calls}
    has_evidence = set(SuggestionEvidence.objects.filter(document_id__in=doc_ids)
                       .values_list("document_id", "suggestion_id"))
    w = _Writes(known, has_evidence)
    _preload_events(w, {(c[0], c[5]) for _b, cs in calls for c in cs if c[8] is not None and c[5] is not None})
    for b, cs in calls:
        b.rejected, b._w = rejected, w
        for call in cs:
            b._add_one(w, *call)
    _write(w, [b for b, _cs in calls])


def _suggestions_by_fingerprint(fingerprints: list) -> list[Suggestion]:
    """The suggestions with these fingerprints, in plain SQL: Django's ``fingerprint__in`` resolves each of the
    hundreds of values of a batch as an expression, which costs more than the query. On PostgreSQL one
    ``= ANY(array)``: the server parses a long IN list value by value."""
    from django.db import connection

    condition, params = in_values(fingerprints)
    qn = connection.ops.quote_name
    return list(Suggestion.objects.raw(
        f"SELECT * FROM {qn(Suggestion._meta.db_table)} WHERE {qn('fingerprint')} {condition}", params))


def _windows(field: str, dates) -> Q:
    """``field`` within the merge window of one of ``dates``: overlapping windows joined into one range (the
    same rows, a much shorter condition for a batch whose dates are close together)."""
    window = dt.timedelta(days=MERGE_WINDOW_DAYS)
    q = Q()
    for first, last in merged_ranges((date - window, date + window) for date in dates):
        q |= Q(**{f"{field}__range": (first, last)})
    return q


def _preload_events(w, keys: set) -> None:
    """``Builder._similar_event``'s candidates for every (kind, date) of a batch, in one query per kind: the
    stored events of that kind within the merge window of the date, by id, at most 200."""
    if len(keys) < 2:
        return  # one key: the lazy query of _similar_event is as cheap
    todo = {(str(kind), date) for kind, date in keys} - set(w.events)
    near: dict[tuple, list] = {key: [] for key in todo}
    days = [dt.timedelta(days=i) for i in range(-MERGE_WINDOW_DAYS, MERGE_WINDOW_DAYS + 1)]
    for kind in sorted({k for k, _d in todo}):
        dates = {d for k, d in todo if k == kind}
        open_keys = {(kind, d) for d in dates}
        # Read by id until every date has its 200 (a busy period has thousands of events near its dates).
        rows = Suggestion.objects.filter(_windows("date", dates), kind=kind).order_by("id")
        for row in rows.iterator(chunk_size=400):
            for delta in days:
                key = (kind, row.date + delta)
                if key in open_keys:
                    near[key].append(row)
                    if len(near[key]) >= 200:
                        open_keys.discard(key)
            if not open_keys:
                break
    for kind, date in keys:
        key = (str(kind), date)
        if key in near and key not in w.events:
            w.events[key] = [w.known.setdefault(row.fingerprint, row) for row in near[key]]


def _write(w, builders) -> None:
    """The new suggestions, their countries and the new evidence, in a few statements."""
    from amity.intake.pipeline import _Row, insert_rows

    if w.grown:
        _update_payloads(list(w.grown.values()))
    if w.new:
        for suggestion in w.new:
            suggestion.search_key = fold(suggestion.label)
        try:
            with transaction.atomic():
                insert_rows(Suggestion, w.new)
        except IntegrityError:  # some created meanwhile by a parallel ingestion: one by one
            _write_one_by_one(w, builders)
            return
        by_fp = {s.fingerprint: s for s in w.new}
        for chunk in chunks(by_fp):  # their ids (the fingerprint is unique)
            for pk, fp in rows_where_in(Suggestion, ("id", "fingerprint"), "fingerprint", chunk):
                by_fp[fp].pk = pk
    links = {(s.pk, c.pk) for s, c in w.countries}
    if links:
        through = Suggestion.countries.through
        insert_rows(through, [_Row(suggestion_id=s, country_id=c) for s, c in sorted(links)],  # rows, not models
                    ignore_conflicts=True)
    if w.evidence:
        try:
            with transaction.atomic():
                insert_rows(SuggestionEvidence, w.evidence)
        except IntegrityError:  # written meanwhile by a parallel run on these documents
            for ev in w.evidence:
                SuggestionEvidence.objects.get_or_create(
                    suggestion=ev.suggestion, document=ev.document,
                    defaults={"sentence": ev.sentence, "start": ev.start, "end": ev.end})


def _update_payloads(suggestions: list[Suggestion]) -> None:
    """``save(update_fields=["payload", "updated_at"])`` for each, in one statement."""
    now = timezone.now()
    for suggestion in suggestions:
        suggestion.updated_at = now
    update_rows(Suggestion, suggestions, ["payload", "updated_at"])


def _write_one_by_one(w, builders) -> None:
    replaced = {}
    for suggestion in w.new:
        suggestion.pk = None
        try:
            with transaction.atomic():
                suggestion.save()
        except IntegrityError:
            replaced[id(suggestion)] = Suggestion.objects.get(fingerprint=suggestion.fingerprint)
    for b in builders:
        b.touched = [replaced.get(id(s), s) for s in b.touched]
    for suggestion, country in w.countries:
        replaced.get(id(suggestion), suggestion).countries.add(country)
    for ev in w.evidence:
        original = ev.suggestion
        suggestion = replaced.get(id(original), original)
        ev, ev_created = SuggestionEvidence.objects.get_or_create(
            suggestion=suggestion, document=ev.document,
            defaults={"sentence": ev.sentence, "start": ev.start, "end": ev.end})
        if ev_created and suggestion is not original and suggestion.status in (Status.ACCEPTED, Status.MERGED):
            record = suggestion.created_record
            if record is not None:
                cite(record, [ev])


class _Evidence:
    """An evidence row still to write (a model instance costs more to build than the row to insert)."""

    __slots__ = ("created_at", "document", "end", "sentence", "start", "suggestion")

    def __init__(self, suggestion, document, sentence: str, start: int, end: int):
        self.suggestion, self.document, self.sentence, self.start, self.end = suggestion, document, sentence, start, end

    @property
    def suggestion_id(self):
        return self.suggestion.pk  # known once the new suggestions are written

    @property
    def document_id(self):
        return self.document.pk


class _Writes:
    """What a batch's facts add: suggestions known by fingerprint, and the rows still to write."""

    def __init__(self, known: dict, has_evidence: set):
        self.known = known
        self.has_evidence = {(doc_id, ("pk", pk)) for doc_id, pk in has_evidence}
        self.new: list[Suggestion] = []
        self.new_of_kind: dict[str, list[Suggestion]] = {}  # w.new by kind, in the same order
        self.countries: list[tuple] = []
        self.evidence: list[SuggestionEvidence] = []
        self.events: dict[tuple, list[Suggestion]] = {}  # (kind, date) -> stored events near that date
        self.grown: dict[int, Suggestion] = {}  # stored suggestions whose participants grew: payload to write

    @staticmethod
    def key(suggestion) -> tuple:
        return ("pk", suggestion.pk) if suggestion.pk is not None else ("new", id(suggestion))


def narrow(sentence: str, start: int, end: int, names, fold_sentence=fold_aligned) -> tuple[int, int]:
    """Highlight the name itself when the engine's evidence is a whole sentence and the name is in it.

    ``fold_sentence``: ``fold_aligned``, or a caller's memo of it (``SentenceFinder.fold_aligned``)."""
    if not names or end - start <= max((len(n or "") for n in names), default=0) + 2:
        return start, end
    folded = fold_sentence(sentence)
    for name in names:
        key = fold(name or "")
        if len(key) < 3:
            continue
        found = folded.find(key, start, end)
        if found >= 0:
            return found, found + len(key)
    return start, end


def suggest_from_document(document, indexes: Indexes | None = None) -> list[Suggestion]:
    """POST_EXTRACT hook: one suggestion per new fact in ``document`` (or one more source of a known one)."""
    if not getattr(document, "pk", None) or not getattr(document, "extraction", None):
        return []
    with transaction.atomic():
        return Builder(document, indexes).run()


def suggest_from_documents(documents, indexes: Indexes | None = None) -> list[Suggestion]:
    """The batch form of ``suggest_from_document`` (``hooks_batch``): the same suggestions and evidence, as if
    the documents were processed one after the other, with one set of queries and bulk writes per batch."""
    documents = [d for d in documents if getattr(d, "pk", None) and getattr(d, "extraction", None)]
    if not documents:
        return []
    with collector_paused():  # the batch's builders are gone when the collector is back (core.gcpause)
        return _suggest_batch(documents, indexes or Indexes())


def _suggest_batch(documents, indexes: Indexes) -> list[Suggestion]:
    activities: dict = {_ACTIVITY_DATES: {_event_date(item, getattr(d, "date", None))[0] for d in documents
                                          for item in _items(d.extraction, "events")} - {None}}
    with transaction.atomic():
        builders = []
        for document in documents:
            builder = Builder(document, indexes)
            builder._activities = activities
            if builder.collect():
                builders.append(builder)
        _flush_many(builders)
        return [s for b in builders for s in b.touched]


suggest_from_document.batch = suggest_from_documents


# ---- helpers for building ----------------------------------------------------------------------------------


def _event_date(item, doc_date) -> tuple[dt.date | None, str]:
    date, precision = parse_partial_date(item.get("date"))
    if date is None and doc_date:
        date, precision = doc_date, "day"
    return date, precision


def _items(extraction, key) -> list[dict]:
    value = extraction.get(key) if isinstance(extraction, dict) else None
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


_UNSAFE_NAME = re.compile(r"[<>]|javascript:|[\x00-\x1f\x7f]", re.IGNORECASE)


def _clean_name(value) -> str:
    value = " ".join(str(value or "").split())[:300]
    if not value or _UNSAFE_NAME.search(value):
        return ""
    return value


def _fmt_number(value) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def post_title(title: str, org: str) -> str:
    """"Vice President of the Viet Nam Union of Friendship Organizations" at that union -> "Vice President"."""
    if not org or " of " not in title:
        return title
    base, rest = title.split(" of ", 1)
    rest = re.sub(r"^the ", "", rest, flags=re.IGNORECASE)
    from rapidfuzz import fuzz

    from amity.suggestions.matching import match_key

    if fuzz.token_set_ratio(match_key(rest), match_key(org)) >= 85 or match_key(rest) in org_acronyms(org):
        return base.strip() or title
    return title


def org_acronyms(org: str) -> set[str]:
    words = [w for w in re.findall(r"[A-Za-zÀ-ỹĐđ]+", org) if w[0].isupper()]
    return {fold("".join(w[0] for w in words))}


def _event_title(typ, summary, countries, orgs, persons) -> str:
    """The summary, shortened; else who took part. The type is shown next to it, translated."""
    if summary:
        return summary if len(summary) <= 160 else summary[:157].rsplit(" ", 1)[0] + "…"
    who = ", ".join((persons + orgs)[:3] or countries[:4])
    return who or typ.replace("_", " ")


_LEVELS = [
    ("comprehensive_strategic", r"comprehensive strategic|chien luoc toan dien"),
    ("strategic", r"strategic partner|doi tac chien luoc"),
    ("comprehensive", r"comprehensive partner|doi tac toan dien"),
]


def detect_level(text: str) -> str:
    folded = fold(text)
    for level, pattern in _LEVELS:
        if re.search(pattern, folded):
            return level
    return ""


def _participants(payload) -> set[str]:
    return ({f"c:{c}" for c in payload.get("countries") or [] if c != HOME_COUNTRY}
            | {f"o:{fold(o)}" for o in payload.get("organisations") or []}
            | {f"p:{fold(p)}" for p in payload.get("persons") or []})


def _similar_event(kind, typ, date, countries, orgs, persons):
    """A pending or reviewed event of the same type, a few days apart, sharing a participant."""
    if date is None:
        return None
    mine = _participants({"countries": countries, "organisations": orgs, "persons": persons})
    if not mine:
        return None
    window = dt.timedelta(days=MERGE_WINDOW_DAYS)
    # Rejected ones count too: a rejected visit reported again a day off stays rejected.
    candidates = Suggestion.objects.filter(kind=kind, date__range=(date - window, date + window))
    return _best_event(candidates.order_by("id")[:200], typ, mine)


def _best_event(candidates, typ, mine: set):
    """The candidate of event type ``typ`` sharing most participants with ``mine`` (first wins ties)."""
    best, best_shared = None, 0
    for candidate in candidates:
        if candidate.payload.get("type") != typ:
            continue
        shared = len(mine & _participants_of(candidate))
        if shared > best_shared:
            best, best_shared = candidate, shared
    return best


def _participants_of(suggestion) -> set[str]:
    """``_participants(suggestion.payload)``, kept on the instance (a batch compares each stored event with many
    new ones); ``_union_participants`` drops it when the participants grow."""
    found = suggestion.__dict__.get("_participants")
    if found is None:
        found = suggestion.__dict__["_participants"] = _participants(suggestion.payload)
    return found


def _union_participants(suggestion, payload, save: bool = True) -> bool:
    """Add ``payload``'s participants to the suggestion's; True if any was new (saved if ``save``)."""
    changed = False
    for key in ("countries", "organisations", "persons"):
        current = list(suggestion.payload.get(key) or [])
        folded = {fold(v) for v in current}
        for value in payload.get(key) or []:
            if fold(value) not in folded:
                current.append(value)
                folded.add(fold(value))
                changed = True
        suggestion.payload[key] = current
    if changed:
        suggestion.__dict__.pop("_participants", None)
        if save:
            suggestion.save(update_fields=["payload", "updated_at"])
    return changed


@functools.cache
def _organisation_kinds() -> tuple[frozenset, str]:
    """(``OrganisationKind.values`` as a set, ``OrganisationKind.OTHER``), read once: the enum builds a new list
    of its values at every read, for every organisation of every document."""
    from amity.partners.choices import OrganisationKind

    return frozenset(OrganisationKind.values), OrganisationKind.OTHER


_ACTIVITY_DATES, _ACTIVITY_ROWS = object(), object()  # keys of a batch's activity cache (see _activity_match)


def _activity_match(kind, typ, date, countries, orgs, persons, idx, cache: dict | None = None):
    """An existing Activity that looks like the same event (same type, close dates, a shared participant).

    ``cache`` (one per document) keeps the candidates of each (type, date) for the document's other events."""
    try:
        from amity.activities.models import Activity
    except ImportError:
        return None
    if date is None:
        return None
    key = (typ, date)
    if cache is not None and key in cache:
        candidates = cache[key]
    elif cache is not None and date in cache.get(_ACTIVITY_DATES, ()):
        if _ACTIVITY_ROWS not in cache:  # the activities near every event date of the batch, in one query
            try:
                cache[_ACTIVITY_ROWS] = list(Activity.objects.filter(_windows("start", cache[_ACTIVITY_DATES])))
            except Exception:  # noqa: BLE001 - the register's schema is not ours; never block ingestion on it
                cache[_ACTIVITY_ROWS] = None
        rows = cache[_ACTIVITY_ROWS]
        window = dt.timedelta(days=MERGE_WINDOW_DAYS)
        wanted = activity_type(typ) if rows and typ and typ != "visit" else None
        candidates = None if rows is None else [
            a for a in rows if date - window <= a.start <= date + window and (wanted is None or a.type == wanted)
        ][:100]
        cache[key] = candidates
    else:
        window = dt.timedelta(days=MERGE_WINDOW_DAYS)
        try:
            candidates = Activity.objects.filter(start__range=(date - window, date + window))
            if typ and typ != "visit":
                candidates = candidates.filter(type=activity_type(typ))
            candidates = list(candidates[:100])
        except Exception:  # noqa: BLE001 - the register's schema is not ours; never block ingestion on it
            candidates = None
        if cache is not None:
            cache[key] = candidates
    if candidates is None:
        return None
    mine = _participants({"countries": countries, "organisations": orgs, "persons": persons})
    from amity.suggestions.matching import Match

    for activity in candidates:
        theirs = set()
        for rel, prefix, attr in (("countries", "c", "iso2"), ("organisations", "o", None), ("persons", "p", None)):
            manager = getattr(activity, rel, None)
            if manager is None or not hasattr(manager, "all"):
                continue
            for obj in manager.all():
                theirs.add(f"{prefix}:{getattr(obj, attr)}" if attr else f"{prefix}:{fold(str(obj))}")
        theirs.discard(f"c:{HOME_COUNTRY}")
        if mine & theirs:
            return Match(activity, 90.0, str(activity))
    return None


_EVENT_TO_ACTIVITY = {"agreement_signed": "signing", "election_appointment": "election",
                      "anniversary_celebration": "anniversary"}


def activity_type(event_type, location="") -> str:
    """The register's activity type for an engine event type ("visit" -> incoming or outgoing visit)."""
    try:
        from amity.activities.choices import ActivityType
    except ImportError:
        return event_type or "other"
    event_type = _EVENT_TO_ACTIVITY.get(event_type, event_type or "other")
    if event_type == "visit":
        return ActivityType.VISIT_IN if _in_viet_nam(location) else ActivityType.VISIT_OUT
    if event_type not in _ACTIVITY_TYPES:
        _ACTIVITY_TYPES[event_type] = event_type if event_type in ActivityType.values else ActivityType.OTHER
    return _ACTIVITY_TYPES[event_type]


_ACTIVITY_TYPES: dict[str, str] = {}  # engine event type (not a visit) -> register activity type


def _in_viet_nam(location) -> bool:
    """Unknown locations count as Viet Nam: most reports are of delegations received here."""
    folded = fold(location or "")
    if not folded or "viet nam" in folded or "vietnam" in folded:
        return True
    from amity.partners.models import Country

    return not any(folded == fold(c.name_en) for c in Country.objects.exclude(iso2=HOME_COUNTRY).only("name_en"))


# ---- citing ---------------------------------------------------------------------------------------------------


def source_for(evidence: SuggestionEvidence) -> Source:
    document = evidence.document
    url = getattr(document, "url", "") or ""
    if not url and hasattr(document, "get_absolute_url"):
        try:
            url = document.get_absolute_url()
        except Exception:  # noqa: BLE001
            url = ""
    title = (getattr(document, "title", "") or "")[:500]
    source = Source.objects.filter(url=url, title=title, quote=evidence.sentence[:5000]).first()
    return source or Source.objects.create(url=url[:1000], title=title, date=getattr(document, "date", None),
                                           quote=evidence.sentence[:5000])


def cite(record, evidence) -> int:
    """Cite every document behind a suggestion (and their near-duplicate copies) on the record it became."""
    from amity.intake.models import Document

    ct = ContentType.objects.get_for_model(record)
    n = 0
    for ev in evidence:
        copies = [SuggestionEvidence(suggestion_id=ev.suggestion_id, document=copy, sentence=ev.sentence,
                                     start=ev.start, end=ev.end)
                  for copy in Document.objects.filter(duplicate_of_id=ev.document_id)]
        for item in (ev, *copies):
            _c, created = Citation.objects.get_or_create(source=source_for(item), content_type=ct,
                                                         object_id=record.pk)
            n += created
    return n


def all_sources(suggestion) -> list:
    """Evidence rows plus unsaved rows for the near-duplicate copies (same sentence)."""
    from amity.intake.models import Document

    out = []
    for ev in suggestion.evidence.select_related("document"):
        out.append(ev)
        out.extend(SuggestionEvidence(suggestion_id=ev.suggestion_id, document=copy, sentence=ev.sentence,
                                      start=ev.start, end=ev.end)
                   for copy in Document.objects.filter(duplicate_of_id=ev.document_id))
    return out


# ---- reviewing ------------------------------------------------------------------------------------------------


def _require_reviewer(user):
    if not permissions.can_create(user):
        raise PermissionDenied(_("Only editors and administrators review suggestions."))


def _lock(suggestion) -> Suggestion:
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.status != Status.PENDING:
        raise ReviewError(_("This suggestion was already reviewed (%(status)s).")
                          % {"status": locked.get_status_display()})
    return locked


def _finish(suggestion, user, status, record=None, comment=""):
    suggestion.status = status
    suggestion.reviewed_by = user
    suggestion.reviewed_at = timezone.now()
    if comment:
        suggestion.comment = comment[:1000]
    if record is not None:
        suggestion.created_record = record
    suggestion.save()


def accept(suggestion: Suggestion, user, payload: dict | None = None):
    """Create the record the suggestion describes, citing every document behind it."""
    _require_reviewer(user)
    try:
        with transaction.atomic():
            suggestion = _lock(suggestion)
            if payload is not None:
                suggestion.payload = {**suggestion.payload, **payload}
            record = ACCEPTORS[suggestion.kind](suggestion, user)
            cite(record, suggestion.evidence.select_related("document"))
            _finish(suggestion, user, Status.ACCEPTED, record)
    except ValidationError as exc:
        raise ReviewError("; ".join(exc.messages)) from exc
    return record


def merge_into(suggestion: Suggestion, target, user):
    """Link the suggestion to an existing record: its name becomes an alias, its documents citations."""
    _require_reviewer(user)
    allowed = MERGE_TARGETS.get(suggestion.kind)
    if target is None or allowed is None or target._meta.label_lower not in allowed:
        raise ReviewError(_("A suggestion of this kind cannot be merged into that record."))
    if hasattr(target, "owner_id") and not permissions.can_edit(user, target):
        raise PermissionDenied(_("Only editors of the owner organisation can change this record."))
    with transaction.atomic():
        suggestion = _lock(suggestion)
        if suggestion.kind in (Kind.ORGANISATION, Kind.PERSON):
            add_alias(target, suggestion.label)
        cite(target, suggestion.evidence.select_related("document"))
        _finish(suggestion, user, Status.MERGED, target)
    return target


def reject(suggestion: Suggestion, user, comment: str = ""):
    _require_reviewer(user)
    with transaction.atomic():
        suggestion = _lock(suggestion)
        RejectedFingerprint.objects.get_or_create(
            fingerprint=suggestion.fingerprint,
            defaults={"kind": suggestion.kind, "label": suggestion.label[:500], "rejected_by": user})
        _finish(suggestion, user, Status.REJECTED, comment=comment)
    return suggestion


def bulk(ids, action: str, user) -> tuple[int, list[str]]:
    """Accept or reject many suggestions; each one in its own transaction. Returns (done, errors)."""
    _require_reviewer(user)
    done, errors = 0, []
    for suggestion in Suggestion.objects.filter(pk__in=list(ids)[:500], status=Status.PENDING).order_by("id"):
        try:
            if action == "accept":
                accept(suggestion, user)
            elif action == "reject":
                reject(suggestion, user)
            elif action == "merge" and suggestion.best_match is not None:
                merge_into(suggestion, suggestion.best_match, user)
            else:
                raise ReviewError(_("Nothing to do."))
            done += 1
        except (ReviewError, PermissionDenied) as exc:
            errors.append(f"{suggestion.label}: {exc}")
    return done, errors


def add_alias(record, name: str) -> None:
    from amity.suggestions.matching import names_of

    name = _clean_name(name)
    if not name or fold(name) in {fold(n) for n in names_of(record)}:
        return
    record.aliases = [*(record.aliases or []), name]
    record.save()


# ---- per kind: what accepting creates -------------------------------------------------------------------------


def _owner(user):
    return permissions.user_organisation(user)


def _date(value, default=None) -> dt.date | None:
    date, _precision = parse_partial_date(value)
    return date or default


def _country(iso2):
    from amity.partners.models import Country

    return Country.objects.filter(iso2=(iso2 or "").upper()[:2]).first() if iso2 else None


def _find_org(name):
    name = _clean_name(name)
    if not name:
        return None
    match = Indexes().organisations().best(name, cutoff=95)
    if match:
        return match.obj
    return None


def _find_person(name):
    from amity.partners.models import Person

    name = _clean_name(name)
    if not name:
        return None
    key = fold(name)
    person = Person.objects.filter(name_key=key).first()
    if person:
        return person
    match = Indexes().persons().best(name, cutoff=95)
    return match.obj if match else None


def _accept_organisation(suggestion, user):
    from amity.partners.models import Organisation

    p = suggestion.payload
    org = Organisation(name_en=_clean_name(p.get("name_en")), name_vi=_clean_name(p.get("name_vi")),
                       acronym=_clean_name(p.get("acronym"))[:40], kind=p.get("kind") or "other",
                       home_country=_country(p.get("home_country")), owner=_owner(user),
                       created_by=user, updated_by=user)
    org.full_clean(exclude=["key"])
    org.save()
    return org


def _accept_person(suggestion, user):
    from amity.partners.models import Person

    p = suggestion.payload
    person = Person(full_name=_clean_name(p.get("full_name")), name_vi=_clean_name(p.get("name_vi")),
                    country=_country(p.get("country")), owner=_owner(user), created_by=user, updated_by=user)
    person.full_clean()
    person.save()
    return person


def _accept_post(suggestion, user):
    from amity.partners.models import Person, Post

    p = suggestion.payload
    person = _find_person(p.get("person"))
    if person is None:
        person = Person(full_name=_clean_name(p.get("person")), owner=_owner(user), created_by=user,
                        updated_by=user)
        person.full_clean()
        person.save()
    elif not permissions.can_edit(user, person):
        raise PermissionDenied(_("Only editors of the owner organisation can change this record."))
    post = Post(person=person, title=_clean_name(p.get("title")), organisation=_find_org(p.get("organisation")),
                date_from=_date(p.get("date_from"), timezone.localdate()))
    post.full_clean()
    post.save()
    return post


def _names_to_objects(names, finder):
    out = []
    for name in names or []:
        obj = finder(name)
        if obj is not None and obj not in out:
            out.append(obj)
    return out


def _accept_activity(suggestion, user):
    try:
        from amity.activities.services import create_activity
    except ImportError as exc:
        raise ReviewError(_("The activity register is not available yet.")) from exc
    p = suggestion.payload
    start = _date(p.get("start"))
    if start is None:
        raise ReviewError(_("Give the activity a start date before accepting it."))
    countries = [c for c in (_country(iso) for iso in p.get("countries") or []) if c]
    money = {}
    if suggestion.kind == Kind.AID_COMMITMENT and p.get("amount") not in (None, ""):
        money = {"money_amount": Decimal(str(p.get("amount"))), "money_currency": (p.get("currency") or "")[:3],
                 "money_kind": "aid_pledge"}
    return create_activity(
        user=user, type=activity_type(p.get("type"), p.get("location")), title=_clean_name(p.get("title")) or suggestion.label[:300],
        start=start, precision=p.get("precision") or "day", end=_date(p.get("end")),
        countries=countries, organisations=_names_to_objects(p.get("organisations"), _find_org),
        persons=_names_to_objects(p.get("persons"), _find_person), summary=p.get("summary") or "",
        sources=[source_for(ev) for ev in all_sources(suggestion)], **money,
    )


def _accept_partnership(suggestion, user):
    from amity.partners.choices import PartnershipLevel
    from amity.partners.models import Partnership

    p = suggestion.payload
    country = _country(p.get("country"))
    if country is None:
        raise ReviewError(_("Choose the country whose partnership changed."))
    if not permissions.can_edit(user, country):
        raise PermissionDenied(_("Only editors of the owner organisation can change this record."))
    if p.get("level") not in PartnershipLevel.values:
        raise ReviewError(_("Choose the new partnership level before accepting."))
    date_from = _date(p.get("date_from"))
    if date_from is None:
        raise ReviewError(_("Give the date of the change before accepting."))
    existing = Partnership.objects.filter(country=country, date_from=date_from).first()
    if existing:
        raise ReviewError(_("%(country)s already has a partnership step on %(date)s; merge into it instead.")
                          % {"country": country, "date": date_from})
    partnership = Partnership(country=country, level=p["level"], date_from=date_from,
                              source_url=(suggestion.evidence.first().document.url or "")[:1000]
                              if suggestion.evidence.exists() else "")
    partnership.full_clean()
    partnership.save()
    return partnership


def _accept_figure(suggestion, user):
    p = suggestion.payload
    target = _country(p.get("country")) or _country(HOME_COUNTRY)
    if target is None:
        raise ReviewError(_("Choose the country the figure is about."))
    text = _("Figure: %(value)s %(unit)s — %(about)s") % {
        "value": _fmt_number(p.get("value")), "unit": p.get("unit") or "", "about": p.get("about") or ""}
    return JournalNote.objects.create(target=target, text=text[:20000], author=user,
                                      date=_date(p.get("date"), timezone.localdate()))


ACCEPTORS = {
    Kind.ORGANISATION: _accept_organisation,
    Kind.PERSON: _accept_person,
    Kind.POST: _accept_post,
    Kind.ACTIVITY: _accept_activity,
    Kind.AID_COMMITMENT: _accept_activity,
    Kind.PARTNERSHIP_CHANGE: _accept_partnership,
    Kind.FIGURE: _accept_figure,
}

MERGE_TARGETS = {
    Kind.ORGANISATION: {"partners.organisation"},
    Kind.PERSON: {"partners.person"},
    Kind.POST: {"partners.post"},
    Kind.ACTIVITY: {"activities.activity"},
    Kind.AID_COMMITMENT: {"activities.activity"},
    Kind.PARTNERSHIP_CHANGE: {"partners.partnership"},
}

__all__ = ["PROPOSE_AT", "ReviewError", "accept", "bulk", "merge_into", "reject", "suggest_from_document"]
