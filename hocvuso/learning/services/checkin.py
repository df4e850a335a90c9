"""Check-in at the door: the rotating code on the hall's screen, and a learner's own phone
checking in with it.

The code is an HMAC of the class's ``checkin_secret`` and the number of the 30-second window
it is shown in; the current window and the previous one are accepted, so a photo of the screen
sent to a Zalo group stops working within 30 to 60 s. A learner who opened the check-in page in
time gets a signed ticket with it, so the minute spent typing a name does not make the code
expire under their thumb. The write itself is ``record_attendance`` (``via="qr"``): nobody is
counted twice, whichever path marked them first.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import uuid
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.learning.models import ClassSession, Enrolment
from hocvuso.learning.services.attendance import Mark, record_attendance
from hocvuso.learning.services.learners import LearnerMatcher, PersonInput

WINDOW_SECONDS = 30
CODE_LENGTH = 8  # base32 characters: 40 bits, beyond guessing at any rate the server allows
# Check-in opens this long before the class starts and closes this long after it ends.
OPENS_BEFORE = datetime.timedelta(minutes=30)
GRACE_AFTER = datetime.timedelta(minutes=15)
# Arriving more than this after the start is "late".
LATE_AFTER = datetime.timedelta(minutes=15)
# How long the check-in form stays usable once opened with a valid code.
TICKET_SECONDS = 10 * 60
# How far back an old code is still recognised as one that rotated out (not a wrong one).
RECOGNISED_WINDOWS = 4 * 60 * 60 // WINDOW_SECONDS


class CheckinRefused(ValidationError):
    """A check-in refused, with its reason for the learner; nothing was written."""


class AlreadyCheckedIn(CheckinRefused):
    def __init__(self, enrolment: Enrolment) -> None:
        self.enrolment = enrolment
        at = timezone.localtime(enrolment.checked_in_at or enrolment.updated_at)
        super().__init__(
            _("Bạn đã điểm danh lúc %(time)s ngày %(day)s.")
            % {"time": at.strftime("%H:%M"), "day": at.strftime("%d/%m/%Y")}
        )


@dataclass(frozen=True)
class ScreenCode:
    """What the trainer's screen shows now: the code and how long it has left."""

    code: str
    window: int
    seconds_left: int


def window_of(now: datetime.datetime) -> int:
    return int(now.timestamp()) // WINDOW_SECONDS


def code_for(session: ClassSession, window: int) -> str:
    """The code of ``session`` during ``window``: 8 base32 characters, upper case."""
    digest = hmac.new(
        session.checkin_secret.encode(), f"{session.pk}:{window}".encode(), hashlib.sha256
    ).digest()
    return base64.b32encode(digest[:5]).decode()


def current_code(session: ClassSession, *, now: datetime.datetime | None = None) -> ScreenCode:
    now = now or timezone.now()
    window = window_of(now)
    left = WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS
    return ScreenCode(code_for(session, window), window, left)


def checkin_problem(session: ClassSession, *, now: datetime.datetime | None = None) -> str | None:
    """Why nobody can check in to ``session`` now, or None."""
    now = now or timezone.now()
    if session.status == ClassSession.Status.CANCELLED:
        return _("Lớp học này đã bị hủy, không điểm danh được.")
    if now < session.starts_at - OPENS_BEFORE:
        opens = timezone.localtime(session.starts_at - OPENS_BEFORE)
        return _("Chưa đến giờ điểm danh: mở từ %(time)s ngày %(day)s.") % {
            "time": opens.strftime("%H:%M"),
            "day": opens.strftime("%d/%m/%Y"),
        }
    if now > session.ends_at + GRACE_AFTER:
        return _("Lớp học đã kết thúc, không điểm danh được nữa.")
    return None


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _normal(code: str) -> str:
    """A code as typed or scanned (case and spaces forgiven); a ticket as it was issued."""
    code = (code or "").strip()[:200]
    return code.upper() if len(code) <= CODE_LENGTH else code


def code_problem(
    session: ClassSession, code: str, *, now: datetime.datetime | None = None
) -> str | None:
    """Why ``code`` does not let anyone into ``session`` now, or None when it does. ``code``
    is the code on the screen, or the ticket the check-in page handed out with it."""
    now = now or timezone.now()
    code = _normal(code)
    if len(code) > CODE_LENGTH:
        return _ticket_problem(session, code, now)
    window = window_of(now)
    if any(_same(code, code_for(session, w)) for w in (window, window - 1)):
        return None
    if len(code) == CODE_LENGTH:
        for back in range(2, RECOGNISED_WINDOWS):
            if _same(code, code_for(session, window - back)):
                return _("Mã đã hết hạn, hãy quét lại mã trên màn hình.")
        if _code_of_another_class(session, code, now):
            return _("Mã này là của một lớp khác: hãy quét mã trên màn hình của lớp bạn đang học.")
    return _("Mã điểm danh không đúng, hãy quét lại mã trên màn hình.")


