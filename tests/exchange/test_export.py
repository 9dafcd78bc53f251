import csv
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from amity.core import exchange
from amity.partners.models import Organisation
from tests.api.conftest import partners, token_client  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def read_csv(content: bytes) -> list[dict]:
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads Vietnamese correctly
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_safe_cell_prefixes_formula_starts():
    for text in ["=1+2", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"]:
        assert exchange.safe_cell(text) == "'" + text
    assert exchange.safe_cell("Hà Nội") == "Hà Nội"
    assert exchange.safe_cell(-5) == -5  # numbers are not text
    assert exchange.safe_cell(["a", "b"]) == "a; b"


def test_countries_csv_has_current_level_and_uses_list_filters(analyst_client, partners):  # noqa: F811
    response = analyst_client.get("/api/export/countries.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response.content)
    by_iso = {r["iso2"]: r for r in rows}
    assert by_iso["ID"]["current_level"] == "comprehensive_strategic"
    assert by_iso["ID"]["current_level_since"] == "2025-03-10"
    assert by_iso["FR"]["name_vi"] == "Pháp"
    filtered = read_csv(analyst_client.get("/api/export/countries.csv?level=strategic").content)
    assert [r["iso2"] for r in filtered] == ["FR"]
    searched = read_csv(analyst_client.get("/api/export/countries.csv?q=phap").content)
    assert [r["iso2"] for r in searched] == ["FR"]
    assert analyst_client.get("/api/export/countries.csv?level=bogus").status_code == 400


def test_every_dataset_exports_in_both_formats(analyst_client, partners):  # noqa: F811
    for name in exchange.EXPORT_NAMES:
        for fmt in exchange.EXPORT_FORMATS:
            response = analyst_client.get(f"/api/export/{name}.{fmt}")
            assert response.status_code == 200, (name, fmt)
    assert analyst_client.get("/api/export/users.csv").status_code == 404
    assert analyst_client.get("/api/export/countries.pdf").status_code == 404


def test_export_by_token_and_refused_anonymously(client, analyst, partners):  # noqa: F811
    assert client.get("/api/export/organisations.csv").status_code in (401, 403)
    api = token_client(analyst)
    response = api.get("/api/export/organisations.csv", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200


def test_formula_injection_is_neutralised_in_csv_and_xlsx(analyst_client, vufo):
    Organisation.objects.create(name_en="=HYPERLINK(\"http://evil\",\"x\")", acronym="@SUM",
                                description="+1 -1 =cmd|' /C calc'!A0", owner=vufo)
    rows = read_csv(analyst_client.get("/api/export/organisations.csv").content)
    evil = next(r for r in rows if "HYPERLINK" in r["name_en"])
    assert evil["name_en"].startswith("'=") and evil["acronym"] == "'@SUM" and evil["description"].startswith("'+")
    content = analyst_client.get("/api/export/organisations.xlsx").content
    sheet = load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    cells = [dict(zip(header, row, strict=False)) for row in sheet.iter_rows(min_row=2)]
    cell = next(r["name_en"] for r in cells if "HYPERLINK" in str(r["name_en"].value))
    assert cell.data_type == "s" and cell.value.startswith("'=")


def test_people_export_lists_posts(analyst_client, partners):  # noqa: F811
    rows = read_csv(analyst_client.get("/api/export/people.csv?q=nga").content)
    assert len(rows) == 1 and rows[0]["full_name"] == "Nguyễn Phương Nga"
    assert "President @ Viet Nam Union of Friendship Organisations (2017-01-01–)" in rows[0]["posts"]
    posts = read_csv(analyst_client.get("/api/export/posts.csv").content)
    assert posts[0]["title"] == "President"


def test_xlsx_export_keeps_diacritics_and_dates(analyst_client, partners):  # noqa: F811
    content = analyst_client.get("/api/export/partnerships.xlsx").content
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("country", "country_name", "level")
    assert any(r[0] == "ID" and str(r[3]).startswith("2025-03-10") for r in rows[1:])
    provinces = load_workbook(io.BytesIO(analyst_client.get("/api/export/provinces.xlsx").content)).active
    assert ("ha-noi", "Hà Nội") in [r[:2] for r in provinces.iter_rows(values_only=True)]


def test_export_data_command_writes_every_dataset(tmp_path, partners):  # noqa: F811
    out = io.StringIO()
    call_command("export_data", "--format", "xlsx", "--out", str(tmp_path / "x"), stdout=out)
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == sorted(f"{n}.xlsx" for n in exchange.EXPORT_NAMES)
    call_command("export_data", "--out", str(tmp_path / "c"), stdout=out)
    assert (tmp_path / "c" / "countries.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_page_lists_datasets(analyst_client):
    response = analyst_client.get("/api/export/")
    assert response.status_code == 200 and b"/api/export/people.xlsx" in response.content
