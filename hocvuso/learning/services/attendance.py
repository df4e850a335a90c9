"""Attendance: one write for every way a class's roll is taken — the trainer's phone, a
learner's own phone at the door, a paper sheet, a meeting platform's report, the API."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.core.models import AuditLog
from hocvuso.core.services import record_audit
from hocvuso.learning.models import ClassSession, Enrolment, Learner
from hocvuso.learning.services.learners import (
    LearnerMatcher,
    PersonInput,
    build_learner,
    note_trained,
    person_problems,
    residence_units,
)
from hocvuso.learning.services.summaries import refresh_learning_summaries

if TYPE_CHECKING:
    from hocvuso.accounts.models import User

MAX_MARKS = 2000
MAX_MINUTES = 24 * 60
EARLY = datetime.timedelta(hours=1)


@dataclass
class Mark:
    """One line of a roll: an enrolment's id (made on the phone for a walk-in, so a retried
    sync is the same line), the learner it is about — an existing one, or a person to match
    or add — and the status."""

    id: uuid.UUID
    status: str
    learner_id: int | None = None
    person: PersonInput | None = None
    minutes_online: int | None = None
    at: datetime.datetime | None = None


@dataclass
class Roll:
    """What a batch of marks came to: the enrolments written, those already as marked, the
    people matched to someone already on the roll, and the refused marks with their reason."""

    saved: list[uuid.UUID] = field(default_factory=list)
    unchanged: list[uuid.UUID] = field(default_factory=list)
    rejected: dict[uuid.UUID, str] = field(default_factory=dict)
    added_learners: int = 0
    over_capacity: int = 0

    @property
    def written(self) -> int:
        return len(self.saved)


def can_mark(session: ClassSession, *, status: str = Enrolment.Status.PRESENT) -> str | None:
    """Why a mark of ``status`` cannot be written to ``session``'s roll now, or None. People
    register any time before a class; attendance is taken from an hour before it starts."""
    if session.status == ClassSession.Status.CANCELLED:
        return _("Lớp đã hủy, không điểm danh được.")
    if status != Enrolment.Status.REGISTERED and session.starts_at > timezone.now() + EARLY:
        return _("Lớp chưa bắt đầu: điểm danh từ một giờ trước giờ học.")
    return None


def attending(session: ClassSession) -> int:
    return session.enrolments.filter(status__in=Enrolment.ATTENDED).count()


@transaction.atomic
def record_attendance(
    *, actor: User | None, session: ClassSession, marks: Sequence[Mark], via: str
) -> Roll:
    """Write a batch of marks to ``session``'s roll. Each mark is checked on its own (the phone
    shows each line's fate); a person who is already on the roll under another line is that
    line, never a second learner. Over capacity is allowed and counted (the hall had chairs
    enough), the page warns. One audit row per batch."""
    roll = Roll()
    if len(marks) > MAX_MARKS:
        raise ValidationError(_("Một lần gửi tối đa %(n)d dòng điểm danh.") % {"n": MAX_MARKS})
    reason = can_mark(session, status=Enrolment.Status.REGISTERED)
    if reason:
        raise ValidationError(reason)
    session = ClassSession.objects.select_for_update().get(pk=session.pk)
    # Only the lines this batch can touch: those it names by id, by learner, or by a person
    # matched to a learner (a door's 500th check-in must not read the 499 before it).
    on_roll = Enrolment.objects.filter(session=session)
    named_lines = list(Enrolment.objects.filter(pk__in=[m.id for m in marks]))
    existing = {e.pk: e for e in named_lines if e.session_id == session.pk}
    # A line id already used by another class is refused, never taken over.
    elsewhere = {e.pk for e in named_lines if e.session_id != session.pk}
    people = [m.person for m in marks if m.person is not None and m.id not in existing]
    matcher = LearnerMatcher(people)
    named = {m.learner_id for m in marks if m.learner_id} | {x.pk for x in matcher.found.values()}
    existing.update({e.pk: e for e in on_roll.filter(learner_id__in=named)})
    by_learner = {e.learner_id: e for e in existing.values()}
    units = residence_units([p.commune_id for p in people] + [p.village_id for p in people])
    known_learners = set(
        Learner.objects.filter(
            pk__in=[m.learner_id for m in marks if m.learner_id], merged_into__isnull=True
        ).values_list("pk", flat=True)
    )
    touched: dict[uuid.UUID, Enrolment] = {}
    new: dict[uuid.UUID, Enrolment] = {}
    for mark in marks:
        if mark.id in elsewhere:
            roll.rejected[mark.id] = _("mã dòng này đã dùng cho một lớp khác")
            continue
        try:
            enrolment = _apply(
                mark, session, existing, by_learner, matcher, units, known_learners, via
            )
        except ValidationError as exc:
            roll.rejected[mark.id] = "; ".join(exc.messages)
            continue
        if enrolment is None:
            roll.unchanged.append(mark.id)
            continue
        (new if enrolment._state.adding else touched)[enrolment.pk] = enrolment
    if not new and not touched:
        return roll
    for enrolment in new.values():
        if enrolment.learner._state.adding:
            enrolment.learner.save()
            roll.added_learners += 1
        enrolment.learner_id = enrolment.learner.pk
    try:
        with transaction.atomic():
            Enrolment.objects.bulk_create(new.values())
    except IntegrityError as exc:  # the same person added by a concurrent request
        raise ValidationError(_("Danh sách vừa được cập nhật ở nơi khác, hãy gửi lại.")) from exc
    if touched:
        Enrolment.objects.bulk_update(
            touched.values(), ["status", "via", "checked_in_at", "minutes_online", "updated_at"]
        )
    roll.saved = [*new, *touched]
    day = timezone.localdate(session.starts_at)
    note_trained([e.learner_id for e in [*new.values(), *touched.values()] if e.attended], day)
    refresh_learning_summaries(
        hosts=[session.host_id], learners=[e.learner_id for e in [*new.values(), *touched.values()]]
    )
    if session.capacity:
        roll.over_capacity = max(0, attending(session) - session.capacity)
    record_audit(
        actor=actor,
        action=AuditLog.Action.ATTENDANCE_TAKEN,
        obj=session,
        unit_id=session.host_id,
        changes={"via": via, "marks": len(roll.saved), "learners_added": roll.added_learners},
    )
    return roll


def _apply(mark, session, existing, by_learner, matcher, units, known_learners, via):
    """The enrolment ``mark`` writes (new or changed), None when the roll already says so."""
    if mark.status not in Enrolment.Status.values:
        raise ValidationError(_("trạng thái điểm danh không hợp lệ"))
    too_early = can_mark(session, status=mark.status)
    if too_early:
        raise ValidationError(too_early)
    if mark.minutes_online is not None and not 0 <= mark.minutes_online <= MAX_MINUTES:
        raise ValidationError(_("số phút trực tuyến không hợp lệ"))
    enrolment = existing.get(mark.id)
    if enrolment is None and mark.learner_id is not None:
        if mark.learner_id not in known_learners:
            raise ValidationError(_("không tìm thấy người học"))
        enrolment = by_learner.get(mark.learner_id)
        if enrolment is None:
            enrolment = Enrolment(id=mark.id, session=session, learner_id=mark.learner_id)
            enrolment.learner = Learner.objects.get(pk=mark.learner_id)
    if enrolment is None:
        if mark.person is None:
            raise ValidationError(_("không rõ người học"))
        enrolment = _enrol_person(mark, session, by_learner, matcher, units)
    return _set_status(enrolment, mark, existing, by_learner, via)


def _enrol_person(mark, session, by_learner, matcher, units):
    person = mark.person
    problems = person_problems(person)
    commune = units.get(person.commune_id)
    if commune is None or commune.kind != "commune":
        problems.append(_("chưa chọn xã, phường nơi ở"))
    if problems:
        raise ValidationError(problems)
    learner = matcher.find(person)
    if learner is None:
        learner = build_learner(person, communes=units)
        matcher.remember(learner)
    elif _key(learner) in by_learner:
        return by_learner[_key(learner)]
    enrolment = Enrolment(id=mark.id, session=session, learner=learner)
    return enrolment


def _set_status(enrolment, mark, existing, by_learner, via):
    changed = enrolment._state.adding or enrolment.status != mark.status
    if mark.minutes_online is not None and enrolment.minutes_online != mark.minutes_online:
        enrolment.minutes_online = mark.minutes_online
        changed = True
    if not changed:
        return None
    enrolment.status = mark.status
    # How the latest mark came: the roll shows it beside the status.
    enrolment.via = via
    if mark.status in Enrolment.ATTENDED and enrolment.checked_in_at is None:
        enrolment.checked_in_at = mark.at or timezone.now()
    elif mark.status not in Enrolment.ATTENDED:
        enrolment.checked_in_at = None
    enrolment.updated_at = timezone.now()
    if enrolment._state.adding:
        existing[enrolment.pk] = enrolment
        by_learner[_key(enrolment.learner)] = enrolment
    return enrolment


def _key(learner: Learner) -> int | tuple[str, int]:
    """A learner's key on the roll: its pk, or the object itself while it is new to this
    batch (two lines naming one new person are one person)."""
    return learner.pk if learner.pk else ("new", id(learner))
