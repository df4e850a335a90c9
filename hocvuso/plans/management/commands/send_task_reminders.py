"""``hocvuso send-task-reminders``: queue today's deadline reminders, or send them now."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from hocvuso.plans.jobs import send_task_reminders


class Command(BaseCommand):
    help = (
        "Queue today's deadline reminders for the task worker (hocvuso db_worker), "
        "or send them at once with --now. Safe to repeat: a duty is reminded once a day."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="Send in this process instead of queueing."
        )

    def handle(self, *args: Any, now: bool, **options: Any) -> None:
        if now:
            sent = send_task_reminders.call()
            self.stdout.write(
                f"Reminded {sent['due_soon']} duties due soon and {sent['overdue']} overdue."
            )
        else:
            result = send_task_reminders.enqueue()
            self.stdout.write(f"Queued send_task_reminders as {result.id}.")
