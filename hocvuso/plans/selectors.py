"""Scoped reads of plans and duties. Everything goes through orgunits' scope_for_user."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from hocvuso.core import roles as R
from hocvuso.core.tables import fold
from hocvuso.orgunits.selectors import scope_for_user, user_can, visible_unit
from hocvuso.plans.models import (
    DEADLINE_ORDER,
    Activity,
    Evidence,
    Plan,
    Task,
    TaskUpdate,
    deadline_passed,
)

if TYPE_CHECKING:
    from hocvuso.accounts.models import User
    from hocvuso.orgunits.models import OrgUnit


def plans_visible_to(user: User) -> QuerySet[Plan]:
    """Plans issued inside the user's units (drafts included), and published or closed plans
    that give a duty to one of the user's units."""
    issued = scope_for_user(Plan.objects.all(), user, via="issuing_unit").values("pk")
    addressed = scope_for_user(
        Task.objects.exclude(plan__status=Plan.Status.DRAFT), user, via="unit"
    ).values("plan_id")
    return Plan.objects.filter(Q(pk__in=issued) | Q(pk__in=addressed)).select_related(
        "issuing_unit"
    )


def get_plan_for_user(user: User, pk: int, *, roles: Iterable[str] = R.VIEW) -> Plan:
    """The plan if visible (else 404); with ``roles``, the user must hold them on the issuing
    unit (else 403)."""
    plan = plans_visible_to(user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    if set(roles) != set(R.VIEW) and not user_can(user, plan.issuing_unit, roles):
        raise PermissionDenied
    return plan


def tasks_visible_to(user: User) -> QuerySet[Task]:
    """Duties of the user's units in published plans, and every duty of plans they issued."""
    own = scope_for_user(
        Task.objects.exclude(plan__status=Plan.Status.DRAFT), user, via="unit"
    ).values("pk")
    issued = scope_for_user(Task.objects.all(), user, via="plan__issuing_unit").values("pk")
    return Task.objects.filter(Q(pk__in=own) | Q(pk__in=issued)).select_related(
        "unit", "plan", "activity"
    )


def get_task_for_user(user: User, pk: int, *, roles: Iterable[str] = R.VIEW) -> Task:
    """The duty if visible (else 404); with ``roles``, held on the duty's unit or on the
    plan's issuing unit (else 403)."""
    task = tasks_visible_to(user).filter(pk=pk).first()
    if task is None:
        raise Http404
    if set(roles) != set(R.VIEW) and not (
        user_can(user, task.unit, roles) or user_can(user, task.plan.issuing_unit, roles)
    ):
        raise PermissionDenied
    return task


def get_evidence_for_user(user: User, pk: int) -> Evidence:
    """An evidence file of a duty the user may see (else 404): the duty's unit's people, those
    above it, and the plan's issuers."""
    evidence = (
        Evidence.objects.filter(pk=pk, update__task__in=tasks_visible_to(user).values("pk"))
        .select_related("update__task__unit")
        .first()
    )
    if evidence is None:
        raise Http404
    return evidence


def find_plans(
    user: User, *, status: str = "", kind: str = "", issuing_unit_id: int | None = None
) -> QuerySet[Plan]:
    """Plans visible to ``user``, newest first, narrowed by status, kind and issuing unit."""
    plans = plans_visible_to(user)
    if status:
        plans = plans.filter(status=status)
    if kind:
        plans = plans.filter(kind=kind)
    if issuing_unit_id is not None:
        plans = plans.filter(issuing_unit_id=issuing_unit_id)
    return plans.order_by("-created_at", "-pk")


def find_tasks(
    user: User,
    *,
    plan: Plan | None = None,
    status: str = "",
    unit_id: int | None = None,
    deadline_from: date | None = None,
    deadline_to: date | None = None,
) -> QuerySet[Task]:
    """Duties visible to ``user`` (of ``plan``, when given, which the caller got through
    :func:`get_plan_for_user`), soonest deadline first, narrowed by status, by a unit's
    subtree (a unit the user may not see matches nothing) and by deadline, both ends
    included."""
    tasks = tasks_visible_to(user)
    if plan is not None:
        tasks = tasks.filter(plan=plan)
    if status:
        tasks = tasks.filter(status=status)
    if unit_id is not None:
        unit = visible_unit(user, unit_id)
        tasks = tasks.filter(unit__path__startswith=unit.path) if unit else tasks.none()
    if deadline_from is not None:
        tasks = tasks.filter(deadline__gte=deadline_from)
    if deadline_to is not None:
        tasks = tasks.filter(deadline__lte=deadline_to)
    return tasks.order_by(*DEADLINE_ORDER, "plan_id", "position", "id")


def find_duplicate_plans(
    user: User,
    *,
    issuing_unit: OrgUnit,
    number: str,
    issued_on: date | None,
    title: str,
    issuer_name: str,
) -> list[Plan]:
    """Plans of ``issuing_unit`` visible to ``user``, any status, that are the same document:
    the same number and date of issue or, for a document with no number yet (a draft's
    "Số:    /KH-UBND"), the same title and issuer. Numbers compare without spaces or case
    ("57/NQ -TW" is "57/NQ-TW"), titles and issuers as the same words whatever the case and
    diacritics. Oldest first. One query."""
    # Compared and listed by their header fields: an imported plan's whole text stays unread.
    plans = (
        plans_visible_to(user)
        .filter(issuing_unit=issuing_unit)
        .defer("source_text", "details")
        .order_by("created_at", "pk")
    )
    if _has_number(number):
        key = _number_key(number)
        same_day = plans.filter(issued_on=issued_on)
        return [plan for plan in same_day if _number_key(plan.number) == key]
    wanted = (_words(title), _words(issuer_name))
    return [
        plan
        for plan in plans.exclude(number__regex=r"[0-9]")
        if (_words(plan.title), _words(plan.issuer_name)) == wanted
    ]


def find_duplicates_of_draft(user: User, *, issuing_unit: OrgUnit, draft: dict) -> list[Plan]:
    """:func:`find_duplicate_plans` for a draft as the reader writes it (docs/plan-import.md)."""
    issued_on = draft.get("issued_on")
    return find_duplicate_plans(
        user,
        issuing_unit=issuing_unit,
        number=draft.get("number") or "",
        issued_on=date.fromisoformat(issued_on[:10]) if issued_on else None,
        title=draft.get("title") or "",
        issuer_name=draft.get("issuer") or "",
    )


def _has_number(number: str) -> bool:
    return any(c.isdigit() for c in number)


def _number_key(number: str) -> str:
    return "".join(number.split()).casefold()


def _words(text: str) -> str:
    return " ".join(fold(text).split())


def overdue_tasks_for(user: User, *, today: date) -> QuerySet[Task]:
    """Duties of published plans visible to ``user``, not done and past their deadline at
    ``today``: a moment (a duty due at 07:30 is overdue from then) or a day."""
    return (
        tasks_visible_to(user)
        .filter(deadline_passed(today), plan__status=Plan.Status.PUBLISHED)
        .exclude(status=Task.Status.DONE)
        .order_by(*DEADLINE_ORDER, "unit__name")
    )


def issuing_units_for(user: User) -> QuerySet[OrgUnit]:
    """Units the user may issue plans for: where they hold MANAGE_PLANS."""
    from hocvuso.orgunits.models import OrgUnit

    return (
        scope_for_user(OrgUnit.objects.all(), user, roles=R.MANAGE_PLANS)
        .filter(depth__lte=2)
        .order_by("path")
    )


def unit_names_for_review(plan: Plan) -> list[str]:
    """Names offered while assigning a draft's duties: units of the issuing province, without
    villages (too many to list; they are reached through their commune)."""
    from hocvuso.orgunits.models import OrgUnit

    province = plan.issuing_unit.path[: OrgUnit.steplen]
    return list(
        OrgUnit.objects.filter(path__startswith=province)
        .exclude(kind=OrgUnit.Kind.VILLAGE)
        .order_by("path")
        .values_list("name", flat=True)
    )


def unit_by_name(plan: Plan, name: str) -> OrgUnit | None:
    """The unit of the plan's province a reviewer typed (exact name first, then the
    importer's folded matching)."""
    from hocvuso.orgunits.models import OrgUnit
    from hocvuso.plans.importer.matching import UnitIndex

    province = OrgUnit.objects.get(path=plan.issuing_unit.path[: OrgUnit.steplen])
    exact = OrgUnit.objects.filter(path__startswith=province.path, name=name.strip()).first()
    if exact is not None:
        return exact
    found = UnitIndex(province).match(name)
    return found.units[0] if len(found.units) == 1 else None


# The follow-up matrix colours a unit's duties under one activity by one of these.
OVERDUE = "overdue"
CELL_LABELS = {OVERDUE: _("Quá hạn"), **dict(Task.Status.choices)}
NO_ACTIVITY = "none"


@dataclass
class Tally:
    """Counts of some duties by status; ``overdue`` counts those not done past their deadline."""

    total: int = 0
    done: int = 0
    in_progress: int = 0
    overdue: int = 0

    @property
    def not_started(self) -> int:
        return self.total - self.done - self.in_progress

    @property
    def percent_done(self) -> int:
        return self.done * 100 // self.total if self.total else 0

    @property
    def status(self) -> str:
        """Overdue if any duty is late; done when all are; in progress once any has moved."""
        if self.overdue:
            return OVERDUE
        if self.done == self.total:
            return Task.Status.DONE
        if self.in_progress or self.done:
            return Task.Status.IN_PROGRESS
        return Task.Status.NOT_STARTED

    @property
    def label(self) -> str:
        return str(CELL_LABELS[self.status])

    def add(self, other: Tally) -> None:
        self.total += other.total
        self.done += other.done
        self.in_progress += other.in_progress
        self.overdue += other.overdue


@dataclass
class MatrixColumn:
    key: str  # the activity filter's value: an activity's pk, or NO_ACTIVITY
    title: str
    position: int | None


@dataclass
class MatrixRow:
    unit: str
    cells: list[Tally | None]  # one per column; None where the unit has no duty


@dataclass
class PlanProgress:
    totals: Tally
    columns: list[MatrixColumn]
    rows: list[MatrixRow]
    activities: list[MatrixColumn]  # every activity of the plan, for the filter


def plan_progress(plan: Plan, *, today: date) -> PlanProgress:
    """The plan's duties counted by status: overall, and per unit and activity (the follow-up
    matrix: units by name, activities in the plan's order, then duties with no activity).

    Two queries for any number of duties. The caller got ``plan`` from
    ``get_plan_for_user(..., roles=MANAGE_PLANS)``, which lets them see every duty of it.
    ``today`` is a moment or a day, as for :func:`overdue_tasks_for`.
    """
    late = deadline_passed(today) & ~Q(status=Task.Status.DONE)
    groups = (
        plan.tasks.order_by()
        .values("unit_id", "unit__name", "unit_name", "activity_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=Task.Status.DONE)),
            in_progress=Count("id", filter=Q(status=Task.Status.IN_PROGRESS)),
            overdue=Count("id", filter=late),
        )
    )
    activities = [
        MatrixColumn(key=str(pk), title=title, position=position)
        for pk, position, title in plan.activities.order_by("position", "id").values_list(
            "pk", "position", "title"
        )
    ]
    totals = Tally()
    cells: dict[tuple[object, str], Tally] = {}
    unit_names: dict[object, str] = {}
    for group in groups:
        # A draft's unmatched duty has no unit yet: it is grouped by the name as written.
        unit = group["unit_id"] or group["unit_name"]
        unit_names[unit] = group["unit__name"] or group["unit_name"] or "—"
        activity = str(group["activity_id"] or NO_ACTIVITY)
        tally = Tally(group["total"], group["done"], group["in_progress"], group["overdue"])
        cells.setdefault((unit, activity), Tally()).add(tally)
        totals.add(tally)
    used = {activity for _unit, activity in cells}
    columns = [a for a in activities if a.key in used]
    if NO_ACTIVITY in used:
        columns.append(MatrixColumn(key=NO_ACTIVITY, title=_("Không gắn hoạt động"), position=None))
    rows = [
        MatrixRow(unit=name, cells=[cells.get((unit, c.key)) for c in columns])
        for unit, name in sorted(unit_names.items(), key=lambda item: fold(item[1]))
    ]
    return PlanProgress(totals=totals, columns=columns, rows=rows, activities=activities)


def filter_plan_tasks(
    plan: Plan,
    *,
    today: date,
    activity: str = "",
    unit: str = "",
    status: str = "",
    deadline_before: date | None = None,
    overdue: bool = False,
) -> QuerySet[Task]:
    """The plan's duties narrowed by the follow-up page's filters, soonest deadline first.

    ``activity`` is an activity's pk or NO_ACTIVITY; ``unit`` matches every word of the unit's
    name with or without diacritics; ``deadline_before`` includes that day; ``overdue`` keeps
    duties not done past their deadline. Same caller contract as :func:`plan_progress`.
    """
    tasks = plan.tasks.select_related("unit", "activity")
    if activity == NO_ACTIVITY:
        tasks = tasks.filter(activity__isnull=True)
    elif activity:
        tasks = tasks.filter(activity_id=activity)
    for word in fold(unit).split():
        tasks = tasks.filter(unit__search_text__contains=word)
    if status:
        tasks = tasks.filter(status=status)
    if deadline_before is not None:
        tasks = tasks.filter(deadline__lte=deadline_before)
    if overdue:
        tasks = tasks.filter(deadline_passed(today)).exclude(status=Task.Status.DONE)
    return tasks.order_by(*DEADLINE_ORDER, "unit__name", "position", "id")


@dataclass
class DraftDutyGroup:
    """Duties of a draft that read as one line of the document: a collective name
    ("UBND các xã, phường") gave the same duty to many units."""

    first: Task
    count: int
    suggestions: list[dict]
    reported: int = 0  # how many of its duties have progress reported (they stay)


def duty_row_key(task: Task) -> tuple:
    """What makes duties one row of the review screen: the same line of the document."""
    key = (task.unit_name, task.text, task.activity_id, task.unit_id is None)
    if task.unit_id is None or not task.unit_name:
        key = (*key, task.pk)  # unmatched or hand-made duties are edited one by one
    return key


def draft_task_groups(plan: Plan) -> list[DraftDutyGroup]:
    """The plan's duties as rows of the review screen, in order (one query)."""
    suggestions = {m["name"]: m.get("suggestions", []) for m in plan.details.get("units", [])}
    groups: dict[tuple, DraftDutyGroup] = {}
    tasks = plan.tasks.select_related("unit", "activity").annotate(
        reported=Exists(TaskUpdate.objects.filter(task=OuterRef("pk")))
    )
    for task in tasks.order_by("position", "id"):
        key = duty_row_key(task)
        if key not in groups:
            groups[key] = DraftDutyGroup(task, 0, suggestions.get(task.unit_name, []))
        groups[key].count += 1
        groups[key].reported += task.reported or task.status != Task.Status.NOT_STARTED
    return list(groups.values())


def same_draft_duty(task: Task) -> list[Task]:
    """Every duty of the draft that is the same line of the document as ``task``."""
    return list(
        task.plan.tasks.filter(
            unit_name=task.unit_name,
            text=task.text,
            activity_id=task.activity_id,
            unit__isnull=task.unit_id is None,
        ).select_related("plan", "unit")
    )


def get_draft_activity_for_user(user: User, pk: int) -> Activity:
    """An activity of a plan the user may manage, draft or not (404 out of scope, 403
    without the role; the services refuse a closed plan)."""
    activity = (
        Activity.objects.filter(pk=pk, plan__in=plans_visible_to(user))
        .select_related("plan__issuing_unit", "lead_unit")
        .first()
    )
    if activity is None:
        raise Http404
    get_plan_for_user(user, activity.plan_id, roles=R.MANAGE_PLANS)
    return activity


# --- Figures for the reports app's computed indicators


def tasks_done_by_day(
    *, paths: Sequence[str], length: int, start: date, end: date
) -> list[tuple[str, date, int]]:
    """Duties done in [start, end], by the first ``length`` characters of the unit's path and
    the day they were done, for units under ``paths``. One query."""
    condition = Q()
    for path in paths:
        condition |= Q(unit__path__startswith=path)
    rows = (
        Task.objects.filter(
            condition, status=Task.Status.DONE, done_on__gte=start, done_on__lte=end
        )
        .annotate(prefix=Substr("unit__path", 1, length))
        .values_list("prefix", "done_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return list(rows)


@dataclass
class PlanProgressRow:
    """One plan's duties in a unit's subtree (see :func:`progress_under`)."""

    plan: Plan
    tally: Tally
    done_in_period: int


def progress_under(unit: OrgUnit, *, today: date, start: date, end: date) -> list[PlanProgressRow]:
    """The duties of published or closed plans given to ``unit``'s subtree, by plan: how many,
    done, in progress and overdue as they stand at ``today``, and how many were done between
    ``start`` and ``end``. ``today`` is a moment or a day (see :func:`overdue_tasks_for`).
    Callers check that the user may see ``unit``: a role covers the subtree. Two queries."""
    not_done = ~Q(status=Task.Status.DONE)
    counts = (
        Task.objects.filter(unit__path__startswith=unit.path)
        .exclude(plan__status=Plan.Status.DRAFT)
        .values("plan_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=Task.Status.DONE)),
            in_progress=Count("pk", filter=Q(status=Task.Status.IN_PROGRESS)),
            overdue=Count("pk", filter=not_done & deadline_passed(today)),
            done_in_period=Count(
                "pk", filter=Q(status=Task.Status.DONE, done_on__gte=start, done_on__lte=end)
            ),
        )
        .order_by()
    )
    by_plan = {row["plan_id"]: row for row in counts}
    plans = Plan.objects.filter(pk__in=by_plan).order_by("issued_on", "pk")
    return [
        PlanProgressRow(
            plan,
            Tally(
                by_plan[plan.pk]["total"],
                by_plan[plan.pk]["done"],
                by_plan[plan.pk]["in_progress"],
                by_plan[plan.pk]["overdue"],
            ),
            by_plan[plan.pk]["done_in_period"],
        )
        for plan in plans
    ]
