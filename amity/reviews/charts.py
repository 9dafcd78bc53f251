"""Charts drawn here, without a chart library: SVG for the web page, PNG (Pillow) for DOCX and PDF.

- ``bar_chart_svg(chart)`` / ``bar_chart_png(chart)``: bars for this period beside the same period a year
  earlier, horizontal (categories) or vertical (months).
- ``world_map_svg(counts)`` / ``world_map_png(counts)``: a choropleth of activity counts per partner country
  on Natural Earth 1:110m outlines (``data/world-110m.json``, built by ``data/build_world.py``).

Every label is escaped: names come from users.
"""

from __future__ import annotations

import io
import json
import re
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from amity.reviews.report import Chart, fmt_number

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
CURRENT = "#1f5f9e"
PREVIOUS = "#a9c4e0"
SCALE = ["#e6eef7", "#bcd3ea", "#86b0d8", "#4f86bd", "#1f5f9e", "#0b3566"]
NO_DATA = "#f1f1f1"
HOME = "#d4a017"  # Viet Nam, drawn apart from the partner scale
HOME_ISO2 = "VN"
WORLD = Path(__file__).resolve().parent / "data" / "world-110m.json"


def _clip(text: str, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _attr(value) -> str:
    return quoteattr(str(value))


# ---- bars ---------------------------------------------------------------------------------------------------


def bar_chart_svg(chart: Chart, width: int = 560) -> str:
    if chart.vertical:
        return _vertical_svg(chart, width)
    rows = chart.items or []
    bar, gap, label_w, top = 12, 10, 220, 30
    height = top + max(len(rows), 1) * (2 * bar + gap) + 10
    peak = max([max(c, p) for _, c, p in rows] or [0]) or 1
    plot = width - label_w - 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" font-family="DejaVu Sans, sans-serif" font-size="12">',
           f"<title>{escape(str(chart.title))}</title>", _legend_svg(chart, width)]
    if not rows:
        out.append(f'<text x="10" y="{top + 14}">—</text>')
    for i, (label, cur, prev) in enumerate(rows):
        y = top + i * (2 * bar + gap)
        out.append(f'<text x="{label_w - 6}" y="{y + bar + 4}" text-anchor="end">'
                   f"<title>{escape(str(label))}</title>{escape(_clip(label, 34))}</text>")
        for j, (value, colour) in enumerate(((cur, CURRENT), (prev, PREVIOUS))):
            w = round(plot * float(value) / peak, 1)
            yy = y + j * bar
            out.append(f'<rect x="{label_w}" y="{yy}" width="{w}" height="{bar - 1}" fill="{colour}">'
                       f"<title>{escape(str(label))}: {escape(fmt_number(value))}</title></rect>")
            out.append(f'<text x="{label_w + w + 4}" y="{yy + bar - 2}" font-size="10">{escape(fmt_number(value))}</text>')
    out.append("</svg>")
    return "".join(out)


def _legend_svg(chart: Chart, width: int) -> str:
    cur, prev = chart.legend
    return (f'<rect x="10" y="6" width="12" height="12" fill="{CURRENT}"/><text x="26" y="16">{escape(str(cur))}</text>'
            f'<rect x="{width // 2}" y="6" width="12" height="12" fill="{PREVIOUS}"/>'
            f'<text x="{width // 2 + 16}" y="16">{escape(str(prev))}</text>')


