"""Charts are SVG a screen reader can name, the strict CSP allows, and a page can hold many of."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from roundtable.evaluation import charts

SVG = "{http://www.w3.org/2000/svg}"


def _line(
    chart_id="trend", title="Attendance, by month", values=(3, None, 5), description="It rose from 3 to 5."
) -> str:
    return charts.line_chart(
        chart_id=chart_id,
        title=title,
        labels=["Jan 2026", "Feb 2026", "Mar 2026"],
        values=list(values),
        unit="attendances",
        description=description,
    )


def test_a_chart_is_named_and_described_for_screen_readers():
    svg = _line()
    root = ET.fromstring(svg)  # noqa: S314 (our own SVG, not untrusted input)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "trend-title" and root.get("aria-describedby") == "trend-desc"
    assert root.find(f"{SVG}title").text == "Attendance, by month"
    assert root.find(f"{SVG}desc").text == "It rose from 3 to 5."
    assert list(root)[0].tag == f"{SVG}title"  # first child, as SVG asks


def test_typed_text_in_a_title_is_escaped():
    svg = _line(title="<script>alert(1)</script>", description='"quoted" & <b>bold</b>')
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)  # noqa: S314 — still well-formed


def test_no_inline_styles_so_the_strict_csp_allows_it():
    for svg in (
        _line(),
        charts.grouped_bar_chart(
            chart_id="bars",
            title="Ratings",
            categories=["Impact", "Governance"],
            series=[("Jan", [1, 2]), ("Jun", [3, None])],
            scale_max=4,
        ),
    ):
        assert "style=" not in svg and "<style" not in svg
        assert 'font-family="' in svg  # the text kept its font, as an attribute


def test_two_charts_of_the_same_figures_never_share_an_id():
    first, second = _line(chart_id="a"), _line(chart_id="b")
    ids_a = set(re.findall(r'\bid="([^"]+)"', first))
    ids_b = set(re.findall(r'\bid="([^"]+)"', second))
    assert ids_a and not ids_a & ids_b
    for svg, prefix in ((first, "a"), (second, "b")):
        for ref in re.findall(r'(?:href="#|url\(#)([^")]+)', svg):
            assert ref.startswith(f"{prefix}-"), ref


def test_a_chart_scales_with_its_column():
    root = ET.fromstring(_line())  # noqa: S314 (our own SVG, not untrusted input)
    assert root.get("viewBox") and root.get("width") is None and root.get("height") is None


def test_figures_read_plainly():
    assert charts.format_value(None) == "No data"
    assert charts.format_value(48.5, "%") == "48.5%"
    assert charts.format_value(12.0, "attendances") == "12"
    assert charts.format_value(12.0, "attendances", with_unit=True) == "12 attendances"
    assert charts.format_value(0.653, "index from 0 to 1") == "0.65"


def _tick_labels(svg: str) -> list[float]:
    """The y axis's labels as numbers (matplotlib keeps each tick label as SVG text in a ytick group)."""
    root = ET.fromstring(svg)  # noqa: S314 (our own SVG)
    labels = []
    for group in root.iter(f"{SVG}g"):
        if (group.get("id") or "").split("-", 1)[-1].startswith("ytick_"):
            for text in group.iter(f"{SVG}text"):
                if text.text and text.text.strip():
                    labels.append(float(text.text.replace(",", "").replace("−", "-")))
    return labels


def test_the_value_axis_always_reaches_the_largest_value():
    """21 people once sat above an axis whose top label was 20: the top could not be read off."""
    for values in ((3, 21, 9), (4, 7, 2), (120, 137, 5), (0.2, 0.45, None)):
        labels = _tick_labels(_line(values=values))
        assert labels, "the chart has no value labels"
        assert max(labels) >= max(v for v in values if v is not None), (values, labels)
        assert min(labels) <= 0
    # A percentage keeps its 0–100 scale.
    svg = charts.line_chart(chart_id="p", title="Share", labels=["a", "b"], values=[40, 55], unit="%")
    assert max(_tick_labels(svg)) == 100
    # A score out of 5 is drawn from 0 to 5, not to a round 6.
    svg = charts.line_chart(chart_id="s", title="Score", labels=["a", "b"], values=[3.2, 4.15], unit="score out of 5")
    assert max(_tick_labels(svg)) == 5
