"""Charts of a comparison as inline SVG: stacked share bars, box plots, function bars and a function grid.

Every chart is a self-contained ``<svg>`` element (no script, no external file) with a ``<title>`` and a
``<desc>`` for screen readers, text labels, percentages printed on the marks where they fit, and a ``<title>``
tooltip on every mark. Label colours come from :mod:`lmclassify.documents.page`.

>>> svg = share_bars("Shares", [BarRow("letter.md", {"management": 0.5, "leadership": 0.3, "neither": 0.2})])
>>> svg.startswith("<svg") and "50%" in svg and "letter.md" in svg
True
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lmclassify.corpus.codebook import FUNCTION_LABEL, LABELS
from lmclassify.documents.compare_profile import FUNCTION_NAMES
from lmclassify.documents.page import LABEL_COLOURS, LABEL_STRONG_COLOURS

WIDTH = 720
LEFT = 210
RIGHT = 16
ROW = 24
BAR = 17
TOP = 26
NAME_CHARACTERS = 30


@dataclass(frozen=True)
class BarRow:
    """One bar: its ``name``, the ``shares`` per label (0..1) and, optionally, the ``counts`` behind them."""

    name: str
    shares: Mapping[str, float]
    counts: Mapping[str, int] | None = None


def escape(text: object) -> str:
    """``text`` escaped for XML and HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def short(name: str, limit: int = NAME_CHARACTERS) -> str:
    """``name`` cut to ``limit`` characters, keeping its end (where file names differ).

    >>> short("annual_report-cfo-review-education.txt", 20)
    '…eview-education.txt'
    """
    return name if len(name) <= limit else "…" + name[-(limit - 1) :]


def percent(value: float, digits: int = 0) -> str:
    """``0.384`` -> ``'38%'``; NaN -> ``'–'``.

    >>> percent(0.384), percent(0.384, 1), percent(float("nan"))
    ('38%', '38.4%', '–')
    """
    return "–" if value != value else f"{value:.{digits}%}"


def _svg(width: int, height: int, title: str, description: str, body: str) -> str:
    number = hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()[:10]  # the same chart, the same ids
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="chart-{number}-title chart-{number}-desc" font-family="system-ui, sans-serif" '
        f'font-size="12"><title id="chart-{number}-title">{escape(title)}</title>'
        f'<desc id="chart-{number}-desc">{escape(description)}</desc>{body}</svg>'
    )


def _axis(top: int, bottom: int, left: int = LEFT, right: int = WIDTH - RIGHT, maximum: float = 1.0) -> str:
    """Vertical grid lines at 0, 25, 50, 75 and 100% of ``maximum``, labelled above the plot."""
    parts = []
    for step in range(5):
        x = left + (right - left) * step / 4
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}" stroke="#d0d0d0"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{top - 8}" text-anchor="middle" fill="#404040">{percent(maximum * step / 4)}</text>'
        )
    return "".join(parts)


def _name(y: float, name: str) -> str:
    return (
        f'<text x="{LEFT - 8}" y="{y:.1f}" text-anchor="end" dominant-baseline="middle">'
        f"<title>{escape(name)}</title>{escape(short(name))}</text>"
    )


def share_bars(title: str, rows: Sequence[BarRow], description: str = "") -> str:
    """One 100% stacked horizontal bar per row: management, leadership and neither, percentages on the bars."""
    height = TOP + ROW * len(rows) + 8
    span = WIDTH - RIGHT - LEFT
    parts = [_axis(TOP, height - 6)]
    for index, row in enumerate(rows):
        y = TOP + index * ROW + (ROW - BAR) / 2
        parts.append(_name(y + BAR / 2, row.name))
        x = float(LEFT)
        for label in LABELS:
            share = float(row.shares.get(label, 0.0))
            if share != share or share <= 0:
                continue
            width = span * share
            count = "" if row.counts is None else f" ({row.counts.get(label, 0):,})"
            tip = f"{row.name}: {label} {percent(share, 1)}{count}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{BAR}" fill="{LABEL_COLOURS[label]}" '
                f'stroke="#ffffff" stroke-width="1"><title>{escape(tip)}</title></rect>'
            )
            if width >= 32:
                parts.append(
                    f'<text x="{x + width / 2:.1f}" y="{y + BAR / 2:.1f}" text-anchor="middle" '
                    f'dominant-baseline="middle" fill="#1a1a1a">{percent(share)}</text>'
                )
            x += width
    return _svg(WIDTH, height, title, description or f"{len(rows)} bars of label shares", "".join(parts))


@dataclass(frozen=True)
class Spread:
    """How a share is spread over documents: ``low``, ``q1``, ``median``, ``q3``, ``high`` and ``mean``."""

    low: float
    q1: float
    median: float
    q3: float
    high: float
    mean: float


