"""Issue 14 §5: a coordinator writes and corrects plans by hand, in the app — a plan from
scratch, its activities and duties added, edited, moved and removed, a duty reassigned, and a
published plan edited with every change audited and told to the units concerned."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hocvuso.accounts.models import Notification
from hocvuso.core import audit
from hocvuso.core.models import AuditLog
from hocvuso.orgunits.services import create_unit
from hocvuso.plans.models import Activity, Plan, Task
from hocvuso.plans.services import (
    add_activity,
    add_task,
    assign_task_unit,
    create_plan,
    create_plan_from_draft,
    delete_activity,
    move_task,
    publish_plan,
    report_task_progress,
)

OCT_30 = datetime.date(2025, 10, 30)


@pytest.fixture
def published(tree, coordinator, hoalu_focal_point, other_commune_focal_point) -> Plan:
    """A province plan with one activity and a duty for each commune, published (the two
    communes' focal points exist, so they are told)."""
    plan = create_plan(
        actor=coordinator,
        issuing_unit=tree.province,
        kind=Plan.Kind.OTHER,
        title="Kế hoạch Ngày Chuyển đổi số",
        number="12/KH-UBND",
    )
    activity = add_activity(actor=coordinator, plan=plan, title="Tuyên truyền trên loa")
    for unit in (tree.hoalu, tree.namhoalu):
        add_task(
            actor=coordinator,
            plan=plan,
            unit=unit,
            text="Phát thanh hằng tuần",
            activity=activity,
            deadline=OCT_30,
        )
    publish_plan(plan=plan, actor=coordinator)
    Notification.objects.all().delete()  # the publishing news: not what these tests are about
    return plan


def _hoalu_task(plan: Plan) -> Task:
    return plan.tasks.get(unit__name="Phường Hoa Lư")


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _task_data(task: Task, **changes: str) -> dict[str, str]:
    data = {
        "unit_name": task.unit.name,
        "text": task.text,
        "deadline": task.deadline.isoformat() if task.deadline else "",
        **changes,
    }
    return {f"t{task.pk}-{k}": v for k, v in data.items()}


# --- A plan from scratch


def test_coordinator_creates_a_plan_without_a_document(client, tree, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("plans:create")).content.decode()
    assert "Tạo kế hoạch mới" in page
    assert "Tỉnh Ninh Bình" in page  # the issuing units offered
    response = client.post(
        reverse("plans:create"),
        {
            "issuing_unit": tree.province.pk,
            "title": "Kế hoạch phổ cập kỹ năng số năm 2026",
            "kind": Plan.Kind.OTHER,
            "number": "45/KH-UBND",
            "place": "Ninh Bình",
            "issued_on": "2026-01-05",
            "purposes": "Nâng cao kỹ năng số\n\nPhủ sóng VNeID",
            "requirements": "Bám sát cơ sở",
            "period_start": "2026-02-01",
            "period_end": "2026-11-30",
        },
    )
    plan = Plan.objects.get()
    assert response.url == reverse("plans:review", args=[plan.pk])
    assert plan.status == Plan.Status.DRAFT
    assert (plan.issuing_unit, plan.number, plan.place) == (
        tree.province,
        "45/KH-UBND",
        "Ninh Bình",
    )
    assert plan.issued_on == datetime.date(2026, 1, 5)
    assert plan.purposes == ["Nâng cao kỹ năng số", "Phủ sóng VNeID"]
    assert plan.details["period"] == {
        "text": "từ 01/02/2026 đến 30/11/2026",
        "start": "2026-02-01",
        "end": "2026-11-30",
    }
    assert AuditLog.objects.filter(object_type="plans.plan", action="create").exists()
    review = client.get(response.url).content.decode()
    assert "Rà soát bản nháp" in review
    assert "Văn bản gốc" not in review  # no document: no empty source column
    assert "Thêm hoạt động" in review
    assert "Giao thêm nhiệm vụ" in review


def test_a_plans_line_lists_are_stored_without_control_characters(client, tree, coordinator):
    client.force_login(coordinator)
    client.post(
        reverse("plans:create"),
        {
            "issuing_unit": tree.province.pk,
            "title": "Kế hoạch",
            "kind": Plan.Kind.OTHER,
            "purposes": "Nâng cao\x07 kỹ năng số\x9b\n\x1b\n  Phủ sóng VNeID ",
        },
    )
    assert Plan.objects.get().purposes == ["Nâng cao kỹ năng số", "Phủ sóng VNeID"]


def test_plan_list_offers_creating_a_plan_only_to_those_who_may(
    client, coordinator, hoalu_focal_point
):
    client.force_login(coordinator)
    assert reverse("plans:create") in client.get(reverse("plans:list")).content.decode()
    client.force_login(hoalu_focal_point)
    assert reverse("plans:create") not in client.get(reverse("plans:list")).content.decode()
    assert client.get(reverse("plans:create")).status_code == 403


def test_a_draft_in_the_plan_list_opens_where_each_reader_may_go(client, tree, coordinator, viewer):
    drafts = [
        create_plan(actor=coordinator, issuing_unit=tree.province, kind="other", title=f"KH {n}")
        for n in range(3)
    ]
    review, detail = (
        reverse(f"plans:{name}", args=[drafts[0].pk]) for name in ("review", "detail")
    )
    client.force_login(coordinator)
    assert f'href="{review}"' in client.get(reverse("plans:list")).content.decode()
    client.force_login(viewer)
    page = client.get(reverse("plans:list")).content.decode()
    assert f'href="{review}"' not in page, "the review page refuses a viewer"
    assert f'href="{detail}"' in page
    assert client.get(detail).status_code == 200
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("plans:list"))
    create_plan(actor=coordinator, issuing_unit=tree.province, kind="other", title="KH 4")
    with CaptureQueriesContext(connection) as four:
        client.get(reverse("plans:list"))
    assert len(four) == len(three), "no query per plan"


