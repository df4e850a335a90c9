"""``hocvuso send-report-reminders``: queue today's reminders to units late with a periodic
report, or send them now."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from hocvuso.reports.jobs import send_report_reminders


class Command(BaseCommand):
    help = (
        "Queue today's reminders to units late with a periodic report for the task worker "
        "(hocvuso db_worker), or send them at once with --now. Safe to repeat."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="Send in this process instead of queueing."
        )

    def handle(self, *args: Any, now: bool, **options: Any) -> None:
        if now:
            self.stdout.write(f"Reminded {send_report_reminders.call()} late units.")
        else:
            result = send_report_reminders.enqueue()
            self.stdout.write(f"Queued send_report_reminders as {result.id}.")
