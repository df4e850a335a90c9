"""Issue 6: the units late with a report are reminded by a scheduled job — the day after the
deadline, then every few days, never twice on one day."""

from __future__ import annotations

from django.core.management import call_command

from hocvuso.accounts.models import Notification
from hocvuso.reports.models import Report
from hocvuso.reports.services import save_values, submit_report


def october_notices(**where):
    return Notification.objects.filter(subject__contains="Tháng 10/2025", **where)


def test_the_late_are_reminded_the_day_after_the_deadline_then_every_three_days(
    dataset, tree, october, hoalu_focal_point, other_commune_focal_point, time_machine
):
    time_machine.move_to("2025-11-03 08:00 +07:00")
    adults = dataset.members.get(indicator__code="t-adults").indicator_id
    save_values(
        actor=None, dataset=dataset, unit=tree.namhoalu, period=october, values={adults: "9"}
    )
    submit_report(actor=None, report=Report.objects.get())

    time_machine.move_to("2025-11-05 07:30 +07:00")  # the deadline: nobody is late yet
    call_command("send_report_reminders", "--now")
    assert not october_notices().exists()

    time_machine.move_to("2025-11-06 07:30 +07:00")
    call_command("send_report_reminders", "--now")
    call_command("send_report_reminders", "--now")  # twice the same day
    [notice] = october_notices(user=hoalu_focal_point)
    assert "Quá hạn nộp báo cáo “Báo cáo tháng” kỳ Tháng 10/2025" in notice.subject
    assert notice.subject.endswith(": Phường Hoa Lư, Tổ dân phố số 1.")
    # Nam Hoa Lư sent its own report; its village has not.
    [other] = october_notices(user=other_commune_focal_point)
    assert other.subject.endswith(": Thôn Đông.")

    time_machine.move_to("2025-11-08 07:30 +07:00")
    call_command("send_report_reminders", "--now")
    assert october_notices(user=hoalu_focal_point).count() == 1
    time_machine.move_to("2025-11-09 07:30 +07:00")
    call_command("send_report_reminders", "--now")
    assert october_notices(user=hoalu_focal_point).count() == 2


def test_the_scheduler_knows_the_job():
    from django.conf import settings

    assert "hocvuso.reports.jobs.send_report_reminders" in settings.SCHEDULED_JOBS
