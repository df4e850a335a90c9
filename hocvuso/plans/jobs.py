"""Background jobs of plans (django-tasks): thin interfaces over services (STYLE rule 12)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from hocvuso.plans import services


@task()
def send_task_reminders() -> dict[str, int]:
    """Today's deadline reminders; safe to run more than once a day. Enqueued daily by
    ``hocvuso run-scheduler`` (settings.SCHEDULED_JOBS) or by ``hocvuso send-task-reminders``."""
    return services.send_task_reminders(today=timezone.localdate())