def test_a_new_plan_needs_a_title_and_an_issuer_the_user_may_act_for(client, tree):
    from conftest import make_person

    commune_coordinator = make_person("hoalu_chief", "coordinator", tree.hoalu)
    client.force_login(commune_coordinator)
    response = client.post(
        reverse("plans:create"),
        {
            "issuing_unit": tree.province.pk,  # above the commune: not theirs to issue for
            "title": "\x07 ",
            "kind": Plan.Kind.OTHER,
            "period_start": "2026-03-01",
            "period_end": "2026-02-01",
        },
    )
    form = response.context["form"]
    assert form.errors["issuing_unit"] == [
        "Hãy chọn một đơn vị mà bạn được quyền ban hành kế hoạch."
    ]
    assert form.errors["title"] == ["Trường này là bắt buộc."]
    assert form.errors["period_end"] == ["Ngày kết thúc phải sau ngày bắt đầu."]
    assert not Plan.objects.exists()
    client.post(
        reverse("plans:create"),
        {"issuing_unit": tree.hoalu.pk, "title": "Kế hoạch của phường", "kind": "other"},
    )
    assert Plan.objects.get().issuing_unit == tree.hoalu


# --- Activities


def test_activities_are_added_edited_moved_and_removed_on_the_page(client, tree, coordinator):
    plan = create_plan(actor=coordinator, issuing_unit=tree.province, kind="other", title="KH")
    client.force_login(coordinator)
    add = reverse("plans:activity_add", args=[plan.pk])
    for title in ("Tập huấn", "Ra quân", "Tổng kết"):
        client.post(add, {"new-activity-title": title, "new-activity-lead_name": "Sở KH&CN"})
    assert list(plan.activities.values_list("title", "position", "lead_unit")) == [
        ("Tập huấn", 1, tree.agency.pk),
        ("Ra quân", 2, tree.agency.pk),
        ("Tổng kết", 3, tree.agency.pk),
    ]
    last = plan.activities.get(title="Tổng kết")
    client.post(reverse("plans:activity_move", args=[last.pk]), {"direction": "up"})
    assert list(plan.activities.values_list("title", flat=True)) == [
        "Tập huấn",
        "Tổng kết",
        "Ra quân",
    ]
    first = plan.activities.get(title="Tập huấn")
    client.post(reverse("plans:activity_move", args=[first.pk]), {"direction": "up"})  # no-op
    assert plan.activities.first() == first
    client.post(
        reverse("plans:draft_activity", args=[last.pk]),
        {
            f"a{last.pk}-title": "Sơ kết, tổng kết",
            f"a{last.pk}-starts_on": "2025-12-01",
            f"a{last.pk}-ends_on": "2025-12-15",
            f"a{last.pk}-lead_name": "Phường Hoa Lư",
        },
    )
    last.refresh_from_db()
    assert (last.title, last.lead_unit, last.ends_on) == (
        "Sơ kết, tổng kết",
        tree.hoalu,
        datetime.date(2025, 12, 15),
    )
    edit = AuditLog.objects.filter(object_type="plans.activity", action="update").first()
    assert edit.changes["title"] == ["Tổng kết", "Sơ kết, tổng kết"]  # the old value, not ""
    assert edit.changes["lead_unit"] == [tree.agency.pk, tree.hoalu.pk]
    client.post(reverse("plans:activity_delete", args=[first.pk]))
    assert list(plan.activities.values_list("title", "position")) == [
        ("Sơ kết, tổng kết", 1),
        ("Ra quân", 2),
    ]
    removed = AuditLog.objects.get(object_type="plans.activity", action="delete")
    assert removed.changes["title"] == "Tập huấn"


