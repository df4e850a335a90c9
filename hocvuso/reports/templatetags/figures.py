"""Template filters for tables of figures."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from django import template
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from hocvuso.reports.selectors import PivotRow

register = template.Library()


def _cell(text: str) -> str:
    return f"<td>{html.escape(text, quote=False)}</td>"


@register.filter
def as_cells(row: PivotRow, with_targets: bool = False) -> SafeString:
    """The ``<td>`` cells of a pivot row: with ``with_targets``, the year's figure, the target
    and the share of it reached (a bar behind the percent); then a cell per period. Joined
    in Python because a pivot can hold 50,000 cells, and a template loop costs several
    microseconds for each where this costs a fraction of one."""
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
    # Every text is escaped above; the percent is an int.
    return mark_safe("".join(cells))  # noqa: S308
