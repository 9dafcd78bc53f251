"""Specific facts the engine must get right."""

from __future__ import annotations

import pytest

from amity.extract.normalize import fold, fold_aligned
from amity.extract.numbers import parse_number
from amity.extract.pipeline import extract


def money(text, lang=None):
    return [(m["amount"], m["currency"]) for m in extract(text, lang=lang)["money"]]


@pytest.mark.parametrize("text, expected", [
    ("Da Nang attracted more than VND 393 billion in international aid.", (393_000_000_000, "VND")),
    ("Đà Nẵng thu hút hơn 393 tỷ đồng viện trợ quốc tế.", (393_000_000_000, "VND")),
    ("Da Nang thu hut hon 393 ty dong vien tro quoc te.", (393_000_000_000, "VND")),
    ("Japan granted US$1.2 million for the schools.", (1_200_000, "USD")),
    ("Nhật Bản tài trợ 1,2 triệu USD cho các trường học.", (1_200_000, "USD")),
    ("The EU pledged €5.5 million to the project.", (5_500_000, "EUR")),
    ("The fund reached 2 billion yen.", (2_000_000_000, "JPY")),
    ("Tổng giá trị 1.200,5 triệu đồng.", (1_200_500_000, "VND")),
    ("Total import-export turnover surpassed $900 billion.", (900_000_000_000, "USD")),
    ("khoản hỗ trợ 500.000 USD", (500_000, "USD")),
    ("a donation of 100,000 US dollars", (100_000, "USD")),
])
def test_money(text, expected):
    assert expected in money(text)


def test_number_formats():
    assert parse_number("1,200.5", "en") == 1200.5
    assert parse_number("1.200,5", "vi") == 1200.5
    assert parse_number("1,2", "vi") == 1.2
    assert parse_number("1.5", "en") == 1.5
    assert parse_number("393", "vi") == 393
    assert parse_number("1.000.000", "vi") == 1_000_000


def test_demonym_counts_as_country():
    r = extract("The Japanese delegation visited Hanoi.")
    assert "JP" in r["countries"] and "VN" in r["countries"]


def test_organisations_are_not_countries():
    r = extract("Viet Nam works with ASEAN, the EU and the UN.")
    assert r["countries"] == ["VN"]
    canon = {o["canonical"] for o in r["organizations"]}
    assert {"Association of Southeast Asian Nations", "European Union", "United Nations"} <= canon


@pytest.mark.parametrize("text", ["Đoàn công tác đến tỉnh Hà Giang.", "The delegation travelled to Ha Giang province."])
def test_place_with_and_without_diacritics(text):
    r = extract(text)
    assert "VN" in r["countries"]


def test_fold_aligned_keeps_offsets():
    s = "Hà Nội, Đà Nẵng và Thừa Thiên Huế"
    f = fold_aligned(s)
    assert len(f) == len(s)
    assert f == fold(s)


def test_vufo_canonical():
    r = extract("VUFO President Nguyen Phuong Nga chaired the meeting.")
    vufo = [o for o in r["organizations"] if o["name"] == "VUFO"]
    assert vufo and vufo[0]["canonical"] == "Viet Nam Union of Friendship Organisations"
    assert vufo[0]["kind"] == "friendship_union"


@pytest.mark.parametrize("text, iso", [
    ("Chủ tịch Hội hữu nghị Việt Nam – Lào phát biểu.", "LA"),
    ("Chu tich Hoi huu nghi Viet Nam - Campuchia phat bieu.", "KH"),
    ("The Vietnam-Singapore Friendship Association met in Ha Noi.", "SG"),
    ("The Viet Nam–Romania Friendship Association held its congress.", "RO"),
])
def test_friendship_association_by_pattern(text, iso):
    r = extract(text)
    fa = [o for o in r["organizations"] if o["kind"] == "friendship_association"]
    assert fa, r["organizations"]
    assert iso in r["countries"]


def test_provincial_union_by_pattern():
    r = extract("The Tuyen Quang Provincial Union of Friendship Organizations held a training course.")
    assert any(o["canonical"] == "Tuyen Quang Provincial Union of Friendship Organisations"
               for o in r["organizations"])
    r = extract("Liên hiệp các tổ chức hữu nghị tỉnh Tuyên Quang tổ chức tập huấn.")
    assert any(o["kind"] == "friendship_union" and "Tuyen Quang" in o["canonical"] for o in r["organizations"])


def test_vietnamese_without_diacritics():
    r = extract("Chu tich Lien hiep cac to chuc huu nghi Viet Nam Nguyen Phuong Nga tiep Dai su Nhat Ban "
                "tai Ha Noi ngay 10/3/2025.")
    assert r["language"] == "vi"
    assert "JP" in r["countries"]
    assert any(o["canonical"] == "Viet Nam Union of Friendship Organisations" for o in r["organizations"])
    assert any(p["name"] == "Nguyen Phuong Nga" for p in r["persons"])


def test_persons_and_titles():
    r = extract("At the conference, Vice President of the Viet Nam Union of Friendship Organizations "
                "Dong Huy Cuong presented the sessions.")
    p = [p for p in r["persons"] if p["name"] == "Dong Huy Cuong"]
    assert p and p[0]["title"].startswith("Vice President")
    assert p[0]["org"]
    r = extract("Chủ tịch Liên hiệp các tổ chức hữu nghị Việt Nam Nguyễn Phương Nga tiếp Đại sứ.")
    assert any(p["name"] == "Nguyễn Phương Nga" for p in r["persons"])


def test_date_resolution_against_document_date():
    r = extract("On March 10, General Secretary To Lam and Indonesian President Prabowo Subianto held a "
                "press conference to announce the elevation of Vietnam-Indonesia relations to a "
                "Comprehensive Strategic Partnership.", date="2025-06-30")
    ev = r["events"][0]
    assert ev["date"] == "2025-03-10"
    assert ev["type"] == "partnership_upgrade"
    assert {"VN", "ID"} <= set(r["countries"])
    assert any(p["name"] == "Prabowo Subianto" for p in r["persons"])


def test_figures():
    r = extract("Vietnam conducted 75 high-level diplomatic activities, a 1.5-fold increase, and upgraded "
                "relations with 17 partners; growth reached 8%.")
    vals = {(f["value"], f["unit"]) for f in r["figures"]}
    assert (1.5, "times") in vals and (8, "%") in vals
    assert any(v == 75 for v, _ in vals) and any(v == 17 for v, _ in vals)


def test_ambiguous_vietnamese_country_words():
    r = extract("Ông Nguyễn Văn Đức tham gia lao động tại Hà Nội.")
    assert "DE" not in r["countries"] and "LA" not in r["countries"]
    r = extract("Đoàn đại biểu Lào thăm Hà Nội.")
    assert "LA" in r["countries"]
