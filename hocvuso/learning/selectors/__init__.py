"""Reads of the learning app that depend on the user, all scoped through
``orgunits.selectors.scope_for_user``.

A class is seen by whoever sees its host or its organiser, by the lead of its campaign, and
by its trainers' accounts; a learner by whoever sees the commune they live in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from hocvuso.core import roles as R
from hocvuso.learning.models import Campaign, ClassSession, Course, Enrolment, Learner
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import scope_for_user, user_can

if TYPE_CHECKING:
    from hocvuso.accounts.models import User

# Who runs a class: its units' editors and the trainers named on it.
RUN_CLASSES = R.EDIT_UNITS


def classes_visible_to(user: User, *, roles: Iterable[str] = R.VIEW) -> QuerySet[ClassSession]:
    base = ClassSession.objects.all()
    condition = (
        Q(pk__in=scope_for_user(base, user, via="host", roles=roles).values("pk"))
        | Q(pk__in=scope_for_user(base, user, via="organiser", roles=roles).values("pk"))
        | Q(
            campaign__in=scope_for_user(
                Campaign.objects.all(), user, via="lead", roles=roles
            ).values("pk")
        )
    )
    if user.is_authenticated:
        condition |= Q(trainer_users=user)
    return base.filter(condition).distinct()


def get_class_for_user(user: User, pk: int, *, roles: Iterable[str] | None = None) -> ClassSession:
    """The class, if ``user`` may see it (else 404); with ``roles``, only if they also hold
    one of them on its host or organiser, or are its trainer (else 403)."""
    session = (
        classes_visible_to(user)
        .select_related("course", "host", "organiser", "campaign")
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404
    if roles is not None and not can_run(user, session, roles=roles):
        raise PermissionDenied
    return session


def can_run(user: User, session: ClassSession, *, roles: Iterable[str] = RUN_CLASSES) -> bool:
    """Whether ``user`` may take the roll of ``session`` and edit it."""
    if user_can(user, session.host, roles) or user_can(user, session.organiser, roles):
        return True
    return session.trainer_users.filter(pk=user.pk).exists()


def courses_visible_to(user: User) -> QuerySet[Course]:
    """The curricula ``user`` sees: the province's and its agencies' (shared material), a
    commune's own where the user sees that commune, and any taught in a class they see. A
    course a commune wrote for itself is not shown to another commune. Editing needs a role
    on the owner (``get_course_for_user(…, roles=…)``)."""
    if not user.is_authenticated:
        return Course.objects.none()
    base = Course.objects.all()
    local = Q(owner__kind__in=(OrgUnit.Kind.COMMUNE, OrgUnit.Kind.VILLAGE))
    mine = Q(pk__in=scope_for_user(base, user, via="owner").values("pk"))
    taught = Q(pk__in=classes_visible_to(user).values("course"))
    return base.filter(~local | mine | taught)


def get_course_for_user(user: User, pk: int, *, roles: Iterable[str] | None = None) -> Course:
    course = courses_visible_to(user).select_related("owner").filter(pk=pk).first()
    if course is None:
        raise Http404
    if roles is not None and not user_can(user, course.owner, roles):
        raise PermissionDenied
    return course


def campaigns_visible_to(user: User) -> QuerySet[Campaign]:
    """A campaign is seen by whoever sees its lead, and by those who host one of its
    classes."""
    base = Campaign.objects.all()
    return base.filter(
        Q(pk__in=scope_for_user(base, user, via="lead").values("pk"))
        | Q(
            pk__in=scope_for_user(
                ClassSession.objects.filter(campaign__isnull=False), user, via="host"
            ).values("campaign")
        )
    )


def get_campaign_for_user(user: User, pk: int, *, roles: Iterable[str] | None = None) -> Campaign:
    campaign = campaigns_visible_to(user).select_related("lead", "activity").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    if roles is not None and not user_can(user, campaign.lead, roles):
        raise PermissionDenied
    return campaign


def learners_visible_to(user: User, *, roles: Iterable[str] = R.VIEW) -> QuerySet[Learner]:
    return scope_for_user(
        Learner.objects.filter(merged_into__isnull=True), user, via="commune", roles=roles
    )


def roll_of(session: ClassSession) -> QuerySet[Enrolment]:
    """The class's roll, for a person already allowed to see the class."""
    return session.enrolments.select_related("learner", "learner__village").order_by(
        "learner__name_key", "learner__birth_year"
    )
