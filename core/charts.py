"""Small server-rendered SVG charts: no JavaScript, no CDN, and they print."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[tuple[float, float]]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    left: int
    bottom: int

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.points)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 x 10^n at or above `value` (a readable axis top)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def line_chart(
    series: list[tuple[str, Decimal | int]],
    *,
    y_format,
    width: int = 640,
    height: int = 240,
    left: int = 80,
    bottom: int = 30,
    top: int = 12,
    right: int = 16,
) -> Chart | None:
    """Plot labelled values evenly along x. Returns None when there is nothing to plot."""
    if not series:
        return None
    y_max = nice_ceiling(float(max(value for _, value in series)))
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(series) - 1, 1)

    def y_of(value: float) -> float:
        return top + plot_h - (value / y_max) * plot_h

    points = [(left + i * step, y_of(float(value))) for i, (_, value) in enumerate(series)]
    x_ticks = [Tick(left + i * step, label) for i, (label, _) in enumerate(series)]
    y_ticks = [Tick(y_of(y_max * k / 4), y_format(Decimal(str(y_max * k / 4)))) for k in range(5)]
    return Chart(width, height, points, x_ticks, y_ticks, left, height - bottom)


@dataclass(frozen=True)
class Marker:
    x: float
    label: str
    css: str
    anchor: str = "middle"  # "end" near the right edge, "start" near the left


@dataclass(frozen=True)
class StepChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    paths: dict[str, str]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    markers: list[Marker]
    dots: list[tuple[float, float, str]]


def step_chart(
    series: dict[str, list[tuple[date, int]]],
    *,
    start: date,
    end: date,
    y_max: int,
    y_format,
    markers: Sequence[tuple[date, str, str]] = (),
    dots: Sequence[tuple[date, int, str]] = (),
    width: int = 760,
    height: int = 260,
    left: int = 90,
    right: int = 16,
    top: int = 14,
    bottom: int = 30,
) -> StepChart:
    """Cumulative step lines over calendar time: each series is (date, running total)
    points, flat until the next date. Markers are vertical lines (today, a deadline)."""
    span = max((end - start).days, 1)
    plot_w, plot_h = width - left - right, height - top - bottom
    y_top = nice_ceiling(float(max(y_max, 1)))

    def x_of(day: date) -> float:
        day = min(max(day, start), end)
        return left + (day - start).days / span * plot_w

    def y_of(value: float) -> float:
        return top + plot_h - value / y_top * plot_h

    paths = {}
    for name, points in series.items():
        commands = [f"M{x_of(start):.1f},{y_of(0):.1f}"]
        for day, total in points:
            if start <= day <= end:
                commands.append(f"H{x_of(day):.1f}V{y_of(total):.1f}")
        commands.append(f"H{x_of(end):.1f}")
        paths[name] = "".join(commands)
    years = range(start.year + (start.month > 1 or start.day > 1), end.year + 1)
    step = max(1, len(years) // 10)
    x_ticks = [Tick(x_of(date(y, 1, 1)), str(y)) for y in years[::step]]
    y_ticks = [Tick(y_of(y_top * k / 4), y_format(int(y_top * k / 4))) for k in range(5)]
    return StepChart(
        width,
        height,
        left,
        width - right,
        top,
        height - bottom,
        paths,
        x_ticks,
        y_ticks,
        [
            Marker(x_of(day), label, css, _anchor(x_of(day), left, width - right))
            for day, label, css in markers
            if start <= day <= end
        ],
        [(x_of(day), y_of(value), css) for day, value, css in dots if start <= day <= end],
    )


def _anchor(x: float, left: float, right: float) -> str:
    if x > right - 40:
        return "end"
    if x < left + 40:
        return "start"
    return "middle"