def test_an_activity_needs_a_title_and_a_lead_of_the_province(client, tree, coordinator):
    plan = create_plan(actor=coordinator, issuing_unit=tree.province, kind="other", title="KH")
    client.force_login(coordinator)
    url = reverse("plans:activity_add", args=[plan.pk])
    response = client.post(url, {"new-activity-title": "  "}, follow=True)
    assert "Tên hoạt động: Trường này là bắt buộc." in _messages(response)
    response = client.post(
        url,
        {"new-activity-title": "Tập huấn", "new-activity-lead_name": "Sở Không Có"},
        follow=True,
    )
    assert _messages(response) == [
        "Không tìm thấy đơn vị “Sở Không Có”; hãy chọn một tên trong danh sách."
    ]
    assert not plan.activities.exists()


def test_removing_an_activity_removes_its_duties_unless_one_has_progress(
    published, coordinator, hoalu_focal_point
):
    activity = published.activities.get()
    report_task_progress(
        actor=hoalu_focal_point, task=_hoalu_task(published), note="Đã phát", status="in_progress"
    )
    with pytest.raises(ValidationError, match="Phường Hoa Lư đã có báo cáo tiến độ"):
        delete_activity(actor=coordinator, activity=activity)
    assert published.tasks.count() == 2
    assert published.activities.exists()
    assert not AuditLog.objects.filter(action="delete").exists()

    fresh = add_activity(actor=coordinator, plan=published, title="Hội thi")
    add_task(actor=coordinator, plan=published, unit=fresh.plan.issuing_unit, text="Chấm thi")
    published.tasks.filter(text="Chấm thi").update(activity=fresh)
    delete_activity(actor=coordinator, activity=fresh)
    assert not published.tasks.filter(text="Chấm thi").exists()
    assert list(AuditLog.objects.filter(action="delete").values_list("object_type", flat=True)) == [
        "plans.activity",
        "plans.task",
    ]  # newest first


# --- Duties


