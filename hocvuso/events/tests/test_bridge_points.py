"""Issue 4 groundwork: a ceremony with bridge points made in bulk, seen only in scope."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from hocvuso.core.models import AuditLog
from hocvuso.events.models import BridgePoint
from hocvuso.events.selectors import communes_of, get_event_for_user, villages_under
from hocvuso.events.services import add_bridge_points, create_event

START = datetime.datetime(2025, 11, 8, 1, 0, tzinfo=datetime.UTC)  # 08:00 in Vietnam


@pytest.fixture
def event(tree):
    return create_event(actor=None, organiser=tree.province, title="Lễ phát động", starts_at=START)


def test_every_commune_then_every_village_under_them(tree, event) -> None:
    communes = list(communes_of(tree.province))
    assert communes == [tree.hoalu, tree.namhoalu]
    add_bridge_points(actor=None, event=event, hosts=communes)
    add_bridge_points(actor=None, event=event, hosts=villages_under(communes))
    hosts = set(event.bridge_points.values_list("host", flat=True))
    assert hosts == {
        tree.hoalu.pk,
        tree.namhoalu.pk,
        tree.hoalu_village.pk,
        tree.namhoalu_village.pk,
    }
    assert (
        AuditLog.objects.filter(object_id=str(event.pk), changes__bridge_points_added=2).count()
        == 2
    )


def test_running_it_again_adds_nothing(tree, event) -> None:
    add_bridge_points(actor=None, event=event, hosts=communes_of(tree.province))
    assert add_bridge_points(actor=None, event=event, hosts=communes_of(tree.province)) == []
    assert BridgePoint.objects.count() == 2


def test_villages_are_found_in_one_query(tree, django_assert_num_queries) -> None:
    communes = list(communes_of(tree.province))
    with django_assert_num_queries(1):
        assert len(list(villages_under(communes))) == 2


def test_each_bridge_point_has_its_own_secret(tree, event) -> None:
    points = add_bridge_points(actor=None, event=event, hosts=communes_of(tree.province))
    tokens = {p.access_token for p in points}
    assert len(tokens) == 2
    assert all(len(t) >= 32 for t in tokens)


def test_an_event_cannot_end_before_it_starts(tree) -> None:
    with pytest.raises(ValidationError):
        create_event(
            actor=None,
            organiser=tree.province,
            title="Sai giờ",
            starts_at=START,
            ends_at=START - datetime.timedelta(hours=1),
        )


def test_a_commune_sees_the_event_it_hosts_and_no_other(
    tree, event, hoalu_focal_point, other_commune_focal_point, coordinator
) -> None:
    add_bridge_points(actor=None, event=event, hosts=[tree.hoalu])
    assert get_event_for_user(coordinator, event.pk) == event
    assert get_event_for_user(hoalu_focal_point, event.pk) == event
    with pytest.raises(Http404):
        get_event_for_user(other_commune_focal_point, event.pk)


def test_a_retried_attendance_submission_counts_once(tree, event) -> None:
    import uuid

    from hocvuso.events.models import Attendance
    from hocvuso.events.services import report_attendance

    (point,) = add_bridge_points(actor=None, event=event, hosts=[tree.hoalu])
    submission = uuid.uuid4()
    counts = {"officials": 30, "residents": 120}
    assert report_attendance(bridge_point=point, submission_id=submission, counts=counts)
    assert not report_attendance(bridge_point=point, submission_id=submission, counts=counts)
    report_attendance(
        bridge_point=point, submission_id=uuid.uuid4(), counts={"residents": 150}, field="actual"
    )
    rows = {a.category: (a.expected, a.actual) for a in Attendance.objects.all()}
    assert rows == {"officials": (30, None), "residents": (120, 150)}


def test_bad_attendance_is_refused_and_nothing_saved(tree, event) -> None:
    import uuid

    from hocvuso.events.models import Attendance
    from hocvuso.events.services import report_attendance

    (point,) = add_bridge_points(actor=None, event=event, hosts=[tree.hoalu])
    with pytest.raises(ValidationError):
        report_attendance(
            bridge_point=point, submission_id=uuid.uuid4(), counts={"residents": 5, "aliens": 1}
        )
    with pytest.raises(ValidationError):
        report_attendance(bridge_point=point, submission_id=uuid.uuid4(), counts={"residents": -1})
    assert not Attendance.objects.exists()


def test_the_ceremony_comes_from_the_imported_plan(tree) -> None:
    from pathlib import Path

    from hocvuso.events.services import create_event_from_plan
    from hocvuso.plans.importer import read_plan
    from hocvuso.plans.services import create_plan_from_draft

    seed = Path(__file__).resolve().parents[2] / "plans/tests/samples/000_ninh_binh_launch.txt"
    draft = read_plan(seed.read_bytes(), seed.name)
    plan = create_plan_from_draft(actor=None, issuing_unit=tree.province, draft=draft)
    event = create_event_from_plan(actor=None, plan=plan)
    assert event.plan == plan
    assert event.venue == "Hội trường Nhà hát Phạm Thị Trân"
    assert event.mode == "hybrid"
    # Only a window is known (01–10/11/2025): it is kept, never turned into a day.
    assert event.starts_at is None
    assert (event.window_start, event.window_end) == (
        datetime.date(2025, 11, 1),
        datetime.date(2025, 11, 10),
    )
    top = event.quotas.filter(parent=None)
    assert sum(q.count for q in top) == 500
    students = top.get(group="Khối học sinh, sinh viên")
    assert [(c.group, c.count) for c in students.children.all()] == [
        ("Sinh viên", 50),
        ("THPT", 100),
        ("THCS", 50),
    ]
    assert event.program.count() == 8


def test_a_plan_without_a_ceremony_gives_no_event(tree) -> None:
    from hocvuso.events.services import create_event_from_plan
    from hocvuso.plans.services import create_plan

    plan = create_plan(actor=None, issuing_unit=tree.province, kind="other", title="Kế hoạch")
    with pytest.raises(ValidationError, match="không tổ chức"):
        create_event_from_plan(actor=None, plan=plan)


def test_a_programme_longer_than_its_slot_is_flagged(tree) -> None:
    from hocvuso.events.models import ProgramItem
    from hocvuso.events.selectors import programme_overrun

    event = create_event(
        actor=None,
        organiser=tree.province,
        title="Lễ phát động",
        starts_at=START,
        ends_at=START + datetime.timedelta(minutes=90),  # 08:00–09:30
    )
    ProgramItem.objects.create(event=event, position=1, title="Văn nghệ", cap_minutes=15)
    ProgramItem.objects.create(event=event, position=2, title="Phát biểu", duration_minutes=60)
    assert programme_overrun(event) == 0
    ProgramItem.objects.create(event=event, position=3, title="Chuyên đề AI", duration_minutes=30)
    assert programme_overrun(event) == 15
