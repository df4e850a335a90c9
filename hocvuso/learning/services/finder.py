"""Registration from the public class finder: a person signs up for a class without an
account and gets a confirmation code to show at the door."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.core.models import AuditLog
from hocvuso.core.services import record_audit
from hocvuso.learning.models import ClassSession, Enrolment
from hocvuso.learning.selectors.finder import SEAT_STATUSES
from hocvuso.learning.services.certificates import new_code
from hocvuso.learning.services.learners import (
    LearnerMatcher,
    PersonInput,
    find_or_create_learner,
    person_problems,
    residence_units,
)
from hocvuso.orgunits.models import OrgUnit

CONFIRMATION_LENGTH = 6


@dataclass
class Registration:
    enrolment: Enrolment
    created: bool

    @property
    def code(self) -> str:
        return self.enrolment.confirmation_code


def registration_problem(session: ClassSession) -> str | None:
    """Why ``session`` takes no registration now, or None."""
    if session.status == ClassSession.Status.CANCELLED:
        return _("Lớp này đã hủy.")
    if session.starts_at <= timezone.now():
        return _("Lớp này đã bắt đầu hoặc đã kết thúc, không nhận đăng ký nữa.")
    if session.status != ClassSession.Status.OPEN:
        return _("Lớp này chưa mở đăng ký. Hãy quay lại sau.")
    return None


@transaction.atomic
def register_for_class(*, session: ClassSession, person: PersonInput) -> Registration:
    """Sign ``person`` up for ``session`` (open, not started). The same person (name, year of
    birth, commune) registering again gets their enrolment and code back, never a second
    one; a person already on the roll another way gets a code for it. A full class refuses.
    Every problem with the person is in the ValidationError, and nothing is saved. No account:
    the audit row has no actor and names nobody."""
    session = (
        ClassSession.objects.select_for_update(of=("self",))
        .select_related("host")
        .get(pk=session.pk)
    )
    reason = registration_problem(session)
    if reason:
        raise ValidationError(reason)
    problems = person_problems(person)
    units = residence_units([person.commune_id, person.village_id])
    commune = units.get(person.commune_id)
    province_path = session.host.path[: OrgUnit.steplen]
    if (
        commune is None
        or commune.kind != OrgUnit.Kind.COMMUNE
        or not commune.path.startswith(province_path)
    ):
        problems.append(_("chưa chọn xã, phường nơi ở"))
    if problems:
        raise ValidationError(problems)
    known = LearnerMatcher([person]).find(person)
    if known is not None:
        enrolment = Enrolment.objects.filter(session=session, learner=known).first()
        if enrolment is not None:
            if not enrolment.confirmation_code:
                enrolment.confirmation_code = new_code(CONFIRMATION_LENGTH)
                enrolment.save(update_fields=["confirmation_code", "updated_at"])
            return Registration(enrolment, created=False)
    if session.capacity:
        taken = session.enrolments.filter(status__in=SEAT_STATUSES).count()
        if taken >= session.capacity:
            raise ValidationError(
                _("Lớp đã đủ %(n)d chỗ. Xin chọn một lớp khác trong danh sách.")
                % {"n": session.capacity}
            )
    learner, _created = find_or_create_learner(actor=None, person=person)
    enrolment = Enrolment.objects.create(
        session=session,
        learner=learner,
        status=Enrolment.Status.REGISTERED,
        via=Enrolment.Via.REGISTRATION,
        confirmation_code=new_code(CONFIRMATION_LENGTH),
    )
    record_audit(
        actor=None,
        action=AuditLog.Action.CLASS_REGISTERED,
        obj=session,
        unit_id=session.host_id,
        changes={"via": Enrolment.Via.REGISTRATION},
    )
    return Registration(enrolment, created=True)


__all__ = ["Registration", "register_for_class", "registration_problem"]
