"""Scoped reads of events and bridge points, and the unit sets bridge points are made for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from hocvuso.events.models import BridgePoint, Event
from hocvuso.orgunits.models import OrgUnit, UnitGroup
from hocvuso.orgunits.selectors import scope_for_user

if TYPE_CHECKING:
    from hocvuso.accounts.models import User


def events_visible_to(user: User) -> QuerySet[Event]:
    """Events organised inside the user's units, and events with a bridge point there."""
    organised = scope_for_user(Event.objects.all(), user, via="organiser").values("pk")
    hosting = scope_for_user(BridgePoint.objects.all(), user, via="host").values("event_id")
    return Event.objects.filter(Q(pk__in=organised) | Q(pk__in=hosting)).select_related("organiser")


def get_event_for_user(user: User, pk: int) -> Event:
    event = events_visible_to(user).filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def communes_of(province: OrgUnit) -> QuerySet[OrgUnit]:
    """ "Every commune of the province"."""
    return OrgUnit.objects.filter(
        path__startswith=province.path, kind=OrgUnit.Kind.COMMUNE
    ).order_by("path")


def villages_under(communes: Iterable[OrgUnit]) -> QuerySet[OrgUnit]:
    """ "Every village under these communes", in one query whatever their number."""
    paths = [c.path for c in communes]
    parent_path = Substr("path", 1, (F("depth") - 1) * OrgUnit.steplen)
    return (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.VILLAGE)
        .annotate(parent_path=parent_path)
        .filter(parent_path__in=paths)
        .order_by("path")
    )


def members_of(group: UnitGroup, within: OrgUnit) -> QuerySet[OrgUnit]:
    """ "Every unit of group X" inside ``within``."""
    return group.units.filter(path__startswith=within.path).order_by("path")


def programme_overrun(event: Event) -> int:
    """Minutes by which the planned run-of-show exceeds the event's slot (0 when it fits or
    when the slot's end is unknown). An item without a duration counts its cap, else 0."""
    if event.ends_at is None:
        return 0
    planned = sum(item.duration_minutes or item.cap_minutes or 0 for item in event.program.all())
    slot = int((event.ends_at - event.starts_at).total_seconds() // 60)
    return max(0, planned - slot)
