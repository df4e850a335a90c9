from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema

from hocvuso.core.api import Id, PathId, SearchText, choice, paginated
from hocvuso.orgunits import selectors
from hocvuso.orgunits.models import OrgUnit

router = Router(tags=["units"])
UnitKind = choice(OrgUnit.Kind)


class UnitOut(Schema):
    id: int
    name: str
    kind: UnitKind
    code: str | None
    short_name: str
    abbreviation: str
    depth: int
    parent_id: int | None = None

    @staticmethod
    def resolve_parent_id(unit: Any) -> int | None:
        return getattr(unit, "parent_pk", None)


class UnitFilters(Schema):
    kind: UnitKind | None = None
    parent: Id | None = None
    q: SearchText = ""


@router.get("/", response=list[UnitOut])
@paginated
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> QuerySet[OrgUnit]:
    """Units the caller may see, in tree order (each unit before the units under it).
    ``parent`` keeps its direct children (404 when the caller may not see it); ``q`` searches
    names with or without diacritics; ``kind`` keeps one kind."""
    parent = None
    if filters.parent is not None:
        parent = selectors.get_unit_for_user(request.user, filters.parent)
    return selectors.find_units(
        request.user, kind=filters.kind or "", parent=parent, query=filters.q
    )


@router.get("/{unit_id}", response=UnitOut)
def get_unit(request: HttpRequest, unit_id: PathId) -> OrgUnit:
    """One unit; 404 when it lies outside the caller's units."""
    unit = selectors.get_unit_for_user(request.user, unit_id)
    return selectors.find_units(request.user).get(pk=unit.pk)


@router.get("/{unit_id}/children", response=list[UnitOut])
def list_children(request: HttpRequest, unit_id: PathId) -> list[OrgUnit]:
    """The unit's direct children, territorial ones first, each kind alphabetically."""
    unit = selectors.get_unit_for_user(request.user, unit_id)
    children = list(selectors.children_of(unit))
    for child in children:
        child.parent_pk = unit.pk
    return children
