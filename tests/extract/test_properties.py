"""Property: arbitrary Unicode never makes the engine raise, and offsets stay in the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from amity.extract.normalize import fold, fold_aligned, normalize_text
from amity.extract.pipeline import extract
from amity.extract.reader import ReadError, decode_bytes

WORDS = st.sampled_from(["VUFO", "Hà Nội", "Japanese", "393 tỷ đồng", "US$1.2 million", "on March 10",
                         "Chủ tịch", "Nguyễn Phương Nga", "Hội hữu nghị Việt Nam – Lào", "President", "8%",
                         "1,2 triệu USD", "visited", ". ", "\n", "ký kết", "Provincial Union of Friendship",
                         "(VUFO)", "Embassy of", "Japan", ", the co-founders", "Ben Chapman", "4-6 more",
                         "UBND tỉnh", "Sáng 04/12", "on Monday", "in April", "Liên hiệp các tổ chức hữu nghị tỉnh"])
TEXT = st.one_of(st.text(max_size=400), st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=40).map(" ".join))


@settings(max_examples=150, deadline=None)
@given(TEXT, st.sampled_from([None, "2025-06-30", "not a date"]), st.sampled_from([None, "en", "vi"]))
def test_extract_never_raises(text, date, lang):
    r = extract(text, date=date, lang=lang)
    n = len(normalize_text(text))
    for key in ("organizations", "persons", "events", "money", "figures"):
        for item in r[key]:
            assert 0 <= item["evidence"]["start"] <= item["evidence"]["end"] <= n
    names, persons = {o["name"] for o in r["organizations"]}, {p["name"] for p in r["persons"]}
    for e in r["events"]:                # participants reference the lists above
        assert set(e["organizations"]) <= names and set(e["persons"]) <= persons
        assert set(e["countries"]) <= set(r["countries"])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_fold_aligned_same_length(text):
    t = normalize_text(text)
    assert len(fold_aligned(t)) == len(t)
    assert fold(fold(text)) == fold(text)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_decode_bytes_never_raises_anything_but_readerror(data):
    try:
        decode_bytes(data)
    except ReadError:
        pass
