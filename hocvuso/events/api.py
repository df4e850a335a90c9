from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from hocvuso.core.api import Id, PathId, SearchText, choice, paginated
from hocvuso.events import selectors, services
from hocvuso.events.models import AttendanceCategory, BridgePoint, Event

router = Router(tags=["events"])
EventMode = choice(Event.Mode)
PointStatus = choice(BridgePoint.Status)
Category = choice(AttendanceCategory)


class EventOut(Schema):
    id: int
    title: str
    organiser_id: int
    organiser_name: str
    plan_id: int | None
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    venue: str
    mode: EventMode
    registration_closes_at: datetime.datetime | None
    hashtag: str
    launch_at: datetime.datetime | None
    point_count: int

    @staticmethod
    def resolve_organiser_name(event: Event) -> str:
        return event.organiser.name


class EventFilters(Schema):
    organiser: Id | None = None
    # The local day the event starts, both ends included.
    starts_from: datetime.date | None = None
    starts_to: datetime.date | None = None


class BridgePointOut(Schema):
    """A point as the bridge-point list shows it, without its secret link or its people."""

    id: int
    event_id: int
    host_id: int
    host_name: str
    is_main: bool
    status: PointStatus
    checked_in_at: datetime.datetime | None
    reported_at: datetime.datetime | None
    expected_total: int
    actual_total: int

    @staticmethod
    def resolve_host_name(point: BridgePoint) -> str:
        return point.host.name


class BridgePointFilters(Schema):
    status: PointStatus | None = None
    # Words of the host unit's name, with or without diacritics.
    host: SearchText = ""


People = Annotated[int, Field(ge=0, le=services.MAX_PEOPLE_PER_CATEGORY)]


class AttendanceIn(Schema):
    # Made by the client once per submission: a retry with the same id counts once.
    submission_id: uuid.UUID
    # "expected" until the registration cut-off, "actual" from the day of the ceremony.
    field: Literal["expected", "actual"] = "expected"
    counts: dict[Category, People] = Field(min_length=1)


class AttendanceOut(Schema):
    # False when this submission id had already been received: nothing changed.
    counted: bool
    expected_total: int
    actual_total: int


class ErrorOut(Schema):
    detail: str


def _event(request: HttpRequest, event_id: int) -> Event:
    return selectors.get_event_for_user(request.user, event_id)


@router.get("/", response=list[EventOut])
@paginated
def list_events(request: HttpRequest, filters: Query[EventFilters]) -> QuerySet[Event]:
    """Events organised in the caller's units or with a bridge point there, newest first."""
    return selectors.find_events(
        request.user,
        organiser_id=filters.organiser,
        starts_from=filters.starts_from,
        starts_to=filters.starts_to,
    )


@router.get("/{event_id}", response=EventOut)
def get_event(request: HttpRequest, event_id: PathId) -> Event:
    """One event; 404 when the caller may not see it."""
    return selectors.find_events(request.user).get(pk=_event(request, event_id).pk)


@router.get("/{event_id}/bridge-points", response=list[BridgePointOut])
@paginated
def list_bridge_points(
    request: HttpRequest, event_id: PathId, filters: Query[BridgePointFilters]
) -> QuerySet[BridgePoint]:
    """The event's bridge points, the main hall first, then by the host units' tree."""
    return selectors.bridge_points_of(
        _event(request, event_id),
        viewer=request.user,
        status=filters.status or "",
        host=filters.host,
    )


@router.post(
    "/{event_id}/bridge-points/{point_id}/attendance",
    response={200: AttendanceOut, 400: ErrorOut},
)
def report_attendance(
    request: HttpRequest, event_id: PathId, point_id: PathId, payload: AttendanceIn
) -> AttendanceOut:
    """People at a bridge point by category, as its screen reports them: for the host
    unit's focal point or coordinator, or the organiser's. Idempotent by
    ``submission_id``. 400 with the reason, in Vietnamese, after the registration cut-off
    (expected) or before the day (actual)."""
    point = selectors.get_point_for_reporter(request.user, _event(request, event_id), point_id)
    counted = services.report_attendance(
        bridge_point=point,
        submission_id=payload.submission_id,
        counts={str(category): n for category, n in payload.counts.items()},
        field=payload.field,
        actor=request.user,
    )
    point.refresh_from_db(fields=["expected_total", "actual_total"])
    return AttendanceOut(
        counted=counted, expected_total=point.expected_total, actual_total=point.actual_total
    )
