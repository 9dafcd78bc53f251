"""The extraction pipeline: normalise -> sentences -> gazetteer -> dates, money, figures, persons
-> organisations and countries -> events -> the contract dict.

``extract(text)`` is pure (no I/O beyond the cached gazetteer); ``extract_file(path)`` adds the
reader.  Neither imports Django.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import os
import re
from functools import lru_cache

from . import dates as dates_mod
from . import entities, sentences
from . import events as events_mod
from . import figures as figures_mod
from . import lang as lang_mod
from . import money as money_mod
from . import persons as persons_mod
from .gazetteer import COUNTRY, PLACE, Gazetteer, get_gazetteer
from .normalize import Spans, fold_aligned, fold_word, normalize_text
from .reader import read_file

MAX_TYPES_PER_SENTENCE = 2
# a sentence may tell a second event ("... met and signed an MoU"), but only of these types, and
# not where the second trigger describes the first ("aid packages were signed")
_SECONDARY_OK = frozenset(("award", "agreement_signed", "partnership_upgrade", "election_appointment",
                           "meeting", "visit"))
_SECONDARY_BLOCKED = frozenset((("aid_commitment", "agreement_signed"), ("anniversary_celebration", "meeting"),
                                ("conference", "meeting"), ("training", "conference"),
                                ("agreement_signed", "partnership_upgrade")))
_CONGRESS = re.compile(r"\b(?:congress|dai hoi)\b")
# a sentence that goes on telling the event before it
_ANAPHORA = re.compile(r"(?:at|during|on) (?:the|this|that) (?:event|meeting|ceremony|occasion|visit|talks|session|"
                       r"reception|signing ceremony|working session|forum|conference)\b|on this occasion\b|"
                       r"tai (?:buoi|su kien|le|hoi nghi|day)\b|nhan dip\b|dip nay\b|cung tai\b|trong khuon kho\b")
_IN_COUNTRY = re.compile(r"(?:\bin|\btại|\btai|\bto|\bđến|\bden)\s+$", re.IGNORECASE)


def _ev(span: tuple[int, int]) -> dict:
    return {"start": span[0], "end": span[1]}


def extract(text: str, *, date: str | dt.date | None = None, lang: str | None = None,
            gazetteer: Gazetteer | None = None, evidence: bool = True) -> dict:
    """Extract the contract object from ``text``.

    ``date`` is the document date ("YYYY-MM-DD" or a date) used to resolve "on March 10"; when
    absent, a publication line near the top ("17/02/2026 | 07:05") is used if there is one.
    ``lang`` ("en"/"vi") skips detection.  ``evidence=False`` leaves out the sentence offsets.

    Offsets in ``evidence`` point into ``normalize_text(text)`` (the first stage: NFC, one space
    between words, no control characters); callers that show evidence keep that text.  Non-contract
    keys: ``language`` and ``date`` (the document date used, or null).
    """
    g = gazetteer or get_gazetteer()
    text = normalize_text(text or "")
    folded = fold_aligned(text)
    lang = lang or lang_mod.detect(text)
    if isinstance(date, str):
        doc_date = dates_mod.parse_iso(date)
    elif isinstance(date, dt.datetime):
        doc_date = date.date()
    elif isinstance(date, dt.date):
        doc_date = date
    else:
        doc_date = dates_mod.document_date(folded)

    sents = sentences.split(text) or ([(0, len(text))] if text else [])
    starts = [s for s, _ in sents]

    def sent_of(pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(starts, pos) - 1
        return sents[max(i, 0)] if sents else (0, 0)

    ents, titles = g.scan(text, folded, lang)
    orgs = entities.organizations(text, folded, ents, g, sents, lang)
    country_hits = entities.countries(ents, orgs)
    money = money_mod.find(text, folded, lang)
    ref_year = doc_date.year if doc_date else dates_mod.reference_year(folded)
    date_hits = dates_mod.find(folded, doc_date, lang=lang)   # no year, no document date: null (the spec)
    figs = figures_mod.find(text, folded, lang, [(m.start, m.end) for m in money] +
                            [(d.start, d.end) for d in date_hits])

    # persons, sentence by sentence (hits bucketed by sentence with one sweep)
    ent_starts = [h.start for h in ents]
    title_starts = [h.start for h in titles]
    persons = []
    org_spans = Spans((o.start, o.end) for o in orgs)
    orgs_at = {o.start: (o.end, o.canonical) for o in orgs}
    hints = persons_mod.name_hints(text, g)
    # only the sentences holding a title, a name hint or a known person: marked from those few offsets
    marked = set()
    for pos in itertools.chain(title_starts, hints, (h.start for h in ents if h.entry.kind == "person")):
        k = bisect.bisect_right(starts, pos) - 1
        if k >= 0 and pos < sents[k][1]:
            marked.add(k)
    for k in sorted(marked):
        s, e = sents[k]
        i0, i1 = bisect.bisect_left(ent_starts, s), bisect.bisect_left(ent_starts, e)
        t0, t1 = bisect.bisect_left(title_starts, s), bisect.bisect_left(title_starts, e)
        persons.extend(persons_mod.find(text, (s, e), ents[i0:i1], titles[t0:t1], g, org_spans, orgs_at))

    out: dict = {"countries": [], "organizations": [], "persons": [], "events": [], "money": [], "figures": []}

    seen_c: set[str] = {iso for _, iso in country_hits}
    out["countries"] = sorted(seen_c)    # ISO2, alphabetical (the corpus convention)
    if evidence:                         # countries are bare codes: their evidence sits beside them
        first: dict[str, int] = {}
        for pos, iso in country_hits:
            first[iso] = min(pos, first.get(iso, pos))
        out["country_evidence"] = {iso: _ev(sent_of(pos)) for iso, pos in sorted(first.items())}

    org_by_canon: dict[str, dict] = {}
    org_keys: dict[str, dict] = {}
    for o in orgs:
        if o.canonical in org_by_canon:
            continue
        known = org_keys.get(_org_key(o.name)) or org_keys.get(_org_key(o.canonical))
        if known is not None:           # "Viet Nam–Romania ..." and "Vietnam - Romania ...": one body
            org_by_canon[o.canonical] = known
            continue
        item = {"name": o.name, "canonical": o.canonical, "kind": o.kind, "country": o.country}
        if evidence:
            item["evidence"] = _ev(sent_of(o.start))
        org_by_canon[o.canonical] = item
        org_keys.setdefault(_org_key(o.name), item)
        org_keys.setdefault(_org_key(o.canonical), item)
        out["organizations"].append(item)

    person_by_key: dict[str, dict] = {}
    for p in sorted(persons, key=lambda p: p.start):
        key = fold_word(p.name)
        known = person_by_key.get(key)
        org_name = org_by_canon[p.org]["name"] if p.org in org_by_canon else p.org
        if known:
            known["title"] = known["title"] or p.title
            known["org"] = known["org"] or org_name
            continue
        item = {"name": p.name, "title": p.title, "org": org_name}
        if evidence:
            item["evidence"] = _ev(sent_of(p.start))
        person_by_key[key] = item
        out["persons"].append(item)

    # events
    org_starts = [o.start for o in orgs]
    c_sorted = sorted(country_hits)
    c_starts = [p for p, _ in c_sorted]
    p_sorted = sorted(persons, key=lambda p: p.start)
    p_starts = [p.start for p in p_sorted]
    d_starts = [d.start for d in date_hits]
    events: list[dict] = []
    trig = events_mod.trigger_hits(text)
    trig_starts = [t for t, _ in trig]
    last_item: dict | None = None
    for s, e in sents:
        fired = trig[bisect.bisect_left(trig_starts, s):bisect.bisect_left(trig_starts, e)]
        # a trigger inside an organisation's name ("Ministry of Education and Training") tells nothing
        fired = [t for t in fired if not org_spans.overlaps(t[0], t[0] + 1)]
        if not fired:
            continue
        types = events_mod.types_of([n for _, n in fired], MAX_TYPES_PER_SENTENCE)
        if len(types) > 1 and (types[1] not in _SECONDARY_OK or (types[0], types[1]) in _SECONDARY_BLOCKED) \
                and not (types[1] == "conference" and types[0] in ("election_appointment", "award")
                         and _CONGRESS.search(folded, s, e)):
            types = types[:1]
        sentence = text[s:e]
        ev_orgs = _uniq(org_by_canon[o.canonical]["name"] for o in orgs[bisect.bisect_left(org_starts, s):
                                                                          bisect.bisect_left(org_starts, e)])
        ev_countries = _uniq(iso for _, iso in c_sorted[bisect.bisect_left(c_starts, s):bisect.bisect_left(c_starts, e)])
        sent_persons = p_sorted[bisect.bisect_left(p_starts, s):bisect.bisect_left(p_starts, e)]
        ev_persons = _uniq(person_by_key[fold_word(p.name)]["name"] for p in sent_persons)
        # the actors' countries: an organisation's home country, a Vietnamese name
        sent_orgs = orgs[bisect.bisect_left(org_starts, s):bisect.bisect_left(org_starts, e)]
        actor_countries = [o.country for o in sent_orgs if o.country] + \
            ["VN" for p in sent_persons if persons_mod.is_surname(p.name.split()[0], g)]
        ev_countries = _uniq(ev_countries + [c for c in actor_countries if c in seen_c])
        ds = date_hits[bisect.bisect_left(d_starts, s):bisect.bisect_left(d_starts, e)]
        date = None
        if not (ev_orgs or ev_persons or [c for c in ev_countries if c != "VN"] or (ev_countries and (ds or s == 0))):
            # "At the event, both sides signed an MoU": the participants of the event just told
            if not (last_item and _ANAPHORA.match(folded, s)):
                continue
            ev_orgs, ev_persons = list(last_item["organizations"]), list(last_item["persons"])
            ev_countries = list(last_item["countries"])
            date = last_item["date"]
        date = _event_date(ds, doc_date, ref_year, text) or date
        location = _location(text, ents[bisect.bisect_left(ent_starts, s):bisect.bisect_left(ent_starts, e)], s, e, g)
        for typ in types:
            item = {"type": typ, "date": date, "location": location,
                    "countries": list(ev_countries), "organizations": list(ev_orgs), "persons": list(ev_persons),
                    "summary": events_mod.summarize(sentence)}
            if evidence:
                item["evidence"] = _ev((s, e))
            _merge_event(events, item)
            last_item = last_item or item     # "At the event": the article's main (first) event
    _absorb(events, "conference", "training")     # "training conference": one event
    fallback = doc_date.isoformat() if doc_date is not None else _title_year(text)
    for item in events:
        if item["date"] is None and fallback is not None:
            item["date"] = fallback
    for item in events:
        item["countries"].sort()
    out["events"] = events

    seen_m: set = set()
    for m in money:
        if (m.amount, m.currency) in seen_m:
            continue
        seen_m.add((m.amount, m.currency))
        item = {"amount": m.amount, "currency": m.currency, "about": m.about}
        if evidence:
            item["evidence"] = _ev(sent_of(m.start))
        out["money"].append(item)

    seen_f: set = set()
    for f in figs:
        if (f.value, f.unit) in seen_f:
            continue
        seen_f.add((f.value, f.unit))
        item = {"value": f.value, "unit": f.unit, "about": f.about}
        if evidence:
            item["evidence"] = _ev(sent_of(f.start))
        out["figures"].append(item)

    out["language"] = lang
    out["date"] = doc_date.isoformat() if doc_date else None
    return out


def _event_date(ds: list, doc_date: dt.date | None, ref_year: int | None, text: str) -> str | None:
    """The sentence's date of the event: the first date that is not history (years before the
    document: "founded on 17/11/1950") nor an aside in parentheses ("(17/11/1950 - 17/11/2020)"),
    nor after the document date."""
    cands = [d for d in ds if ref_year is None or int(d.value[:4]) >= ref_year - 2]
    if doc_date is not None:
        limit = (doc_date + dt.timedelta(days=31)).isoformat()
        cands = [d for d in cands if d.value <= limit]
    if not cands:
        # only history in the sentence ("On 17/11/1950, ... was founded"): the event is that history
        old = [d for d in ds if ref_year is not None and int(d.value[:4]) < ref_year - 2
               and text.rfind("(", 0, d.start) <= text.rfind(")", 0, d.start)]
        return old[0].value if old and len(old[0].value) >= 7 else None
    plain = [d for d in cands if text.rfind("(", 0, d.start) <= text.rfind(")", 0, d.start)]
    return (plain or cands)[0].value


def _merge_event(events: list[dict], item: dict) -> None:
    """An article tells one event in several sentences: same type and compatible date -> one event."""
    for ev in events:
        if ev["type"] != item["type"]:
            continue
        a, b = ev["date"], item["date"]
        if a and b and a[:min(len(a), len(b))] != b[:min(len(a), len(b))]:
            continue
        if b and (not a or len(b) > len(a)):
            ev["date"] = b
        ev["location"] = ev["location"] or item["location"]
        for key in ("countries", "organizations", "persons"):
            have = set(ev[key])
            ev[key].extend(x for x in item[key] if x not in have and not have.add(x))
        return
    events.append(item)


_TITLE_YEAR = re.compile(r"(?<![\d/.-])((?:19|20)\d\d)(?![\d/])")


def _title_year(text: str) -> str | None:
    """The one year a headline names ("Diplomacy in 2025: ..."), for events the body leaves undated."""
    title = text.split("\n", 1)[0]
    years = set(_TITLE_YEAR.findall(title))
    return years.pop() if len(years) == 1 else None


def _absorb(events: list[dict], minor: str, major: str) -> None:
    target = next((ev for ev in events if ev["type"] == major), None)
    if target is None:
        return
    for ev in [ev for ev in events if ev["type"] == minor]:
        a, b = target["date"], ev["date"]
        if a and b and a[:min(len(a), len(b))] != b[:min(len(a), len(b))]:
            continue
        events.remove(ev)
        for key in ("countries", "organizations", "persons"):
            target[key] = _uniq(target[key] + ev[key])
        target["date"] = target["date"] or ev["date"]


_NON_ALNUM = re.compile(r"[\W_]+")


@lru_cache(maxsize=65536)
def _org_key(name: str) -> str:
    """The key that makes "Viet Nam–Romania ..." and "Vietnam - Romania ..." one body (cached: the
    same names come back in every sentence and article)."""
    key = _NON_ALNUM.sub("", fold_word(name))
    return key.replace("vietnam", "vn").replace("organisation", "organization")


def _uniq(items) -> list:
    return list(dict.fromkeys(items))


def _location(text: str, ents, s: int, e: int, g: Gazetteer) -> str | None:
    for h in ents:
        if h.start >= e:
            break
        if h.start < s:
            continue
        if h.entry.kind == PLACE:
            return h.entry.value
    for h in ents:
        if h.start >= e:
            break
        if h.start >= s and h.entry.kind == COUNTRY and _IN_COUNTRY.search(text[max(s, h.start - 8):h.start]):
            return h.entry.value if len(h.entry.value) != 2 else g.country_names.get(h.entry.value, h.text)
    return None


def extract_file(path: str | os.PathLike, *, date: str | dt.date | None = None, lang: str | None = None,
                 evidence: bool = True) -> dict:
    """Read ``path`` (txt, html, pdf, docx) and extract; raises :class:`~.reader.ReadError`."""
    doc = read_file(path)
    result = extract(doc.text, date=date, lang=lang, evidence=evidence)
    if doc.warnings:
        result["warnings"] = doc.warnings
    return result
