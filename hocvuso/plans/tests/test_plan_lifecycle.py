"""A plan becomes tracked duties: draft → published; each unit sees and reports its own."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from hocvuso.core import roles as R
from hocvuso.core.models import AuditLog
from hocvuso.plans import selectors
from hocvuso.plans.models import Plan, Task
from hocvuso.plans.services import (
    add_activity,
    add_task,
    create_plan,
    publish_plan,
    report_task_progress,
)

OCT_30 = datetime.date(2025, 10, 30)


@pytest.fixture
def plan(tree, coordinator):
    """Seed 003's door-to-door activity: led by the communes, coordinated by Sở KH&CN."""
    plan = create_plan(
        actor=coordinator,
        issuing_unit=tree.province,
        kind=Plan.Kind.DX_DAY,
        title="Tổ chức Ngày Chuyển đổi số Quốc gia (10/10) năm 2025",
        number="",
        place="Ninh Bình",
    )
    activity = add_activity(
        actor=coordinator,
        plan=plan,
        title="Đi từng ngõ, gõ từng nhà",
        starts_on=datetime.date(2025, 10, 1),
        ends_on=OCT_30,
        lead_unit=tree.hoalu,
        partner_units=[tree.agency],
    )
    for unit in (tree.hoalu, tree.namhoalu):
        add_task(
            actor=coordinator,
            plan=plan,
            unit=unit,
            activity=activity,
            text="Chỉ đạo Tổ công nghệ số cộng đồng đi từng ngõ, gõ từng nhà.",
            deadline=OCT_30,
        )
    return plan


def test_draft_is_seen_only_inside_the_issuing_unit(plan, coordinator, hoalu_focal_point):
    assert list(selectors.plans_visible_to(coordinator)) == [plan]
    assert list(selectors.plans_visible_to(hoalu_focal_point)) == []
    assert list(selectors.tasks_visible_to(hoalu_focal_point)) == []


def test_published_plan_reaches_each_unit_with_only_its_own_duty(
    plan, coordinator, hoalu_focal_point, other_commune_focal_point
):
    publish_plan(plan=plan, actor=coordinator)
    assert list(selectors.plans_visible_to(hoalu_focal_point)) == [plan]
    own = list(selectors.tasks_visible_to(hoalu_focal_point))
    assert [t.unit for t in own] == [plan.tasks.get(unit__name="Phường Hoa Lư").unit]
    other_task = plan.tasks.get(unit__name="Phường Nam Hoa Lư")
    with pytest.raises(Http404):
        selectors.get_task_for_user(hoalu_focal_point, other_task.pk)
    assert len(selectors.tasks_visible_to(coordinator)) == 2


def test_publishing_is_audited_and_a_closed_plan_is_frozen(plan, coordinator, tree):
    publish_plan(plan=plan, actor=coordinator)
    assert AuditLog.objects.filter(
        object_type="plans.plan",
        action="plan_published",
        changes__status=["draft", "published"],
    ).exists()
    with pytest.raises(ValidationError, match="đã ban hành"):
        publish_plan(plan=plan, actor=coordinator)
    # A published plan is edited by hand (test_hand_editing); a closed one is the record.
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CLOSED)
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="đã kết thúc"):
        add_task(actor=coordinator, plan=plan, unit=tree.hoalu, text="Thêm")


def test_focal_point_reports_progress_with_evidence_and_marks_done(
    plan, coordinator, hoalu_focal_point
):
    publish_plan(plan=plan, actor=coordinator)
    task = selectors.get_task_for_user(hoalu_focal_point, _own(plan).pk, roles=R.REPORT_TASKS)
    photo = SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff" + b"0" * 100, content_type="image/jpeg")
    report_task_progress(
        actor=hoalu_focal_point,
        task=task,
        note="Đã hướng dẫn 120 hộ tại 4 tổ dân phố.",
        status=Task.Status.DONE,
        files=[photo],
        today=datetime.date(2025, 10, 20),
    )
    task.refresh_from_db()
    assert task.status == "done"
    assert task.done_on == datetime.date(2025, 10, 20)
    assert task.updates.get().evidence.get().original_name == "anh.jpg"
    assert not task.is_overdue(datetime.date(2025, 11, 5))


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [("virus.exe", 10, "không được nhận"), ("video.mp4", 11 * 1024 * 1024, "lớn quá 10 MB")],
)
def test_bad_evidence_is_refused_and_nothing_is_saved(
    plan, coordinator, hoalu_focal_point, name, size, message
):
    publish_plan(plan=plan, actor=coordinator)
    upload = SimpleUploadedFile(name, b"0" * size)
    with pytest.raises(ValidationError, match=message):
        report_task_progress(
            actor=hoalu_focal_point, task=_own(plan), note="x", status="in_progress", files=[upload]
        )
    assert not _own(plan).updates.exists()


@pytest.mark.parametrize(
    ("persona", "refusal"),
    [("viewer", PermissionDenied), ("team_member", Http404)],  # a village member: not in scope
)
def test_read_only_roles_cannot_report(plan, coordinator, request, persona, refusal):
    publish_plan(plan=plan, actor=coordinator)
    user = request.getfixturevalue(persona)
    with pytest.raises(refusal):
        selectors.get_task_for_user(user, _own(plan).pk, roles=R.REPORT_TASKS)


def test_overdue_list_after_the_deadline_passes(plan, coordinator):
    publish_plan(plan=plan, actor=coordinator)
    assert list(selectors.overdue_tasks_for(coordinator, today=OCT_30)) == []
    late = selectors.overdue_tasks_for(coordinator, today=OCT_30 + datetime.timedelta(days=1))
    assert sorted(t.unit.name for t in late) == ["Phường Hoa Lư", "Phường Nam Hoa Lư"]


def test_activity_window_must_be_ordered(plan, coordinator):
    with pytest.raises(ValidationError):
        add_activity(
            actor=coordinator,
            plan=plan,
            title="Ngược",
            starts_on=OCT_30,
            ends_on=datetime.date(2025, 10, 1),
        )


def test_plan_of_another_commune_is_not_found(tree, hoalu_focal_point, other_commune_focal_point):
    plan = create_plan(
        actor=other_commune_focal_point,
        issuing_unit=tree.namhoalu,
        kind=Plan.Kind.OTHER,
        title="Kế hoạch của phường Nam Hoa Lư",
    )
    with pytest.raises(Http404):
        selectors.get_plan_for_user(hoalu_focal_point, plan.pk)
    publish_plan(plan=plan, actor=other_commune_focal_point)
    with pytest.raises(Http404):
        selectors.get_plan_for_user(hoalu_focal_point, plan.pk)


def _own(plan: Plan) -> Task:
    return plan.tasks.get(unit__name="Phường Hoa Lư")
