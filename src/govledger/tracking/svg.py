"""The S-curve as an SVG drawn on the server: readable without JavaScript, with a title and a description
that say the figures in words (screen readers read them), lines told apart by dash as well as colour."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from .progress import Point, Progress

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 24, 72
SERIES = (  # (key, colour with at least 4.5:1 contrast on white, dash pattern)
    ("planned", "#4a4a4a", "6 4"),
    ("verified", "#0b6e2e", ""),
    ("disbursed", "#1f4e9c", "2 3"),
)


def s_curve_svg(p: Progress, labels: dict[str, str], day: Callable[[int], str], chart_id: str = "s-curve",
                number: Callable[[float], str] = lambda v: f"{v:.1f}") -> str:
    """`labels`: translated `title`, `desc` (a format string with planned, verified, disbursed, as_of),
    `planned`, `verified`, `disbursed`, `today`; `day(ts)` writes a date and `number(v)` a percentage figure
    in the reader's language."""
    span = max(1, max(p.end, p.as_of) - p.start)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(at: int) -> float:
        return LEFT + inner_w * (min(max(at, p.start), p.start + span) - p.start) / span

    def y(percent: float) -> float:
        return TOP + inner_h * (1 - min(max(percent, 0.0), 100.0) / 100)

    def line(points: tuple[Point, ...], step: bool) -> str:
        coords: list[str] = []
        last = None
        for pt in points:
            if step and last is not None:
                coords.append(f"{x(pt.at):.1f},{y(last):.1f}")
            coords.append(f"{x(pt.at):.1f},{y(pt.percent):.1f}")
            last = pt.percent
        if step and last is not None:  # a step curve holds its level up to today
            coords.append(f"{x(min(p.as_of, p.start + span)):.1f},{y(last):.1f}")
        return " ".join(coords)

    desc = labels["desc"].format(planned=number(p.planned_now), verified=number(p.verified_now),
                                 disbursed=number(p.disbursed_now), as_of=day(p.as_of))
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="s-curve" width="100%" font-family="sans-serif">'),
             f'<title id="{chart_id}-title">{escape(labels["title"])}</title>',
             f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
             '<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>']
    for percent in (0, 25, 50, 75, 100):
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(percent):.1f}" y2="{y(percent):.1f}" '
                     'stroke="#d0d0d0" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(percent) + 4:.1f}" text-anchor="end" font-size="15" '
                     f'fill="#333333">{percent}%</text>')
    axis_y = TOP + inner_h
    parts.append(f'<text x="{LEFT}" y="{axis_y + 20}" font-size="15" fill="#333333">{escape(day(p.start))}</text>')
    parts.append(f'<text x="{WIDTH - RIGHT}" y="{axis_y + 20}" text-anchor="end" font-size="15" '
                 f'fill="#333333">{escape(day(p.start + span))}</text>')
    if p.start <= p.as_of <= p.start + span:
        parts.append(f'<line x1="{x(p.as_of):.1f}" x2="{x(p.as_of):.1f}" y1="{TOP}" y2="{axis_y}" stroke="#9a3412" '
                     'stroke-width="1" stroke-dasharray="1 3"/>')
        parts.append(f'<text x="{x(p.as_of):.1f}" y="{TOP + 10}" text-anchor="middle" font-size="14" '
                     f'fill="#9a3412">{escape(labels["today"])}</text>')
    curves = {"planned": (p.planned, False), "verified": (p.verified, True), "disbursed": (p.disbursed, True)}
    for i, (key, colour, dash) in enumerate(SERIES):
        points, step = curves[key]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5"{dashed} '
                     f'points="{line(points, step)}"><title>{escape(labels[key])}</title></polyline>')
        lx = LEFT + i * 195
        parts.append(f'<line x1="{lx}" x2="{lx + 28}" y1="{HEIGHT - 18}" y2="{HEIGHT - 18}" stroke="{colour}" '
                     f'stroke-width="2.5"{dashed}/>')
        parts.append(f'<text x="{lx + 34}" y="{HEIGHT - 14}" font-size="15" fill="#222222">'
                     f'{escape(labels[key])}</text>')
    parts.append("</svg>")
    return "".join(parts)
