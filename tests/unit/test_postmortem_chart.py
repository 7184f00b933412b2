"""The crisis chart is a real SVG chart: axes, ticks, labels, one bar per window, lines, marks, escaped text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

from crisiswatch.postmortem.chart import ChartLabels, ChartMark, ChartPoint, alt_text, merge, nice_ceiling, render_svg, time_step

NS = {"s": "http://www.w3.org/2000/svg"}
T0 = datetime(2026, 3, 6, 9, 0, tzinfo=timezone.utc)
W = timedelta(minutes=15)


def points(volumes: list[int], negative_every: int = 2) -> list[ChartPoint]:
    return [ChartPoint(T0 + i * W, T0 + (i + 1) * W, v, v // negative_every, min(100.0, v * 1.5)) for i, v in enumerate(volumes)]


def test_chart_has_axes_ticks_labels_bars_lines_and_marks() -> None:
    pts = points([2, 3, 0, 40, 80, 60, 20, 5])
    svg = render_svg(pts, ChartLabels(title="Case 1 · <Brand> & co"), [ChartMark(T0 + 3 * W, "declared")], [(70, "crisis")])
    root = ET.fromstring(svg)
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Case 1 · <Brand> & co" in texts  # escaped in the file, parsed back literally
    assert {"mentions per window", "negative share (%)", "risk (0-100)", "time (UTC)", "% / risk"} <= set(texts)
    assert any(t.startswith("declared ") for t in texts) and "crisis 70" in texts
    assert {"0", "20", "40", "60", "80", "100"} <= set(texts)  # both y axes
    assert any(t.startswith("03-06 ") for t in texts)  # time ticks
    bars = root.findall(".//s:rect[@class='volume']", NS)
    assert len(bars) == len(pts)
    heights = [float(b.get("height")) for b in bars]
    assert heights.index(max(heights)) == 4 and heights[2] == 0.0
    # the negative share breaks at the empty window; risk is one line
    assert len(root.findall(".//s:polyline[@class='negative']", NS)) == 2
    assert len(root.findall(".//s:polyline[@class='risk']", NS)) == 1
    assert len(root.findall(".//s:line[@class='mark']", NS)) == 1


def test_empty_chart_says_so() -> None:
    root = ET.fromstring(render_svg([], ChartLabels(title="t", no_data="nothing here")))
    assert "nothing here" in ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_long_crises_are_merged_into_at_most_the_bar_limit() -> None:
    pts = points([i % 7 for i in range(1000)])
    merged = merge(pts, limit=400)
    assert len(merged) <= 400
    assert sum(p.volume for p in merged) == sum(p.volume for p in pts)
    assert merged[0].start == pts[0].start and merged[-1].end == pts[-1].end


def test_scales() -> None:
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 12, 121, 437)] == [1, 1, 5, 10, 20, 200, 500]
    assert time_step(timedelta(hours=2)) == timedelta(minutes=15)
    assert time_step(timedelta(hours=20)) == timedelta(hours=2)
    assert time_step(timedelta(hours=25)) == timedelta(hours=3)
    assert time_step(timedelta(days=5)) == timedelta(hours=12)
    assert time_step(timedelta(days=8)) == timedelta(days=1)
    assert alt_text(points([1, 9, 3])) == "peak 9 at 2026-03-06 09:15 UTC, max risk 14"


def test_ticks_fall_on_round_hours_of_the_charts_own_clock() -> None:
    from crisiswatch.postmortem.formats import local, reader_zone

    with reader_zone("Asia/Kolkata"):  # UTC+5:30: UTC's round hours are half past there
        pts = [ChartPoint(local(p.start), local(p.end), p.volume, p.negative, p.risk) for p in points([5] * 24)]
    root = ET.fromstring(render_svg(pts, ChartLabels(title="t")))
    ticks = [t for t in ("".join(x.itertext()) for x in root.iter("{http://www.w3.org/2000/svg}text")) if t.startswith("03-06 ")]
    assert ticks and all(t.endswith(":00") for t in ticks) and "03-06 15:00" in ticks  # 09:30 UTC is 15:00 there
