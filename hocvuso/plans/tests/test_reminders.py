"""Focal points are told about their duties: when a plan is published, as a deadline nears
and once it has passed; plus the daily scheduler that queues the reminders."""

from __future__ import annotations

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django_tasks_db.models import DBTaskResult

from conftest import make_person
from hocvuso.accounts.models import Notification
from hocvuso.core.env import env_time
from hocvuso.core.management.commands.run_scheduler import Scheduler, next_run
from hocvuso.core.roles import Role
from hocvuso.orgunits.services import create_unit
from hocvuso.plans.jobs import send_task_reminders
from hocvuso.plans.models import Plan, TaskReminder
from hocvuso.plans.services import add_task, create_plan, publish_plan, report_task_progress

VN = ZoneInfo("Asia/Ho_Chi_Minh")
OCT_30 = datetime.date(2025, 10, 30)


def at(day: datetime.date, hour: int = 7, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN)


@pytest.fixture
def draft(tree, coordinator):
    plan = create_plan(
        actor=coordinator,
        issuing_unit=tree.province,
        kind=Plan.Kind.DX_DAY,
        title="Ngày Chuyển đổi số 2025",
    )
    # Hoa Lư: two duties of its own and one of its residential group, which has no focal point
    # of its own; Nam Hoa Lư: one.
    for unit, text in [
        (tree.hoalu, "Tuyên truyền"),
        (tree.hoalu, "Đi từng ngõ"),
        (tree.hoalu_village, "Họp tổ dân phố"),
        (tree.namhoalu, "Tuyên truyền"),
    ]:
        add_task(actor=coordinator, plan=plan, unit=unit, text=text, deadline=OCT_30)
    return plan


@pytest.fixture
def published(draft, coordinator, hoalu_focal_point, other_commune_focal_point):
    return publish_plan(plan=draft, actor=coordinator)


def _inbox(user, about: str = "") -> list[str]:
    notifications = Notification.objects.filter(user=user, subject__contains=about)
    return [f"{n.subject} | {n.body}" for n in notifications.order_by("id")]


# Publishing


