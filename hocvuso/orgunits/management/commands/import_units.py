from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hocvuso.core.tables import ImportRejected
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.services import import_units


class Command(BaseCommand):
    help = "Import units (villages, agencies…) from an Excel or CSV file under a unit. All or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--under", required=True, metavar="CODE", help="code of the parent unit"
        )

    def handle(self, *args: Any, file: Path, under: str, **options: Any) -> None:
        unit = OrgUnit.objects.filter(code=under).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã “{under}”.")
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {file}: {exc.strerror}") from exc
        try:
            result = import_units(actor=None, under=unit, filename=file.name, content=content)
        except ImportRejected as exc:
            raise CommandError("\n".join(str(e) for e in exc.errors)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{result['rows']} rows: {result['created']} created, {result['updated']} updated."
            )
        )
