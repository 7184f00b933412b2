"""The crisis chart as a standalone SVG: mention volume (bars), negative share and risk (lines), key moments.

Written by hand (no plotting dependency): two y axes (mentions per window on the left; percent
and risk 0-100 on the right), a time axis in UTC, dashed risk thresholds, marked moments and a legend.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

from crisiswatch.postmortem.formats import when

WIDTH, HEIGHT = 960, 400
LEFT, RIGHT, TOP, BOTTOM = 64, 64, 56, 64
MAX_BARS = 400
COLORS = {"volume": "#9db4d3", "negative": "#c0392b", "risk": "#e67e22", "mark": "#34495e", "grid": "#e3e6ea"}
_STEPS = [timedelta(minutes=m) for m in (15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)]


@dataclass(frozen=True, slots=True)
class ChartPoint:
    """One detector window (or several merged): its counts and its risk."""

    start: datetime
    end: datetime
    volume: int
    negative: int
    risk: float

    @property
    def negative_share(self) -> float:
        return self.negative / self.volume if self.volume else 0.0


@dataclass(frozen=True, slots=True)
class ChartMark:
    at: datetime
    label: str


@dataclass(frozen=True, slots=True)
class ChartLabels:
    title: str
    volume: str = "mentions per window"
    negative: str = "negative share (%)"
    risk: str = "risk (0-100)"
    right_axis: str = "% / risk"
    time_axis: str = "time (UTC)"
    no_data: str = "no windows recorded in this period"


def merge(points: Sequence[ChartPoint], limit: int = MAX_BARS) -> list[ChartPoint]:
    """At most `limit` points: consecutive windows summed (the highest risk kept)."""
    points = sorted(points, key=lambda p: p.start)
    if len(points) <= limit:
        return list(points)
    size = math.ceil(len(points) / limit)
    out = []
    for i in range(0, len(points), size):
        group = points[i : i + size]
        out.append(ChartPoint(group[0].start, group[-1].end, sum(p.volume for p in group),
                              sum(p.negative for p in group), max(p.risk for p in group)))
    return out


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^n at least `value` (and at least 1)."""
    if value <= 1:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for f in (1, 2, 2.5, 5, 10):
        if f * exp >= value:
            return float(f * exp)
    return float(10 * exp)


def time_step(span: timedelta, max_ticks: int = 10) -> timedelta:
    """A round tick interval giving at most `max_ticks` ticks over `span`."""
    return next((s for s in _STEPS if span / s <= max_ticks), _STEPS[-1] * math.ceil(span / (_STEPS[-1] * max_ticks)))


def _fmt(v: float) -> str:
    return f"{v:g}" if v != int(v) else str(int(v))


