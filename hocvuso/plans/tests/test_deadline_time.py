"""Issue 14: a duty keeps the time of day its plan gives ("trước 07 giờ 30 ngày 08/5/2025",
seed 001) and is overdue from that time, not from the next day — on the pages, in the API,
in the progress sheet and in the reminders."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from hocvuso.accounts.models import Notification
from hocvuso.plans import selectors
from hocvuso.plans.importer import read_plan
from hocvuso.plans.jobs import send_task_reminders
from hocvuso.plans.models import Plan, Task
from hocvuso.plans.services import create_plan_from_draft, publish_plan

SAMPLES = Path(__file__).parent / "samples"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MAY_8 = datetime.date(2025, 5, 8)
TOTAL = (
    "Tổng hợp số lượng điểm cầu, đại biểu tham dự trong toàn tỉnh, báo cáo UBND tỉnh "
    "trước 07 giờ 30 ngày 08/5/2025"
)


def at(hour: int, minute: int = 0, day: datetime.date = MAY_8) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN)


def launch_draft() -> dict:
    """A draft as the reader writes it once it reads times of day (ISO local date-time)."""
    return {
        "kind": "launch_ceremony",
        "title": "Tổ chức Lễ phát động phong trào “Bình dân học vụ số”",
        "number": "",
        "period": {"start": "2025-05-01", "end": "2025-05-31"},
        "activities": [],
        "tasks": [
            {"unit": "Sở Khoa học và Công nghệ", "text": TOTAL, "deadline": "2025-05-08T07:30"},
            {
                "unit": "Phường Hoa Lư",
                "text": "Báo cáo số đại biểu",
                "deadline": "2025-05-08T07:30",
            },
            {"unit": "Phường Hoa Lư", "text": "Trang trí hội trường", "deadline": "2025-05-08"},
            {"unit": "Phường Hoa Lư", "text": "Tổng kết phong trào", "deadline": None},
        ],
    }


@pytest.fixture
def draft_plan(tree, coordinator) -> Plan:
    return create_plan_from_draft(
        actor=coordinator, issuing_unit=tree.province, draft=launch_draft()
    )


@pytest.fixture
def published(draft_plan, coordinator, hoalu_focal_point) -> Plan:
    return publish_plan(plan=draft_plan, actor=coordinator)


def _duty(plan: Plan, text: str) -> Task:
    return plan.tasks.get(text=text)


def test_a_draft_deadline_with_a_time_of_day_keeps_the_time(draft_plan, tree):
    total = _duty(draft_plan, TOTAL)
    assert total.unit == tree.agency
    assert (total.deadline, total.deadline_time) == (MAY_8, datetime.time(7, 30))
    hall = _duty(draft_plan, "Trang trí hội trường")
    assert (hall.deadline, hall.deadline_time) == (MAY_8, None)
    closing = _duty(draft_plan, "Tổng kết phong trào")
    assert (closing.deadline, closing.deadline_time) == (datetime.date(2025, 5, 31), None)


def test_seed_001s_province_wide_total_is_due_at_0730(tree, coordinator):
    draft = read_plan((SAMPLES / "001_thanh_hoa_launch.txt").read_bytes(), "001.txt")
    (total,) = [task for task in draft["tasks"] if "trước 07 giờ 30" in task["text"]]
    # The lead's reader writes this deadline as an ISO local date-time; set here as it will.
    total["deadline"] = "2025-05-08T07:30"
    plan = create_plan_from_draft(actor=coordinator, issuing_unit=tree.province, draft=draft)
    duty = plan.tasks.get(text=total["text"])
    assert duty.unit == tree.agency
    assert duty.deadline_display() == "07:30 ngày 08/05/2025"
    assert not duty.is_overdue(at(7, 30))
    assert duty.is_overdue(at(7, 31))


def test_a_duty_due_at_0730_is_overdue_from_0731_not_the_next_day(
    client, published, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    overdue_page = reverse("plans:duties") + "?overdue=1"
    with time_machine.travel(at(7, 29), tick=False):
        assert selectors.overdue_tasks_for(hoalu_focal_point, today=at(7, 29)).count() == 0
        assert "Không có nhiệm vụ nào quá hạn." in client.get(overdue_page).content.decode()
        duties = client.get(reverse("plans:duties")).content.decode()
        assert "Hạn 07:30 ngày 08/05/2025" in duties
        assert "· quá hạn" not in duties
    with time_machine.travel(at(7, 31), tick=False):
        late = selectors.overdue_tasks_for(hoalu_focal_point, today=at(7, 31))
        assert [t.text for t in late] == ["Báo cáo số đại biểu"], "the day-only duty is not late"
        page = client.get(overdue_page).content.decode()
        assert "Báo cáo số đại biểu" in page
        assert "Trang trí hội trường" not in page
        assert "· quá hạn" in page
        task = _duty(published, "Báo cáo số đại biểu")
        detail = client.get(reverse("plans:task", args=[task.pk])).content.decode()
        assert "Hạn 07:30 ngày 08/05/2025" in detail
        assert "· quá hạn" in detail


def test_the_follow_up_page_counts_and_filters_overdue_from_the_time(
    client, published, coordinator
):
    client.force_login(coordinator)
    url = reverse("plans:progress", args=[published.pk]) + "?overdue=on"
    with time_machine.travel(at(7, 29), tick=False):
        assert selectors.plan_progress(published, today=at(7, 29)).totals.overdue == 0
        assert "Báo cáo số đại biểu" not in client.get(url).content.decode()
    with time_machine.travel(at(7, 31), tick=False):
        assert selectors.plan_progress(published, today=at(7, 31)).totals.overdue == 2
        page = client.get(url).content.decode()
    assert "Báo cáo số đại biểu" in page
    assert "Tổng hợp số lượng điểm cầu" in page
    assert "Trang trí hội trường" not in page


def test_the_api_gives_the_time_and_the_moment_a_duty_is_late_after(
    client, published, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    with time_machine.travel(at(7, 31), tick=False):
        response = client.get("/api/plans/tasks")
    assert response.status_code == 200
    tasks = [
        (t["text"], t["deadline"], t["deadline_time"], t["due_at"], t["overdue"])
        for t in response.json()["items"]
    ]
    # Same day: the duty with a time of day first, the one due by the day's end after it.
    assert tasks == [
        ("Báo cáo số đại biểu", "2025-05-08", "07:30:00", "2025-05-08T07:30:00+07:00", True),
        ("Trang trí hội trường", "2025-05-08", None, "2025-05-09T00:00:00+07:00", False),
        ("Tổng kết phong trào", "2025-05-31", None, "2025-06-01T00:00:00+07:00", False),
    ]


def test_the_progress_sheet_gives_the_deadlines_time(client, published, coordinator):
    client.force_login(coordinator)
    with time_machine.travel(at(7, 31), tick=False):
        response = client.get(reverse("plans:progress_xlsx", args=[published.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Tiến độ"]
    rows = {row[3].value: row for row in sheet.iter_rows(min_row=4)}
    timed = rows["Báo cáo số đại biểu"]
    assert timed[4].value == datetime.datetime(2025, 5, 8, 7, 30)  # noqa: DTZ001 (Excel has no time zone)
    assert timed[4].number_format != "dd/mm/yyyy", "the time is shown, not only the day"
    assert timed[8].value == "Có"
    day_only = rows["Trang trí hội trường"]
    assert day_only[4].value == datetime.datetime(2025, 5, 8)  # noqa: DTZ001
    assert day_only[4].number_format == "dd/mm/yyyy"
    assert day_only[8].value is None


def _remind_at(moment: datetime.datetime, capture) -> dict[str, int]:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return send_task_reminders.call()


def test_a_duty_due_at_0730_is_due_today_at_0700_and_overdue_at_0731(
    published, hoalu_focal_point, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    # Hoa Lư's two duties of 8 May have a focal point to remind; the agency's has none.
    assert _remind_at(at(7, 0), capture) == {"due_soon": 2, "overdue": 0}
    (soon,) = Notification.objects.filter(user=hoalu_focal_point, subject__contains="sắp đến")
    assert "• Phường Hoa Lư: Báo cáo số đại biểu (hạn 07:30 ngày 08/05/2025 — hôm nay)" in (
        soon.body
    )
    assert "• Phường Hoa Lư: Trang trí hội trường (hạn 08/05/2025 — hôm nay)" in soon.body
    assert _remind_at(at(7, 31), capture) == {"due_soon": 0, "overdue": 1}
    (late,) = Notification.objects.filter(user=hoalu_focal_point, subject__contains="quá hạn")
    assert late.subject == "1 nhiệm vụ đã quá hạn"
    assert "Báo cáo số đại biểu" in late.body
    assert "Trang trí hội trường" not in late.body
    assert _remind_at(at(0, 1, MAY_8 + datetime.timedelta(days=1)), capture) == {
        "due_soon": 0,
        "overdue": 1,
    }, "the day-only duty is late from the next day; the other was reminded yesterday"


def test_the_reminder_job_runs_again_just_after_a_deadline_with_a_time(
    published, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    reruns = DBTaskResult.objects.filter(task_path="hocvuso.plans.jobs.send_task_reminders")
    _remind_at(at(7, 0), django_capture_on_commit_callbacks)
    (rerun,) = reruns
    assert rerun.run_after == at(7, 31)
    assert rerun.status == "READY"
    rerun.delete()
    _remind_at(at(7, 31), django_capture_on_commit_callbacks)
    assert list(reruns.values_list("run_after", flat=True)) == [], (
        "no deadline with a time left today"
    )


def test_the_review_form_takes_a_time_or_an_iso_date_time(client, draft_plan, coordinator, tree):
    client.force_login(coordinator)
    task = _duty(draft_plan, "Trang trí hội trường")
    url = reverse("plans:draft_task", args=[task.pk])
    fields = {f"t{task.pk}-unit_name": "Phường Hoa Lư", f"t{task.pk}-text": task.text}

    client.post(url, {**fields, f"t{task.pk}-deadline": "2025-05-09T14:00"})
    task.refresh_from_db()
    assert (task.deadline, task.deadline_time) == (datetime.date(2025, 5, 9), datetime.time(14))

    client.post(
        url,
        {**fields, f"t{task.pk}-deadline": "2025-05-10", f"t{task.pk}-deadline_time": "16:15"},
    )
    task.refresh_from_db()
    assert (task.deadline, task.deadline_time) == (
        datetime.date(2025, 5, 10),
        datetime.time(16, 15),
    )
    review = client.get(reverse("plans:review", args=[draft_plan.pk])).content.decode()
    assert 'value="16:15"' in review

    refused = client.post(
        url, {**fields, f"t{task.pk}-deadline": "", f"t{task.pk}-deadline_time": "08:00"}
    )
    assert refused.status_code == 302
    task.refresh_from_db()
    assert task.deadline_time == datetime.time(16, 15), "a time without a day is not saved"

    client.post(url, {**fields, f"t{task.pk}-deadline": "2025-05-10"})
    task.refresh_from_db()
    assert (task.deadline, task.deadline_time) == (datetime.date(2025, 5, 10), None)


def test_a_time_of_day_needs_a_day(draft_plan):
    task = _duty(draft_plan, "Tổng kết phong trào")
    task.deadline, task.deadline_time = None, datetime.time(8)
    with pytest.raises(ValidationError, match="Giờ hạn cần đi kèm ngày hạn"):
        task.full_clean()


def test_a_duty_added_by_hand_keeps_the_time_of_day_typed(client, draft_plan, coordinator):
    client.force_login(coordinator)
    client.post(
        reverse("plans:task_add", args=[draft_plan.pk]),
        {
            "new-task-unit_name": "Phường Hoa Lư",
            "new-task-text": "Gửi danh sách đại biểu",
            "new-task-deadline": "2025-05-07",
            "new-task-deadline_time": "16:30",
        },
    )
    task = draft_plan.tasks.get(text="Gửi danh sách đại biểu")
    assert (task.deadline, task.deadline_time) == (
        datetime.date(2025, 5, 7),
        datetime.time(16, 30),
    )
    review = client.get(reverse("plans:review", args=[draft_plan.pk])).content.decode()
    assert 'value="16:30"' in review
