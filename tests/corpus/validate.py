"""Validate the annotated corpus (tests/corpus/{train,heldout}/*.json).

Usage: python tests/corpus/validate.py [--strict]
Checks schema, ISO2 codes (pycountry), allowed kinds/types, date formats,
event participants referencing declared entities, and that names appear in the text.
"""

import json
import re
import sys
import unicodedata
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parent
KINDS = {
    "friendship_union",
    "friendship_association",
    "ngo",
    "party",
    "government",
    "parliament",
    "international_org",
    "university",
    "business",
    "media",
    "other",
}
TYPES = {
    "visit",
    "meeting",
    "conference",
    "agreement_signed",
    "partnership_upgrade",
    "aid_commitment",
    "training",
    "cultural_exchange",
    "award",
    "election_appointment",
    "anniversary_celebration",
    "other",
}
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
META_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO2 = {c.alpha_2 for c in pycountry.countries}


def norm(s):
    s = unicodedata.normalize("NFC", s)
    return s.replace("\u2019", "'").casefold()


def check(path, errors, warnings):
    d = json.loads(path.read_text(encoding="utf-8"))
    pid = path.stem

    def err(m):
        errors.append(f"{path.parent.name}/{pid}: {m}")

    def warn(m):
        warnings.append(f"{path.parent.name}/{pid}: {m}")

    if set(d) != {"meta", "expected"}:
        err("top-level keys must be meta, expected")
    meta, exp = d.get("meta", {}), d.get("expected", {})
    for k in ("id", "source_url", "outlet", "title", "date", "lang"):
        if k not in meta:
            err(f"meta.{k} missing")
    if meta.get("id") != pid:
        err("meta.id != file stem")
    if meta.get("lang") not in ("en", "vi"):
        err("meta.lang")
    if meta.get("date") is not None and not META_DATE_RE.match(meta["date"]):
        err("meta.date format")
    if not str(meta.get("source_url", "")).startswith("http"):
        err("source_url")
    txt = path.with_suffix(".txt")
    if not txt.exists() or not txt.read_text(encoding="utf-8").strip():
        err(".txt missing or empty")
        return
    text = txt.read_text(encoding="utf-8")
    if text.split("\n", 1)[0].strip() != meta.get("title"):
        err("title != first line of .txt")
    ntext = norm(text)
    for k in ("countries", "organizations", "persons", "events", "money", "figures"):
        if k not in exp or not isinstance(exp[k], list):
            err(f"expected.{k} missing/not list")
    cs = exp.get("countries", [])
    if cs != sorted(set(cs)):
        err("countries not sorted/unique")
    for c in cs:
        if c not in ISO2:
            err(f"bad ISO2 {c}")
    onames = []
    for o in exp.get("organizations", []):
        if set(o) != {"name", "canonical", "kind", "country"}:
            err(f"org keys {o}")
        if o.get("kind") not in KINDS:
            err(f"org kind {o.get('kind')}")
        if o.get("country") is not None and o["country"] not in ISO2:
            err(f"org country {o['country']}")
        if norm(o["name"]) not in ntext:
            warn(f"org name not in text: {o['name']}")
        onames.append(o["name"])
    if len(onames) != len(set(onames)):
        err("duplicate org names")
    pnames = []
    for p in exp.get("persons", []):
        if set(p) != {"name", "title", "org"}:
            err(f"person keys {p}")
        if norm(p["name"]) not in ntext:
            warn(f"person name not in text: {p['name']}")
        if p.get("org") is not None and p["org"] not in onames:
            err(f"person org not declared: {p['org']}")
        pnames.append(p["name"])
    if len(pnames) != len(set(pnames)):
        err("duplicate person names")
    for e in exp.get("events", []):
        if set(e) != {"type", "date", "location", "countries", "organizations", "persons", "summary"}:
            err(f"event keys {sorted(e)}")
        if e.get("type") not in TYPES:
            err(f"event type {e.get('type')}")
        if e.get("date") is not None and not DATE_RE.match(e["date"]):
            err(f"event date {e['date']}")
        for c in e.get("countries", []):
            if c not in ISO2:
                err(f"event ISO2 {c}")
            if c not in cs:
                err(f"event country {c} not in countries")
        for n in e.get("organizations", []):
            if n not in onames:
                err(f"event org not declared: {n}")
        for n in e.get("persons", []):
            if n not in pnames:
                err(f"event person not declared: {n}")
    for m in exp.get("money", []):
        if set(m) != {"amount", "currency", "about"}:
            err(f"money keys {m}")
        if not isinstance(m.get("amount"), (int, float)) or m["amount"] <= 0:
            err(f"money amount {m}")
        if not re.match(r"^[A-Z]{3}$", str(m.get("currency"))):
            err(f"currency {m}")
    for f in exp.get("figures", []):
        if set(f) != {"value", "unit", "about"}:
            err(f"figure keys {f}")
        if not isinstance(f.get("value"), (int, float)):
            err(f"figure value {f}")
    return meta


def main():
    errors, warnings, rows = [], [], []
    for split in ("train", "heldout"):
        for p in sorted((ROOT / split).glob("*.json")):
            meta = check(p, errors, warnings)
            if meta:
                rows.append((split, meta.get("lang"), p.stem))
    for w in warnings:
        print("WARN", w)
    for e in errors:
        print("ERROR", e)
    from collections import Counter

    c = Counter((split, lang) for split, lang, _ in rows)
    print("files:", len(rows), dict(c))
    if errors or ("--strict" in sys.argv and warnings):
        sys.exit(1)


if __name__ == "__main__":
    main()