def test_duties_are_added_moved_and_removed_on_the_page(client, tree, coordinator):
    plan = create_plan(actor=coordinator, issuing_unit=tree.province, kind="other", title="KH")
    activity = add_activity(actor=coordinator, plan=plan, title="Ra quân")
    client.force_login(coordinator)
    url = reverse("plans:task_add", args=[plan.pk])
    for unit, text in (("Phường Hoa Lư", "Đến từng nhà"), ("Sở KH&CN", "Hướng dẫn")):
        client.post(
            url,
            {
                "new-task-unit_name": unit,
                "new-task-text": text,
                "new-task-deadline": "2025-10-30",
                "new-task-activity": str(activity.pk),
            },
        )
    assert list(plan.tasks.values_list("unit__name", "text", "position", "activity")) == [
        ("Phường Hoa Lư", "Đến từng nhà", 1, activity.pk),
        ("Sở Khoa học và Công nghệ", "Hướng dẫn", 2, activity.pk),
    ]
    second = plan.tasks.get(text="Hướng dẫn")
    client.post(reverse("plans:task_move", args=[second.pk]), {"direction": "up"})
    assert list(plan.tasks.values_list("text", flat=True)) == ["Hướng dẫn", "Đến từng nhà"]
    assert AuditLog.objects.get(object_type="plans.task", action="update").changes == {
        "position": [2, 1]
    }
    first = plan.tasks.get(text="Đến từng nhà")
    client.post(reverse("plans:draft_task", args=[first.pk]), {"delete": "1"})
    assert list(plan.tasks.values_list("text", flat=True)) == ["Hướng dẫn"]


def test_a_collective_duty_moves_as_one_row(tree, coordinator):
    draft = {
        "kind": "other",
        "title": "Kế hoạch",
        "tasks": [
            {"unit": "UBND các xã, phường", "text": "Treo băng rôn"},
            {"unit": "Sở KH&CN", "text": "Hướng dẫn"},
        ],
    }
    plan = create_plan_from_draft(actor=coordinator, issuing_unit=tree.province, draft=draft)
    assert plan.tasks.filter(text="Treo băng rôn").count() == 2
    move_task(actor=coordinator, task=plan.tasks.get(text="Hướng dẫn"), up=True)
    assert list(plan.tasks.values_list("text", "position")) == [
        ("Hướng dẫn", 1),
        ("Treo băng rôn", 2),
        ("Treo băng rôn", 3),
    ]


