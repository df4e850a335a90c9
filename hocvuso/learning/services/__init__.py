"""Writes of the learning app, one module per part; every public name is importable from
here."""

from __future__ import annotations

from hocvuso.learning.services.attendance import Mark, Roll, can_mark, record_attendance
from hocvuso.learning.services.checkin import (
    AlreadyCheckedIn,
    CheckinRefused,
    check_in,
    current_code,
    issue_ticket,
)
from hocvuso.learning.services.learners import (
    LearnerMatcher,
    PersonInput,
    find_or_create_learner,
    merge_learners,
    name_key,
    note_trained,
    person_problems,
)
from hocvuso.learning.services.marks import parse_marks, roll_answer

__all__ = [
    "AlreadyCheckedIn",
    "CheckinRefused",
    "LearnerMatcher",
    "Mark",
    "PersonInput",
    "Roll",
    "can_mark",
    "check_in",
    "current_code",
    "find_or_create_learner",
    "issue_ticket",
    "merge_learners",
    "name_key",
    "note_trained",
    "parse_marks",
    "person_problems",
    "record_attendance",
    "roll_answer",
]
