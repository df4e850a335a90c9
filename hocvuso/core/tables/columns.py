"""The header row of an import mapped to fields, by one function for every importer."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from django.utils.translation import gettext as _

from hocvuso.core.tables.errors import RowError
from hocvuso.core.tables.text import fold

K = TypeVar("K", bound=Hashable)


class Unknown:
    """What a column lookup answers for a title it does not know; ``message`` replaces the
    usual "not in the template" (a computed indicator, a column of another form)."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message


UNKNOWN = Unknown()


def map_columns(
    line: int,
    header: Sequence[object],
    lookup: Mapping[str, K | None] | Callable[[str], K | Unknown | None],
    *,
    required: Mapping[K, str] | None = None,
) -> tuple[dict[int, K], list[RowError]]:
    """Each column of ``header`` (the cells of line ``line``) to its field: ``lookup`` maps
    a folded title to a field, ``None`` for a column people keep that the import ignores
    ("STT"); a callable gets the title as written and may answer ``Unknown``. Returns the
    columns by index and the problems: a column not in the template, a field given twice,
    a ``required`` field (field → title to name it by) missing."""
    columns: dict[int, K] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(header):
        title = "" if cell is None else str(cell).strip()
        if not title:
            continue
        key = lookup(title) if callable(lookup) else lookup.get(fold(title), UNKNOWN)
        if isinstance(key, Unknown):
            message = key.message or _("cột “%(title)s” không thuộc mẫu nhập.") % {"title": title}
            errors.append(RowError(line, message))
        elif key is None:
            continue
        elif key in columns.values():
            errors.append(RowError(line, _("cột “%(title)s” bị lặp.") % {"title": title}))
        else:
            columns[index] = key
    errors += missing_columns(line, columns.values(), required or {})
    return columns, errors


def missing_columns(line: int, found: Iterable[K], required: Mapping[K, str]) -> list[RowError]:
    present = set(found)
    return [
        RowError(line, _("thiếu cột “%(title)s”.") % {"title": title})
        for key, title in required.items()
        if key not in present
    ]
