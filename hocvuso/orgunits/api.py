from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from hocvuso.orgunits import selectors

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    code: str | None
    short_name: str
    abbreviation: str
    depth: int
    parent_id: int | None = None


def _out(unit: object, parent_id: int | None = None) -> UnitOut:
    return UnitOut(
        id=unit.pk,
        name=unit.name,
        kind=unit.kind,
        code=unit.code,
        short_name=unit.short_name,
        abbreviation=unit.abbreviation,
        depth=unit.depth,
        parent_id=parent_id,
    )


@router.get("/", response=list[UnitOut])
def list_units(request: HttpRequest, q: str = "", limit: int = 50) -> list[UnitOut]:
    """Units the caller may see; ``q`` searches names with or without diacritics."""
    limit = max(1, min(limit, 200))
    if q:
        units = selectors.search_units(request.user, q, limit=limit)
    else:
        units = list(selectors.top_units_for(request.user)[:limit])
    return [_out(u) for u in units]


@router.get("/{unit_id}", response=UnitOut)
def get_unit(request: HttpRequest, unit_id: int) -> UnitOut:
    """One unit; 404 when it lies outside the caller's units."""
    unit = selectors.get_unit_for_user(request.user, unit_id)
    return _out(unit)


@router.get("/{unit_id}/children", response=list[UnitOut])
def list_children(request: HttpRequest, unit_id: int) -> list[UnitOut]:
    unit = selectors.get_unit_for_user(request.user, unit_id)
    return [_out(child, unit.pk) for child in selectors.children_of(unit)]
