"""Likely duplicate learners: one person written two ways within a commune, listed for a
person to merge (``services.merge_learners``) — never merged by the machine.

Two learners of one commune are likely one person when their names are the same without
diacritics ("Nguyễn Văn Ân" and "Nguyễn Văn An") or the same with diacritics, and their years of
birth are at most one apart (a year typed from memory, or counted the Vietnamese way)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from hocvuso.core import roles as R
from hocvuso.core.tables import fold
from hocvuso.learning.models import Learner
from hocvuso.learning.selectors import learners_visible_to

if TYPE_CHECKING:
    from hocvuso.accounts.models import User
    from hocvuso.orgunits.models import OrgUnit

MAX_PAIRS = 200
YEARS_APART = 1


def likely_duplicates(
    user: User, *, unit: OrgUnit | None = None, limit: int = MAX_PAIRS
) -> list[tuple[Learner, Learner]]:
    """Pairs of learners ``user`` may edit (EDIT_UNITS on their commune), optionally under
    ``unit``, that are likely one person; the earlier record first (the one to keep, by
    default). Reads the learners one commune at a time, in name order."""
    learners = learners_visible_to(user, roles=R.EDIT_UNITS)
    if unit is not None:
        learners = learners.filter(commune__path__startswith=unit.path)
    pairs: list[tuple[int, int]] = []
    for group in _by_commune(learners.order_by("commune_id", "pk")):
        pairs += _pairs_in(group)
        if len(pairs) >= limit:
            break
    pairs = pairs[:limit]
    wanted = {pk for pair in pairs for pk in pair}
    found = Learner.objects.select_related("commune", "village").in_bulk(wanted)
    return [(found[a], found[b]) for a, b in pairs]


def _by_commune(learners) -> Iterator[list[tuple[int, str, str, int]]]:
    group: list[tuple[int, str, str, int]] = []
    commune = None
    rows = learners.values_list("commune_id", "pk", "name", "name_key", "birth_year")
    for commune_id, pk, name, key, year in rows.iterator(chunk_size=5000):
        if commune_id != commune and group:
            yield group
            group = []
        commune = commune_id
        group.append((pk, fold(name), key, year))
    if group:
        yield group


def _pairs_in(group: list[tuple[int, str, str, int]]) -> list[tuple[int, int]]:
    by_folded: dict[str, list[tuple[int, str, int]]] = {}
    for pk, folded, key, year in group:
        by_folded.setdefault(folded, []).append((pk, key, year))
    pairs = []
    for people in by_folded.values():
        for i, (pk, _key, year) in enumerate(people):
            for other, _other_key, other_year in people[i + 1 :]:
                if abs(year - other_year) <= YEARS_APART:
                    pairs.append((pk, other))
    return pairs