def test_a_move_asked_by_htmx_answers_the_list_alone(client, tree, coordinator):
    plan = create_plan(actor=coordinator, issuing_unit=tree.province, kind="other", title="KH")
    one = add_task(actor=coordinator, plan=plan, unit=tree.hoalu, text="Việc một")
    add_task(actor=coordinator, plan=plan, unit=tree.namhoalu, text="Việc hai")
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:task_move", args=[one.pk]),
        {"direction": "down"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="duties">')
    assert body.index("Việc hai") < body.index("Việc một")
    assert "<html" not in body


def test_a_duty_needs_text_and_a_unit_of_the_province(client, tree, coordinator):
    elsewhere = create_unit(actor=None, parent=None, name="Tỉnh Hà Nam", kind="province", code="35")
    stranger = create_unit(actor=None, parent=elsewhere, name="Phường Lam Hạ", kind="commune")
    plan = create_plan(actor=coordinator, issuing_unit=tree.province, kind="other", title="KH")
    client.force_login(coordinator)
    url = reverse("plans:task_add", args=[plan.pk])
    response = client.post(
        url, {"new-task-unit_name": "Phường Hoa Lư", "new-task-text": " "}, follow=True
    )
    assert _messages(response) == ["Nhiệm vụ: Trường này là bắt buộc."]
    response = client.post(
        url, {"new-task-unit_name": "Phường Lam Hạ", "new-task-text": "Việc"}, follow=True
    )
    assert _messages(response) == [
        "Không tìm thấy đơn vị “Phường Lam Hạ”; hãy chọn một tên trong danh sách."
    ]
    response = client.post(
        url,
        {"new-task-unit_name": "Phường Hoa Lư", "new-task-text": "Việc", "new-task-deadline": "x"},
        follow=True,
    )
    assert _messages(response) == ["Hạn: Nhập một ngày hợp lệ."]
    assert not plan.tasks.exists()
    # The service refuses it whoever calls, not only the page.
    with pytest.raises(ValidationError, match="không thuộc tỉnh ban hành"):
        add_task(actor=coordinator, plan=plan, unit=stranger, text="Việc")
    task = add_task(actor=coordinator, plan=plan, unit=tree.hoalu, text="Việc")
    with pytest.raises(ValidationError, match="không thuộc tỉnh ban hành"):
        assign_task_unit(actor=coordinator, task=task, unit=stranger)
    response = client.post(
        reverse("plans:draft_task", args=[task.pk]), _task_data(task, text=""), follow=True
    )
    assert _messages(response) == ["Nhiệm vụ cần có nội dung và đơn vị."]
    task.refresh_from_db()
    assert (task.unit, task.text) == (tree.hoalu, "Việc")


# --- A published plan


def test_reassigning_a_published_duty_tells_both_units_and_is_audited(
    client, published, tree, coordinator, hoalu_focal_point, other_commune_focal_point
):
    task = _hoalu_task(published)
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:draft_task", args=[task.pk]),
        _task_data(task, unit_name="Sở KH&CN"),
        follow=True,
    )
    assert _messages(response) == ["Đã lưu nhiệm vụ."]
    task.refresh_from_db()
    assert task.unit == tree.agency
    row = AuditLog.objects.get(action=AuditLog.Action.TASK_REASSIGNED)
    assert (row.object_id, row.actor) == (str(task.pk), coordinator)
    assert row.changes == {"unit": [tree.hoalu.pk, tree.agency.pk]}
    (entry,) = audit.present([row])
    assert entry.kind == "Chuyển nhiệm vụ sang đơn vị khác"
    assert [(c.label, c.before, c.after) for c in entry.changes] == [
        ("Đơn vị", "Phường Hoa Lư", "Sở Khoa học và Công nghệ")
    ]

    left = Notification.objects.get(user=hoalu_focal_point)
    assert left.subject == "Nhiệm vụ chuyển sang đơn vị khác: Kế hoạch Ngày Chuyển đổi số"
    assert "sang Sở Khoa học và Công nghệ" in left.body
    # The agency has no focal point of its own: the nearest one above it is told (nobody on
    # the province here), and the other commune hears nothing.
    assert not Notification.objects.filter(user=other_commune_focal_point).exists()
    client.force_login(hoalu_focal_point)
    assert client.get(reverse("plans:task", args=[task.pk])).status_code == 404


def test_reassigning_tells_the_new_units_focal_point(published, tree, coordinator):
    from conftest import make_person

    agency_focal = make_person("agency_fp", "focal_point", tree.agency)
    task = _hoalu_task(published)
    assign_task_unit(actor=coordinator, task=task, unit=tree.agency)
    got = Notification.objects.get(user=agency_focal)
    assert got.subject == "Nhiệm vụ mới: Kế hoạch Ngày Chuyển đổi số"
    assert "trước đây của Phường Hoa Lư: Phát thanh hằng tuần (hạn 30/10/2025)" in got.body
    assert got.url == reverse("plans:task", args=[task.pk])