def render_svg(points: Sequence[ChartPoint], labels: ChartLabels, marks: Sequence[ChartMark] = (),
               thresholds: Sequence[tuple[float, str]] = ()) -> str:
    """The chart as SVG text."""
    pts = merge(points)
    pw, ph = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="12" role="img">',
        f"<title>{escape(labels.title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{WIDTH / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">{escape(labels.title)}</text>',
    ]
    if not pts:
        out.append(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" fill="#666">{escape(labels.no_data)}</text></svg>')
        return "\n".join(out) + "\n"
    t0, t1 = pts[0].start, max(p.end for p in pts)
    for m in marks:
        t0, t1 = min(t0, m.at), max(t1, m.at)
    span = max((t1 - t0).total_seconds(), 60.0)
    vmax = nice_ceiling(max(p.volume for p in pts))

    def x(t: datetime) -> float:
        return LEFT + pw * (t - t0).total_seconds() / span

    def yl(v: float) -> float:
        return TOP + ph * (1 - v / vmax)

    def yr(v: float) -> float:  # 0-100
        return TOP + ph * (1 - max(0.0, min(100.0, v)) / 100)

    # grid and left axis ticks
    for i in range(6):
        v = vmax * i / 5
        y = yl(v)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + pw}" y2="{y:.1f}" stroke="{COLORS["grid"]}"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(round(v, 2))}</text>')
        out.append(f'<text x="{LEFT + pw + 6}" y="{y + 4:.1f}" text-anchor="start">{i * 20}</text>')
    # volume bars
    for p in pts:
        x0, x1 = x(p.start), x(p.end)
        w = max(1.0, x1 - x0 - 0.5)
        out.append(f'<rect class="volume" x="{x0:.1f}" y="{yl(p.volume):.1f}" width="{w:.1f}" height="{TOP + ph - yl(p.volume):.1f}" '
                   f'fill="{COLORS["volume"]}"><title>{p.start:%Y-%m-%d %H:%M}: {p.volume}</title></rect>')
    # thresholds on the risk scale
    for value, name in thresholds:
        y = yr(value)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + pw}" y2="{y:.1f}" stroke="{COLORS["risk"]}" stroke-dasharray="2,4" stroke-opacity="0.7"/>')
        out.append(f'<text x="{LEFT + pw - 4}" y="{y - 3:.1f}" text-anchor="end" fill="{COLORS["risk"]}" font-size="10">{escape(name)} {_fmt(value)}</text>')
    # lines: negative share (%) and risk, at each window's middle
    # (the negative share has no value in a window without mentions: its line breaks there)
    for cls, color, values in (("negative", COLORS["negative"], [100 * p.negative_share if p.volume else None for p in pts]),
                               ("risk", COLORS["risk"], [p.risk for p in pts])):
        run: list[str] = []
        for p, v in [*zip(pts, values), (None, None)]:
            if p is not None and v is not None:
                run.append(f"{x(p.start + (p.end - p.start) / 2):.1f},{yr(v):.1f}")
            elif run:
                out.append(f'<polyline class="{cls}" points="{" ".join(run)}" fill="none" stroke="{color}" stroke-width="1.8"/>')
                run = []
    # time axis
    step = time_step(t1 - t0)
    shift = (t0.utcoffset() or timedelta(0)).total_seconds()  # ticks fall on round hours and days of the chart's clock
    tick = datetime.fromtimestamp(math.ceil((t0.timestamp() + shift) / step.total_seconds()) * step.total_seconds() - shift,
                                  tz=t0.tzinfo)
    fmt = "%m-%d" if step >= timedelta(days=1) else "%m-%d %H:%M"
    while tick <= t1:
        xt = x(tick)
        out.append(f'<line x1="{xt:.1f}" y1="{TOP + ph}" x2="{xt:.1f}" y2="{TOP + ph + 5}" stroke="#333"/>')
        out.append(f'<text x="{xt:.1f}" y="{TOP + ph + 18}" text-anchor="middle" font-size="11">{tick.strftime(fmt)}</text>')
        tick += step
    # marked moments
    for i, m in enumerate(sorted(marks, key=lambda m: m.at)):
        xm = x(m.at)
        out.append(f'<line class="mark" x1="{xm:.1f}" y1="{TOP}" x2="{xm:.1f}" y2="{TOP + ph}" stroke="{COLORS["mark"]}" stroke-dasharray="5,3"/>')
        out.append(f'<text x="{xm + 3:.1f}" y="{TOP + 12 + 13 * (i % 3)}" fill="{COLORS["mark"]}" font-size="11">'
                   f'{escape(m.label)} {m.at:%H:%M}</text>')
    # axes and their titles
    out += [
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + ph}" stroke="#333"/>',
        f'<line x1="{LEFT + pw}" y1="{TOP}" x2="{LEFT + pw}" y2="{TOP + ph}" stroke="#333"/>',
        f'<line x1="{LEFT}" y1="{TOP + ph}" x2="{LEFT + pw}" y2="{TOP + ph}" stroke="#333"/>',
        f'<text x="{LEFT + pw / 2}" y="{HEIGHT - 22}" text-anchor="middle">{escape(labels.time_axis)}</text>',
        f'<text transform="translate(16,{TOP + ph / 2}) rotate(-90)" text-anchor="middle">{escape(labels.volume)}</text>',
        f'<text transform="translate({WIDTH - 14},{TOP + ph / 2}) rotate(90)" text-anchor="middle">{escape(labels.right_axis)}</text>',
    ]
    # legend
    lx = LEFT
    for color, name, bar in ((COLORS["volume"], labels.volume, True), (COLORS["negative"], labels.negative, False),
                             (COLORS["risk"], labels.risk, False)):
        shape = (f'<rect x="{lx}" y="{TOP - 22}" width="14" height="10" fill="{color}"/>' if bar
                 else f'<line x1="{lx}" y1="{TOP - 17}" x2="{lx + 14}" y2="{TOP - 17}" stroke="{color}" stroke-width="2"/>')
        out.append(shape + f'<text x="{lx + 18}" y="{TOP - 13}">{escape(name)}</text>')
        lx += 30 + 7 * len(name)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def alt_text(points: Sequence[ChartPoint], fmt: str = "peak {volume} at {at}, max risk {risk}") -> str:
    """A one-line description of the chart for its Markdown image (`fmt` in the document's language)."""
    if not points:
        return ""
    peak = max(points, key=lambda p: p.volume)
    return fmt.format(volume=peak.volume, at=when(peak.start), risk=f"{max(p.risk for p in points):.0f}")
