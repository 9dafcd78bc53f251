import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from amity.partners.models import Country
from amity.reviews import charts, exports, metrics, report
from amity.reviews.models import Review

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script> & Co'


@pytest.fixture
def review(vufo, world):
    return Review.objects.create(
        title="=cmd|' /C calc'!A0 Tổng kết năm 2025", period_kind="year", start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31), language="vi", owner=vufo,
        introduction="Năm 2025 là năm bản lề.\n\nQuan hệ được nâng cấp với In-đô-nê-xi-a và Pháp.",
        highlights="Hoạt động cấp cao tăng 1,5 lần.", outlook="Tiếp tục kết nghĩa.")


def download(client, review, fmt, lang):
    response = client.get(reverse("reviews:review_export", args=[review.pk, fmt]) + f"?lang={lang}")
    assert response.status_code == 200
    assert f"-{lang}.{fmt}" in response["Content-Disposition"]
    return response.content


def test_docx_reads_back(editor_client, review):
    from docx import Document

    doc = Document(io.BytesIO(download(editor_client, review, "docx", "en")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert review.title in text
    assert "Năm 2025 là năm bản lề." in text and "Tiếp tục kết nghĩa." in text
    cells = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    assert ["Activities", "6", "4", "1.5 times (+50%)"] in cells
    assert ["Agreements signed", "5", "2", "2.5 times (+150%)"] in cells
    assert any(row[0] == "Japan" for row in cells)
    assert len(doc.inline_shapes) >= 4  # bar charts and the map as PNG


def test_docx_in_vietnamese_uses_vietnamese_names(editor_client, review):
    from docx import Document

    doc = Document(io.BytesIO(download(editor_client, review, "docx", "vi")))
    cells = [c.text for table in doc.tables for row in table.rows for c in row.cells]
    assert "Nhật Bản" in cells and "In-đô-nê-xi-a" in cells
    assert "1.000" in cells or "1.500.000,50" in cells  # Vietnamese number format


def test_xlsx_numbers_and_formula_safety(editor_client, review, world):
    from openpyxl import load_workbook

    Country.objects.filter(iso2="FR").update(name_en="+SUM(A1:A9)")
    book = load_workbook(io.BytesIO(download(editor_client, review, "xlsx", "en")))
    first = book.worksheets[0]
    assert first["A1"].value.startswith("'=cmd")  # not a formula
    assert first["A1"].data_type == "s"
    summary = book.worksheets[1]
    rows = [[c.value for c in row] for row in summary.iter_rows()]
    assert rows[0] == ["Indicator", "This period", "A year earlier", "Change"]
    assert rows[1] == ["Activities", 6, 4, "1.5 times (+50%)"]
    assert isinstance(rows[1][1], int)
    names = [ws.title for ws in book.worksheets]
    assert len(names) == len(set(names)) and len(names) >= 12
    assert names[:4] == ["Review", "Key figures", "By pillar", "By type"]
    country_sheet = book["By country"]
    values = [c.value for row in country_sheet.iter_rows() for c in row]
    assert "'+SUM(A1:A9)" in values and "+SUM(A1:A9)" not in values
    money = book["Money"]
    money_rows = [[c.value for c in row] for row in money.iter_rows(min_row=2)]
    assert ["USD", "Aid pledge", 1500000.5, 2, 1000, "1,500 times (+149,900%)"] in money_rows
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"


def test_pdf_text_has_vietnamese(editor_client, review):
    from pypdf import PdfReader

    data = download(editor_client, review, "pdf", "vi")
    assert data.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Tổng kết năm 2025" in text
    assert "Nhật Bản" in text
    assert "năm bản lề" in text


def test_pdf_in_english(editor_client, review):
    from pypdf import PdfReader

    data = download(editor_client, review, "pdf", "en")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Japan" in text and "1.5 times" in text


def test_bad_lang_falls_back_to_review_language(editor_client, review):
    response = editor_client.get(reverse("reviews:review_export", args=[review.pk, "xlsx"]) + "?lang=xx")
    assert response.status_code == 200 and "-vi.xlsx" in response["Content-Disposition"]


def test_svg_charts_are_well_formed_and_escaped(world):
    Country.objects.filter(iso2="JP").update(name_en=EVIL)
    figures = metrics.compute_figures(metrics.Period.of("year", 2025))
    with translation.override("en"):
        chart_list = report.charts(figures)
        counts = report.map_counts(figures)
    assert {c.slug for c in chart_list} == {"pillar", "type", "month", "country"}
    for chart in chart_list:
        svg = charts.bar_chart_svg(chart)
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        assert "<script" not in svg
    country_svg = charts.bar_chart_svg(next(c for c in chart_list if c.slug == "country"))
    texts = ["".join(t.itertext()) for t in ET.fromstring(country_svg).iter(f"{SVG}text")]
    assert any(EVIL[:30] in t for t in texts)
    world_svg = charts.world_map_svg(counts, title=EVIL)
    root = ET.fromstring(world_svg)
    assert "<script" not in world_svg
    paths = {p.get("data-iso2"): p for p in root.iter(f"{SVG}path")}
    assert len(paths) > 150 and "VN" in paths
    assert paths["JP"].get("fill") != charts.NO_DATA and paths["BR"].get("fill") == charts.NO_DATA
    assert "".join(paths["JP"].find(f"{SVG}title").itertext()) == f"{EVIL}: 3"


def test_png_charts(world):
    from PIL import Image

    figures = metrics.compute_figures(metrics.Period.of("year", 2025))
    with translation.override("vi"):
        for chart in report.charts(figures):
            with Image.open(io.BytesIO(charts.bar_chart_png(chart))) as image:
                assert image.format == "PNG" and image.size[0] == 1200
        with Image.open(io.BytesIO(charts.world_map_png(report.map_counts(figures)))) as image:
            assert image.size[0] > 1000


def test_empty_chart_and_map(db):
    chart = report.Chart("x", "Empty", [], ("a", "b"))
    ET.fromstring(charts.bar_chart_svg(chart))
    ET.fromstring(charts.bar_chart_svg(report.Chart("m", "Empty", [], ("a", "b"), vertical=True)))
    ET.fromstring(charts.world_map_svg({}))
    assert charts.bar_chart_png(chart).startswith(b"\x89PNG")


def test_map_bins():
    assert charts._bins({}) == []
    assert charts._bins({"JP": ("Japan", 3)}) == [1, 2, 3]
    bins = charts._bins({"JP": ("Japan", 100), "FR": ("France", 1)})
    assert bins[-1] == 100 and bins == sorted(set(bins)) and len(bins) <= 5
    assert charts._colour(100, bins) == charts.SCALE[-1]


def test_safe_cell():
    assert exports.safe_cell("=1+1") == "'=1+1"
    assert exports.safe_cell("-5 kg") == "'-5 kg"
    assert exports.safe_cell("@SUM") == "'@SUM"
    assert exports.safe_cell(-5) == -5
    assert exports.safe_cell("Hà Nội") == "Hà Nội"


MO = __import__("pathlib").Path(charts.__file__).parent / "locale" / "vi" / "LC_MESSAGES" / "django.mo"


@pytest.mark.skipif(not MO.exists(), reason="the Vietnamese catalogue of the reviews app is not compiled")
def test_vietnamese_labels_in_xlsx(editor_client, review):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(download(editor_client, review, "xlsx", "vi")))
    assert "Theo trụ cột" in book.sheetnames
    rows = [[c.value for c in row] for row in book["Theo trụ cột"].iter_rows()]
    assert ["Đối ngoại nhân dân", 3, 2, "gấp 1,5 lần (+50%)"] in rows
