"""Template filters for tables of figures."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from django import template
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from hocvuso.reports.selectors import PivotRow, PivotTable

register = template.Library()


def _cell(text: str) -> str:
    return f"<td>{html.escape(text, quote=False)}</td>"


@register.simple_tag
def pivot_rows(table: PivotTable, drill: str) -> SafeString:
    """The ``<tr>`` of every unit of a pivot table: its name (a link to drill into it when it
    has units below) and its cells. One call for the table: 2,000 rows through a template
    loop cost about a fifth of a 50,000-cell page."""
    targets = table.has_targets
    out = []
    for row in table.rows:
        name = html.escape(row.unit.name, quote=False)
        if row.can_drill:
            name = f'<a href="?{html.escape(drill)}&amp;unit={row.unit.pk:d}">{name}</a>'
        out.append(f'<tr><th scope="row">{name}</th>{_cells(row, targets)}</tr>')
    # Names and the drill query are escaped; numbers are ints.
    return mark_safe("".join(out))  # noqa: S308


@register.filter
def as_cells(row: PivotRow, with_targets: bool = False) -> SafeString:
    """The ``<td>`` cells of a pivot row: with ``with_targets``, the year's figure, the target
    and the share of it reached (a bar behind the percent); then a cell per period. Joined
    in Python because a pivot can hold 50,000 cells, and a template loop costs several
    microseconds for each where this costs a fraction of one."""
    # Every text is escaped in _cells; the percent is an int.
    return mark_safe(_cells(row, with_targets))  # noqa: S308


def _cells(row: PivotRow, with_targets: bool) -> str:
    cells = []
    if with_targets:
        cells += [_cell(row.year_display or "—"), _cell(row.target_display or "—")]
        progress = row.progress
        cells.append(
            "<td>—</td>"
            if progress is None
            else f'<td><span class="meter" style="--value: {progress:d}%">{progress}%</span></td>'
        )
    # A number's display is digits, dots, commas and "%": only a text answer needs escaping.
    show = row.show
    cells += [_cell(v) if isinstance(v, str) else f"<td>{show(v)}</td>" for v in row.cells]
    return "".join(cells)
