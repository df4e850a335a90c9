"""The learning app's API: courses, classes, their rolls, attendance written in batches from a
trainer's phone (idempotent by each line's id, like the visits), and completions — in class
and on the national platform. Every read goes through the learning selectors: a class,
learner or completion outside the caller's units answers 404."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hocvuso.core.api import ErrorOut, Id, PathId, choice, paginated
from hocvuso.learning import selectors
from hocvuso.learning.models import (
    ClassSession,
    Course,
    Enrolment,
    PlatformCompletion,
    TargetGroup,
)
from hocvuso.learning.services import Mark, PersonInput, record_attendance
from hocvuso.learning.services.attendance import MAX_MINUTES
from hocvuso.orgunits.selectors import scope_for_user, visible_unit

router = Router(tags=["learning"])
Level = choice(Course.Level)
Mode = choice(ClassSession.Mode)
ClassStatus = choice(ClassSession.Status)
MarkStatus = choice(Enrolment.Status)
Group = choice(TargetGroup)
Via = choice(Enrolment.Via)

# What a trainer's phone sends at once: a hall of 300 in one go, small enough for 3G.
MAX_BATCH = 500


# --- Courses -----------------------------------------------------------------------------


class CourseOut(Schema):
    id: int
    title: str
    description: str
    owner_id: int
    owner_name: str
    # The topics' codes ("vneid", "public-services"…).
    topics: list[str]
    level: Level
    hours: float
    target_groups: list[str]
    active: bool

    @staticmethod
    def resolve_owner_name(course: Course) -> str:
        return course.owner.name

    @staticmethod
    def resolve_topics(course: Course) -> list[str]:
        return [topic.code for topic in course.topics.all()]

    @staticmethod
    def resolve_hours(course: Course) -> float:
        return float(course.hours)


class CourseFilters(Schema):
    # A topic's code.
    topic: str = Field("", max_length=40)
    target_group: Group | None = None
    active: bool | None = None


@router.get("/courses", response=list[CourseOut])
@paginated
def list_courses(request: HttpRequest, filters: Query[CourseFilters]) -> QuerySet[Course]:
    """Curricula, by title: the province's and the agencies', and the caller's communes'."""
    rows = (
        selectors.courses_visible_to(request.user)
        .select_related("owner")
        .prefetch_related("topics")
    )
    if filters.topic:
        rows = rows.filter(topics__code=filters.topic)
    if filters.target_group:
        # Curricula are a few dozen, and a JSON list's "contains" is not portable (SQLite).
        groups = Course.objects.values_list("pk", "target_groups")
        rows = rows.filter(pk__in=[pk for pk, g in groups if filters.target_group in (g or [])])
    if filters.active is not None:
        rows = rows.filter(active=filters.active)
    return rows.order_by("title", "pk")


@router.get("/courses/{course_id}", response=CourseOut)
def get_course(request: HttpRequest, course_id: PathId) -> Course:
    """One curriculum; 404 when the caller may not see it."""
    course = (
        selectors.courses_visible_to(request.user)
        .select_related("owner")
        .prefetch_related("topics")
        .filter(pk=course_id)
        .first()
    )
    if course is None:
        raise Http404
    return course


# --- Classes -----------------------------------------------------------------------------


class ClassOut(Schema):
    id: int
    course_id: int
    course_title: str
    campaign_id: int | None
    organiser_id: int
    organiser_name: str
    host_id: int
    host_name: str
    venue: str
    mode: Mode
    meeting_url: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int | None
    trainers: str
    target_group: Group
    status: ClassStatus
    activity_id: int | None
    event_id: int | None
    # People on the roll, and of them those marked present or late.
    enrolled: int
    attended: int

    @staticmethod
    def resolve_course_title(session: ClassSession) -> str:
        return session.course.title

    @staticmethod
    def resolve_organiser_name(session: ClassSession) -> str:
        return session.organiser.name

    @staticmethod
    def resolve_host_name(session: ClassSession) -> str:
        return session.host.name


class ClassFilters(Schema):
    # Classes held in this unit or organised by it, or by a unit under it.
    unit: Id | None = None
    status: ClassStatus | None = None
    # The local day the class starts, both ends included.
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    course: Id | None = None
    campaign: Id | None = None


def _with_counts(rows: QuerySet[ClassSession]) -> QuerySet[ClassSession]:
    # A fresh queryset by pk: the visibility filter's joins never multiply the counts.
    return (
        ClassSession.objects.filter(pk__in=rows.values("pk"))
        .select_related("course", "organiser", "host")
        .annotate(
            enrolled=Count("enrolments", distinct=True),
            attended=Count(
                "enrolments",
                filter=Q(enrolments__status__in=Enrolment.ATTENDED),
                distinct=True,
            ),
        )
    )


def _under(user: object, unit_id: int | None, *fields: str) -> Q | None:
    """Rows whose ``fields`` (any of them) lie in the unit ``unit_id`` or under it; a unit
    out of the caller's sight matches nothing (None: no filter asked)."""
    if unit_id is None:
        return None
    unit = visible_unit(user, unit_id)
    if unit is None:
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    for name in fields:
        condition |= Q(**{f"{name}__path__startswith": unit.path})
    return condition