def _vertical_svg(chart: Chart, width: int) -> str:
    rows = chart.items or []
    height, top, bottom, left = 240, 30, 40, 30
    plot_h = height - top - bottom
    slot = (width - left - 10) / max(len(rows), 1)
    bar = max(min(slot / 2 - 2, 24), 2)
    peak = max([max(c, p) for _, c, p in rows] or [0]) or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" font-family="DejaVu Sans, sans-serif" font-size="11">',
           f"<title>{escape(str(chart.title))}</title>", _legend_svg(chart, width),
           f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#888"/>']
    for i, (label, cur, prev) in enumerate(rows):
        x = left + i * slot + (slot - 2 * bar) / 2
        for j, (value, colour) in enumerate(((cur, CURRENT), (prev, PREVIOUS))):
            h = round(plot_h * float(value) / peak, 1)
            out.append(f'<rect x="{x + j * bar:.1f}" y="{top + plot_h - h}" width="{bar - 1:.1f}" height="{h}" '
                       f'fill="{colour}"><title>{escape(str(label))}: {escape(fmt_number(value))}</title></rect>')
        out.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h - round(plot_h * float(cur) / peak, 1) - 3}" '
                   f'text-anchor="middle" font-size="9">{escape(fmt_number(cur)) if cur else ""}</text>')
        out.append(f'<text x="{x + bar:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                   f"{escape(_clip(label, 10))}</text>")
    out.append("</svg>")
    return "".join(out)


@lru_cache(maxsize=4)
def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.truetype(FONT_PATH, size)
    except OSError:
        return ImageFont.load_default()


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def bar_chart_png(chart: Chart, width: int = 1200) -> bytes:
    """The same chart as a PNG (2x the SVG's size, for print)."""
    from PIL import Image, ImageDraw

    rows = chart.items or []
    font, small = _font(22), _font(18)
    if chart.vertical:
        height, top, bottom, left = 480, 60, 70, 40
    else:
        bar, gap, label_w, top = 22, 18, 420, 60
        height = top + max(len(rows), 1) * (2 * bar + gap) + 20
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    cur_label, prev_label = chart.legend
    draw.rectangle([20, 14, 42, 36], fill=CURRENT)
    draw.text((50, 12), str(cur_label), fill="black", font=font)
    draw.rectangle([width // 2, 14, width // 2 + 22, 36], fill=PREVIOUS)
    draw.text((width // 2 + 30, 12), str(prev_label), fill="black", font=font)
    peak = max([max(c, p) for _, c, p in rows] or [0]) or 1
    if chart.vertical:
        plot_h = height - top - bottom
        slot = (width - left - 20) / max(len(rows), 1)
        bw = max(min(slot / 2 - 4, 48), 3)
        draw.line([left, top + plot_h, width - 20, top + plot_h], fill="#888888", width=2)
        for i, (label, cur, prev) in enumerate(rows):
            x = left + i * slot + (slot - 2 * bw) / 2
            for j, (value, colour) in enumerate(((cur, CURRENT), (prev, PREVIOUS))):
                h = plot_h * float(value) / peak
                if h:
                    draw.rectangle([x + j * bw, top + plot_h - h, x + (j + 1) * bw - 2, top + plot_h], fill=colour)
            if cur:
                draw.text((x + bw / 2, top + plot_h - plot_h * float(cur) / peak - 4), fmt_number(cur), fill="black",
                          font=small, anchor="mb")
            draw.text((x + bw, height - bottom + 12), _clip(label, 10), fill="black", font=small, anchor="mt")
    else:
        plot = width - label_w - 100
        for i, (label, cur, prev) in enumerate(rows):
            y = top + i * (2 * bar + gap)
            draw.text((label_w - 10, y + bar), _clip(label, 34), fill="black", font=font, anchor="rm")
            for j, (value, colour) in enumerate(((cur, CURRENT), (prev, PREVIOUS))):
                w = plot * float(value) / peak
                yy = y + j * bar
                if w:
                    draw.rectangle([label_w, yy, label_w + w, yy + bar - 2], fill=colour)
                draw.text((label_w + w + 6, yy + bar / 2), fmt_number(value), fill="black", font=small, anchor="lm")
    return _png(image)


# ---- world map ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def world() -> dict:
    with open(WORLD, encoding="utf-8") as fh:
        return json.load(fh)


def _bins(counts: dict[str, tuple[str, int]]) -> list[int]:
    """Upper bounds of up to five classes over the non-zero counts (1, 2-3, 4-7... for small numbers)."""
    peak = max([n for _, n in counts.values()] or [0])
    if peak <= 5:
        return list(range(1, peak + 1))
    bounds, step = [], peak ** (1 / 5)
    for k in range(1, 6):
        bound = max(round(step ** k), (bounds[-1] + 1) if bounds else 1)
        bounds.append(min(bound, peak))
    bounds[-1] = peak
    return sorted(set(bounds))


def _colour(n: int, bins: list[int]) -> str:
    if not n or not bins:
        return NO_DATA
    k = len(bins)
    for i, bound in enumerate(bins):
        if n <= bound:
            return SCALE[4] if k == 1 else SCALE[1 + round(i * 4 / (k - 1))]
    return SCALE[-1]


def _legend_items(bins: list[int]) -> list[tuple[str, str]]:
    items, low = [], 1
    for bound in bins:
        label = str(bound) if bound == low else f"{low}–{bound}"
        items.append((label, _colour(bound, bins)))
        low = bound + 1
    return items


def world_map_svg(counts: dict[str, tuple[str, int]], title: str = "", home_label: str = "Viet Nam") -> str:
    """``counts``: ISO alpha-2 -> (display name, number of activities)."""
    data = world()
    width, height = data["width"], data["height"]
    bins = _bins(counts)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="world-map" role="img" viewBox="0 0 {width} {height + 30}" '
           f'font-family="DejaVu Sans, sans-serif" font-size="11">', f"<title>{escape(str(title))}</title>",
           f'<rect width="{width}" height="{height}" fill="#f8fbff"/>']
    for country in data["countries"]:
        iso2 = country["iso2"]
        name, n = counts.get(iso2, (country["name"], 0))
        fill = HOME if iso2 == HOME_ISO2 else _colour(n, bins)
        out.append(f'<path d="{country["d"]}" fill="{fill}" stroke="#ffffff" stroke-width="0.4" '
                   f'data-iso2={_attr(iso2)}><title>{escape(str(name))}: {n}</title></path>')
    x = 10
    for label, colour in _legend_items(bins):
        out.append(f'<rect x="{x}" y="{height + 10}" width="14" height="14" fill="{colour}"/>'
                   f'<text x="{x + 18}" y="{height + 22}">{escape(label)}</text>')
        x += 80
    out.append(f'<rect x="{x}" y="{height + 10}" width="14" height="14" fill="{HOME}"/>'
               f'<text x="{x + 18}" y="{height + 22}">{escape(str(home_label))}</text>')
    out.append("</svg>")
    return "".join(out)


_NUM = re.compile(r"-?\d+(?:\.\d+)?")


def _rings(d: str):
    for part in d.split("M")[1:]:
        nums = [float(n) for n in _NUM.findall(part)]
        yield list(zip(nums[0::2], nums[1::2], strict=False))


def world_map_png(counts: dict[str, tuple[str, int]], scale: float = 1.5, home_label: str = "Viet Nam") -> bytes:
    from PIL import Image, ImageDraw

    data = world()
    width, height = round(data["width"] * scale), round(data["height"] * scale)
    image = Image.new("RGB", (width, height + 50), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, width, height], fill="#f8fbff")
    bins = _bins(counts)
    for country in data["countries"]:
        n = counts.get(country["iso2"], ("", 0))[1]
        fill = HOME if country["iso2"] == HOME_ISO2 else _colour(n, bins)
        for ring in _rings(country["d"]):
            if len(ring) >= 3:
                draw.polygon([(x * scale, y * scale) for x, y in ring], fill=fill, outline="#ffffff")
    x, font = 12, _font(18)
    for label, colour in _legend_items(bins):
        draw.rectangle([x, height + 14, x + 22, height + 36], fill=colour, outline="#999999")
        draw.text((x + 28, height + 25), label, fill="black", font=font, anchor="lm")
        x += 120
    draw.rectangle([x, height + 14, x + 22, height + 36], fill=HOME, outline="#999999")
    draw.text((x + 28, height + 25), str(home_label), fill="black", font=font, anchor="lm")
    return _png(image)
