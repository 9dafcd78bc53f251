"""The extraction pipeline: normalise -> sentences -> gazetteer -> dates, money, figures, persons
-> organisations and countries -> events -> the contract dict.

``extract(text)`` is pure (no I/O beyond the cached gazetteer); ``extract_file(path)`` adds the
reader.  Neither imports Django.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
import re

from . import dates as dates_mod
from . import entities, events as events_mod, figures as figures_mod, lang as lang_mod
from . import money as money_mod, persons as persons_mod, sentences
from .gazetteer import COUNTRY, PLACE, Gazetteer, get_gazetteer
from .normalize import fold, fold_aligned, normalize_text
from .reader import read_file

_IN_COUNTRY = re.compile(r"(?:\bin|\btại|\btai|\bto|\bđến|\bden)\s+$", re.IGNORECASE)


def _ev(span: tuple[int, int]) -> dict:
    return {"start": span[0], "end": span[1]}


def extract(text: str, *, date: str | dt.date | None = None, lang: str | None = None,
            gazetteer: Gazetteer | None = None, evidence: bool = True) -> dict:
    """Extract the contract object from ``text``.

    ``date`` is the document date ("YYYY-MM-DD" or a date) used to resolve "on March 10"; when
    absent a publication date near the top of the text is used.  ``lang`` skips detection.
    Offsets in ``evidence`` point into ``result["text"]``-equivalent: the normalised text, which
    is returned under the non-contract key ``"text_length"`` only (not the text itself).
    """
    g = gazetteer or get_gazetteer()
    text = normalize_text(text or "")
    folded = fold_aligned(text)
    lang = lang or lang_mod.detect(text)
    if isinstance(date, str):
        doc_date = dates_mod.parse_iso(date)
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
    orgs = entities.organizations(text, folded, ents, g)
    country_hits = entities.countries(ents, orgs)
    money = money_mod.find(text, folded, lang)
    date_hits = dates_mod.find(folded, doc_date)
    figs = figures_mod.find(text, folded, lang, [(m.start, m.end) for m in money] +
                            [(d.start, d.end) for d in date_hits])

    # persons, sentence by sentence (hits bucketed by sentence with one sweep)
    ent_starts = [h.start for h in ents]
    title_starts = [h.start for h in titles]
    persons = []
    for s, e in sents:
        i0, i1 = bisect.bisect_left(ent_starts, s), bisect.bisect_left(ent_starts, e)
        t0, t1 = bisect.bisect_left(title_starts, s), bisect.bisect_left(title_starts, e)
        if t0 == t1 and not _may_have_vn_name(folded, s, e, g):
            continue
        persons.extend(persons_mod.find(text, (s, e), ents[i0:i1], titles[t0:t1], g))

    out: dict = {"countries": [], "organizations": [], "persons": [], "events": [], "money": [], "figures": []}

    seen_c: set[str] = set()
    for pos, iso in sorted(country_hits):
        if iso not in seen_c:
            seen_c.add(iso)
            out["countries"].append(iso)
    country_ev = {}
    for pos, iso in sorted(country_hits):
        country_ev.setdefault(iso, sent_of(pos))

    org_by_canon: dict[str, dict] = {}
    for o in orgs:
        if o.canonical in org_by_canon:
            continue
        item = {"name": o.name, "canonical": o.canonical, "kind": o.kind, "country": o.country}
        if evidence:
            item["evidence"] = _ev(sent_of(o.start))
        org_by_canon[o.canonical] = item
        out["organizations"].append(item)

    person_by_key: dict[str, dict] = {}
    for p in sorted(persons, key=lambda p: p.start):
        key = fold(p.name)
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
    seen_ev: set = set()
    for s, e in sents:
        sentence = text[s:e]
        typ = events_mod.event_type(sentence)
        if typ is None:
            continue
        ev_orgs = _uniq(org_by_canon[o.canonical]["name"] for o in orgs[bisect.bisect_left(org_starts, s):
                                                                          bisect.bisect_left(org_starts, e)])
        ev_countries = _uniq(iso for _, iso in c_sorted[bisect.bisect_left(c_starts, s):bisect.bisect_left(c_starts, e)])
        ev_persons = _uniq(person_by_key[fold(p.name)]["name"]
                           for p in p_sorted[bisect.bisect_left(p_starts, s):bisect.bisect_left(p_starts, e)])
        if not (ev_orgs or ev_persons or [c for c in ev_countries if c != "VN"]):
            continue
        ds = date_hits[bisect.bisect_left(d_starts, s):bisect.bisect_left(d_starts, e)]
        date = max(ds, key=lambda d: len(d.value)).value if ds else None
        key = (typ, date, tuple(ev_orgs), tuple(ev_persons), tuple(ev_countries))
        if key in seen_ev:
            continue
        seen_ev.add(key)
        item = {"type": typ, "date": date, "location": _location(text, ents, s, e, g),
                "countries": ev_countries, "organizations": ev_orgs, "persons": ev_persons,
                "summary": events_mod.summarize(sentence)}
        if evidence:
            item["evidence"] = _ev((s, e))
        out["events"].append(item)

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


def _uniq(items) -> list:
    seen: dict = {}
    for x in items:
        seen.setdefault(x, None)
    return list(seen)


def _may_have_vn_name(folded: str, s: int, e: int, g: Gazetteer) -> bool:
    return True


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
