"""Charts drawn on the server as inline SVG by pygal (docs/decisions/0008): no JavaScript
bundle for cheap phones, nothing fetched from a CDN, the page works offline and prints.

A chart is decoration for sighted readers: the page always puts its figures in a table next
to it. Pure rendering, no query.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pygal
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

from hocvuso.reports.numbers import format_value

# pygal appends to sys.meta_path a finder for its map plugins (unused here) of the old kind,
# without find_spec: from then on every import that misses warns ImportWarning (an error
# under the test suite's filterwarnings). Take it out again.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

# Drawn small (400 px wide) with large type, so that labels stay readable when the SVG is
# scaled down to a 360 px phone; it grows on wider screens up to the CSS max-width.
WIDTH = 400
HEIGHT = 260
BAR_HEIGHT = 26
MAX_BARS = 40
STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1b1f24",
    foreground_strong="#1b1f24",
    foreground_subtle="#4f5a66",
    colors=("#0b5cad", "#b3121b", "#1e6b30", "#8a5a00"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif",
    label_font_size=14,
    major_label_font_size=14,
    value_font_size=14,
    value_label_font_size=14,
    title_font_size=16,
    legend_font_size=14,
    tooltip_font_size=14,
    no_data_font_size=20,
)
# With js=[] pygal still writes an inline <script> holding its configuration, for tooltips
# the page never loads; and comments stamped with the date. Neither belongs in the page.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_DEFAULT_TITLE = "<title>Pygal</title>"  # a tooltip over the whole chart; aria-label says it


def _number(value: float) -> str:
    return format_value(Decimal(str(value)).quantize(Decimal("0.01")))


def _config(**overrides: Any) -> dict[str, Any]:
    return {
        "js": [],
        "disable_xml_declaration": True,
        "style": STYLE,
        "show_legend": False,
        "width": WIDTH,
        "height": HEIGHT,
        "margin": 8,
        "value_formatter": _number,
        "no_data_text": "—",
        **overrides,
    }


def _svg(chart: pygal.graph.graph.Graph, label: str) -> SafeString:
    svg = _COMMENT.sub("", _SCRIPT.sub("", chart.render(is_unicode=True)))
    svg = svg.replace(_DEFAULT_TITLE, "", 1)
    aria = f'<svg role="img" aria-label="{escape(label)}" focusable="false" '
    svg = svg.replace("<svg ", aria, 1)
    # pygal builds the SVG with lxml, which escapes every label and value it is given; the one
    # string added here is escaped above.
    return mark_safe(svg)  # noqa: S308


def _ticks(top: float) -> list[float]:
    """0, half and all of a round number at least ``top`` (1, 2 or 5 times a power of ten)."""
    if top <= 0:
        return [0.0, 1.0]
    scale = 10 ** math.floor(math.log10(top))
    step = next(m * scale for m in (1, 2, 5, 10) if m * scale >= top)
    return [0.0, step / 2, float(step)]


def _floats(values: Sequence[Decimal | str | None]) -> list[float | None]:
    return [float(v) if isinstance(v, Decimal | int | float) else None for v in values]


def line_chart(
    label: str,
    x_labels: Sequence[str],
    values: Sequence[Decimal | str | None],
    *,
    from_zero: bool = False,
) -> SafeString:
    """A line over time: ``values`` (None for a period without data) against ``x_labels``;
    every third label is printed, so twelve months fit a phone. ``from_zero``: the vertical
    axis starts at 0 (for counts, so a small rise does not look like a leap)."""
    extra = {"include_x_axis": True} if from_zero else {}
    chart = pygal.Line(
        **_config(x_labels_major_every=3, show_minor_x_labels=False, truncate_label=-1, **extra)
    )
    chart.x_labels = list(x_labels)
    chart.add(label, _floats(values))
    return _svg(chart, label)


def bar_chart(
    label: str, labels: Sequence[str], values: Sequence[Decimal | str | None]
) -> SafeString:
    """Horizontal bars, one per label, in the order given; at most :data:`MAX_BARS` (the table
    beside the chart lists them all)."""
    labels, numbers = list(labels)[:MAX_BARS], _floats(values)[:MAX_BARS]
    chart = pygal.HorizontalBar(
        **_config(
            height=60 + BAR_HEIGHT * max(1, len(labels)),
            truncate_label=22,
            # Three values along the bars: pygal's own nine overlap at a phone's width.
            y_labels=_ticks(max((n for n in numbers if n is not None), default=0)),
            margin_right=28,  # room for the last value's label
        )
    )
    # pygal draws the first bar at the bottom; the first given goes on top.
    chart.x_labels = labels[::-1]
    chart.add(label, numbers[::-1])
    return _svg(chart, label)
