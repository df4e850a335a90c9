from __future__ import annotations

from types import SimpleNamespace

from hocvuso.core.ordering import swap_with_neighbour


def _rows(*keys: str) -> list[SimpleNamespace]:
    return [SimpleNamespace(pk=n, key=key, position=1) for n, key in enumerate(keys, start=1)]


def test_a_row_moves_past_its_neighbour_and_every_position_is_renumbered():
    items = _rows("a", "b", "c")
    assert swap_with_neighbour(items, items[2], up=True) == (2, 1)
    assert [(i.key, i.position) for i in items] == [("a", 1), ("c", 2), ("b", 3)]


def test_nothing_moves_past_either_end():
    items = _rows("a", "b")
    assert swap_with_neighbour(items, items[0], up=True) is None
    assert swap_with_neighbour(items, items[1], up=False) is None
    assert [i.key for i in items] == ["a", "b"]


def test_items_of_one_row_move_together_from_where_the_first_stands():
    items = _rows("copy", "other", "copy")
    assert swap_with_neighbour(items, items[1], up=True, row_of=lambda i: i.key) == (1, 0)
    assert [(i.key, i.pk, i.position) for i in items] == [
        ("other", 2, 1),
        ("copy", 1, 2),
        ("copy", 3, 3),
    ]
