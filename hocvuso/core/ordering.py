"""Moving one row of an ordered list up or down (activities, duties, programme items)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


def swap_with_neighbour(
    items: list[Any],
    item: Any,
    *,
    up: bool,
    row_of: Callable[[Any], Hashable] | None = None,
) -> tuple[int, int] | None:
    """Swap ``item``'s row with the row before (``up``) or after it in ``items`` (rows in
    order, a list changed in place) and number every item's ``position`` 1…n, so rows
    imported with equal positions still move. A row is one item, or with ``row_of`` the
    items with the same key, shown together where the first of them stands (a collective
    duty's copies, one per unit). Returns the row's old and new index, or None at either end
    (nothing changes). The caller saves the positions (``bulk_update``) and audits."""
    rows: dict[Hashable, list[Any]] = {}
    for other in items:
        rows.setdefault(row_of(other) if row_of else other.pk, []).append(other)
    order = list(rows.values())
    index = next(i for i, row in enumerate(order) if any(o.pk == item.pk for o in row))
    target = index - 1 if up else index + 1
    if not 0 <= target < len(order):
        return None
    order[index], order[target] = order[target], order[index]
    items[:] = [other for row in order for other in row]
    for position, other in enumerate(items, start=1):
        other.position = position
    return index, target
