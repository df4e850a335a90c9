"""Managing the learning app's own objects: courses and their topics, classes and their
status, campaigns of classes, and adding a person to a class's roll by hand.

Every service here is called by someone already allowed to (the views check RUN_CLASSES on
the class's units, EDIT_UNITS on a course's owner or a campaign's lead); each validates the
whole row, writes, and records one audit row in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.core.tables.text import clean_typed
from hocvuso.learning.models import (
    Campaign,
    ClassSession,
    Course,
    Enrolment,
    TargetGroup,
    Topic,
)
from hocvuso.learning.services.learners import PersonInput, find_or_create_learner, province_of
from hocvuso.learning.services.summaries import (
    refresh_class_summaries,
    refresh_learning_summaries,
)
from hocvuso.orgunits.models import OrgUnit

if TYPE_CHECKING:
    from hocvuso.accounts.models import User

COURSE_FIELDS = ("title", "description", "topics", "level", "hours", "target_groups", "active")
CLASS_FIELDS = (
    "course",
    "campaign",
    "organiser",
    "host",
    "venue",
    "mode",
    "meeting_url",
    "starts_at",
    "ends_at",
    "capacity",
    "trainers",
    "trainer_users",
    "target_group",
    "activity",
    "event",
    "for_bridge_points",
)
CAMPAIGN_FIELDS = ("title", "lead", "starts_on", "ends_on", "activity", "description")
MAX_CLASS_DAYS = 31


def _strip(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: clean_typed(v) if isinstance(v, str) else v for k, v in fields.items()}


def _split_m2m(fields: dict[str, Any], name: str) -> Iterable[Any] | None:
    return fields.pop(name, None)


# --- Courses and topics


def _check_hours(course: Course) -> None:
    if course.hours is None or not 0 < course.hours <= 1000:
        raise ValidationError({"hours": _("Số giờ phải lớn hơn 0 và không quá 1000.")})


def _check_target_groups(groups: Iterable[str]) -> list[str]:
    groups = list(dict.fromkeys(groups or []))
    if any(g not in TargetGroup.values for g in groups):
        raise ValidationError({"target_groups": _("Đối tượng không hợp lệ.")})
    return groups


@transaction.atomic
def create_course(*, actor: User | None, owner: OrgUnit, title: str, **fields: Any) -> Course:
    """A curriculum owned by ``owner`` (caller holds EDIT_UNITS there). Audited."""
    fields = _strip(fields)
    topics = _split_m2m(fields, "topics")
    fields["target_groups"] = _check_target_groups(fields.get("target_groups", []))
    course = Course(owner=owner, title=clean_typed(title), **fields)
    _check_hours(course)
    course.full_clean()
    course.save()
    if topics is not None:
        course.topics.set(topics)
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=course,
        unit=owner,
        changes=diff({}, snapshot(course, COURSE_FIELDS)),
    )
    return course


@transaction.atomic
def update_course(*, actor: User | None, course: Course, **fields: Any) -> Course:
    """Change a curriculum's fields and topics (caller holds EDIT_UNITS on its owner).
    Audited with the changes."""
    unknown = set(fields) - set(COURSE_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    fields = _strip(fields)
    topics = _split_m2m(fields, "topics")
    if "target_groups" in fields:
        fields["target_groups"] = _check_target_groups(fields["target_groups"])
    before = snapshot(course, COURSE_FIELDS)
    for name, value in fields.items():
        setattr(course, name, value)
    _check_hours(course)
    course.full_clean()
    course.save(update_fields=[*fields, "updated_at"])
    if topics is not None:
        course.topics.set(topics)
    changes = diff(before, snapshot(course, COURSE_FIELDS))
    if changes:
        record_audit(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=course,
            unit_id=course.owner_id,
            changes=changes,
        )
    return course


def _topic_code(name: str) -> str:
    base = (slugify(name.replace("đ", "d").replace("Đ", "D")) or "chu-de")[:32]
    code, n = base, 2
    while Topic.objects.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


def _check_topic_name(name: str, *, exclude: int | None = None) -> str:
    name = " ".join(clean_typed(name).split())
    if not name:
        raise ValidationError({"name": _("Hãy nhập tên chủ đề.")})
    if len(name) > 200:
        raise ValidationError({"name": _("Tên chủ đề dài quá 200 ký tự.")})
    if Topic.objects.filter(name__iexact=name).exclude(pk=exclude).exists():
        raise ValidationError({"name": _("Đã có chủ đề “%(name)s”.") % {"name": name}})
    return name


@transaction.atomic
def add_topic(*, actor: User | None, name: str) -> Topic:
    """A new skill on the editable list, placed last. Caller edits the province's list."""
    name = _check_topic_name(name)
    last = Topic.objects.order_by("-position").values_list("position", flat=True).first() or 0
    topic = Topic.objects.create(code=_topic_code(name), name=name, position=last + 1)
    record_audit(actor=actor, action=AuditLog.Action.CREATE, obj=topic, changes={"name": name})
    return topic


