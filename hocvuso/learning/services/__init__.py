"""Writes of the learning app, one module per part; every public name is importable from
here."""

from __future__ import annotations

from hocvuso.learning.services.attendance import Mark, Roll, can_mark, record_attendance
from hocvuso.learning.services.learners import (
    LearnerMatcher,
    PersonInput,
    find_or_create_learner,
    merge_learners,
    name_key,
    note_trained,
    person_problems,
)
from hocvuso.learning.services.summaries import (
    refresh_all_learning_summaries,
    refresh_class_summaries,
    refresh_learning_summaries,
)

__all__ = [
    "LearnerMatcher",
    "Mark",
    "PersonInput",
    "Roll",
    "can_mark",
    "find_or_create_learner",
    "merge_learners",
    "name_key",
    "note_trained",
    "person_problems",
    "record_attendance",
    "refresh_all_learning_summaries",
    "refresh_class_summaries",
    "refresh_learning_summaries",
]
