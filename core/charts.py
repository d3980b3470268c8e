"""Small server-rendered SVG charts: no JavaScript, no CDN, and they print."""

from dataclasses import dataclass
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