def test_editing_a_published_duty_tells_its_unit_only(
    client, published, coordinator, hoalu_focal_point, other_commune_focal_point
):
    task = _hoalu_task(published)
    client.force_login(coordinator)
    client.post(
        reverse("plans:draft_task", args=[task.pk]),
        _task_data(task, text="Phát thanh hai lần mỗi tuần", deadline="2025-11-15"),
    )
    row = AuditLog.objects.get(object_type="plans.task", action="update")
    assert row.changes == {
        "text": ["Phát thanh hằng tuần", "Phát thanh hai lần mỗi tuần"],
        "deadline": ["2025-10-30", "2025-11-15"],
    }
    told = Notification.objects.get()
    assert told.user == hoalu_focal_point
    assert told.subject == "Nhiệm vụ thay đổi: Kế hoạch Ngày Chuyển đổi số"
    assert "Nay là: Phát thanh hai lần mỗi tuần (hạn 15/11/2025)" in told.body
    # Saving again unchanged writes and tells nothing.
    task.refresh_from_db()
    client.post(reverse("plans:draft_task", args=[task.pk]), _task_data(task))
    assert AuditLog.objects.filter(object_type="plans.task", action="update").count() == 1
    assert Notification.objects.count() == 1


def test_a_published_duty_changed_to_a_time_of_day_is_told_with_the_time(
    client, published, coordinator, hoalu_focal_point
):
    task = _hoalu_task(published)
    client.force_login(coordinator)
    client.post(
        reverse("plans:draft_task", args=[task.pk]), _task_data(task, deadline_time="07:30")
    )
    assert "(hạn 07:30 ngày 30/10/2025)" in Notification.objects.get().body


def test_a_duty_added_to_a_published_plan_reaches_the_unit(
    client, published, coordinator, hoalu_focal_point
):
    client.force_login(coordinator)
    client.post(
        reverse("plans:task_add", args=[published.pk]),
        {"new-task-unit_name": "Phường Hoa Lư", "new-task-text": "Lập danh sách hộ chưa có VNeID"},
    )
    told = Notification.objects.get(user=hoalu_focal_point)
    assert told.subject == "Nhiệm vụ mới: Kế hoạch Ngày Chuyển đổi số"
    assert "giao thêm cho đơn vị bạn phụ trách nhiệm vụ: Lập danh sách hộ" in told.body
    client.force_login(hoalu_focal_point)
    assert "Lập danh sách hộ chưa có VNeID" in client.get(reverse("plans:duties")).content.decode()


def test_removing_a_published_duty_keeps_its_history_and_tells_the_unit(
    client, published, coordinator, hoalu_focal_point
):
    task = _hoalu_task(published)
    client.force_login(coordinator)
    response = client.post(reverse("plans:draft_task", args=[task.pk]), {"delete": "1"})
    assert response.status_code == 302
    assert not Task.objects.filter(pk=task.pk).exists()
    history = AuditLog.objects.filter(object_type="plans.task", object_id=str(task.pk))
    assert list(history.values_list("action", flat=True)) == ["delete", "task_assigned"]
    assert history.first().changes == {
        "unit": task.unit_id,
        "unit_name": "",
        "text": "Phát thanh hằng tuần",
        "deadline": "2025-10-30",
        "status": "not_started",
        "activity": task.activity_id,
    }
    told = Notification.objects.get(user=hoalu_focal_point)
    assert told.subject == "Nhiệm vụ đã được rút lại: Kế hoạch Ngày Chuyển đổi số"
    assert told.url == reverse("plans:duties")


def test_a_duty_with_reported_progress_is_not_deleted(
    client, published, coordinator, hoalu_focal_point
):
    task = _hoalu_task(published)
    report_task_progress(actor=hoalu_focal_point, task=task, note="Đã phát 2 buổi", status="done")
    client.force_login(coordinator)
    page = client.get(reverse("plans:review", args=[published.pk])).content.decode()
    assert "1 đơn vị đã báo cáo tiến độ: sửa hoặc chuyển đơn vị được, không xoá được." in page
    response = client.post(
        reverse("plans:draft_task", args=[task.pk]), {"delete": "1"}, follow=True
    )
    assert _messages(response) == [
        "Nhiệm vụ của Phường Hoa Lư đã có báo cáo tiến độ nên không xoá được (để giữ lịch sử "
        "và minh chứng). Hãy sửa nội dung hoặc chuyển nhiệm vụ sang đơn vị khác."
    ]
    assert task.updates.get().note == "Đã phát 2 buổi"
    assert not AuditLog.objects.filter(action="delete").exists()