@transaction.atomic
def update_topic(
    *, actor: User | None, topic: Topic, name: str | None = None, active: bool | None = None
) -> Topic:
    """Rename a topic or take it off (or back on) the list; courses keep their topics."""
    before = snapshot(topic, ("name", "active"))
    if name is not None:
        topic.name = _check_topic_name(name, exclude=topic.pk)
    if active is not None:
        topic.active = active
    topic.save(update_fields=["name", "active"])
    changes = diff(before, snapshot(topic, ("name", "active")))
    if changes:
        record_audit(actor=actor, action=AuditLog.Action.UPDATE, obj=topic, changes=changes)
    return topic


# --- Classes


def _check_class(session: ClassSession) -> None:
    """What a class must be, beyond each field's own checks; every problem by field."""
    errors: dict[str, str] = {}
    if session.is_online and not session.meeting_url:
        errors["meeting_url"] = _("Lớp trực tuyến hoặc kết hợp cần đường liên kết phòng họp.")
    if session.starts_at and session.ends_at:
        if session.ends_at <= session.starts_at:
            errors["ends_at"] = _("Giờ kết thúc phải sau giờ bắt đầu.")
        elif session.ends_at - session.starts_at > datetime.timedelta(days=MAX_CLASS_DAYS):
            errors["ends_at"] = _("Một lớp kéo dài tối đa %(n)d ngày.") % {"n": MAX_CLASS_DAYS}
    if session.capacity is not None and session.capacity < 1:
        errors["capacity"] = _("Số chỗ phải từ 1 trở lên.")
    host, organiser = session.host, session.organiser
    if host.kind not in OrgUnit.TERRITORIAL:
        errors["host"] = _("Địa bàn phải là tỉnh, xã, phường hoặc thôn, tổ dân phố.")
    elif host.path[: OrgUnit.steplen] != organiser.path[: OrgUnit.steplen]:
        errors["host"] = _("Địa bàn và đơn vị tổ chức phải cùng một tỉnh.")
    if session.campaign_id and session.starts_at:
        campaign = session.campaign
        day = timezone.localdate(session.starts_at)
        if not campaign.starts_on <= day <= campaign.ends_on:
            errors["campaign"] = _(
                "Lớp học ngày %(day)s, ngoài thời gian của đợt (%(start)s – %(end)s)."
            ) % {
                "day": f"{day:%d/%m/%Y}",
                "start": f"{campaign.starts_on:%d/%m/%Y}",
                "end": f"{campaign.ends_on:%d/%m/%Y}",
            }
    if session.course_id and not session.course.active and session._state.adding:
        errors["course"] = _("Chương trình này đã ngừng sử dụng.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_class(
    *,
    actor: User | None,
    course: Course,
    organiser: OrgUnit,
    host: OrgUnit,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    **fields: Any,
) -> ClassSession:
    """A class, planned (caller holds RUN_CLASSES on ``organiser`` and ``host``). Its
    province is the host's root. Audited."""
    fields = _strip(fields)
    trainer_users = _split_m2m(fields, "trainer_users")
    session = ClassSession(
        course=course,
        organiser=organiser,
        host=host,
        starts_at=starts_at,
        ends_at=ends_at,
        province_id=province_of(host),
        status=ClassSession.Status.PLANNED,
        **fields,
    )
    _check_class(session)
    session.full_clean(exclude=["province"])
    session.save()
    if trainer_users is not None:
        session.trainer_users.set(trainer_users)
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=session,
        unit_id=host.pk,
        changes=diff({}, snapshot(session, CLASS_FIELDS)),
    )
    return session


