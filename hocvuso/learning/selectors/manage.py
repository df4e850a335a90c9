"""Reads of the management pages (courses, classes, campaigns), on top of the learning
selectors: lists with their figures in one query, and the choices the forms offer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from hocvuso.core import roles as R
from hocvuso.learning.models import Campaign, ClassSession, Enrolment, Topic
from hocvuso.learning.selectors import RUN_CLASSES, classes_visible_to
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import holds_on_a_province, scope_for_user, scope_paths

if TYPE_CHECKING:
    from hocvuso.accounts.models import User

ATTENDED = Q(enrolments__status__in=Enrolment.ATTENDED)


def _ancestor_paths(paths: Iterable[str]) -> set[str]:
    step = OrgUnit.steplen
    return {p[:i] for p in paths for i in range(step, len(p), step)}


def course_owner_units(user: User) -> QuerySet[OrgUnit]:
    """Units for which ``user`` may write a course or lead a campaign."""
    return scope_for_user(OrgUnit.objects.all(), user, roles=R.EDIT_UNITS).order_by("path")


def class_units(user: User) -> QuerySet[OrgUnit]:
    """Units that may organise or host a class run by ``user``."""
    return course_owner_units(user)


def host_units(user: User) -> QuerySet[OrgUnit]:
    return class_units(user).filter(kind__in=OrgUnit.TERRITORIAL)


def can_edit_topics(user: User) -> bool:
    """The topic list is the province's: its editors (EDIT_UNITS on a root) keep it."""
    return holds_on_a_province(user, R.EDIT_UNITS)


def topics_for_forms() -> QuerySet[Topic]:
    return Topic.objects.filter(active=True)


def class_rows(queryset: QuerySet[ClassSession]) -> QuerySet[ClassSession]:
    """Classes with what a list shows: course, units, campaign, the roll's size and how
    many attended (``enrolled``, ``attended``), in one query whatever the number of rows."""
    return queryset.select_related("course", "host", "organiser", "campaign").annotate(
        enrolled=Count("enrolments", distinct=True),
        attended=Count("enrolments", filter=ATTENDED, distinct=True),
    )


@dataclass
class CampaignFigures:
    classes: int
    held: int
    attended: int
    learners: int
    completions: int


def campaign_classes(user: User, campaign: Campaign) -> list[ClassSession]:
    """Every class of ``campaign`` that ``user`` sees (its lead sees them all), each with its
    figures (``enrolled``, ``attended``, ``completions``, ``learners``): one query."""
    rows = class_rows(classes_visible_to(user).filter(campaign=campaign)).annotate(
        completions=Count("enrolments", filter=Q(enrolments__completed=True), distinct=True),
        learners=Count("enrolments__learner", filter=ATTENDED, distinct=True),
    )
    return list(rows.order_by("starts_at", "pk"))


def campaign_figures(user: User, campaign: Campaign, rows: list[ClassSession]) -> CampaignFigures:
    """The campaign's totals over ``rows``; distinct learners across its classes (a person
    at two classes counts once) in one more query."""
    learners = (
        Enrolment.objects.filter(session__in=[r.pk for r in rows], status__in=Enrolment.ATTENDED)
        .values("learner")
        .distinct()
        .count()
        if rows
        else 0
    )
    return CampaignFigures(
        classes=len(rows),
        held=sum(1 for r in rows if r.status == ClassSession.Status.HELD),
        attended=sum(r.attended for r in rows),
        learners=learners,
        completions=sum(r.completions for r in rows),
    )


def campaigns_for_classes(user: User) -> QuerySet[Campaign]:
    """The campaigns a class of ``user``'s may join: those led in their subtree or above it
    (the province's learning day takes every commune's classes)."""
    paths = scope_paths(user, RUN_CLASSES)
    base = Campaign.objects.all()
    if paths is None:
        return base
    if not paths:
        return base.none()
    condition = Q(lead__path__in=_ancestor_paths(paths))
    for path in paths:
        condition |= Q(lead__path__startswith=path)
    return base.filter(condition)


def campaigns_led_by(user: User) -> QuerySet[Campaign]:
    return scope_for_user(Campaign.objects.all(), user, via="lead", roles=R.EDIT_UNITS)


def can_run_somewhere(user: User) -> bool:
    return class_units(user).exists()


__all__ = [
    "RUN_CLASSES",
    "CampaignFigures",
    "campaign_classes",
    "campaign_figures",
    "campaigns_for_classes",
    "campaigns_led_by",
    "can_edit_topics",
    "can_run_somewhere",
    "class_rows",
    "class_units",
    "course_owner_units",
    "host_units",
    "topics_for_forms",
]
