"""Completions and certificates: the results of a class that was held, and one certificate
per completion, checked by anyone at ``/verify/<code>/``."""

from __future__ import annotations

import datetime
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.core.models import AuditLog
from hocvuso.core.services import record_audit
from hocvuso.core.tables.text import clean_typed
from hocvuso.learning.models import Certificate, ClassSession, Enrolment
from hocvuso.learning.selectors import can_run
from hocvuso.learning.services.learners import note_trained
from hocvuso.learning.services.summaries import refresh_learning_summaries

if TYPE_CHECKING:
    from hocvuso.accounts.models import User

# Read aloud or typed from paper: no 0/O, no 1/I.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8
CODE_TRIES = 5
MAX_RESULT = 100


@dataclass
class ResultInput:
    """One line of a class's results: whether the learner completed, and what they scored
    ("Đạt", "Giỏi", "8/10"…)."""

    enrolment_id: uuid.UUID
    completed: bool
    result: str = ""


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(text: str) -> str:
    """A code as typed: upper case, without spaces or dashes; "" when it cannot be one."""
    code = "".join((text or "").split()).replace("-", "").upper()
    if not code or len(code) > 16 or not all(ch in CODE_ALPHABET for ch in code):
        return ""
    return code


def class_day(session: ClassSession) -> datetime.date:
    return timezone.localdate(session.starts_at)


def results_problem(session: ClassSession) -> str | None:
    """Why the results of ``session`` cannot be written now, or None."""
    if session.status != ClassSession.Status.HELD:
        return _("Chỉ ghi kết quả và cấp chứng nhận cho lớp đã tổ chức.")
    return None


def _ensure_may_run(actor: User | None, session: ClassSession) -> None:
    # No actor: the system itself (the demo, a management command).
    if actor is not None and not can_run(actor, session):
        raise PermissionDenied
    reason = results_problem(session)
    if reason:
        raise ValidationError(reason)


def _result_problem(text: str) -> str | None:
    if "\x00" in text:
        return _("kết quả có ký tự NUL")
    if len(clean_typed(text)) > MAX_RESULT:
        return _("kết quả dài quá %(n)d ký tự") % {"n": MAX_RESULT}
    return None


@transaction.atomic
def record_results(
    *,
    actor: User | None,
    session: ClassSession,
    results: Sequence[ResultInput],
    completed_on: datetime.date | None = None,
) -> int:
    """Mark who completed ``session`` and their result. Only a learner who attended (present
    or late) completes; ``completed_on`` is the class day unless given (never before it,
    never in the future). A completion that already has a certificate stays completed until
    the certificate is revoked. All lines or none: every bad line is named in the
    ValidationError. Who: a person who may run the class (``can_run``), once it is held.
    One audit row; returns how many enrolments changed."""
    _ensure_may_run(actor, session)
    day = class_day(session)
    completed_on = completed_on or day
    if not day <= completed_on <= timezone.localdate():
        raise ValidationError(_("Ngày hoàn thành phải từ ngày học đến hôm nay."))
    session = ClassSession.objects.select_for_update().get(pk=session.pk)
    roll = {
        e.pk: e
        for e in Enrolment.objects.filter(session=session).select_related("learner", "certificate")
    }
    problems: list[str] = []
    changed: list[Enrolment] = []
    for line in results:
        enrolment = roll.get(line.enrolment_id)
        if enrolment is None:
            problems.append(_("một dòng không thuộc danh sách lớp"))
            continue
        problem = _line_problem(enrolment, line)
        if problem:
            problems.append(f"{enrolment.learner.name}: {problem}")
            continue
        if _apply(enrolment, line, completed_on):
            changed.append(enrolment)
    if problems:
        raise ValidationError(problems)
    if changed:
        Enrolment.objects.bulk_update(
            changed, ["completed", "completed_on", "result", "updated_at"]
        )
        note_trained([e.learner_id for e in changed if e.completed], completed_on)
        refresh_learning_summaries(learners=[e.learner_id for e in changed])
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=session,
        unit_id=session.host_id,
        changes={
            "results": len(changed),
            "completed": sum(1 for e in roll.values() if e.completed),
        },
    )
    return len(changed)