def _refuse_if_cancelled(session: ClassSession) -> None:
    if session.status == ClassSession.Status.CANCELLED:
        raise ValidationError(_("Lớp đã hủy: không thay đổi được nữa."))


@transaction.atomic
def update_class(*, actor: User | None, session: ClassSession, **fields: Any) -> ClassSession:
    """Change a class's fields (caller may run it). A cancelled class is never changed.
    Audited with the changes."""
    unknown = set(fields) - set(CLASS_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    _refuse_if_cancelled(session)
    fields = _strip(fields)
    trainer_users = _split_m2m(fields, "trainer_users")
    before = snapshot(session, CLASS_FIELDS)
    old_host = session.host_id
    for name, value in fields.items():
        setattr(session, name, value)
    if "host" in fields:
        session.province_id = province_of(session.host)
    _check_class(session)
    session.full_clean(exclude=["province"])
    session.save(update_fields=[*fields, "province", "updated_at"])
    if trainer_users is not None:
        session.trainer_users.set(trainer_users)
    if {"host", "starts_at"} & set(fields):  # the summaries count it where and when it is
        refresh_class_summaries(session)
        refresh_learning_summaries(hosts=[old_host])
    changes = diff(before, snapshot(session, CLASS_FIELDS))
    if changes:
        record_audit(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=session,
            unit_id=session.host_id,
            changes=changes,
        )
    return session


# Where each status may go next.
TRANSITIONS = {
    ClassSession.Status.PLANNED: {ClassSession.Status.OPEN, ClassSession.Status.CANCELLED},
    ClassSession.Status.OPEN: {
        ClassSession.Status.PLANNED,
        ClassSession.Status.HELD,
        ClassSession.Status.CANCELLED,
    },
    ClassSession.Status.HELD: set(),
    ClassSession.Status.CANCELLED: set(),
}


def status_problem(
    session: ClassSession, status: str, *, now: datetime.datetime | None = None
) -> str | None:
    """Why ``session`` cannot move to ``status`` now (in Vietnamese), or None."""
    if status not in ClassSession.Status.values:
        return _("Trạng thái không hợp lệ.")
    current = session.status
    if current == status:
        return _("Lớp đã ở trạng thái “%(status)s”.") % {"status": session.get_status_display()}
    if current == ClassSession.Status.CANCELLED:
        return _("Lớp đã hủy: không thay đổi được nữa.")
    if current == ClassSession.Status.HELD:
        return _("Lớp đã tổ chức: không đổi trạng thái được nữa.")
    if status == ClassSession.Status.HELD:
        if session.starts_at > (now or timezone.now()):
            return _("Lớp chưa bắt đầu: chỉ ghi “đã tổ chức” sau giờ bắt đầu.")
        if current == ClassSession.Status.PLANNED:
            return _("Hãy mở đăng ký cho lớp trước khi ghi “đã tổ chức”.")
    if status not in TRANSITIONS[current]:
        return _("Không chuyển được lớp từ “%(old)s” sang “%(new)s”.") % {
            "old": session.get_status_display(),
            "new": ClassSession.Status(status).label,
        }
    return None


@transaction.atomic
def set_class_status(*, actor: User | None, session: ClassSession, status: str) -> ClassSession:
    """Move a class along planned → open → held, or to cancelled (caller may run it);
    ValidationError with the reason otherwise. Audited."""
    session = ClassSession.objects.select_for_update().get(pk=session.pk)
    problem = status_problem(session, status)
    if problem:
        raise ValidationError(problem)
    old = session.status
    session.status = status
    session.save(update_fields=["status", "updated_at"])
    refresh_class_summaries(session)  # held or cancelled changes who was trained
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=session,
        unit_id=session.host_id,
        changes={"status": [old, status]},
    )
    return session


