"""Charts as inline SVG, drawn by matplotlib (Agg, no display) and made fit for a web page and a PDF.

Every chart here is one part of a trio — the SVG, a data table and a plain-English summary — and
templates always show all three: a chart alone shuts out anyone who cannot see it.

What the post-processing does, and why:
- adds <title> and <desc> and role="img" with aria-labelledby/aria-describedby, so a screen
  reader announces the chart by its name and summary;
- turns matplotlib's style="" attributes and its <style> element into presentation attributes:
  the strict CSP (style-src 'self') blocks inline styles, inline SVG included;
- prefixes every id with the chart's own, so two charts on one page never share an id;
- drops width/height (the viewBox stays), so the chart scales with its column down to 320px.

Drawing costs ~50 ms of CPU a chart (mostly tick layout), so finished SVGs are kept in a small
in-process cache keyed by everything that decides the picture: a dashboard reloaded with the same
figures costs no drawing at all.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import threading
from collections.abc import Sequence
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#0b0c0c"
LINE = "#0b3d5c"  # 11:1 against white; graphics need 3:1 (WCAG 1.4.11)
GRID = "#b1b4b6"
# Series after the first differ by hatching as well as shade, so colour is never the only cue.
BAR_FILLS = ("#0b3d5c", "#1d70b8", "#5694ca", "#d2e2f1")
BAR_HATCHES = ("", "//", "..", "xx")
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"

_lock = threading.Lock()  # matplotlib's font cache and rcParams are not thread-safe (gthread workers)
_CACHE_SIZE = 512


def _matplotlib():
    # Imported on first use: importing matplotlib takes over a second, which pages without charts
    # (and the test suite's collection) should not pay.
    import matplotlib

    matplotlib.use("Agg", force=True)
    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",  # text stays text: selectable, smaller, readable by assistive tech
            "svg.hashsalt": "roundtable",  # stable ids, so the same chart is the same bytes
            "font.size": 11,
            "text.color": INK,
            "axes.labelcolor": INK,
            "xtick.color": INK,
            "ytick.color": INK,
            "axes.edgecolor": INK,
        }
    )
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    return Figure, MaxNLocator


def _svg_text(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return buffer.getvalue()


def _tidy_axes(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0, pad=4)
    ax.set_axisbelow(True)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


class _LineCanvas:
    """One figure, axes and line, redrawn for every trend chart (under _lock). Building a figure
    and its ticks is half the cost of a chart; reusing them makes a chart ~11 ms instead of ~23."""

    def __init__(self) -> None:
        Figure, self.locator = _matplotlib()
        self.fig = Figure(figsize=(6.4, 2.6))
        self.ax = self.fig.add_axes((0.11, 0.17, 0.87, 0.78))
        (self.line,) = self.ax.plot([], [], color=LINE, linewidth=2, marker="o", markersize=4.5)
        self.ax.grid(axis="y", color=GRID, linewidth=0.6)
        _tidy_axes(self.ax)

    def draw(self, labels: tuple[str, ...], values: tuple[float | None, ...], unit: str) -> str:
        ax = self.ax
        xs = list(range(len(values)))
        ys = [math.nan if v is None else float(v) for v in values]
        # A lone point between gaps draws no line, so the markers carry it; the table has the gaps.
        self.line.set_data(xs, ys)
        step = max(1, math.ceil(len(xs) / 6))
        ax.set_xticks(xs[::step], [labels[i] for i in xs[::step]])
        ax.set_xlim(-0.4, max(len(xs) - 0.6, 0.6))
        known = [y for y in ys if not math.isnan(y)]
        top = max(known, default=1.0)
        bottom = min(known, default=0.0)
        if unit == "%" and top <= 100:
            top = 100.0
        scale = re.search(r"out of (\d+)", unit)
        if scale and bottom >= 0 and top <= int(scale.group(1)) <= 10:
            # A score out of 5 is drawn on its own scale, every point from 0 to 5 labelled.
            ticks = [float(n) for n in range(int(scale.group(1)) + 1)]
        else:
            ticks = value_ticks(
                min(0.0, bottom), top if top > 0 else 1.0, integer=all(float(y).is_integer() for y in known)
            )
        # The axis ends on a labelled tick at or above the largest value, so the top of every line
        # can be read off the axis (it once stopped at 20 for a 21).
        ax.set_yticks(ticks)
        ax.set_ylim(ticks[0], ticks[-1])
        # A long unit ("average score out of 5") goes on two lines rather than off the chart.
        ax.set_ylabel(textwrap.fill(unit, width=max(14, len(unit) // 2 + 1)) if len(unit) > 16 else unit)
        return _svg_text(self.fig)


_canvas: _LineCanvas | None = None


def value_ticks(low: float, high: float, *, integer: bool) -> list[float]:
    """Up to about five round tick values from at or below `low` to at or above `high`."""
    _, locator = _matplotlib()
    ticks = [
        round(float(t), 10) for t in locator(nbins=4, integer=integer, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
    ]
    while len(ticks) > 1 and ticks[-2] >= high - 1e-9:
        ticks.pop()  # one tick at or above the top is enough
    while len(ticks) > 1 and ticks[1] <= low + 1e-9:
        ticks.pop(0)
    return ticks


@lru_cache(maxsize=_CACHE_SIZE)
def _line_svg(labels: tuple[str, ...], values: tuple[float | None, ...], unit: str) -> str:
    global _canvas
    if _canvas is None:
        _canvas = _LineCanvas()
    return _canvas.draw(labels, values, unit)


@lru_cache(maxsize=_CACHE_SIZE)
def _grouped_bars_svg(
    categories: tuple[str, ...],
    series: tuple[tuple[str, tuple[float | None, ...]], ...],
    scale_max: int,
    scale_labels: tuple[str, ...],
) -> str:
    Figure, _ = _matplotlib()
    rows = len(categories)
    fig = Figure(figsize=(6.4, 0.55 * rows * max(len(series), 1) ** 0.5 + 1.1))
    # Room on the left for the standards' names and on the right for the last scale word.
    ax = fig.add_axes((0.27, 0.18 if len(series) > 1 else 0.1, 0.62, 0.78 if len(series) > 1 else 0.86))
    height = 0.8 / max(len(series), 1)
    for n, (name, values) in enumerate(series):
        ys = [r + (n - (len(series) - 1) / 2) * height for r in range(rows)]
        widths = [0 if v is None else float(v) for v in values]
        ax.barh(
            ys,
            widths,
            height=height * 0.92,
            label=name,
            color=BAR_FILLS[n % len(BAR_FILLS)],
            edgecolor=INK,
            linewidth=0.6,
            hatch=BAR_HATCHES[n % len(BAR_HATCHES)],
        )
    ax.set_yticks(range(rows), list(categories))
    ax.invert_yaxis()  # first category at the top, in reading order
    ax.set_xlim(0, scale_max)
    ax.set_xticks(range(0, scale_max + 1), list(scale_labels) if scale_labels else None)
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    if len(series) > 1:
        ax.legend(loc="upper center", bbox_to_anchor=(0.35, -0.08), ncol=min(len(series), 4), frameon=False)
    _tidy_axes(ax)
    return _svg_text(fig)


# --- Making the SVG fit for the page ----------------------------------------------------------

_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_STYLE_ELEMENT = re.compile(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>", re.DOTALL)
_STYLE_ATTR = re.compile(r' style="([^"]*)"')
_FONT = re.compile(r"font:\s*(?:(bold|italic|normal)\s+)?([\d.]+)px\s+(.+)$")
_SIZE_ATTRS = re.compile(r'(<svg\b[^>]*?)\s(?:width|height)="[^"]*"(?:\s(?:width|height)="[^"]*")?')


def _style_to_attributes(match: re.Match) -> str:
    out = []
    for declaration in match.group(1).split(";"):
        if ":" not in declaration:
            continue
        name, value = (part.strip() for part in declaration.split(":", 1))
        if name == "font-family" or name == "font":
            font = _FONT.match(f"font: {value}") if name == "font" else None
            if font:
                if font.group(1) == "bold":
                    out.append('font-weight="bold"')
                out.append(f'font-size="{font.group(2)}"')
            out.append(f'font-family="{FONT_FAMILY}"')
            continue
        out.append(f'{name}="{escape(value)}"')
    return " " + " ".join(out) if out else ""


def _accessible(svg: str, *, chart_id: str, title: str, description: str) -> SafeString:
    svg = _PROLOGUE.sub("", svg, count=1)
    svg = _STYLE_ELEMENT.sub("", svg, count=1)
    svg = _STYLE_ATTR.sub(_style_to_attributes, svg)
    svg = svg.replace(' id="', f' id="{chart_id}-').replace('href="#', f'href="#{chart_id}-')
    svg = svg.replace("url(#", f"url(#{chart_id}-")
    svg = _SIZE_ATTRS.sub(r"\1", svg, count=1)
    head = (
        f'<svg id="{chart_id}" role="img" aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        f'focusable="false" stroke-linejoin="round" stroke-linecap="butt" class="rt-chart__svg"'
    )
    svg = svg.replace("<svg", head, 1)
    labels = (
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    svg = re.sub(r"(<svg\b[^>]*>)", lambda m: m.group(1) + labels, svg, count=1)
    return mark_safe(svg.strip())  # noqa: S308 — built by matplotlib from numbers; every text we add is escaped


def _clean_id(chart_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", chart_id) or "chart"


def line_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    unit: str = "",
    description: str = "",
) -> SafeString:
    """A trend over periods (months). None is a gap: no data for that period, not zero."""
    key_labels = tuple(str(label) for label in labels)
    key_values = tuple(None if v is None else float(v) for v in values)
    with _lock:
        svg = _line_svg(key_labels, key_values, unit or "")
    return _accessible(svg, chart_id=_clean_id(chart_id), title=title, description=description or title)


def grouped_bar_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    scale_max: int,
    scale_labels: Sequence[str] = (),
    description: str = "",
) -> SafeString:
    """Horizontal bars, one group per category and one bar per series (e.g. per assessment)."""
    key_series = tuple((str(name), tuple(None if v is None else float(v) for v in values)) for name, values in series)
    with _lock:
        svg = _grouped_bars_svg(tuple(categories), key_series, scale_max, tuple(scale_labels))
    return _accessible(svg, chart_id=_clean_id(chart_id), title=title, description=description or title)


def format_value(value: float | None, unit: str = "", *, with_unit: bool = False) -> str:
    """How a figure reads in tables ('12', '48.5%', 'No data') and, with_unit, in sentences
    ('12 attendances')."""
    if value is None:
        return "No data"
    text = _fmt(value)
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}" if with_unit and unit else text