def test_editing_a_published_plans_own_fields_is_audited_and_told(
    client, published, coordinator, hoalu_focal_point, other_commune_focal_point
):
    client.force_login(coordinator)
    url = reverse("plans:review", args=[published.pk])
    page = client.get(url).content.decode()
    assert "Sửa kế hoạch" in page
    assert "Ban hành kế hoạch và giao nhiệm vụ" not in page
    response = client.post(
        url,
        {
            "title": "Kế hoạch Ngày Chuyển đổi số năm 2025",
            "kind": "other",
            "number": "12/KH-UBND",
            "period_start": "2025-10-01",
            "period_end": "2025-10-31",
        },
        follow=True,
    )
    assert _messages(response) == ["Đã lưu kế hoạch."]
    published.refresh_from_db()
    assert published.title == "Kế hoạch Ngày Chuyển đổi số năm 2025"
    assert published.status == Plan.Status.PUBLISHED
    row = AuditLog.objects.get(object_type="plans.plan", action="update")
    assert row.changes == {
        "title": ["Kế hoạch Ngày Chuyển đổi số", "Kế hoạch Ngày Chuyển đổi số năm 2025"],
        "period": [None, "từ 01/10/2025 đến 31/10/2025"],
    }
    (entry,) = audit.present([row])
    assert [c.label for c in entry.changes] == ["Trích yếu", "Thời gian thực hiện"]
    told = Notification.objects.order_by("user__username")
    assert [n.user for n in told] == [hoalu_focal_point, other_commune_focal_point]
    assert "vừa được điều chỉnh: trích yếu, thời gian thực hiện" in told[0].body


def test_changing_a_published_activity_tells_the_units_with_duties_under_it(
    client, published, coordinator, hoalu_focal_point, other_commune_focal_point
):
    activity = published.activities.get()
    client.force_login(coordinator)
    client.post(
        reverse("plans:draft_activity", args=[activity.pk]),
        {f"a{activity.pk}-title": "Tuyên truyền trên loa và mạng xã hội"},
    )
    assert Notification.objects.count() == 2
    assert "hoạt động “Tuyên truyền trên loa và mạng xã hội” (tên hoạt động)" in (
        Notification.objects.get(user=hoalu_focal_point).body
    )


def test_a_closed_plan_is_not_edited(client, published, coordinator):
    Plan.objects.filter(pk=published.pk).update(status=Plan.Status.CLOSED)
    client.force_login(coordinator)
    response = client.get(reverse("plans:review", args=[published.pk]))
    assert response.url == reverse("plans:detail", args=[published.pk])
    response = client.post(
        reverse("plans:task_add", args=[published.pk]),
        {"new-task-unit_name": "Phường Hoa Lư", "new-task-text": "Việc"},
        follow=True,
    )
    assert _messages(response) == ["Kế hoạch đã kết thúc; không sửa được nội dung."]
    assert published.tasks.count() == 2


# --- Who may edit


def test_only_the_plans_managers_edit_it(
    client, published, tree, hoalu_focal_point, other_commune_focal_point, viewer
):
    from conftest import make_person

    task, activity = _hoalu_task(published), published.activities.get()
    routes = [
        reverse("plans:review", args=[published.pk]),
        reverse("plans:activity_add", args=[published.pk]),
        reverse("plans:task_add", args=[published.pk]),
        reverse("plans:draft_task", args=[task.pk]),
        reverse("plans:task_move", args=[task.pk]),
        reverse("plans:draft_activity", args=[activity.pk]),
        reverse("plans:activity_move", args=[activity.pk]),
        reverse("plans:activity_delete", args=[activity.pk]),
    ]
    data = {"delete": "1", "new-task-unit_name": "Phường Hoa Lư", "new-task-text": "x"}
    # The duty's own unit sees the plan but does not manage it; so does a viewer of the
    # province, and a commune's coordinator (who manages the commune's plans, not this one).
    commune_coordinator = make_person("hoalu_chief", "coordinator", tree.hoalu)
    before = AuditLog.objects.count()
    for user in (hoalu_focal_point, viewer, commune_coordinator):
        client.force_login(user)
        for url in routes:
            assert client.post(url, data).status_code == 403, (user, url)
    # A commune the plan gives no duty under that activity… sees only its own duty: the
    # other commune's duty is not found.
    client.force_login(other_commune_focal_point)
    assert client.post(routes[3], data).status_code == 404
    assert AuditLog.objects.count() == before
    assert published.tasks.count() == 2
    assert published.activities.count() == 1
    assert not Notification.objects.exists()