def cancel_class(*, actor: User | None, session: ClassSession) -> ClassSession:
    """Cancel a class that has not been held."""
    return set_class_status(actor=actor, session=session, status=ClassSession.Status.CANCELLED)


@dataclass
class Enrolled:
    """A person added to a roll: the enrolment, whether their learner record is new, and by
    how many the roll now exceeds the class's places (0 when it does not)."""

    enrolment: Enrolment
    new_learner: bool
    over_capacity: int


@transaction.atomic
def enrol_learner(*, actor: User | None, session: ClassSession, person: PersonInput) -> Enrolled:
    """Add ``person`` to the roll by hand, registered: matched to an existing learner by
    name, year of birth and commune, or added. A person already on the roll is refused by
    name; a roll over the class's places is allowed (the page warns). Audited, without the
    person's details."""
    session = ClassSession.objects.select_for_update().get(pk=session.pk)
    _refuse_if_cancelled(session)
    if session.status == ClassSession.Status.HELD:
        raise ValidationError(_("Lớp đã tổ chức: hãy ghi người học qua điểm danh."))
    learner, created = find_or_create_learner(actor=actor, person=person)
    if session.enrolments.filter(learner=learner).exists():
        raise ValidationError(
            _("%(name)s (sinh năm %(year)d) đã có trong danh sách lớp.")
            % {"name": learner.name, "year": learner.birth_year}
        )
    enrolment = Enrolment.objects.create(session=session, learner=learner, via=Enrolment.Via.HAND)
    over = 0
    if session.capacity:
        over = max(0, session.enrolments.count() - session.capacity)
    record_audit(
        actor=actor,
        action=AuditLog.Action.CLASS_REGISTERED,
        obj=session,
        unit_id=session.host_id,
        changes={"via": Enrolment.Via.HAND, "learner": learner.pk, "new_learner": created},
    )
    return Enrolled(enrolment=enrolment, new_learner=created, over_capacity=over)


# --- Campaigns


def _check_campaign(campaign: Campaign) -> None:
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        raise ValidationError({"ends_on": _("Ngày kết thúc phải từ ngày bắt đầu trở đi.")})
    if (
        campaign.starts_on
        and campaign.ends_on
        and (campaign.ends_on - campaign.starts_on).days > 366
    ):
        raise ValidationError({"ends_on": _("Một đợt học tập kéo dài tối đa một năm.")})


@transaction.atomic
def create_campaign(
    *,
    actor: User | None,
    lead: OrgUnit,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    **fields: Any,
) -> Campaign:
    """A campaign of classes led by ``lead`` (caller holds EDIT_UNITS there). Audited."""
    fields = _strip(fields)
    campaign = Campaign(
        lead=lead, title=clean_typed(title), starts_on=starts_on, ends_on=ends_on, **fields
    )
    _check_campaign(campaign)
    campaign.full_clean()
    campaign.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=campaign,
        unit=lead,
        changes=diff({}, snapshot(campaign, CAMPAIGN_FIELDS)),
    )
    return campaign


@transaction.atomic
def update_campaign(*, actor: User | None, campaign: Campaign, **fields: Any) -> Campaign:
    """Change a campaign (caller holds EDIT_UNITS on its lead). Audited with the changes."""
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    before = snapshot(campaign, CAMPAIGN_FIELDS)
    for name, value in _strip(fields).items():
        setattr(campaign, name, value)
    _check_campaign(campaign)
    campaign.full_clean()
    campaign.save(update_fields=[*fields, "updated_at"])
    changes = diff(before, snapshot(campaign, CAMPAIGN_FIELDS))
    if changes:
        record_audit(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=campaign,
            unit_id=campaign.lead_id,
            changes=changes,
        )
    return campaign


__all__ = [
    "TRANSITIONS",
    "Enrolled",
    "add_topic",
    "cancel_class",
    "create_campaign",
    "create_class",
    "create_course",
    "enrol_learner",
    "set_class_status",
    "status_problem",
    "update_campaign",
    "update_class",
    "update_course",
    "update_topic",
]
