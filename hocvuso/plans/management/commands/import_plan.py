"""hocvuso import-plan FILE [--unit CODE] [--dry-run] [--json]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hocvuso.core import uploads
from hocvuso.orgunits.models import OrgUnit
from hocvuso.plans.importer import PlanImportError, check_size, read_plan
from hocvuso.plans.importer.matching import UnitIndex


class Command(BaseCommand):
    help = "Đọc một văn bản kế hoạch (.docx, .pdf, .txt) thành bản nháp."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--unit", help="mã đơn vị ban hành (bắt buộc khi lưu)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ đọc, không lưu gì")
        parser.add_argument("--json", action="store_true", help="in bản nháp dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không thấy tệp {path}")
        try:
            check_size(path.stat().st_size)
            data = path.read_bytes()
            # The same checks as an upload through the page (content, zip bounds), then the
            # reader's own (text limit, pages).
            source = SimpleUploadedFile(path.name, data)
            uploads.check_upload(source, uploads.PLAN_SOURCE)
            draft = read_plan(data, path.name)
        except uploads.UploadRefused as exc:
            raise CommandError(exc.messages[0]) from exc
        except PlanImportError as exc:
            raise CommandError(str(exc)) from exc
        unit = self._unit(options["unit"]) if options["unit"] else None
        if unit is not None:
            index = UnitIndex(OrgUnit.objects.get(path=unit.path[: OrgUnit.steplen]))
            names = {t["unit"] for t in draft["tasks"]}
            for activity in draft["activities"]:
                names.update(activity["lead"] + activity["partners"])
            draft["units"] = [index.match(n).as_json() for n in sorted(names)]
        if options["dry_run"]:
            self._print(draft, as_json=options["json"])
            return
        if unit is None:
            raise CommandError("Cần --unit MÃ_ĐƠN_VỊ để lưu bản nháp (hoặc dùng --dry-run).")
        from hocvuso.plans.services import create_plan_from_draft

        plan = create_plan_from_draft(
            actor=None,
            issuing_unit=unit,
            draft=draft,
            source_file=source,
        )
        if options["json"]:
            self._print({"plan": plan.pk, "tasks": plan.tasks.count()}, as_json=True)
        else:
            self.stdout.write(
                f"Đã lưu bản nháp #{plan.pk}: {plan.title} "
                f"({plan.activities.count()} hoạt động, {plan.tasks.count()} nhiệm vụ)."
            )

    def _unit(self, code: str) -> OrgUnit:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã {code}.")
        return unit

    def _print(self, draft: dict[str, Any], *, as_json: bool) -> None:
        shown = {k: v for k, v in draft.items() if k != "source_text"}
        if as_json:
            self.stdout.write(json.dumps(shown, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{shown.get('doc_type', '')} {shown.get('number', '')}: {shown.get('title', '')}"
        )
        self.stdout.write(
            f"{len(shown.get('activities', []))} hoạt động, {len(shown.get('tasks', []))} nhiệm vụ"
        )
        for warning in shown.get("warnings", []):
            self.stdout.write(f"! {warning}")
