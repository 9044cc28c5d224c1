"""Progress charts drawn on the server as inline SVG: one series per chart (a practitioner's scale
or the client's own rating) across the sessions of a course, with a title, a description a
screen reader reads out, and the same numbers as table rows."""

import math
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 72, 20, 24, 56
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
MAX_TICKS = 10


@dataclass(frozen=True)
class Point:
    label: str  # "Session 1"
    when: str  # "2 Mar 2026"
    value: int | None  # None: not graded / not rated for this session
    shown: str = ""  # how the value reads, e.g. "3 (moderate)"; the number when empty


@dataclass(frozen=True)
class Series:
    id: str  # unique on the page: ids inside the SVG derive from it
    title: str
    axis: str  # "Grade 1–4"
    minimum: int
    maximum: int
    lower_is_better: bool
    points: tuple[Point, ...]
    colour: str = "#0b6e69"


@dataclass(frozen=True)
class Row:
    label: str
    when: str
    shown: str


@dataclass(frozen=True)
class Rendered:
    id: str
    title: str
    direction: str  # "Lower is better" / "Higher is better"
    svg: str  # markup, escaped inside; the caller marks it safe
    summary: str  # what the chart shows, in one paragraph
    rows: tuple[Row, ...]


def has_values(series: Series) -> bool:
    return any(p.value is not None for p in series.points)


def ticks(minimum: int, maximum: int) -> list[int]:
    """Whole-number ticks from minimum to maximum, both included, at most MAX_TICKS + 1."""
    if maximum <= minimum:
        raise ValueError("a scale needs maximum > minimum")
    step = max(1, math.ceil((maximum - minimum) / MAX_TICKS))
    found = list(range(minimum, maximum + 1, step))
    if found[-1] != maximum:
        found.append(maximum)
    return found


def x_of(index: int, count: int) -> float:
    return LEFT + (index + 0.5) * PLOT_W / max(count, 1)


def y_of(value: float, minimum: int, maximum: int) -> float:
    value = min(max(value, minimum), maximum)  # a value off the scale is drawn at its edge
    return TOP + (maximum - value) * PLOT_H / (maximum - minimum)


def _shown(point: Point) -> str:
    if point.value is None:
        return "—"
    return point.shown or str(point.value)


def _segments(series: Series) -> list[list[tuple[float, float]]]:
    """Runs of consecutive sessions with values: a session without one breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    count = len(series.points)
    for index, point in enumerate(series.points):
        if point.value is None:
            runs.append([])
            continue
        runs[-1].append((x_of(index, count), y_of(point.value, series.minimum, series.maximum)))
    return [run for run in runs if len(run) > 1]


def render(series: Series) -> Rendered:
    direction = "Lower is better" if series.lower_is_better else "Higher is better"
    rows = tuple(Row(p.label, p.when, _shown(p)) for p in series.points)
    readings = "; ".join(
        f"{p.label} ({p.when}): {_shown(p) if p.value is not None else 'none recorded'}"
        for p in series.points
    )
    summary = f"{series.title}, {series.axis}. {direction}. {readings or 'No sessions yet'}."
    sid = escape(series.id)
    parts = [
        f'<svg class="progress-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{sid}-title {sid}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{sid}-title">{escape(series.title)}</title>',
        f'<desc id="{sid}-desc">{escape(summary)}</desc>',
    ]
    for tick in ticks(series.minimum, series.maximum):
        y = y_of(tick, series.minimum, series.maximum)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#dfe3ea" stroke-width="1"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#5b6474">{tick}</text>'
        )
    arrow = "↓" if series.lower_is_better else "↑"
    axis_title = f"{series.axis} · {direction.lower()} {arrow}"
    middle = TOP + PLOT_H / 2
    parts.append(
        f'<text class="progress-axis" x="16" y="{middle:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 16 {middle:.1f})" fill="#1d2330">{escape(axis_title)}</text>'
    )
    count = len(series.points)
    for index, point in enumerate(series.points):
        x = x_of(index, count)
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
            f'fill="#1d2330">{escape(point.label)}</text>'
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 34}" text-anchor="middle" '
            f'fill="#5b6474">{escape(point.when)}</text>'
        )
    for run in _segments(series):
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
        parts.append(
            f'<polyline class="progress-line" points="{path}" fill="none" '
            f'stroke="{escape(series.colour)}" stroke-width="2.5"/>'
        )
    for index, point in enumerate(series.points):
        if point.value is None:
            continue
        x, y = x_of(index, count), y_of(point.value, series.minimum, series.maximum)
        label = f"{point.label}, {point.when}: {_shown(point)}"
        parts.append(
            f'<g class="progress-point"><title>{escape(label)}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{escape(series.colour)}"/>'
            f'<text x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle" font-weight="600" '
            f'fill="#1d2330">{point.value}</text></g>'
        )
    parts.append("</svg>")
    return Rendered(series.id, series.title, direction, "".join(parts), summary, rows)