def _line_problem(enrolment: Enrolment, line: ResultInput) -> str | None:
    problem = _result_problem(line.result or "")
    if problem:
        return problem
    if line.completed and not enrolment.attended:
        return _("chưa có mặt ở lớp nên không thể hoàn thành")
    certificate = getattr(enrolment, "certificate", None)
    in_force = certificate is not None and not certificate.revoked
    if enrolment.completed and not line.completed and in_force:
        return _("đã được cấp chứng nhận: thu hồi chứng nhận trước")
    return None


def _apply(enrolment: Enrolment, line: ResultInput, completed_on: datetime.date) -> bool:
    result = " ".join(clean_typed(line.result or "").split())
    if enrolment.completed == line.completed and enrolment.result == result:
        return False
    if line.completed and not enrolment.completed:
        enrolment.completed_on = completed_on
    elif not line.completed:
        enrolment.completed_on = None
    enrolment.completed = line.completed
    enrolment.result = result
    enrolment.updated_at = timezone.now()
    return True


@transaction.atomic
def issue_certificates(*, actor: User | None, session: ClassSession) -> list[Certificate]:
    """One certificate for each completion of ``session`` that has none: issuing twice
    issues once. Each keeps what it prints (name, course, organiser, completion day), so it
    still verifies after its learner is merged or the course renamed. Codes are random
    (``CODE_LENGTH`` letters of ``CODE_ALPHABET``, about 10¹² of them), drawn again on a
    collision. Who: a person who may run the class, once it is held. One audit row."""
    _ensure_may_run(actor, session)
    session = (
        ClassSession.objects.select_for_update(of=("self",))
        .select_related("course", "organiser")
        .get(pk=session.pk)
    )
    pending = list(
        Enrolment.objects.filter(session=session, completed=True, certificate__isnull=True)
        .select_related("learner")
        .order_by("learner__name_key")
    )
    if not pending:
        return []
    today = timezone.localdate()
    certificates = [
        Certificate(
            enrolment=e,
            holder_name=e.learner.name,
            course_title=session.course.title,
            organiser_name=session.organiser.name,
            completed_on=e.completed_on or class_day(session),
            issued_on=today,
            issued_by=actor,
        )
        for e in pending
    ]
    _save_with_codes(certificates)
    record_audit(
        actor=actor,
        action=AuditLog.Action.CERTIFICATE_ISSUED,
        obj=session,
        unit_id=session.host_id,
        changes={"certificates": len(certificates), "codes": [c.code for c in certificates]},
    )
    return certificates


def _save_with_codes(certificates: list[Certificate]) -> None:
    for _attempt in range(CODE_TRIES):
        codes = _fresh_codes(len(certificates))
        for certificate, code in zip(certificates, codes, strict=True):
            certificate.code = code
        try:
            with transaction.atomic():
                Certificate.objects.bulk_create(certificates)
        except IntegrityError:  # a code drawn at the same moment by another class
            continue
        return
    raise ValidationError(_("Không tạo được mã xác minh, hãy thử lại."))


def _fresh_codes(count: int) -> list[str]:
    """``count`` distinct codes that no stored certificate has."""
    codes: set[str] = set()
    while len(codes) < count:
        drawn = {new_code() for _ in range(count - len(codes))}
        taken = set(Certificate.objects.filter(code__in=drawn).values_list("code", flat=True))
        codes |= drawn - taken
    return list(codes)


def _runs(actor: User, enrolment: Enrolment | None) -> bool:
    return enrolment is not None and can_run(actor, enrolment.session)


@transaction.atomic
def revoke_certificate(*, actor: User | None, certificate: Certificate) -> Certificate:
    """Revoke ``certificate``: ``/verify/`` then says so. Who: a person who may run its
    class; a certificate left without its enrolment (a merge kept the other) only by the
    system or a superuser. Revoking twice changes nothing. Audited."""
    enrolment = certificate.enrolment
    if actor is not None and not actor.is_superuser and not _runs(actor, enrolment):
        raise PermissionDenied
    if certificate.revoked:
        return certificate
    certificate.revoked = True
    certificate.save(update_fields=["revoked"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=certificate,
        unit_id=enrolment.session.host_id if enrolment else None,
        changes={"revoked": [False, True]},
    )
    return certificate


__all__ = [
    "CODE_ALPHABET",
    "ResultInput",
    "issue_certificates",
    "new_code",
    "normalise_code",
    "record_results",
    "results_problem",
    "revoke_certificate",
]
