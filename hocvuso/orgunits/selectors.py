"""Reads of the unit tree, and the one function that scopes every queryset by the user's units.

Every view and API endpoint of every app reaches user-facing data through
:func:`scope_for_user` (directly or through an app selector that calls it). Out of scope
answers 404; a read-only role asking to write answers 403 (:func:`get_unit_for_user`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.http import Http404

from hocvuso.core import roles as R
from hocvuso.core.http import id_param
from hocvuso.core.tables import fold
from hocvuso.orgunits.models import OrgUnit, UnitPopulation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from hocvuso.accounts.models import User

M = TypeVar("M", bound=Model)

_UNRESTRICTED = None

# Display order of kinds: the territory first, top-down, then organisations.
KIND_ORDER = Case(
    *(When(kind=kind, then=Value(i)) for i, kind in enumerate(OrgUnit.Kind.values)),
    output_field=IntegerField(),
)


def scope_paths(user: User | AnonymousUser, roles: Iterable[str] = R.VIEW) -> list[str] | None:
    """The tree paths under which ``user`` holds one of ``roles``; ``None`` means everywhere.

    Superusers are unrestricted. Overlapping grants collapse to the outermost path. Memoised on
    the user object, so a request pays for it once.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return _UNRESTRICTED
    key = frozenset(roles)
    cache: dict[frozenset[str], list[str]] = user.__dict__.setdefault("_scope_paths", {})
    if key not in cache:
        paths = sorted(
            set(user.role_assignments.filter(role__in=key).values_list("unit__path", flat=True))
        )
        outermost: list[str] = []
        for path in paths:  # sorted, so an ancestor always comes before its descendants
            if not any(path.startswith(kept) for kept in outermost):
                outermost.append(path)
        cache[key] = outermost
    return cache[key]


def scope_for_user(
    queryset: QuerySet[M],
    user: User | AnonymousUser,
    *,
    via: str = "",
    roles: Iterable[str] = R.VIEW,
) -> QuerySet[M]:
    """Limit ``queryset`` to rows whose unit lies in a subtree where ``user`` holds ``roles``.

    ``via`` is the lookup from the queryset's model to its ``OrgUnit`` ("" when the queryset is
    of units, ``"unit"`` for a model with a ``unit`` foreign key, ``"task__unit"`` …). The result
    is one SQL query with one ``LIKE 'path%'`` per granted subtree.
    """
    paths = scope_paths(user, roles)
    if paths is _UNRESTRICTED:
        return queryset
    if not paths:
        return queryset.none()
    lookup = f"{via}__path__startswith" if via else "path__startswith"
    condition = Q()
    for path in paths:
        condition |= Q(**{lookup: path})
    return queryset.filter(condition)


def user_can(user: User | AnonymousUser, unit: OrgUnit, roles: Iterable[str]) -> bool:
    """Whether ``user`` holds one of ``roles`` on ``unit`` or one of its ancestors (no query
    once the user's paths are memoised)."""
    paths = scope_paths(user, roles)
    if paths is _UNRESTRICTED:
        return True
    return any(unit.path.startswith(path) for path in paths)


def holds_on_a_province(user: User | AnonymousUser, roles: Iterable[str]) -> bool:
    """Whether ``user`` holds one of ``roles`` on a root of the tree (a province): the
    province-wide lists (learning's topics, the communication channels) are theirs to keep."""
    paths = scope_paths(user, roles)
    return paths is None or any(len(p) == OrgUnit.steplen for p in paths)


def units_visible_to(user: User | AnonymousUser) -> QuerySet[OrgUnit]:
    return scope_for_user(OrgUnit.objects.all(), user)


def get_unit_for_user(
    user: User | AnonymousUser, pk: int, *, roles: Iterable[str] = R.VIEW
) -> OrgUnit:
    """The unit, if ``user`` may see it (else 404) and holds ``roles`` on it (else 403)."""
    unit = units_visible_to(user).filter(pk=pk).first()
    if unit is None:
        raise Http404
    if not user_can(user, unit, roles):
        raise PermissionDenied
    return unit


def get_chosen_unit_for_user(
    user: User | AnonymousUser,
    value: str | None,
    *,
    roles: Iterable[str] = R.VIEW,
    default: OrgUnit | None = None,
) -> OrgUnit | None:
    """The unit a page is about: the one a query-string value (``?unit=``) names — 404
    outside the user's view, 403 without ``roles`` on it, as :func:`get_unit_for_user` — or,
    when the value names no row ("", "abc", "²"), ``default``, else the top of the user's
    subtree. None only for someone without a unit and without ``default``."""
    pk = id_param(value)
    if pk is not None:
        return get_unit_for_user(user, pk, roles=roles)
    if default is not None:
        return default
    return top_units_for(user).first()


def visible_unit(user: User | AnonymousUser, pk: int) -> OrgUnit | None:
    """The unit if ``user`` may see it, else None: for a filter, where a unit out of scope
    simply matches nothing."""
    return units_visible_to(user).filter(pk=pk).first()


def search_words(query: str) -> list[str]:
    """The folded words of a search box's text. Control characters (NUL above all, which
    PostgreSQL refuses in any query) are spaces: nobody types one, so they match nothing."""
    cleaned = "".join(" " if unicodedata.category(c) == "Cc" else c for c in query)
    return fold(cleaned).split()