@router.get("/classes", response=list[ClassOut])
@paginated
def list_classes(request: HttpRequest, filters: Query[ClassFilters]) -> QuerySet[ClassSession]:
    """Classes the caller sees (in their units, organised by them, in a campaign they lead,
    or taught by them), the latest first."""
    rows = selectors.classes_visible_to(request.user)
    where = _under(request.user, filters.unit, "host", "organiser")
    if where is not None:
        rows = rows.filter(where)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.date_from:
        rows = rows.filter(starts_at__date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(starts_at__date__lte=filters.date_to)
    if filters.course:
        rows = rows.filter(course_id=filters.course)
    if filters.campaign:
        rows = rows.filter(campaign_id=filters.campaign)
    return _with_counts(rows).order_by("-starts_at", "-pk")


@router.get("/classes/{class_id}", response=ClassOut)
def get_class(request: HttpRequest, class_id: PathId) -> ClassSession:
    """One class with its counts; 404 when the caller may not see it."""
    session = selectors.get_class_for_user(request.user, class_id)
    return _with_counts(ClassSession.objects.filter(pk=session.pk)).get()


# --- The roll ----------------------------------------------------------------------------


class EnrolmentOut(Schema):
    """A line of the roll: the least a trainer needs, the phone masked, never an ID number."""

    id: uuid.UUID
    learner_id: int
    name: str
    birth_year: int
    sex: str
    group: Group
    village_id: int | None
    village_name: str
    # "09••••••78"; empty when none was given.
    phone: str
    status: MarkStatus
    via: Via
    checked_in_at: datetime.datetime | None
    minutes_online: int | None
    completed: bool
    completed_on: datetime.date | None
    result: str

    @staticmethod
    def resolve_name(enrolment: Enrolment) -> str:
        return enrolment.learner.name

    @staticmethod
    def resolve_birth_year(enrolment: Enrolment) -> int:
        return enrolment.learner.birth_year

    @staticmethod
    def resolve_sex(enrolment: Enrolment) -> str:
        return enrolment.learner.sex

    @staticmethod
    def resolve_group(enrolment: Enrolment) -> str:
        return enrolment.learner.group

    @staticmethod
    def resolve_village_id(enrolment: Enrolment) -> int | None:
        return enrolment.learner.village_id

    @staticmethod
    def resolve_village_name(enrolment: Enrolment) -> str:
        village = enrolment.learner.village
        return village.name if village else ""

    @staticmethod
    def resolve_phone(enrolment: Enrolment) -> str:
        return enrolment.learner.masked_phone


class RollFilters(Schema):
    status: MarkStatus | None = None
    completed: bool | None = None


@router.get("/classes/{class_id}/enrolments", response=list[EnrolmentOut])
@paginated
def list_enrolments(
    request: HttpRequest, class_id: PathId, filters: Query[RollFilters]
) -> QuerySet[Enrolment]:
    """The class's roll, by name; 404 when the caller may not see the class."""
    rows = selectors.roll_of(selectors.get_class_for_user(request.user, class_id))
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.completed is not None:
        rows = rows.filter(completed=filters.completed)
    return rows.order_by("learner__name_key", "learner__birth_year", "id")


class PersonIn(Schema):
    """A walk-in as the trainer typed them: matched to a learner of the same commune, name
    and year of birth, or added."""

    name: str = Field(max_length=200)
    birth_year: int | None = Field(None, ge=1, le=9999)
    commune_id: Id | None = None
    village_id: Id | None = None
    # "female", "male" or empty.
    sex: str = Field("", max_length=10)
    group: str = Field(TargetGroup.CITIZENS, max_length=20)
    phone: str = Field("", max_length=20)


class MarkIn(Schema):
    # Made on the phone once per line: the same line sent again is the same enrolment.
    id: uuid.UUID
    # present, late, absent, excused or registered; anything else refuses this line only.
    status: str = Field(max_length=20)
    # Someone already known (on the roll or from another class)…
    learner_id: Id | None = None
    # …or a person to match or add.
    person: PersonIn | None = None
    minutes_online: Annotated[int, Field(ge=0, le=MAX_MINUTES)] | None = None


class MarksIn(Schema):
    marks: list[MarkIn] = Field(min_length=1, max_length=MAX_BATCH)


class MarksOut(Schema):
    # Lines written now, lines the roll already said, refused lines with their reason.
    saved: list[uuid.UUID]
    unchanged: list[uuid.UUID]
    rejected: dict[str, str]
    learners_added: int
    # People marked present or late beyond the class's capacity (allowed, with a warning).
    over_capacity: int
    warning: str


def marks_from(rows: list[MarkIn]) -> list[Mark]:
    """The service's marks from the API's lines, already checked by their schema (the roll
    page's JSON, which has none, goes through ``services.marks.parse_marks``)."""
    return [
        Mark(
            id=row.id,
            status=row.status,
            learner_id=row.learner_id,
            person=(
                PersonInput(
                    name=row.person.name,
                    birth_year=row.person.birth_year,
                    commune_id=row.person.commune_id,
                    village_id=row.person.village_id,
                    sex=row.person.sex,
                    group=row.person.group,
                    phone=row.person.phone,
                )
                if row.person is not None
                else None
            ),
            minutes_online=row.minutes_online,
        )
        for row in rows
    ]


@router.post("/classes/{class_id}/attendance", response={200: MarksOut, 400: ErrorOut})
def take_attendance(request: HttpRequest, class_id: PathId, payload: MarksIn) -> MarksOut:
    """A batch of roll lines from a trainer's phone, sent when it has a connection. Each line
    names an enrolment by an id the phone made, and a learner (``learner_id``) or a person
    (``person``: name, year of birth, commune, village…, never an ID number). Idempotent by
    the line's id: a batch sent again answers its lines "unchanged" and counts nobody twice;
    a person already on the roll under another line is that line. Each line is saved or
    refused on its own, the reason in Vietnamese. For whoever runs the class (its units'
    editors, its trainers): 403 for others who see it, 404 outside the caller's units; 400
    when the class is cancelled or has not begun."""
    session = selectors.get_class_for_user(request.user, class_id, roles=selectors.RUN_CLASSES)
    marks = marks_from(payload.marks)
    roll = record_attendance(
        actor=request.user,
        session=session,
        marks=marks,
        via=Enrolment.Via.API,
    )
    rejected = {str(k): v for k, v in roll.rejected.items()}
    warning = ""
    if roll.over_capacity:
        warning = _("Lớp vượt %(n)d người so với số chỗ (%(capacity)d).") % {
            "n": roll.over_capacity,
            "capacity": session.capacity or 0,
        }
    return MarksOut(
        saved=roll.saved,
        unchanged=roll.unchanged,
        rejected=rejected,
        learners_added=roll.added_learners,
        over_capacity=roll.over_capacity,
        warning=warning,
    )


# --- Completions -------------------------------------------------------------------------


class CompletionOut(Schema):
    """A course completed in a class."""

    enrolment_id: uuid.UUID
    class_id: int
    course_id: int
    course_title: str
    host_id: int
    learner_id: int
    name: str
    birth_year: int
    commune_id: int
    village_id: int | None
    group: Group
    completed_on: datetime.date | None
    result: str

    @staticmethod
    def resolve_enrolment_id(enrolment: Enrolment) -> uuid.UUID:
        return enrolment.pk

    @staticmethod
    def resolve_class_id(enrolment: Enrolment) -> int:
        return enrolment.session_id

    @staticmethod
    def resolve_course_id(enrolment: Enrolment) -> int:
        return enrolment.session.course_id

    @staticmethod
    def resolve_course_title(enrolment: Enrolment) -> str:
        return enrolment.session.course.title

    @staticmethod
    def resolve_host_id(enrolment: Enrolment) -> int:
        return enrolment.session.host_id

    @staticmethod
    def resolve_name(enrolment: Enrolment) -> str:
        return enrolment.learner.name

    @staticmethod
    def resolve_birth_year(enrolment: Enrolment) -> int:
        return enrolment.learner.birth_year

    @staticmethod
    def resolve_commune_id(enrolment: Enrolment) -> int:
        return enrolment.learner.commune_id

    @staticmethod
    def resolve_village_id(enrolment: Enrolment) -> int | None:
        return enrolment.learner.village_id

    @staticmethod
    def resolve_group(enrolment: Enrolment) -> str:
        return enrolment.learner.group


class CompletionFilters(Schema):
    # Classes held in this unit or organised by it, or by a unit under it.
    unit: Id | None = None
    # The day of completion, both ends included.
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@router.get("/completions/classes", response=list[CompletionOut])
@paginated
def list_class_completions(
    request: HttpRequest, filters: Query[CompletionFilters]
) -> QuerySet[Enrolment]:
    """Courses completed in the classes the caller sees, the latest first."""
    classes = selectors.classes_visible_to(request.user)
    where = _under(request.user, filters.unit, "host", "organiser")
    if where is not None:
        classes = classes.filter(where)
    rows = Enrolment.objects.filter(completed=True, session__in=classes.values("pk"))
    if filters.date_from:
        rows = rows.filter(completed_on__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(completed_on__lte=filters.date_to)
    return rows.select_related("learner", "session__course").order_by(
        "-completed_on", "session_id", "id"
    )


class PlatformCompletionOut(Schema):
    """A course completed on the national MOOC platform, as its file named the person."""

    id: int
    source_id: int
    commune_id: int
    village_id: int | None
    name: str
    birth_year: int | None
    group: Group
    course: str
    completed_on: datetime.date
    # Set when the person was matched to one of our learners.
    learner_id: int | None


class PlatformFilters(Schema):
    # Completions of people living in this unit or under it.
    unit: Id | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    group: Group | None = None


@router.get("/completions/platform", response=list[PlatformCompletionOut])
@paginated
def list_platform_completions(
    request: HttpRequest, filters: Query[PlatformFilters]
) -> QuerySet[PlatformCompletion]:
    """Completions imported from the national platform for the communes the caller sees,
    the latest first."""
    rows = scope_for_user(PlatformCompletion.objects.all(), request.user, via="commune")
    where = _under(request.user, filters.unit, "commune")
    if where is not None:
        rows = rows.filter(where)
    if filters.date_from:
        rows = rows.filter(completed_on__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(completed_on__lte=filters.date_to)
    if filters.group:
        rows = rows.filter(group=filters.group)
    return rows.order_by("-completed_on", "-pk")