def test_publishing_tells_each_focal_point_how_many_duties_in_app_and_by_email(
    draft,
    coordinator,
    hoalu_focal_point,
    other_commune_focal_point,
    viewer,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_plan(plan=draft, actor=coordinator)
    (hoalu,) = Notification.objects.filter(user=hoalu_focal_point)
    assert hoalu.subject == "Nhiệm vụ mới: Ngày Chuyển đổi số 2025"
    assert "giao 3 nhiệm vụ" in hoalu.body, "its residential group's duty comes to the commune"
    assert hoalu.url == "/plans/duties/"
    assert "giao 1 nhiệm vụ" in _inbox(other_commune_focal_point)[0]
    assert _inbox(coordinator) == []
    assert _inbox(viewer) == []
    assert sorted(m.to[0] for m in mail.outbox) == ["hoalu@example.com", "namhoalu@example.com"]
    assert mail.outbox[0].subject == "Nhiệm vụ mới: Ngày Chuyển đổi số 2025"


def test_a_publication_that_rolls_back_tells_nobody(
    draft, coordinator, hoalu_focal_point, django_capture_on_commit_callbacks
):
    def publish_then_fail() -> None:
        with transaction.atomic():
            publish_plan(plan=draft, actor=coordinator)
            raise RuntimeError("a later step of the same request failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        publish_then_fail()
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_refused_publication_tells_nobody(
    draft, coordinator, hoalu_focal_point, django_capture_on_commit_callbacks
):
    publish_plan(plan=draft, actor=coordinator)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        publish_plan(plan=draft, actor=coordinator)
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_publish_notification_is_written_in_vietnamese_whatever_the_publisher_reads(
    client, draft, coordinator, hoalu_focal_point, settings
):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.post(f"/plans/{draft.pk}/publish/").status_code == 302
    assert _inbox(hoalu_focal_point)[0].startswith("Nhiệm vụ mới:")


# Reminders


def _remind_on(moment: datetime.datetime, capture) -> dict[str, int]:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return send_task_reminders.call()


def test_reminders_before_the_deadline_go_out_once(
    published, hoalu_focal_point, other_commune_focal_point, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert _remind_on(at(datetime.date(2025, 10, 26)), capture) == {"due_soon": 0, "overdue": 0}
    assert _remind_on(at(datetime.date(2025, 10, 27)), capture) == {"due_soon": 4, "overdue": 0}
    (hoalu,) = _inbox(hoalu_focal_point, "sắp đến hạn")
    assert hoalu.startswith("3 nhiệm vụ sắp đến hạn |")
    assert "• Tổ dân phố số 1: Họp tổ dân phố (hạn 30/10/2025)" in hoalu
    assert len(_inbox(other_commune_focal_point, "sắp đến hạn")) == 1
    assert len(mail.outbox) == 2
    assert _remind_on(at(datetime.date(2025, 10, 27), 15), capture) == {
        "due_soon": 0,
        "overdue": 0,
    }, "a second run the same day reminds nobody"
    assert _remind_on(at(datetime.date(2025, 10, 28)), capture)["due_soon"] == 0
    assert len(_inbox(hoalu_focal_point, "sắp đến hạn")) == 1
    assert len(mail.outbox) == 2


def test_overdue_reminders_go_out_once_a_day_at_most_and_repeat_weekly(
    published, hoalu_focal_point, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert _remind_on(at(OCT_30), capture)["overdue"] == 0, "due today is not late yet"
    assert _remind_on(at(datetime.date(2025, 10, 31)), capture)["overdue"] == 4
    assert _remind_on(at(datetime.date(2025, 10, 31), 18), capture)["overdue"] == 0
    assert _remind_on(at(datetime.date(2025, 11, 6)), capture)["overdue"] == 0
    assert _remind_on(at(datetime.date(2025, 11, 7)), capture)["overdue"] == 4
    overdue = Notification.objects.filter(user=hoalu_focal_point, subject__contains="quá hạn")
    assert [n.subject for n in overdue] == ["3 nhiệm vụ đã quá hạn"] * 2
    assert {n.url for n in overdue} == {"/plans/duties/?overdue=1"}


def test_overdue_reminders_can_repeat_daily(
    published, hoalu_focal_point, django_capture_on_commit_callbacks, settings
):
    settings.PLAN_REMINDER_OVERDUE_EVERY_DAYS = 1
    capture = django_capture_on_commit_callbacks
    assert _remind_on(at(datetime.date(2025, 10, 31)), capture)["overdue"] == 4
    assert _remind_on(at(datetime.date(2025, 10, 31), 20), capture)["overdue"] == 0
    assert _remind_on(at(datetime.date(2025, 11, 1)), capture)["overdue"] == 4


def test_done_duties_drafts_and_units_without_a_focal_point_are_not_reminded(
    published, coordinator, tree, hoalu_focal_point, django_capture_on_commit_callbacks
):
    for task in published.tasks.filter(unit=tree.hoalu):
        report_task_progress(actor=hoalu_focal_point, task=task, note="Xong", status="done")
    draft = create_plan(
        actor=coordinator, issuing_unit=tree.province, kind=Plan.Kind.OTHER, title="Nháp"
    )
    add_task(actor=coordinator, plan=draft, unit=tree.hoalu, text="Việc nháp", deadline=OCT_30)
    other = create_plan(
        actor=coordinator, issuing_unit=tree.province, kind=Plan.Kind.OTHER, title="Sở"
    )
    add_task(actor=coordinator, plan=other, unit=tree.agency, text="Việc của sở", deadline=OCT_30)
    publish_plan(plan=other, actor=coordinator)
    sent = _remind_on(at(datetime.date(2025, 10, 28)), django_capture_on_commit_callbacks)
    assert sent == {"due_soon": 2, "overdue": 0}, "the village's and Nam Hoa Lư's duties only"
    reminded = TaskReminder.objects.values_list("task__text", flat=True)
    assert sorted(reminded) == ["Họp tổ dân phố", "Tuyên truyền"]
    # The agency gets a focal point later: its duty, never reminded, is reminded then.
    make_person("skhcn", Role.FOCAL_POINT, tree.agency)
    sent = _remind_on(at(datetime.date(2025, 10, 29)), django_capture_on_commit_callbacks)
    assert sent == {"due_soon": 1, "overdue": 0}


def test_a_duty_is_reminded_at_most_once_per_kind_and_day(published):
    task = published.tasks.first()
    TaskReminder.objects.create(task=task, kind="overdue", sent_on=OCT_30)
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskReminder.objects.create(task=task, kind="overdue", sent_on=OCT_30)


def test_a_long_list_of_duties_is_cut_short_in_the_reminder(
    published, coordinator, tree, hoalu_focal_point, django_capture_on_commit_callbacks
):
    plan = create_plan(
        actor=coordinator, issuing_unit=tree.province, kind=Plan.Kind.OTHER, title="Nhiều việc"
    )
    for n in range(12):
        add_task(actor=coordinator, plan=plan, unit=tree.hoalu, text=f"Việc {n}", deadline=OCT_30)
    publish_plan(plan=plan, actor=coordinator)
    _remind_on(at(datetime.date(2025, 10, 29)), django_capture_on_commit_callbacks)
    (reminder,) = _inbox(hoalu_focal_point, "sắp đến hạn")
    assert reminder.startswith("15 nhiệm vụ sắp đến hạn")
    assert reminder.count("• ") == 10
    assert reminder.endswith("… và 5 nhiệm vụ khác.")


def test_reminding_many_units_takes_a_bounded_number_of_queries(
    published, coordinator, tree, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    plan = create_plan(
        actor=coordinator, issuing_unit=tree.province, kind=Plan.Kind.OTHER, title="Nhiều đơn vị"
    )
    for n in range(15):
        unit = create_unit(actor=None, parent=tree.province, name=f"Xã {n}", kind="commune")
        add_task(actor=coordinator, plan=plan, unit=unit, text="Việc", deadline=OCT_30)
    publish_plan(plan=plan, actor=coordinator)
    # Two focal points, one notification each per kind: queries grow with people, not duties
    # (and, as tests run jobs at once, one more per notification's e-mail job), plus one for
    # the next deadline with a time of day today.
    with django_assert_max_num_queries(15):
        _remind_on(at(datetime.date(2025, 10, 28)), django_capture_on_commit_callbacks)


# The command and the scheduler

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_command_sends_now_or_queues_for_the_worker(
    published, hoalu_focal_point, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = DATABASE_TASKS
    out = StringIO()
    with (
        time_machine.travel(at(datetime.date(2025, 10, 28)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("send_task_reminders", "--now", stdout=out)
    assert "Reminded 4 duties due soon and 0 overdue." in out.getvalue()
    call_command("send_task_reminders", stdout=out)
    # The reminders sent --now queued their e-mails for the worker too.
    queued = DBTaskResult.objects.exclude(
        task_path="hocvuso.accounts.jobs.send_notification_emails"
    ).get()
    assert queued.task_path == "hocvuso.plans.jobs.send_task_reminders"
    assert queued.status == "READY"


# The worker is another process that commits and closes its connections, so this test commits
# too instead of running inside the usual rolled-back transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_queued_reminders_and_emails_them(
    published, hoalu_focal_point, settings
):
    settings.TASKS = DATABASE_TASKS
    result = send_task_reminders.enqueue()
    with time_machine.travel(at(datetime.date(2025, 10, 31)), tick=False):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO())
    queued = DBTaskResult.objects.get(pk=result.id)
    assert queued.status == "SUCCESSFUL"
    assert queued.return_value == {"due_soon": 0, "overdue": 4}
    assert "3 nhiệm vụ đã quá hạn" in [m.subject for m in mail.outbox]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(OCT_30, 6, 59), at(OCT_30, 7)),
        (at(OCT_30, 7), at(datetime.date(2025, 10, 31), 7)),
        (at(OCT_30, 23, 30), at(datetime.date(2025, 10, 31), 7)),
        # 23:30 UTC is already 06:30 the next morning in Việt Nam.
        (
            datetime.datetime(2025, 10, 30, 23, 30, tzinfo=datetime.UTC),
            at(datetime.date(2025, 10, 31), 7),
        ),
    ],
)
def test_the_scheduler_runs_next_at_the_local_time_of_day(now, expected):
    assert next_run(now, datetime.time(7, 0)) == expected


def test_the_scheduler_queues_each_job_once_a_day_and_retries_a_failed_one():
    queued: list[str] = []
    failing = {"down": True}

    def enqueue(path: str) -> None:
        if failing["down"]:
            raise ConnectionError("database away")
        queued.append(path)

    scheduler = Scheduler({"job": datetime.time(7, 0)}, now=at(OCT_30, 6), enqueue=enqueue)
    assert scheduler.seconds_to_sleep(at(OCT_30, 6)) == 60
    assert scheduler.seconds_to_sleep(at(OCT_30, 6, 59) + datetime.timedelta(seconds=50)) == 10
    assert scheduler.run_due(at(OCT_30, 6, 59)) == []
    assert scheduler.run_due(at(OCT_30, 7)) == [], "the database is away: still due"
    failing["down"] = False
    assert scheduler.run_due(at(OCT_30, 7, 1)) == ["job"]
    assert scheduler.run_due(at(OCT_30, 7, 2)) == []
    assert scheduler.due["job"] == at(datetime.date(2025, 10, 31), 7)
    assert queued == ["job"]


def test_the_reminder_time_is_read_as_hh_mm(monkeypatch):
    monkeypatch.setenv("PLAN_REMINDER_TIME", "17:30")
    assert env_time("PLAN_REMINDER_TIME", "07:00") == datetime.time(17, 30)
    monkeypatch.setenv("PLAN_REMINDER_TIME", "7h")
    with pytest.raises(ImproperlyConfigured, match="HH:MM"):
        env_time("PLAN_REMINDER_TIME", "07:00")