def find_units(
    user: User | AnonymousUser,
    *,
    kind: str = "",
    parent: OrgUnit | None = None,
    query: str = "",
) -> QuerySet[OrgUnit]:
    """Units ``user`` may see in tree order (each unit before its subtree), narrowed to one
    ``kind``, to the direct children of ``parent`` (which the caller got through
    :func:`get_unit_for_user`), and to names containing every word of ``query`` with or
    without diacritics. Each unit carries ``parent_pk``, its parent's id (None for a root)."""
    units = units_visible_to(user)
    if parent is not None:
        units = units.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if kind:
        units = units.filter(kind=kind)
    for word in search_words(query):
        units = units.filter(search_text__contains=word)
    parent_path = Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * OrgUnit.steplen)
    parents = OrgUnit.objects.filter(path=parent_path).values("pk")[:1]
    return units.annotate(parent_pk=Subquery(parents)).order_by("path")


def top_units_for(user: User | AnonymousUser) -> QuerySet[OrgUnit]:
    """The roots of the user's visible forest: where the unit browser starts."""
    paths = scope_paths(user)
    if paths is _UNRESTRICTED:
        return OrgUnit.objects.get_root_nodes()
    return OrgUnit.objects.filter(path__in=paths).order_by("path")


def visible_ancestors(user: User | AnonymousUser, unit: OrgUnit) -> list[OrgUnit]:
    """The breadcrumb: ancestors of ``unit`` the user may open, root first (one query)."""
    return list(scope_for_user(OrgUnit.objects.get_ancestors(unit), user))


def children_of(unit: OrgUnit) -> QuerySet[OrgUnit]:
    """Direct children, territorial ones first, each kind alphabetically. Visible to whoever
    sees ``unit``, since a role covers the whole subtree."""
    return (
        OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
        .prefetch_related("groups")
        .order_by(KIND_ORDER, "name")
    )


def subtree_of(unit: OrgUnit, *, include_self: bool = True) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.filter(path__startswith=unit.path)
    return qs if include_self else qs.exclude(pk=unit.pk)


def search_units(user: User | AnonymousUser, query: str, *, limit: int = 30) -> list[OrgUnit]:
    """Units whose name, short name, abbreviation or code contains every word of ``query``,
    with or without diacritics ("hoa lu" finds "Phường Hoa Lư"), shallowest first."""
    words = search_words(query)
    if not words:
        return []
    qs = units_visible_to(user)
    for word in words:
        qs = qs.filter(search_text__contains=word)
    return list(qs.order_by("depth", "name")[:limit])


def kind_counts_under(unit: OrgUnit) -> list[tuple[str, int]]:
    """How many units of each kind lie below ``unit``, as (kind label, count): one query."""
    rows = subtree_of(unit, include_self=False).values("kind").annotate(n=Count("id")).order_by()
    counts = {row["kind"]: row["n"] for row in rows}
    return [(label, counts[value]) for value, label in OrgUnit.Kind.choices if value in counts]


def people_on_unit(unit: OrgUnit) -> QuerySet[Model]:
    """Role assignments held directly on ``unit`` (visible to whoever sees the unit), read
    through the reverse relation so that ``orgunits`` need not import ``accounts``."""
    return unit.role_assignments.select_related("user").order_by(
        "role", "user__full_name", "user__username"
    )


def population_by_path(
    unit: OrgUnit, *, year: int | None = None
) -> dict[str, tuple[int | None, int | None]]:
    """Households and adults of ``unit`` and each unit under it: its own latest figures (up to
    ``year`` when given), else the sum of its children's, so a commune with figures only for
    its villages still has a denominator. One query."""
    return {
        path: (values[0], values[1])
        for path, values in figures_by_path(unit, ("households", "adults"), year=year).items()
    }


def figures_by_path(
    unit: OrgUnit, names: Sequence[str], *, year: int | None = None
) -> dict[str, tuple[int | None, ...]]:
    """The population figures ``names`` (``adults``, ``households``, ``staff``, ``pupils``,
    ``workers``) of ``unit`` and each unit under it, as ``population_by_path``: a unit's own
    latest figure, else the sum of its children's. One query."""
    width = len(names)
    latest: dict[str, tuple[int | None, ...]] = {}
    figures = UnitPopulation.objects.filter(unit__path__startswith=unit.path)
    if year is not None:
        figures = figures.filter(year__lte=year)
    for path, *values in figures.order_by("unit__path", "year").values_list("unit__path", *names):
        latest[path] = tuple(values)  # the latest year wins
    step = OrgUnit.steplen
    paths = set(latest)
    for path in latest:
        while len(path) > len(unit.path):
            path = path[:-step]
            paths.add(path)
    from_children: dict[str, list[int | None]] = {}
    result: dict[str, tuple[int | None, ...]] = {}
    empty = (None,) * width
    # Deepest first: a unit's children are final before it is summed into its parent.
    for path in sorted(paths, key=len, reverse=True):
        own = latest.get(path, empty)
        summed = from_children.get(path, [None] * width)
        value = tuple(own[i] if own[i] is not None else summed[i] for i in range(width))
        result[path] = value
        if len(path) > len(unit.path):
            parent = from_children.setdefault(path[:-step], [None] * width)
            for i in range(width):
                if value[i] is not None:
                    parent[i] = (parent[i] or 0) + value[i]
    return result


def belongs_to(user: User | AnonymousUser, unit: OrgUnit) -> bool:
    """Whether ``user`` holds a role on ``unit`` or on a unit inside it (one of the unit's own
    people), rather than reaching it only from above, as a province's coordinator reaches a
    commune. What such people open of a unit's files is audited (``core.uploads``)."""
    if not user.is_authenticated:
        return False
    return user.role_assignments.filter(unit__path__startswith=unit.path).exists()
