"""Background jobs of plans (django-tasks): thin interfaces over services (STYLE rule 12)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import task

from hocvuso.plans import services

# How long after a deadline with a time of day the reminders run again: a duty due at 07:30
# is reminded as overdue that morning, not at the next day's run.
RERUN_AFTER = datetime.timedelta(minutes=1)


@task()
def send_task_reminders() -> dict[str, int]:
    """Now's deadline reminders; safe to run more than once a day. Enqueued daily by
    ``hocvuso run-scheduler`` (settings.SCHEDULED_JOBS) or by ``hocvuso send-task-reminders``,
    and by itself for just after the next deadline with a time of day today, where the task
    backend can defer a job (the database backend can)."""
    now = timezone.now()
    sent = services.send_task_reminders(now=now)
    due = services.next_timed_deadline(now=now)
    if due is not None and send_task_reminders.get_backend().supports_defer:
        send_task_reminders.using(run_after=due + RERUN_AFTER).enqueue()
    return sent