# --- Cost


def test_the_editing_page_costs_the_same_for_ten_duties_or_sixty(client, tree, coordinator):
    plan = create_plan(actor=coordinator, issuing_unit=tree.province, kind="other", title="KH")
    activities = [add_activity(actor=coordinator, plan=plan, title=f"Hoạt động {n}") for n in "12"]
    units = [tree.hoalu, tree.namhoalu, tree.agency, tree.hoalu_village, tree.namhoalu_village]

    def grow(n: int) -> None:
        for i in range(n):
            add_task(
                actor=coordinator,
                plan=plan,
                unit=units[i % len(units)],
                text=f"Việc số {plan.tasks.count()}",
                activity=activities[i % 2],
            )

    client.force_login(coordinator)
    url = reverse("plans:review", args=[plan.pk])
    grow(10)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(50)
    add_activity(actor=coordinator, plan=plan, title="Hoạt động 3")
    with CaptureQueriesContext(connection) as big:
        page = client.get(url).content.decode()
    assert "Việc số 59" in page
    assert len(big) == len(small) <= 10, [q["sql"] for q in big.captured_queries]


def test_plan_page_links_managers_to_editing(client, published, coordinator, hoalu_focal_point):
    url = reverse("plans:detail", args=[published.pk])
    client.force_login(coordinator)
    assert reverse("plans:review", args=[published.pk]) in client.get(url).content.decode()
    client.force_login(hoalu_focal_point)
    assert reverse("plans:review", args=[published.pk]) not in client.get(url).content.decode()


def test_a_published_duty_keeps_a_unit(published, coordinator):
    from hocvuso.plans.services import update_draft_task

    task = _hoalu_task(published)
    with pytest.raises(ValidationError, match="phải có đơn vị"):
        update_draft_task(actor=coordinator, task=task, text="x", deadline=None, unit=None)


def test_activity_is_kept_in_its_plan(published, tree, coordinator):
    other = create_plan(actor=coordinator, issuing_unit=tree.province, kind="other", title="Khác")
    foreign = Activity.objects.create(plan=other, title="Ngoài kế hoạch")
    with pytest.raises(ValidationError, match="không thuộc kế hoạch"):
        add_task(actor=coordinator, plan=published, unit=tree.hoalu, text="x", activity=foreign)


def test_a_bad_deadline_on_a_duty_says_what_is_wrong(client, tree, coordinator):
    plan = create_plan(actor=coordinator, issuing_unit=tree.province, kind="other", title="KH")
    task = add_task(actor=coordinator, plan=plan, unit=tree.hoalu, text="Việc", deadline=OCT_30)
    client.force_login(coordinator)
    url = reverse("plans:draft_task", args=[task.pk])
    response = client.post(url, _task_data(task, deadline="", deadline_time="08:00"), follow=True)
    assert _messages(response) == ["Giờ hạn (nếu kế hoạch ghi giờ): Giờ hạn cần đi kèm ngày hạn."]
    response = client.post(url, _task_data(task, deadline="30/13/2025"), follow=True)
    assert _messages(response) == ["Hạn: Nhập một ngày hợp lệ."]
    task.refresh_from_db()
    assert (task.deadline, task.deadline_time) == (OCT_30, None)
