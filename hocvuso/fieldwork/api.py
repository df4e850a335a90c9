from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from hocvuso.core.api import Id, PathId, choice, paginated
from hocvuso.fieldwork import selectors, services
from hocvuso.fieldwork.models import Team, Visit
from hocvuso.fieldwork.services import VisitInput

router = Router(tags=["fieldwork"])
Outcome = choice(Visit.Outcome)

# What a phone sends at once: small enough for a slow 3G upload, large enough to catch up a
# day offline in one go.
MAX_BATCH = 500


class VisitIn(Schema):
    id: uuid.UUID
    team: int
    village: int
    visited_on: datetime.date
    household: str = Field(max_length=200)
    people_guided: int
    services: list[str] = []
    outcome: str = Visit.Outcome.DONE
    follow_up_on: datetime.date | None = None
    note: str = ""
    members_present: list[int] = []
    aged_60_plus: int | None = None
    women: int | None = None
    ethnic_minority: int | None = None
    disability: int | None = None


class BatchIn(Schema):
    visits: list[VisitIn] = Field(max_length=MAX_BATCH)


class BatchOut(Schema):
    saved: list[uuid.UUID]
    duplicates: list[uuid.UUID]
    rejected: dict[str, str]


@router.post("/visits/batch", response=BatchOut)
def sync_visits(request: HttpRequest, payload: BatchIn) -> BatchOut:
    """Visits logged on a phone, sent when it has a connection. Idempotent by the visit's
    id: a batch sent again answers its visits as duplicates and saves nothing twice, and of
    batches sent at the same moment each visit is answered "saved" by exactly one. Each
    visit is saved or rejected on its own, with the reason in Vietnamese: its day (from
    1 January 2020 to tomorrow), its members present (the team's, each once), its text (no
    NUL) are checked per visit, so one bad record never costs the others. A body that is
    not a batch of visits of this shape is refused whole (400/422); the phone then sends
    halves until the refused record is alone."""
    rows = [
        VisitInput(
            id=v.id,
            team_id=v.team,
            village_id=v.village,
            visited_on=v.visited_on,
            household=v.household,
            people_guided=v.people_guided,
            services=v.services,
            outcome=v.outcome,
            follow_up_on=v.follow_up_on,
            note=v.note,
            members_present=v.members_present,
            aged_60_plus=v.aged_60_plus,
            women=v.women,
            ethnic_minority=v.ethnic_minority,
            disability=v.disability,
        )
        for v in payload.visits
    ]
    teams = selectors.teams_for_logging(request.user)
    batch = services.record_visits(actor=request.user, teams=teams, rows=rows)
    return BatchOut(
        saved=batch.saved,
        duplicates=batch.duplicates,
        rejected={str(k): v for k, v in batch.rejected.items()},
    )


class TeamOut(Schema):
    id: int
    name: str
    unit_id: int
    unit_name: str

    @staticmethod
    def resolve_unit_name(team: Team) -> str:
        return team.unit.name


class TeamFilters(Schema):
    # Teams of this unit and of the units under it.
    unit: Id | None = None


class VisitOut(Schema):
    """A visit as the visits page and its CSV export show it: a household reference, never a
    name; the phone's note stays on the phone's side."""

    id: uuid.UUID
    team_id: int
    village_id: int
    visited_on: datetime.date
    household: str
    people_guided: int
    services: list[str]
    outcome: Outcome
    follow_up_on: datetime.date | None
    aged_60_plus: int | None
    women: int | None
    ethnic_minority: int | None
    disability: int | None

    @staticmethod
    def resolve_services(visit: Visit, context: dict[str, Any]) -> list[str]:
        # The topics' codes by bit, asked once per request rather than once per visit.
        request = context["request"]
        codes = request.__dict__.get("_service_codes")
        if codes is None:
            codes = request.__dict__["_service_codes"] = selectors.service_codes_by_bit()
        return [code for bit, code in sorted(codes.items()) if visit.services & (1 << bit)]


class VisitFilters(Schema):
    team: Id | None = None
    # The village (or commune) visited.
    village: Id | None = None
    # The day of the visit, both ends included.
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    outcome: Outcome | None = None


@router.get("/teams", response=list[TeamOut])
@paginated
def list_teams(request: HttpRequest, filters: Query[TeamFilters]) -> QuerySet[Team]:
    """Community digital teams in the caller's units, and those the caller belongs to."""
    return selectors.find_teams(request.user, unit_id=filters.unit)


@router.get("/teams/{team_id}", response=TeamOut)
def get_team(request: HttpRequest, team_id: PathId) -> Team:
    """One team; 404 when the caller may not see it."""
    return selectors.get_team_for_user(request.user, team_id)


@router.get("/visits", response=list[VisitOut])
@paginated
def list_visits(request: HttpRequest, filters: Query[VisitFilters]) -> QuerySet[Visit]:
    """Household visits in the villages of the caller's units, newest first."""
    return selectors.find_visits(
        request.user,
        team_id=filters.team,
        village_id=filters.village,
        start=filters.date_from,
        end=filters.date_to,
        outcome=filters.outcome or "",
    )
