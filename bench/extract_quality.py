"""Quality of the extraction engine against the annotated corpus (tests/corpus/{train,heldout}).

Matching rules (one-to-one, greedy, best score first):
- countries: exact ISO2.
- organisations: predicted name or canonical vs expected name or canonical, diacritic-folded,
  rapidfuzz ratio >= 85 (or token_set_ratio >= 92 with an acronym-aware shortcut: equal folded strings).
- persons: folded name, ratio >= 85.
- events: same type, compatible date (both null, or equal at the coarser precision: "2025" ~
  "2025-03-10"), and at least one shared participant (country code, or organisation / person name
  fuzzy-equal as above).
- money: same currency and amount within 0.5 %.
- figures: value within 0.5 % (units are free text in the annotations, so they are not compared).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from amity.extract.normalize import fold

FIELDS = ("countries", "organizations", "persons", "events", "money", "figures")
NAME_THRESHOLD = 85


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 3),
                "recall": round(self.recall, 3), "f1": round(self.f1, 3)}


def names_match(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    fa, fb = fold(a).replace("–", "-"), fold(b).replace("–", "-")
    if fa == fb:
        return True
    if min(len(fa), len(fb)) <= 5:       # acronyms must be equal
        return False
    return fuzz.ratio(fa, fb) >= NAME_THRESHOLD


def org_match(p: dict, e: dict) -> bool:
    return any(names_match(x, y) for x in (p.get("name"), p.get("canonical"))
               for y in (e.get("name"), e.get("canonical")))


def person_match(p: dict, e: dict) -> bool:
    return names_match(p.get("name"), e.get("name"))


def dates_compatible(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def event_match(p: dict, e: dict) -> bool:
    if p.get("type") != e.get("type") or not dates_compatible(p.get("date"), e.get("date")):
        return False
    if set(p.get("countries") or []) & set(e.get("countries") or []):
        return True
    for key in ("organizations", "persons"):
        for x in p.get(key) or []:
            for y in e.get(key) or []:
                if names_match(x, y):
                    return True
    return False


def money_match(p: dict, e: dict) -> bool:
    try:
        return p["currency"] == e["currency"] and abs(float(p["amount"]) - float(e["amount"])) <= 0.005 * abs(float(e["amount"]))
    except (KeyError, TypeError, ValueError):
        return False


def figure_match(p: dict, e: dict) -> bool:
    try:
        return abs(float(p["value"]) - float(e["value"])) <= 0.005 * max(abs(float(e["value"])), 1e-9)
    except (KeyError, TypeError, ValueError):
        return False


MATCHERS = {"organizations": org_match, "persons": person_match, "events": event_match,
            "money": money_match, "figures": figure_match}


def match(pred: list, gold: list, fn) -> tuple[int, int, int, list, list]:
    used: set[int] = set()
    tp = 0
    unmatched_pred = []
    for p in pred:
        for i, g in enumerate(gold):
            if i not in used and fn(p, g):
                used.add(i)
                tp += 1
                break
        else:
            unmatched_pred.append(p)
    missed = [g for i, g in enumerate(gold) if i not in used]
    return tp, len(pred) - tp, len(gold) - tp, unmatched_pred, missed


def score_doc(pred: dict, gold: dict) -> dict[str, tuple]:
    out = {}
    pc, gc = set(pred.get("countries", [])), set(gold.get("countries", []))
    out["countries"] = (len(pc & gc), len(pc - gc), len(gc - pc), sorted(pc - gc), sorted(gc - pc))
    for f, fn in MATCHERS.items():
        out[f] = match(pred.get(f, []), gold.get(f, []), fn)
    return out


def load_split(corpus: Path, split: str) -> list[tuple[Path, dict]]:
    d = corpus / split
    if not d.is_dir():
        return []
    docs = []
    for j in sorted(d.glob("*.json")):
        txt = j.with_suffix(".txt")
        if txt.exists():
            docs.append((txt, json.loads(j.read_text(encoding="utf-8"))))
    return docs


def evaluate(corpus: Path, split: str, extract, verbose: bool = False) -> dict:
    scores = {f: Score() for f in FIELDS}
    errors: list[dict] = []
    docs = load_split(corpus, split)
    for txt, ann in docs:
        meta = ann.get("meta", {})
        pred = extract(txt.read_text(encoding="utf-8"), date=meta.get("date"))   # language is detected
        res = score_doc(pred, ann.get("expected", {}))
        for f in FIELDS:
            tp, fp, fn, extra, missed = res[f]
            scores[f].add(tp, fp, fn)
            if verbose and (extra or missed):
                errors.append({"doc": txt.stem, "field": f, "extra": extra, "missed": missed})
    return {"documents": len(docs), "scores": {f: s.as_dict() for f, s in scores.items()}, "errors": errors}
