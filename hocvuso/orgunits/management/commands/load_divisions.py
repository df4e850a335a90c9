from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hocvuso.orgunits.services import load_divisions


class Command(BaseCommand):
    help = "Load Vietnam's 34 provinces and 3,321 communes/wards (or one province). Re-runnable."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", metavar="CODE", help="official province code, e.g. 37")

    def handle(self, *args: Any, province: str | None = None, **options: Any) -> None:
        try:
            counts = load_divisions(actor=None, province_code=province)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Divisions loaded: {counts['created']} created, {counts['updated']} updated."
            )
        )
