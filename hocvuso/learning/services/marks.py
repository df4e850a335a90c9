"""Marks as a phone sends them (JSON), turned into ``Mark``s for ``record_attendance``, and the
roll's answer back: the one format of the roll-call page and the API's batch write.

    {"marks": [{"id": "<uuid made on the phone>", "status": "present",
                "learner_id": 12}                       # someone on the list, or
               {"id": "…", "status": "late",
                "person": {"name": "…", "birth_year": 1968, "commune_id": 5,
                           "village_id": 9}}]}          # a walk-in

``id`` is the enrolment's id (the line's own, for someone on the list): sending a batch again
after a dropped answer writes nothing more.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from hocvuso.learning.services.attendance import MAX_MARKS, Mark, Roll
from hocvuso.learning.services.learners import PersonInput

PERSON_TEXT = ("name", "sex", "group", "phone")
PERSON_IDS = ("birth_year", "commune_id", "village_id")
# A phone's clock may run a little ahead; a mark made later than this ahead of the server is
# given the server's time instead.
CLOCK_SLACK = datetime.timedelta(minutes=5)


def _id(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, str) and value.isascii() and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 0 < value < 2**63:
        raise ValueError
    return value


def _person(data: Any) -> PersonInput:
    if not isinstance(data, Mapping):
        raise ValueError
    text = {k: data.get(k) or "" for k in PERSON_TEXT}
    if any(not isinstance(v, str) for v in text.values()):
        raise ValueError
    numbers = {k: _id(data.get(k)) for k in PERSON_IDS}
    return PersonInput(
        name=text["name"][:300],
        birth_year=numbers["birth_year"],
        commune_id=numbers["commune_id"],
        village_id=numbers["village_id"],
        sex=text["sex"][:20],
        group=text["group"][:20] or "citizens",
        phone=text["phone"][:30],
    )


def _at(value: Any, now: datetime.datetime) -> datetime.datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        at = parse_datetime(value[:40])
    except ValueError:
        return None
    if at is None or timezone.is_naive(at) or at > now + CLOCK_SLACK:
        return None
    return at


def parse_marks(data: Any) -> tuple[list[Mark], dict[uuid.UUID, str]]:
    """The marks of a JSON body, and the lines refused before the roll sees them (by id).
    ValidationError, nothing taken, for a body that is not a list of marks or a line
    without a usable id (there is no id to answer it by)."""
    lines = data.get("marks") if isinstance(data, Mapping) else None
    if not isinstance(lines, list):
        raise ValidationError(_("Nội dung gửi lên phải có danh sách “marks”."))
    if len(lines) > MAX_MARKS:
        raise ValidationError(_("Một lần gửi tối đa %(n)d dòng điểm danh.") % {"n": MAX_MARKS})
    now = timezone.now()
    marks: list[Mark] = []
    refused: dict[uuid.UUID, str] = {}
    seen: set[uuid.UUID] = set()
    for number, line in enumerate(lines, start=1):
        try:
            mark_id = uuid.UUID(str(line.get("id"))[:40]) if isinstance(line, Mapping) else None
        except ValueError:
            mark_id = None
        if mark_id is None:
            raise ValidationError(_("Dòng %(n)d: thiếu mã dòng (id) hợp lệ.") % {"n": number})
        if mark_id in seen:
            continue  # the same line twice in one batch: once is enough
        seen.add(mark_id)
        try:
            status = line.get("status")
            if not isinstance(status, str):
                raise ValueError
            learner_id = _id(line.get("learner_id"))
            person = _person(line["person"]) if line.get("person") is not None else None
        except (ValueError, TypeError):
            refused[mark_id] = _("dòng điểm danh không hợp lệ")
            continue
        marks.append(
            Mark(
                id=mark_id,
                status=status[:20],
                learner_id=learner_id,
                person=person,
                at=_at(line.get("at"), now),
            )
        )
    return marks, refused


def roll_answer(
    roll: Roll, refused: Mapping[uuid.UUID, str], marks: Sequence[Mark]
) -> dict[str, Any]:
    """What the phone is told, by the ids it sent: each line saved (a walk-in found already on
    the list is saved onto that person's line), already so (``duplicates``: synced all the
    same) or refused with its reason, and how many people the class has over its capacity."""
    rejected = {**refused, **roll.rejected}
    unchanged = set(roll.unchanged)
    saved = [m.id for m in marks if m.id not in rejected and m.id not in unchanged]
    return {
        "saved": [str(i) for i in saved],
        "duplicates": [str(i) for i in roll.unchanged],
        "rejected": {str(k): v for k, v in rejected.items()},
        "learners_added": roll.added_learners,
        "over_capacity": roll.over_capacity,
    }


__all__ = ["parse_marks", "roll_answer"]
