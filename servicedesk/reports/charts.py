"""Server-rendered SVG charts (no JavaScript, no CDN, printable): a line of percentages per month
and horizontal bars. Pure Python: strings in, SVG markup out, every text escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 640, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 44, 16, 16, 40


def _text(x: float, y: float, value: str, *, anchor: str = "middle", css: str = "chart-label") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{css}">{escape(value)}</text>'


def line_chart(labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[float | None]]], *, title: str) -> str:
    """Percentages (0–100) per label; `series`: (name, css class, values). A missing value (None:
    nothing counted that month) breaks the line."""
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(index: int) -> float:
        return PAD_LEFT + (index * step if len(labels) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return PAD_TOP + plot_h * (1 - value / 100)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="chart chart-line" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="chart-grid"/>'
        )
        parts.append(_text(PAD_LEFT - 6, y(tick) + 4, f"{tick}%", anchor="end"))
    for index, label in enumerate(labels):
        parts.append(_text(x(index), HEIGHT - PAD_BOTTOM + 16, label))
    for legend_index, (name, css, values) in enumerate(series):
        segment: list[str] = []
        segments: list[list[str]] = [segment]
        for index, value in enumerate(values):
            if value is None:
                segment = []
                segments.append(segment)
                continue
            segment.append(f"{x(index):.1f},{y(value):.1f}")
            parts.append(
                f'<circle cx="{x(index):.1f}" cy="{y(value):.1f}" r="3" class="{css}">'
                f"<title>{escape(name)} {escape(labels[index])}: {value:.1f}%</title></circle>"
            )
        for points in segments:
            if len(points) > 1:
                parts.append(f'<polyline points="{" ".join(points)}" class="{css}" fill="none"/>')
        lx = PAD_LEFT + legend_index * 160
        parts.append(f'<rect x="{lx}" y="{HEIGHT - 14}" width="10" height="10" class="{css}"/>')
        parts.append(_text(lx + 14, HEIGHT - 5, name, anchor="start"))
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(items: Sequence[tuple[str, int]], *, title: str, css: str = "chart-bar") -> str:
    """Horizontal bars, one per (label, count), with the count at the end of each bar."""
    row_h, label_w = 22, 170
    height = max(len(items), 1) * row_h + 8
    top = max((count for _label, count in items), default=0) or 1
    bar_w = WIDTH - label_w - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="chart chart-bars" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for index, (label, count) in enumerate(items):
        top_y = 4 + index * row_h
        width = bar_w * count / top
        parts.append(_text(label_w - 8, top_y + 15, label, anchor="end"))
        parts.append(f'<rect x="{label_w}" y="{top_y + 3}" width="{width:.1f}" height="{row_h - 8}" class="{css}"/>')
        parts.append(_text(label_w + width + 6, top_y + 15, str(count), anchor="start", css="chart-value"))
    parts.append("</svg>")
    return "".join(parts)


def stacked_bar_chart(
    items: Sequence[tuple[str, Sequence[float]]], *, series: Sequence[tuple[str, str]], title: str, unit: str = "h"
) -> str:
    """Horizontal stacked bars: one per (label, values), a segment per series (name, css class),
    with the total at the end of each bar and a legend below."""
    row_h, label_w, legend_h = 22, 170, 22
    height = max(len(items), 1) * row_h + 8 + legend_h
    top = max((sum(values) for _label, values in items), default=0) or 1
    bar_w = WIDTH - label_w - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="chart chart-bars chart-stacked" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for index, (label, values) in enumerate(items):
        top_y = 4 + index * row_h
        x = float(label_w)
        parts.append(_text(label_w - 8, top_y + 15, label, anchor="end"))
        for (name, css), value in zip(series, values, strict=True):
            width = bar_w * value / top
            if width > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{top_y + 3}" width="{width:.1f}" height="{row_h - 8}" class="{css}">'
                    f"<title>{escape(label)} · {escape(name)}: {_number(value)} {escape(unit)}</title></rect>"
                )
            x += width
        parts.append(_text(x + 6, top_y + 15, f"{_number(sum(values))} {unit}", anchor="start", css="chart-value"))
    legend_y = height - legend_h + 6
    for index, (name, css) in enumerate(series):
        lx = 8 + index * 158
        parts.append(f'<rect x="{lx}" y="{legend_y}" width="10" height="10" class="{css}"/>')
        parts.append(_text(lx + 14, legend_y + 9, name, anchor="start"))
    parts.append("</svg>")
    return "".join(parts)


def _number(value: float) -> str:
    """pt-BR: one decimal, decimal comma."""
    return f"{value:.1f}".replace(".", ",")