def spread_chart(title: str, spreads: Mapping[str, Spread], documents: int) -> str:
    """One box plot per label: the quartiles as a box, the median as a line, the extremes as whiskers."""
    height = TOP + ROW * 2 * len(spreads) + 8
    span = WIDTH - RIGHT - LEFT
    parts = [_axis(TOP, height - 6)]
    for index, (label, spread) in enumerate(spreads.items()):
        middle = TOP + index * 2 * ROW + ROW

        def x(value: float) -> float:
            return LEFT + span * value

        tip = (
            f"{label} share over {documents:,} documents: median {percent(spread.median)}, middle half "
            f"{percent(spread.q1)}–{percent(spread.q3)}, range {percent(spread.low)}–{percent(spread.high)}"
        )
        strong = LABEL_STRONG_COLOURS[label]
        parts.append(_name(middle, label))
        parts.append(
            f"<g><title>{escape(tip)}</title>"
            f'<line x1="{x(spread.low):.1f}" y1="{middle}" x2="{x(spread.high):.1f}" y2="{middle}" stroke="{strong}" '
            'stroke-width="2"/>'
            f'<rect x="{x(spread.q1):.1f}" y="{middle - BAR / 2}" width="{max(x(spread.q3) - x(spread.q1), 1.0):.1f}" '
            f'height="{BAR}" fill="{LABEL_COLOURS[label]}" stroke="{strong}" stroke-width="1.5"/>'
            f'<line x1="{x(spread.median):.1f}" y1="{middle - BAR / 2 - 3}" x2="{x(spread.median):.1f}" '
            f'y2="{middle + BAR / 2 + 3}" stroke="#1a1a1a" stroke-width="2.5"/></g>'
            f'<text x="{x(spread.median):.1f}" y="{middle + BAR / 2 + 14}" text-anchor="middle" fill="#1a1a1a">'
            f"median {percent(spread.median)}</text>"
        )
    return _svg(WIDTH, height, title, f"box plots of the label shares of {documents:,} documents", "".join(parts))


def _nice_maximum(value: float) -> float:
    """The axis end for bars up to ``value``: the next multiple of 10% (at least 10%).

    >>> _nice_maximum(0.23), _nice_maximum(0.0), _nice_maximum(0.97)
    (0.3, 0.1, 1.0)
    """
    tenths = int(-(-round(value * 1000) // 100))
    return min(max(tenths, 1), 10) / 10


def function_bars(title: str, shares: Mapping[str, float]) -> str:
    """One horizontal bar per Kotter function, coloured by its label, with its share printed at its end."""
    top_value = max((value for value in shares.values() if value == value), default=0.0)
    maximum = _nice_maximum(top_value)
    height = TOP + ROW * len(FUNCTION_NAMES) + 8
    span = WIDTH - RIGHT - LEFT - 40
    parts = [_axis(TOP, height - 6, right=LEFT + span, maximum=maximum)]
    for index, function in enumerate(FUNCTION_NAMES):
        share = float(shares.get(function, 0.0))
        share = 0.0 if share != share else share
        label = FUNCTION_LABEL[function]
        y = TOP + index * ROW + (ROW - BAR) / 2
        width = span * share / maximum
        parts.append(_name(y + BAR / 2, function))
        parts.append(
            f'<rect x="{LEFT}" y="{y:.1f}" width="{width:.1f}" height="{BAR}" fill="{LABEL_COLOURS[label]}" '
            f'stroke="{LABEL_STRONG_COLOURS[label]}"><title>{escape(f"{function} ({label}): {percent(share, 1)}")}'
            "</title></rect>"
            f'<text x="{LEFT + width + 4:.1f}" y="{y + BAR / 2:.1f}" dominant-baseline="middle">{percent(share)}</text>'
        )
    return _svg(WIDTH, height, title, "share of each Kotter function", "".join(parts))


def _mix(colour: str, amount: float) -> tuple[int, int, int]:
    """``colour`` (``#rrggbb``) mixed with white: 0 is white, 1 the colour itself."""
    channels = [int(colour[at : at + 2], 16) for at in (1, 3, 5)]
    mixed = [round(255 + (channel - 255) * amount) for channel in channels]
    return mixed[0], mixed[1], mixed[2]


def _luminance(rgb: tuple[int, int, int]) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def text_colour(rgb: tuple[int, int, int]) -> str:
    """Black or white, whichever contrasts more with the background ``rgb``.

    >>> text_colour((255, 255, 255)), text_colour((0, 60, 120))
    ('#1a1a1a', '#ffffff')
    """
    light = _luminance(rgb)
    return "#1a1a1a" if (light + 0.05) / 0.0605 >= 1.05 / (light + 0.05) else "#ffffff"


def function_grid(title: str, rows: Sequence[tuple[str, Mapping[str, float]]]) -> str:
    """A grid with one row per group and one column per function; each cell is shaded by and shows its share."""
    header = 104
    cell = (WIDTH - RIGHT - LEFT) / len(FUNCTION_NAMES)
    height = header + ROW * len(rows) + 6
    values = [float(v) for _, shares in rows for v in shares.values() if v == v]
    top_value = max(values, default=0.0) or 1.0
    parts = []
    for column, function in enumerate(FUNCTION_NAMES):
        x = LEFT + column * cell + cell / 2
        label = FUNCTION_LABEL[function]
        parts.append(
            f'<text transform="translate({x:.1f},{header - 10}) rotate(-62)">{escape(function)}</text>'
            f'<rect x="{x - cell / 2 + 1:.1f}" y="{header - 6}" width="{cell - 2:.1f}" height="4" '
            f'fill="{LABEL_STRONG_COLOURS[label]}"><title>{escape(f"{function}: a {label} function")}</title></rect>'
        )
    for index, (name, shares) in enumerate(rows):
        y = header + index * ROW
        parts.append(_name(y + ROW / 2, name))
        for column, function in enumerate(FUNCTION_NAMES):
            share = float(shares.get(function, 0.0))
            known = share == share
            rgb = _mix(LABEL_STRONG_COLOURS[FUNCTION_LABEL[function]], share / top_value if known else 0.0)
            x = LEFT + column * cell
            tip = f"{name}: {function} {percent(share, 1)}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{cell:.1f}" height="{ROW}" fill="rgb{rgb}" stroke="#ffffff">'
                f"<title>{escape(tip)}</title></rect>"
                f'<text x="{x + cell / 2:.1f}" y="{y + ROW / 2}" text-anchor="middle" dominant-baseline="middle" '
                f'fill="{text_colour(rgb)}">{percent(share)}</text>'
            )
    return _svg(WIDTH, height, title, f"function shares of {len(rows)} groups", "".join(parts))
