"""Background jobs of reports (django-tasks): thin interfaces over services (STYLE rule 12)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from hocvuso.reports import services


@task()
def send_report_reminders() -> int:
    """Remind the units late with a periodic report; safe to run more than once a day.
    Enqueued daily by ``hocvuso run-scheduler`` or by ``hocvuso send-report-reminders``."""
    return services.send_report_reminders(today=timezone.localdate())
