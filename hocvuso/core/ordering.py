"""Moving one row of an ordered list up or down (activities, programme items)."""

from __future__ import annotations

from typing import Any


def swap_with_neighbour(items: list[Any], item: Any, *, up: bool) -> tuple[int, int] | None:
    """Swap ``item`` with the row before (``up``) or after it in ``items`` (rows in order, a
    list changed in place) and number every row's ``position`` 1…n, so rows imported with
    equal positions still move. Returns the old and the new index, or None at either end
    (nothing changes). The caller saves the positions (``bulk_update``) and audits."""
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if up else index + 1
    if not 0 <= target < len(items):
        return None
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items, start=1):
        other.position = position
    return index, target
