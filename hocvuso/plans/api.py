from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from hocvuso.core.api import Id, PathId, choice, paginated
from hocvuso.plans import selectors
from hocvuso.plans.models import Plan, Task

router = Router(tags=["plans"])
PlanKind = choice(Plan.Kind)
PlanStatus = choice(Plan.Status)
TaskStatus = choice(Task.Status)


class PlanOut(Schema):
    id: int
    kind: PlanKind
    status: PlanStatus
    title: str
    number: str
    issued_on: datetime.date | None
    issuing_unit_id: int
    issuing_unit_name: str
    published_at: datetime.datetime | None

    @staticmethod
    def resolve_issuing_unit_name(plan: Plan) -> str:
        return plan.issuing_unit.name


class PlanFilters(Schema):
    status: PlanStatus | None = None
    kind: PlanKind | None = None
    issuing_unit: Id | None = None


class TaskOut(Schema):
    id: int
    plan_id: int
    unit_id: int | None
    # The unit's name, or the name as the plan wrote it while a draft's unit is unmatched.
    unit_name: str
    activity_id: int | None
    activity_title: str | None
    text: str
    deadline: datetime.date | None
    # The time of day on ``deadline``, local (Asia/Ho_Chi_Minh), when the plan gives one.
    deadline_time: datetime.time | None
    # The moment the duty is late after, with its UTC offset: ``deadline`` at
    # ``deadline_time``, or the end of ``deadline`` when it has no time of day.
    due_at: datetime.datetime | None
    status: TaskStatus
    done_on: datetime.date | None
    overdue: bool

    @staticmethod
    def resolve_unit_name(task: Task) -> str:
        return task.unit.name if task.unit is not None else task.unit_name

    @staticmethod
    def resolve_activity_title(task: Task) -> str | None:
        return task.activity.title if task.activity is not None else None

    @staticmethod
    def resolve_due_at(task: Task) -> datetime.datetime | None:
        return task.due_at()

    @staticmethod
    def resolve_overdue(task: Task) -> bool:
        return task.is_overdue(timezone.now())


class TaskFilters(Schema):
    status: TaskStatus | None = None
    # Duties of this unit and of the units under it.
    unit: Id | None = None
    deadline_from: datetime.date | None = None
    deadline_to: datetime.date | None = None

    def selector_args(self) -> dict[str, Any]:
        return {
            "status": self.status or "",
            "unit_id": self.unit,
            "deadline_from": self.deadline_from,
            "deadline_to": self.deadline_to,
        }


@router.get("/", response=list[PlanOut])
@paginated
def list_plans(request: HttpRequest, filters: Query[PlanFilters]) -> QuerySet[Plan]:
    """Plans issued in the caller's units (drafts included) and published plans that give
    one of them a duty, newest first."""
    return selectors.find_plans(
        request.user,
        status=filters.status or "",
        kind=filters.kind or "",
        issuing_unit_id=filters.issuing_unit,
    )


@router.get("/tasks", response=list[TaskOut])
@paginated
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> QuerySet[Task]:
    """Every duty the caller may see, across plans, soonest deadline first."""
    return selectors.find_tasks(request.user, **filters.selector_args())


@router.get("/{plan_id}", response=PlanOut)
def get_plan(request: HttpRequest, plan_id: PathId) -> Plan:
    """One plan; 404 when the caller may not see it."""
    return selectors.get_plan_for_user(request.user, plan_id)


@router.get("/{plan_id}/tasks", response=list[TaskOut])
@paginated
def list_plan_tasks(
    request: HttpRequest, plan_id: PathId, filters: Query[TaskFilters]
) -> QuerySet[Task]:
    """The plan's duties the caller may see: all of them in a plan their unit issued, their
    own units' in a plan that addresses them."""
    plan = selectors.get_plan_for_user(request.user, plan_id)
    return selectors.find_tasks(request.user, plan=plan, **filters.selector_args())
