"""Reads of the public class finder (no account): what anyone may see of upcoming classes.
Nothing about people is read here beyond how many seats are taken."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from hocvuso.learning.models import ClassSession, Enrolment, Topic
from hocvuso.orgunits.models import OrgUnit

# An enrolment that holds a seat: registered, or came.
SEAT_STATUSES = (Enrolment.Status.REGISTERED, Enrolment.Status.PRESENT, Enrolment.Status.LATE)
OFFERED = (ClassSession.Status.OPEN, ClassSession.Status.PLANNED)


def upcoming_classes(
    *,
    commune: OrgUnit | None = None,
    topic: Topic | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[ClassSession]:
    """Classes not yet started, open for registration or planned (never cancelled or held),
    soonest first, each with ``taken`` seats; held in ``commune`` (or one of its villages)
    and teaching ``topic`` when given."""
    now = now or timezone.now()
    classes = ClassSession.objects.filter(status__in=OFFERED, starts_at__gt=now)
    if commune is not None:
        classes = classes.filter(host__path__startswith=commune.path)
    if topic is not None:
        classes = classes.filter(course__topics=topic)
    return (
        classes.select_related("course", "host", "organiser")
        .annotate(taken=Count("enrolments", filter=Q(enrolments__status__in=SEAT_STATUSES)))
        .order_by("starts_at", "pk")
    )


def get_public_class(pk: int, *, now: datetime.datetime | None = None) -> ClassSession | None:
    """The class ``pk`` if the finder offers it (see ``upcoming_classes``), else None."""
    return upcoming_classes(now=now).filter(pk=pk).first()


def seats_left(session: ClassSession) -> int | None:
    """Free seats (never below 0), None for a class without a capacity. Uses ``taken`` when
    the class came from ``upcoming_classes``."""
    if not session.capacity:
        return None
    taken = getattr(session, "taken", None)
    if taken is None:
        taken = session.enrolments.filter(status__in=SEAT_STATUSES).count()
    return max(0, session.capacity - taken)


def finder_communes() -> QuerySet[OrgUnit]:
    """Every commune and ward, in tree order (grouped by province in the page)."""
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNE).order_by("path")


def province_communes(session: ClassSession) -> QuerySet[OrgUnit]:
    """The communes a learner of ``session`` may live in: those of its province."""
    province_path = session.host.path[: OrgUnit.steplen]
    return OrgUnit.objects.filter(
        kind=OrgUnit.Kind.COMMUNE, path__startswith=province_path
    ).order_by("name")


def villages_of(commune: OrgUnit | None) -> QuerySet[OrgUnit]:
    if commune is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(
        kind=OrgUnit.Kind.VILLAGE, path__startswith=commune.path
    ).order_by("name")


def finder_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(active=True)


def initials(name: str) -> str:
    """ "Nguyễn Thị Hoa" → "N. T. H.": what the verification page shows of a holder."""
    return " ".join(f"{word[0].upper()}." for word in name.split() if word[:1].isalpha())
