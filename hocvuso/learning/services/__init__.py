"""Writes of the learning app, one module per part; every public name is importable from
here."""

from __future__ import annotations

from hocvuso.learning.services.attendance import Mark, Roll, can_mark, record_attendance
from hocvuso.learning.services.certificates import (
    ResultInput,
    issue_certificates,
    record_results,
    revoke_certificate,
)
from hocvuso.learning.services.checkin import (
    AlreadyCheckedIn,
    CheckinRefused,
    check_in,
    current_code,
    issue_ticket,
)
from hocvuso.learning.services.classes import (
    Enrolled,
    add_topic,
    cancel_class,
    create_campaign,
    create_class,
    create_course,
    enrol_learner,
    set_class_status,
    status_problem,
    update_campaign,
    update_class,
    update_course,
    update_topic,
)
from hocvuso.learning.services.finder import Registration, register_for_class
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
from hocvuso.learning.services.summaries import (
    refresh_all_learning_summaries,
    refresh_class_summaries,
    refresh_learning_summaries,
)

__all__ = [
    "AlreadyCheckedIn",
    "CheckinRefused",
    "Enrolled",
    "LearnerMatcher",
    "Mark",
    "PersonInput",
    "Registration",
    "ResultInput",
    "Roll",
    "add_topic",
    "can_mark",
    "cancel_class",
    "check_in",
    "create_campaign",
    "create_class",
    "create_course",
    "current_code",
    "enrol_learner",
    "find_or_create_learner",
    "issue_certificates",
    "issue_ticket",
    "merge_learners",
    "name_key",
    "note_trained",
    "parse_marks",
    "person_problems",
    "record_attendance",
    "record_results",
    "refresh_all_learning_summaries",
    "refresh_class_summaries",
    "refresh_learning_summaries",
    "register_for_class",
    "revoke_certificate",
    "roll_answer",
    "set_class_status",
    "status_problem",
    "update_campaign",
    "update_class",
    "update_course",
    "update_topic",
]