def _code_of_another_class(session: ClassSession, code: str, now: datetime.datetime) -> bool:
    """Whether ``code`` is the current code of another class open for check-in now (a few at
    a time in a province; asked only once a code failed)."""
    window = window_of(now)
    others = (
        ClassSession.objects.filter(
            starts_at__lte=now + OPENS_BEFORE, ends_at__gte=now - GRACE_AFTER
        )
        .exclude(Q(pk=session.pk) | Q(status=ClassSession.Status.CANCELLED))
        .only("pk", "checkin_secret")[:200]
    )
    return any(_same(code, code_for(other, w)) for other in others for w in (window, window - 1))


def _signer(session: ClassSession) -> signing.Signer:
    return signing.Signer(salt=f"learning.checkin.{session.pk}")


def issue_ticket(session: ClassSession, code: str, *, now: datetime.datetime | None = None) -> str:
    """A ticket that lets the form opened with ``code`` be sent within TICKET_SECONDS; raises
    CheckinRefused when the code or the class refuse it now."""
    problem = checkin_problem(session, now=now) or code_problem(session, code, now=now)
    if problem:
        raise CheckinRefused(problem)
    if len(_normal(code)) > CODE_LENGTH:
        return _normal(code)  # already a ticket: the form was sent back with an error
    # The window the code was valid in, signed: the ticket's age is counted in the same clock.
    return _signer(session).sign(str(window_of(now or timezone.now())))


def _ticket_problem(session: ClassSession, ticket: str, now: datetime.datetime) -> str | None:
    try:
        issued = int(_signer(session).unsign(ticket))
    except (signing.BadSignature, ValueError):
        return _("Mã điểm danh không đúng, hãy quét lại mã trên màn hình.")
    if not 0 <= window_of(now) - issued <= TICKET_SECONDS // WINDOW_SECONDS:
        return _("Đã quá lâu từ lúc quét mã, hãy quét lại mã trên màn hình.")
    return None


def attended_status(session: ClassSession, at: datetime.datetime) -> str:
    return (
        Enrolment.Status.LATE if at > session.starts_at + LATE_AFTER else Enrolment.Status.PRESENT
    )


@transaction.atomic
def check_in(
    *,
    session: ClassSession,
    code: str,
    person: PersonInput,
    now: datetime.datetime | None = None,
) -> Enrolment:
    """Check ``person`` in to ``session`` with the code from the hall's screen (or the ticket
    the check-in page gave for it): present, or late after LATE_AFTER. Refused with a reason in
    Vietnamese, nothing written: a cancelled class, before check-in opens or after it closes,
    a wrong, rotated-out or other class's code, a person already checked in
    (``AlreadyCheckedIn``), a person the roll cannot take. Through ``record_attendance``
    (``via="qr"``, no actor): one audit row, the class locked while its roll is read, so two
    phones checking one person in at once make one enrolment."""
    now = now or timezone.now()
    problem = checkin_problem(session, now=now) or code_problem(session, code, now=now)
    if problem:
        raise CheckinRefused(problem)
    # Lock the class first: the look-up below and record_attendance's write then see the
    # roll as no other check-in can change it meanwhile.
    session = ClassSession.objects.select_for_update().get(pk=session.pk)
    learner = LearnerMatcher([person]).find(person)
    if learner is not None:
        enrolment = Enrolment.objects.filter(session=session, learner=learner).first()
        if enrolment is not None and enrolment.attended:
            raise AlreadyCheckedIn(enrolment)
    mark = Mark(id=uuid.uuid4(), status=attended_status(session, now), person=person, at=now)
    roll = record_attendance(actor=None, session=session, marks=[mark], via="qr")
    if mark.id in roll.rejected:
        raise CheckinRefused(roll.rejected[mark.id])
    if not roll.saved:  # a line of the same batch matched an attended enrolment
        raise CheckinRefused(_("Không điểm danh được, hãy thử lại."))
    return Enrolment.objects.select_related("learner").get(pk=roll.saved[0])


__all__ = [
    "CODE_LENGTH",
    "WINDOW_SECONDS",
    "AlreadyCheckedIn",
    "CheckinRefused",
    "ScreenCode",
    "check_in",
    "checkin_problem",
    "code_for",
    "code_problem",
    "current_code",
    "issue_ticket",
    "window_of",
]
