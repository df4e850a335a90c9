"""Scoped reads of events and bridge points, and the unit sets bridge points are made for."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from hocvuso.core import roles as R
from hocvuso.events.models import (
    Attendance,
    AttendanceCategory,
    BridgePoint,
    Event,
    ProgramItem,
)
from hocvuso.orgunits.models import OrgUnit, UnitGroup
from hocvuso.orgunits.selectors import scope_for_user, user_can

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


@dataclass
class RunOfShowRow:
    item: ProgramItem
    planned_start: datetime.datetime
    planned_minutes: int
    actual_minutes: int | None
    overrun_minutes: int


def run_of_show(event: Event, *, now: datetime.datetime | None = None) -> list[RunOfShowRow]:
    """The programme with each item's planned start (the event's start plus the items before
    it), and in live mode its actual length and over-run against its duration, else its cap.
    A running item counts up to ``now``."""
    now = now or timezone.now()
    rows, start = [], event.starts_at
    for item in event.program.order_by("position", "pk"):
        planned = item.duration_minutes or item.cap_minutes or 0
        actual = None
        if item.started_at is not None:
            actual = int(((item.ended_at or now) - item.started_at).total_seconds() // 60)
        limit = item.cap_minutes or item.duration_minutes
        overrun = max(0, actual - limit) if actual is not None and limit else 0
        rows.append(RunOfShowRow(item, start, planned, actual, overrun))
        start += datetime.timedelta(minutes=planned)
    return rows


# --- Live


def get_point_by_token(token: str) -> BridgePoint | None:
    """The bridge point a secret link opens; None once the link was revoked."""
    return (
        BridgePoint.objects.select_related("event", "event__current_item", "host")
        .filter(access_token=token)
        .first()
    )


def get_point_for_manager(user: User, event: Event, pk: int) -> BridgePoint:
    point = event.bridge_points.select_related("host", "event").filter(pk=pk).first()
    if point is None or not user_can(user, event.organiser, R.MANAGE_PLANS):
        raise Http404
    return point


@dataclass
class TallyRow:
    key: str
    label: str
    points: int = 0
    connected: int = 0
    trouble: int = 0
    expected: int = 0
    actual: int = 0


@dataclass
class Tally:
    """The control room's figures for the whole event, from a fixed number of aggregate
    queries whatever the number of bridge points."""

    points: int
    by_status: list[tuple[str, str, int]]
    by_category: list[TallyRow]
    by_level: list[TallyRow]
    by_parent: list[TallyRow]
    expected: int
    actual: int
    not_registered: int
    not_registered_sample: list[BridgePoint]
    trouble: list[BridgePoint]
    registration_closed: bool = False
    computed_at: datetime.datetime = field(default_factory=timezone.now)


CONNECTED = (BridgePoint.Status.CHECKED_IN, BridgePoint.Status.ONLINE, BridgePoint.Status.TROUBLE)
SAMPLE = 50


def event_tally(event: Event) -> Tally:
    points = BridgePoint.objects.filter(event=event)
    parent_path = Substr("host__path", 1, (F("host__depth") - 1) * OrgUnit.steplen)
    points = points.annotate(level=F("host__kind"), parent=parent_path)
    people = Attendance.objects.filter(bridge_point__event=event).annotate(
        level=F("bridge_point__host__kind"),
        parent=Substr(
            "bridge_point__host__path",
            1,
            (F("bridge_point__host__depth") - 1) * OrgUnit.steplen,
        ),
    )
    status_counts = dict(points.values_list("status").annotate(n=Count("pk")).order_by())
    by_status = [
        (value, str(label), status_counts.get(value, 0))
        for value, label in BridgePoint.Status.choices
    ]
    by_category = [
        TallyRow(
            row["category"],
            str(AttendanceCategory(row["category"]).label),
            expected=row["e"] or 0,
            actual=row["a"] or 0,
        )
        for row in people.values("category")
        .annotate(e=Sum("expected"), a=Sum("actual"))
        .order_by("category")
    ]
    by_level = _rows(points, people, "level")
    kinds = dict(OrgUnit.Kind.choices)
    for row in by_level:
        row.label = str(kinds.get(row.key, row.key))
    by_parent = _rows(points, people, "parent")
    names = dict(
        OrgUnit.objects.filter(path__in=[r.key for r in by_parent]).values_list("path", "name")
    )
    for row in by_parent:
        row.label = names.get(row.key, "—")
    by_parent.sort(key=lambda r: r.key)
    late = points.filter(status=BridgePoint.Status.INVITED).select_related("host")
    closed = bool(event.registration_closes_at and timezone.now() > event.registration_closes_at)
    return Tally(
        points=sum(status_counts.values()),
        by_status=by_status,
        by_category=by_category,
        by_level=sorted(by_level, key=lambda r: -r.points),
        by_parent=by_parent,
        expected=sum(r.expected for r in by_category),
        actual=sum(r.actual for r in by_category),
        not_registered=status_counts.get(BridgePoint.Status.INVITED, 0),
        not_registered_sample=list(late.order_by("host__path")[:SAMPLE]),
        trouble=list(
            points.filter(status=BridgePoint.Status.TROUBLE)
            .select_related("host")
            .order_by("updated_at")[:SAMPLE]
        ),
        registration_closed=closed,
    )


def _rows(points: QuerySet[BridgePoint], people: QuerySet[Attendance], key: str) -> list[TallyRow]:
    rows = {
        r[key]: TallyRow(r[key], "", r["n"], r["connected"], r["trouble"])
        for r in points.values(key)
        .annotate(
            n=Count("pk"),
            connected=Count("pk", filter=Q(status__in=CONNECTED)),
            trouble=Count("pk", filter=Q(status=BridgePoint.Status.TROUBLE)),
        )
        .order_by()
    }
    for r in people.values(key).annotate(e=Sum("expected"), a=Sum("actual")).order_by():
        row = rows.setdefault(r[key], TallyRow(r[key], ""))
        row.expected, row.actual = r["e"] or 0, r["a"] or 0
    return list(rows.values())
