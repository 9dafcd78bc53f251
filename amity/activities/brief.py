"""One-page partner brief (country, organisation or person) exported as DOCX (python-docx) or PDF (reportlab).

The headings come from ``LABELS`` (English and Vietnamese) so the brief is right even before .mo files are
compiled; record names follow the language (Vietnamese names when ``lang="vi"``).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone, translation

from amity.activities.choices import HIGH_LEVELS, AgreementStatus, Status

LABELS = {
    "en": {
        "title": "Partner brief", "generated": "Generated on %s by Amity", "level": "Current level and since when",
        "contacts": "Latest high-level contacts", "agreements": "Agreements in force", "upcoming": "Upcoming activities",
        "people": "Key people", "news": "Latest news", "none": "None recorded.", "no_level": "No partnership framework",
        "since": "since", "no_news": "No news mentions yet.", "until": "until", "open": "open-ended",
        "org_kind": "Organisation", "partner_country": "Partner country", "person_country": "Country",
        "posts": "Current posts",
    },
    "vi": {
        "title": "Thông tin tóm tắt về đối tác", "generated": "Tạo ngày %s bởi Amity",
        "level": "Khuôn khổ quan hệ hiện nay và thời điểm thiết lập", "contacts": "Tiếp xúc cấp cao gần đây",
        "agreements": "Thỏa thuận đang có hiệu lực", "upcoming": "Hoạt động sắp tới", "people": "Nhân vật chủ chốt",
        "news": "Tin tức mới nhất", "none": "Chưa có thông tin.", "no_level": "Chưa có khuôn khổ đối tác",
        "since": "từ", "no_news": "Chưa có tin tức được ghi nhận.", "until": "đến", "open": "không thời hạn",
        "org_kind": "Tổ chức", "partner_country": "Quốc gia đối tác", "person_country": "Quốc gia",
        "posts": "Chức vụ hiện tại",
    },
}

FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
]


@dataclass
class Brief:
    lang: str
    title: str
    subtitle: str
    generated: str
    sections: list[tuple[str, list[str]]] = field(default_factory=list)


def _d(value: dt.date | None, lang: str) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y") if lang == "vi" else value.isoformat()


def build_brief(obj, lang: str = "en", today: dt.date | None = None) -> Brief:
    from amity.activities.timeline import TIMELINE_SOURCES, activities_for, agreements_for
    from amity.partners.models import Country, Organisation, Person

    lang = "vi" if str(lang).startswith("vi") else "en"
    L = LABELS[lang]
    today = today or timezone.localdate()
    with translation.override(lang):
        name = str(obj)
        # 1. level
        country = obj if isinstance(obj, Country) else getattr(obj, "partner_country", None) or getattr(
            obj, "home_country", None) or getattr(obj, "country", None)
        if country is not None and not isinstance(obj, Country) and country.iso2 == "VN":
            country = None  # Viet Nam has no partnership level with itself
        level_lines = []
        if isinstance(obj, Organisation):
            level_lines.append(f"{L['org_kind']}: {obj.get_kind_display()}")
        if isinstance(obj, Person):
            posts = list(obj.current_posts(today).select_related("organisation"))
            level_lines.append(f"{L['posts']}: " + ("; ".join(str(p) for p in posts) or L["none"]))
        if country is not None:
            step = country.level_on(today)
            prefix = "" if isinstance(obj, Country) else f"{country}: "
            level_lines.append(prefix + (f"{step.get_level_display()} ({L['since']} {_d(step.date_from, lang)})"
                                         if step else L["no_level"]))
        subtitle = ""
        if isinstance(obj, Country):
            subtitle = f"{obj.iso2} · {obj.region}".strip(" ·")
        elif country is not None:
            subtitle = str(country)
        activities = activities_for(obj).exclude(status=Status.CANCELLED)
        contacts = [f"{_d(a.start, lang) if a.precision == 'day' else a.when} — {a.title} ({a.get_level_display()}, "
                    f"{a.get_pillar_display()})"
                    for a in activities.filter(level__in=list(HIGH_LEVELS), start__lte=today).order_by("-start")[:5]]
        agreements = []
        for ag in agreements_for(obj).filter(status__in=[AgreementStatus.IN_FORCE, AgreementStatus.SIGNED]).order_by(
                "in_force_until")[:8]:
            if ag.in_force_until and ag.in_force_until < today:
                continue
            until = _d(ag.in_force_until, lang) if ag.in_force_until else L["open"]
            agreements.append(f"{ag.title} ({ag.get_kind_display()}; {_d(ag.signed_on, lang)}; {L['until']} {until})")
        upcoming = [f"{a.when} — {a.title} ({a.get_type_display()}, {a.get_status_display()})"
                    for a in activities.filter(span_end__gte=today).order_by("start")[:6]]
        people = []
        if isinstance(obj, Country):
            for p in obj.person_set.all()[:8]:
                label = p.posts_label
                people.append(f"{p}{' — ' + label if label else ''}")
        elif isinstance(obj, Organisation):
            for post in obj.posts.select_related("person").filter(date_from__lte=today).exclude(
                    date_to__lt=today)[:8]:
                people.append(f"{post.person} — {post.title}")
        elif isinstance(obj, Person):
            people = [f"{p.title}{', ' + str(p.organisation) if p.organisation_id else ''} ({_d(p.date_from, lang)}"
                      f"{' – ' + _d(p.date_to, lang) if p.date_to else ''})" for p in obj.posts.all()[:8]]
        news = []
        for provider in TIMELINE_SOURCES:
            try:
                news += [e for e in provider(obj) or [] if e.kind == "news"]
            except Exception:  # noqa: BLE001
                continue
        news = [f"{_d(e.date, lang)} — {e.title}" for e in sorted(news, key=lambda e: e.date, reverse=True)[:5]]
        agreements = agreements[:6]
        sections = [
            (L["level"], level_lines or [L["none"]]),
            (L["contacts"], contacts or [L["none"]]),
            (L["agreements"], agreements or [L["none"]]),
            (L["upcoming"], upcoming or [L["none"]]),
            (L["people"], people or [L["none"]]),
            (L["news"], news or [L["no_news"]]),
        ]
        sections = [(heading, [_short(line) for line in lines]) for heading, lines in sections]
        return Brief(lang, f"{L['title']}: {name}", subtitle, L["generated"] % _d(today, lang), sections)


def _short(line: str, limit: int = 220) -> str:
    """Keep the brief on one page: long lines are cut at a word boundary."""
    line = " ".join(line.split())
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0] + " …"


def render_docx(brief: Brief) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10)
    doc.core_properties.title = brief.title
    doc.core_properties.language = brief.lang
    doc.add_heading(brief.title, level=1)
    if brief.subtitle:
        doc.add_paragraph(brief.subtitle)
    for heading, lines in brief.sections:
        doc.add_heading(heading, level=2)
        for line in lines:
            doc.add_paragraph(line, style="List Bullet")
    doc.add_paragraph(brief.generated).runs[0].italic = True
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


_FONTS: tuple[str, str] | None = None


def _fonts() -> tuple[str, str]:
    """Register a TTF with Vietnamese glyphs once; fall back to Helvetica (no Vietnamese) if none is installed."""
    global _FONTS
    if _FONTS is None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        _FONTS = ("Helvetica", "Helvetica-Bold")
        for regular, bold in FONT_CANDIDATES:
            if Path(regular).exists():
                pdfmetrics.registerFont(TTFont("AmityBrief", regular))
                bold_name = "AmityBrief"
                if Path(bold).exists():
                    pdfmetrics.registerFont(TTFont("AmityBrief-Bold", bold))
                    bold_name = "AmityBrief-Bold"
                _FONTS = ("AmityBrief", bold_name)
                break
    return _FONTS


def render_pdf(brief: Brief) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=11.5)
    bullet = ParagraphStyle("bullet", parent=body, leftIndent=10, bulletIndent=2)
    h1 = ParagraphStyle("h1", fontName=bold, fontSize=15, leading=18, spaceAfter=4)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=11, leading=14, spaceBefore=6, spaceAfter=2)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, textColor="#555555")
    story = [Paragraph(escape(brief.title), h1)]
    if brief.subtitle:
        story.append(Paragraph(escape(brief.subtitle), body))
    for heading, lines in brief.sections:
        story.append(Paragraph(escape(heading), h2))
        story += [Paragraph(escape(line), bullet, bulletText="•") for line in lines]
    story += [Spacer(1, 6), Paragraph(escape(brief.generated), small)]
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=14 * mm,
                            bottomMargin=14 * mm, title=brief.title, author="Amity", lang=brief.lang)
    doc.build(story)
    return out.getvalue()


def brief_view(request, kind: str, key: str, fmt: str):
    from django.http import Http404, HttpResponse
    from django.shortcuts import get_object_or_404
    from django.utils.text import slugify

    from amity.partners.models import Country, Organisation, Person

    models = {"country": (Country, "iso2"), "organisation": (Organisation, "pk"), "person": (Person, "pk")}
    if kind not in models or fmt not in ("pdf", "docx"):
        raise Http404
    model, field_name = models[kind]
    if field_name == "pk" and not str(key).isdigit():
        raise Http404
    obj = get_object_or_404(model, **{field_name: key.upper() if field_name == "iso2" else key})
    lang = request.GET.get("lang") or translation.get_language() or "en"
    brief = build_brief(obj, lang)
    if fmt == "pdf":
        data, ctype = render_pdf(brief), "application/pdf"
    else:
        data, ctype = render_docx(brief), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(data, content_type=ctype)
    filename = f"brief-{slugify(str(obj), allow_unicode=False) or kind}-{brief.lang}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
