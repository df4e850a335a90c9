"""Scoped reads of plans and duties. Everything goes through orgunits' scope_for_user."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from hocvuso.core import roles as R
from hocvuso.orgunits.selectors import scope_for_user, user_can
from hocvuso.plans.models import Plan, Task

if TYPE_CHECKING:
    from hocvuso.accounts.models import User


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


def overdue_tasks_for(user: User, *, today: date) -> QuerySet[Task]:
    return (
        tasks_visible_to(user)
        .filter(deadline__lt=today, plan__status=Plan.Status.PUBLISHED)
        .exclude(status=Task.Status.DONE)
        .order_by("deadline", "unit__name")
    )
