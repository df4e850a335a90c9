from __future__ import annotations

import datetime
import uuid

from django.http import HttpRequest
from ninja import Field, Router, Schema

from hocvuso.fieldwork import selectors, services
from hocvuso.fieldwork.models import Visit
from hocvuso.fieldwork.services import VisitInput

router = Router(tags=["fieldwork"])

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
    id: a batch sent again answers its visits as duplicates and saves nothing twice. Each
    visit is saved or rejected on its own, with the reason in Vietnamese."""
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
