"""Exports of a review: DOCX (python-docx), XLSX (openpyxl), PDF (reportlab, DejaVu Sans for Vietnamese).

Each ``to_*`` returns bytes and must be called inside ``translation.override(lang)``: it takes its labels
from ``amity.reviews.report``, so the three formats and the web page agree.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from amity.reviews import charts as chartlib
from amity.reviews import report

FONT_PATH = chartlib.FONT_PATH
FONT_BOLD_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def sections(review) -> list[tuple[str, str]]:
    return [(_("Introduction"), review.introduction), (_("Highlights"), review.highlights),
            (_("Outlook and tasks ahead"), review.outlook)]


def status_line(review, figures: dict) -> str:
    if review.is_frozen:
        return _("Figures frozen on %(when)s.") % {"when": (review.frozen_at or dt.datetime.now()).strftime("%Y-%m-%d")}
    return _("Live figures computed on %(when)s; they will change as records change.") % {
        "when": figures.get("computed_at", "")[:10]}


def subtitle(review, figures: dict) -> str:
    return _("%(period)s · compared with %(previous)s · %(scope)s · %(statuses)s") % {
        "period": report.period_label(figures["period"]),
        "previous": report.period_label(figures["previous_period"]),
        "scope": report.scope_label(figures),
        "statuses": report.statuses_label(figures),
    }


def cell_text(value) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return report.fmt_number(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y") if report.is_vi() else value.isoformat()
    return str(value)


# ---- DOCX ---------------------------------------------------------------------------------------------------


def to_docx(review, figures: dict) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    doc = Document()
    doc.core_properties.title = review.title[:255]
    doc.add_heading(review.title, level=0)
    doc.add_paragraph(subtitle(review, figures))
    doc.add_paragraph().add_run(status_line(review, figures)).italic = True
    tables = report.tables(figures)
    for heading, text in sections(review)[:2]:
        if text.strip():
            doc.add_heading(heading, level=1)
            for para in text.split("\n\n"):
                doc.add_paragraph(para.strip())
    for table in tables:
        doc.add_heading(table.title, level=1)
        if not table.rows:
            doc.add_paragraph(_("Nothing recorded in this period."))
            continue
        grid = doc.add_table(rows=1, cols=len(table.headers))
        grid.style = "Light Grid Accent 1"
        for i, header in enumerate(table.headers):
            grid.rows[0].cells[i].text = str(header)
        for row in table.rows:
            cells = grid.add_row().cells
            for i, value in enumerate(row):
                cells[i].text = cell_text(value)
                if i in table.numeric:
                    cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_heading(_("Charts"), level=1)
    for chart in report.charts(figures):
        if chart.items:
            doc.add_paragraph(chart.title)
            doc.add_picture(io.BytesIO(chartlib.bar_chart_png(chart)), width=Cm(16))
    counts = report.map_counts(figures)
    doc.add_paragraph(_("Activities by partner country (map)"))
    doc.add_picture(io.BytesIO(chartlib.world_map_png(counts, home_label=_("Viet Nam"))), width=Cm(16))
    heading, text = sections(review)[2]
    if text.strip():
        doc.add_heading(heading, level=1)
        for para in text.split("\n\n"):
            doc.add_paragraph(para.strip())
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# ---- XLSX ---------------------------------------------------------------------------------------------------


def safe_cell(value):
    """Numbers stay numbers; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    if isinstance(value, bool | int | float | dt.date):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def to_xlsx(review, figures: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = _("Review")[:31]
    sheet.append([safe_cell(review.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([safe_cell(subtitle(review, figures))])
    sheet.append([safe_cell(status_line(review, figures))])
    for heading, text in sections(review):
        if text.strip():
            sheet.append([])
            sheet.append([safe_cell(heading)])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
            for chunk in text.split("\n\n"):  # one paragraph a row; a cell holds at most 32,767 characters
                if chunk.strip():
                    sheet.append([safe_cell(chunk.strip()[:32000])])
                    sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 100
    used = set()
    for table in report.tables(figures):
        name = _sheet_name(table.sheet or table.title, used)
        ws = book.create_sheet(name)
        ws.append([safe_cell(h) for h in table.headers])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            ws.append([safe_cell(v) for v in row])
        for i, header in enumerate(table.headers, start=1):
            longest = max([len(cell_text(r[i - 1])) for r in table.rows] + [len(str(header))])
            ws.column_dimensions[get_column_letter(i)].width = min(max(10, longest + 2), 60)
            if any(isinstance(r[i - 1], dt.date) for r in table.rows):
                for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_name(title: str, used: set) -> str:
    base = "".join("_" if c in "[]:*?/\\" else c for c in str(title)).strip("'")[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:26]} {n}"
        n += 1
    used.add(name.lower())
    return name


# ---- PDF ----------------------------------------------------------------------------------------------------


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "AmityDejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("AmityDejaVu", FONT_PATH))
        pdfmetrics.registerFont(TTFont("AmityDejaVu-Bold", FONT_BOLD_PATH))
    return "AmityDejaVu", "AmityDejaVu-Bold"


def to_pdf(review, figures: dict) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = _fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=regular, fontSize=10, leading=13)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    h0 = ParagraphStyle("h0", parent=base["Title"], fontName=bold)
    h1 = ParagraphStyle("h1", parent=base["Heading2"], fontName=bold)

    def para(text, style=body):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    story = [para(review.title, h0), para(subtitle(review, figures), small), para(status_line(review, figures), small),
             Spacer(1, 0.3 * cm)]

    def narrative(items):
        for heading, text in items:
            if text.strip():
                story.append(para(heading, h1))
                for chunk in text.split("\n\n"):
                    story.append(para(chunk.strip()))
                    story.append(Spacer(1, 0.15 * cm))

    narrative(sections(review)[:2])
    width = A4[0] - 4 * cm
    for table in report.tables(figures):
        story.append(para(table.title, h1))
        if not table.rows:
            story.append(para(_("Nothing recorded in this period."), small))
            continue
        data = [[para(h, small) for h in table.headers]]
        data += [[para(cell_text(v), small) for v in row] for row in table.rows]
        first = width * (0.4 if len(table.headers) > 3 else 0.5)
        rest = (width - first) / max(len(table.headers) - 1, 1)
        grid = Table(data, colWidths=[first] + [rest] * (len(table.headers) - 1), repeatRows=1)
        grid.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe9f5")),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        story.append(grid)
    story.append(para(_("Charts"), h1))
    for chart in report.charts(figures):
        if chart.items:
            png = chartlib.bar_chart_png(chart)
            story.append(para(chart.title, body))
            story.append(_image(Image, png, width))
    story.append(para(_("Activities by partner country (map)"), body))
    story.append(_image(Image, chartlib.world_map_png(report.map_counts(figures), home_label=_("Viet Nam")), width))
    narrative(sections(review)[2:])
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm, title=review.title, author="Amity")
    doc.build(story)
    return buffer.getvalue()


def _image(image_cls, png: bytes, width: float):
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(png)) as img:
        w, h = img.size
    return image_cls(io.BytesIO(png), width=width, height=width * h / w)


EXPORTERS = {
    "docx": (to_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (to_pdf, "application/pdf"),
}
