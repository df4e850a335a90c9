"""hocvuso eval-import DIR: precision, recall and F1 of the plan reader against gold files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hocvuso.plans.importer import read_plan
from hocvuso.plans.importer.evaluate import evaluate


class Command(BaseCommand):
    help = "Đo độ chính xác của bộ đọc kế hoạch trên các tệp có bản chuẩn (.gold.json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--misses", action="store_true", help="in từng chỗ sai")

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        if not directory.is_dir():
            raise CommandError(f"Không thấy thư mục {directory}")
        report = evaluate(directory, lambda path: read_plan(path.read_bytes(), path.name))
        if not report.documents:
            raise CommandError(f"Không có tệp nào kèm bản chuẩn .gold.json trong {directory}")
        if options["misses"]:
            for document, field, what, fact in report.misses:
                self.stdout.write(f"{document} {field} {what}: {fact}")
        for line in report.lines():
            self.stdout.write(line)
