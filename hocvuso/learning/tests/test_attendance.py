"""The one write behind every roll: nobody counted twice, every bad line named."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError

from hocvuso.core.models import AuditLog
from hocvuso.learning.models import ClassSession, Enrolment, Learner
from hocvuso.learning.services import Mark, merge_learners, record_attendance
from hocvuso.learning.tests.conftest import person, walk_in

pytestmark = pytest.mark.django_db


def test_walk_ins_become_learners_and_a_retried_sync_counts_nobody_twice(tree, session):
    marks = [walk_in(tree), walk_in(tree, name="Trần Văn Bình", year=1955)]
    roll = record_attendance(actor=None, session=session, marks=marks, via="roll")
    assert roll.written == 2
    assert roll.added_learners == 2
    again = record_attendance(actor=None, session=session, marks=marks, via="roll")
    assert again.written == 0
    assert sorted(again.unchanged) == sorted(m.id for m in marks)
    assert Enrolment.objects.filter(session=session, status="present").count() == 2
    assert Learner.objects.get(name="Trần Văn Bình").first_trained_on is not None
    assert AuditLog.objects.filter(action=AuditLog.Action.ATTENDANCE_TAKEN).count() == 1


def test_the_same_person_on_two_lines_or_two_phones_is_one_enrolment(tree, session):
    first = walk_in(tree)
    record_attendance(actor=None, session=session, marks=[first], via="qr")
    # Another phone typed the same person, diacritics and spacing as typed.
    other = walk_in(tree, name="  nguyễn  thị HOA ")
    twice = [walk_in(tree, name="Lê Văn Cường", year=1990)] * 1
    twice.append(Mark(id=uuid.uuid4(), status="late", person=twice[0].person))
    record_attendance(actor=None, session=session, marks=[other, *twice], via="roll")
    assert Enrolment.objects.filter(session=session).count() == 2
    assert Learner.objects.count() == 2
    assert Enrolment.objects.get(learner__name="Lê Văn Cường").status == "late"


def test_diacritics_make_two_people(tree, session):
    marks = [walk_in(tree, name="Nguyễn Văn Ân"), walk_in(tree, name="Nguyễn Văn An")]
    record_attendance(actor=None, session=session, marks=marks, via="roll")
    assert Learner.objects.count() == 2


def test_bad_lines_are_refused_with_their_reason_and_good_ones_kept(tree, session):
    marks = [
        walk_in(tree),
        walk_in(tree, name="012345678901"),
        walk_in(tree, year=1850),
        walk_in(tree, commune_id=tree.agency.pk),
        walk_in(tree, name="Vũ Thị Lan", village_id=tree.namhoalu_village.pk),
        Mark(id=uuid.uuid4(), status="asleep", person=person(tree, name="Phạm Thu")),
    ]
    roll = record_attendance(actor=None, session=session, marks=marks, via="roll")
    assert roll.written == 1
    reasons = [roll.rejected.get(m.id, "") for m in marks[1:]]
    assert "CCCD" in reasons[0]
    assert "năm sinh" in reasons[1]
    assert "xã, phường" in reasons[2]
    assert "thôn, tổ dân phố" in reasons[3]
    assert "trạng thái" in reasons[4]


def test_a_cancelled_class_takes_no_roll(tree, session):
    session.status = ClassSession.Status.CANCELLED
    with pytest.raises(ValidationError, match="hủy"):
        record_attendance(actor=None, session=session, marks=[walk_in(tree)], via="roll")
    assert not Enrolment.objects.exists()


def test_over_capacity_is_counted_not_refused(tree, session):
    session.capacity = 1
    session.save(update_fields=["capacity"])
    marks = [walk_in(tree), walk_in(tree, name="Đỗ Minh")]
    roll = record_attendance(actor=None, session=session, marks=marks, via="roll")
    assert roll.written == 2
    assert roll.over_capacity == 1


def test_merging_keeps_the_better_mark_and_the_earlier_training_day(tree, session, course):
    from hocvuso.learning.tests.conftest import make_class

    record_attendance(
        actor=None, session=session, marks=[walk_in(tree, name="Hà Thị Mai")], via="roll"
    )
    record_attendance(
        actor=None,
        session=session,
        marks=[walk_in(tree, name="Hà Thi Mai", status="absent")],
        via="roll",
    )
    keep, drop = Learner.objects.get(name="Hà Thị Mai"), Learner.objects.get(name="Hà Thi Mai")
    merge_learners(actor=None, keep=keep, drop=drop)
    assert Enrolment.objects.get(session=session).status == "present"
    assert Enrolment.objects.filter(learner=keep).count() == 1
    drop.refresh_from_db()
    assert drop.merged_into == keep
    with pytest.raises(ValidationError):
        merge_learners(actor=None, keep=keep, drop=drop)
    assert make_class  # the helper is importable for other tests


def test_the_roll_says_how_each_mark_came(tree, session):
    first = walk_in(tree)
    record_attendance(actor=None, session=session, marks=[first], via="qr")
    assert Enrolment.objects.get().via == "qr"
    late = Mark(id=first.id, status="late", person=first.person)
    record_attendance(actor=None, session=session, marks=[late], via="roll")
    assert Enrolment.objects.get().via == "roll"


def test_people_register_before_a_class_but_are_marked_present_only_near_its_start(tree, course):
    import datetime

    from hocvuso.learning.tests.conftest import make_class

    later = make_class(tree, course, starts_in=datetime.timedelta(days=3))
    marks = [walk_in(tree, status="registered"), walk_in(tree, name="Đinh Văn Tú")]
    roll = record_attendance(actor=None, session=later, marks=marks, via="registration")
    assert Enrolment.objects.get(session=later).status == "registered"
    assert "chưa bắt đầu" in roll.rejected[marks[1].id]


def test_a_line_id_of_another_class_is_refused_not_taken_over(tree, session, course):
    from hocvuso.learning.tests.conftest import make_class

    first = walk_in(tree)
    record_attendance(actor=None, session=session, marks=[first], via="roll")
    other = make_class(tree, course)
    reused = Mark(id=first.id, status="present", person=person(tree, name="Đào Văn Sơn"))
    roll = record_attendance(actor=None, session=other, marks=[reused], via="roll")
    assert "lớp khác" in roll.rejected[first.id]
    assert Enrolment.objects.get(pk=first.id).session == session
