"""``hocvuso run-scheduler``: queue each job of ``settings.SCHEDULED_JOBS`` once a day.

A long-running process (one per site) next to the task worker (``hocvuso db_worker``), which
runs what this queues. Times are wall-clock times in ``TIME_ZONE``. The job paths come from
settings so that ``core`` imports no domain app.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from datetime import time as clock_time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Wake at least this often, so a suspended machine or a clock change is noticed quickly.
MAX_SLEEP_SECONDS = 60


def next_run(after: datetime, at: clock_time) -> datetime:
    """The first moment strictly after ``after`` when the local clock (TIME_ZONE) reads
    ``at``: today if that time is still to come, else tomorrow."""
    today = timezone.localdate(after)
    at = at.replace(second=0, microsecond=0)
    candidate = timezone.make_aware(datetime.combine(today, at))
    if candidate <= after:
        candidate = timezone.make_aware(datetime.combine(today + timedelta(days=1), at))
    return candidate


def enqueue_job(path: str) -> None:
    import_string(path).enqueue()


class Scheduler:
    """When each job is next due; ``run_due`` queues those whose time has come."""

    def __init__(
        self,
        jobs: Mapping[str, clock_time],
        *,
        now: datetime,
        enqueue: Callable[[str], object] = enqueue_job,
    ) -> None:
        self.jobs = dict(jobs)
        self.enqueue = enqueue
        self.due = {path: next_run(now, at) for path, at in self.jobs.items()}

    def run_due(self, now: datetime) -> list[str]:
        """Queue every job due at ``now`` and move it to its next day; a job that fails to
        queue (database away) stays due and is tried again on the next wake."""
        queued = []
        for path, when in self.due.items():
            if when > now:
                continue
            try:
                self.enqueue(path)
            except Exception:
                logger.exception("Could not queue %s; retrying shortly", path)
                continue
            self.due[path] = next_run(now, self.jobs[path])
            queued.append(path)
        return queued

    def seconds_to_sleep(self, now: datetime) -> float:
        soonest = min(self.due.values(), default=now + timedelta(seconds=MAX_SLEEP_SECONDS))
        return max(0.0, min(MAX_SLEEP_SECONDS, (soonest - now).total_seconds()))


class Command(BaseCommand):
    help = (
        "Queue the scheduled jobs (settings.SCHEDULED_JOBS, e.g. deadline reminders at "
        "PLAN_REMINDER_TIME) once a day each. Runs until stopped; needs the task worker."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        scheduler = Scheduler(settings.SCHEDULED_JOBS, now=timezone.now())
        for path, when in scheduler.due.items():
            self.stdout.write(f"{path}: next at {timezone.localtime(when):%Y-%m-%d %H:%M %Z}")
        try:
            while True:
                # The database connection may have idled out since the last wake.
                close_old_connections()
                for path in scheduler.run_due(timezone.now()):
                    when = timezone.localtime(scheduler.due[path])
                    self.stdout.write(f"Queued {path}; next at {when:%Y-%m-%d %H:%M %Z}")
                time.sleep(scheduler.seconds_to_sleep(timezone.now()))
        except KeyboardInterrupt:
            self.stdout.write("Scheduler stopped.")
