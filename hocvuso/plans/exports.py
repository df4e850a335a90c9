"""Plan exports: the plan as a signed document (.docx) and its duties' progress (.xlsx).

The .docx follows the administrative layout of Nghị định 30/2020/NĐ-CP (Phụ lục I) and is
also read back by the plan importer, which takes paragraphs and table cells in document
order. So every logical line is its own paragraph, list marks and roman numerals are plain
text (no Word numbering), the header table reads issuer, "Số:", motto and date in that
order, and the "Nơi nhận" and signature table comes last.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Mm
from openpyxl import Workbook

from hocvuso.core import documents
from hocvuso.core.documents import DOCX_CONTENT_TYPE, XLSX_CONTENT_TYPE, body, line, set_up_page
from hocvuso.core.tables.writing import TableSheet, new_workbook, workbook_bytes
from hocvuso.plans.models import Activity, Plan, Task, TaskUpdate

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

# Re-exported: the plans' views take the content types from here.
__all__ = ["DOCX_CONTENT_TYPE", "XLSX_CONTENT_TYPE", "export_filename", "plan_docx"]

# The words of the document below are not translated: a plan is a Vietnamese administrative
# document whatever language its reader's interface uses.
DEFAULT_DOC_TYPE = "KẾ HOẠCH"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


# ---------------------------------------------------------------------------- .docx


def plan_docx(plan: Plan) -> bytes:
    """The plan laid out as a signed Vietnamese administrative document, as .docx bytes.

    Prints every duty of the plan, whoever asks: the document is addressed to all of its
    units. Callers check that the user may see the plan.
    """
    document = Document()
    set_up_page(document)
    _header(document, plan)
    _title(document, plan)
    for text in _preamble(plan):
        body(document, text)
    sections = [
        ("MỤC ĐÍCH, YÊU CẦU", _aims(plan)),
        ("NỘI DUNG", _contents(plan)),
        ("KINH PHÍ", [("para", plan.budget_source.strip())] if plan.budget_source.strip() else []),
        ("TỔ CHỨC THỰC HIỆN", _implementation(plan)),
    ]
    present = [(heading, lines) for heading, lines in sections if lines]
    for numeral, (heading, lines) in zip(ROMAN, present, strict=False):
        line(document, f"{numeral}. {heading}", bold=True, before=6)
        for kind, text in lines:
            if kind == "item":
                line(document, text, bold=True, indent=Mm(10))
            else:
                body(document, text)
    if closing := _text((plan.details or {}).get("closing")):
        body(document, closing)
    if plan.recipients or plan.signer_name or plan.signer_title:
        _tail(document, plan)
    documents.set_properties(document, title=plan.title, author=_issuer_lines(plan)[-1])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _header(document: DocxDocument, plan: Plan) -> None:
    documents.header(document, _issuer_lines(plan), plan.number.strip(), _place_and_date(plan))


def _issuer_lines(plan: Plan) -> list[str]:
    # A parent body, if any, sits above the issuer on lines of its own, not in bold.
    return documents.issuer_lines(plan.issuer_name.strip() or plan.issuing_unit.name)


def _place_and_date(plan: Plan) -> str:
    # An unsigned draft is dated in the year it was written.
    year = timezone.localtime(plan.created_at).year
    return documents.place_and_date(plan.place, plan.issued_on, year=year)


def _title(document: DocxDocument, plan: Plan) -> None:
    doc_type = _text((plan.details or {}).get("doc_type")) or DEFAULT_DOC_TYPE
    line(document, doc_type, bold=True, align="center", before=18, after=0)
    line(document, plan.title.strip(), bold=True, align="center", after=12)


def _preamble(plan: Plan) -> list[str]:
    written = (plan.details or {}).get("preamble")
    if isinstance(written, list):
        return [text for item in written if (text := _text(item))]
    if text := _text(written):
        return [line.strip() for line in text.splitlines() if line.strip()]
    return [_legal_basis(basis) for basis in plan.legal_bases if isinstance(basis, dict)]


def _legal_basis(basis: dict[str, Any]) -> str:
    parts = ["Căn cứ", _text(basis.get("kind")) or "văn bản", "số", _text(basis.get("number"))]
    if date := _iso_date(basis.get("date")):
        parts += ["ngày", f"{date:%d/%m/%Y}"]
    if issuer := _text(basis.get("issuer")):
        parts += ["của", issuer]
    return " ".join(part for part in parts if part) + ";"


def _aims(plan: Plan) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    for heading, items in (("Mục đích", plan.purposes), ("Yêu cầu", plan.requirements)):
        bullets = [("para", f"- {_sentence(text)}") for item in items if (text := _text(item))]
        if bullets:
            lines += [("item", f"1. {heading}"), *bullets]
    return _renumber(lines)


def _contents(plan: Plan) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    period = (plan.details or {}).get("period")
    if isinstance(period, dict) and (text := _text(period.get("text"))):
        lines.append(("item", f"1. Thời gian thực hiện: {text}"))
    activities = plan.activities.select_related("lead_unit").prefetch_related("partner_units")
    for activity in activities:
        title, description = activity.title.strip(), activity.description.strip()
        # An imported activity's title is the first sentence of its text: print the text once.
        if description.startswith(title.rstrip("…").rstrip()):
            title, description = description or title, ""
        lines.append(("item", f"1. {title}"))
        if description:
            lines.append(("para", description))
        lines += [("para", f"- {label}: {value}") for label, value in _activity_facts(activity)]
    return _renumber(lines)


def _activity_facts(activity: Activity) -> Iterator[tuple[str, str]]:
    if window := activity.window_text.strip() or _window(activity.starts_on, activity.ends_on):
        yield "Thời gian thực hiện", window
    written_units = (activity.plan.details or {}).get("activity_units", {}).get(str(activity.pk))
    if written_units:
        if written_units["lead"]:
            yield "Cơ quan chủ trì", "; ".join(written_units["lead"])
        if written_units["partners"]:
            yield "Cơ quan phối hợp", "; ".join(written_units["partners"])
        if outputs := activity.expected_outputs.strip():
            yield "Sản phẩm dự kiến", outputs
        return
    written = [name.strip() for name in activity.lead_unit_name.split(";") if name.strip()]
    unmatched = [name for item in activity.unmatched_units if (name := _text(item))]
    # The linked unit's full name, unless the document named several leads and only one
    # could be linked: then the names as written, so none is lost.
    leads = [activity.lead_unit.name] if activity.lead_unit and len(written) <= 1 else written
    if not leads:
        # No lead recorded: the names no unit matched are the lead, as on the plan page
        # (the demo's "UBND các xã, phường" lead the door-to-door campaign).
        leads, unmatched = unmatched, []
    partners = [unit.name for unit in activity.partner_units.all()]
    # The importer keeps unmatched leads in unmatched_units too; they are not partners.
    partners += [name for name in unmatched if name not in written]
    if leads:
        yield "Cơ quan chủ trì", "; ".join(leads)
    if partners:
        yield "Cơ quan phối hợp", "; ".join(partners)
    if outputs := activity.expected_outputs.strip():
        yield "Sản phẩm dự kiến", outputs


def _window(starts_on: datetime.date | None, ends_on: datetime.date | None) -> str:
    if starts_on and ends_on and starts_on == ends_on:
        return f"Ngày {starts_on:%d/%m/%Y}"
    if starts_on and ends_on:
        return f"Từ ngày {starts_on:%d/%m/%Y} đến ngày {ends_on:%d/%m/%Y}"
    if starts_on:
        return f"Từ ngày {starts_on:%d/%m/%Y}"
    return f"Đến ngày {ends_on:%d/%m/%Y}" if ends_on else ""


def _implementation(plan: Plan) -> list[tuple[str, str]]:
    """Duties grouped by the unit as the document names it, in order of first duty.

    A collective name ("UBND các xã, phường") gave one duty to each commune: it prints once.
    Duties an activity's lead and partners received ("Chủ trì: …", "Phối hợp: …") are
    printed with the activity.
    """
    groups: dict[str, list[str]] = {}
    for task in plan.tasks.select_related("unit", "activity"):
        if task.activity and task.text in _activity_duty_texts(task.activity):
            continue
        name = task.unit_name.strip() or (task.unit.name if task.unit else "")
        texts = groups.setdefault(name, [])
        if (text := task.text.strip()) and text not in texts:
            texts.append(text)
    lines: list[tuple[str, str]] = []
    for name, texts in groups.items():
        lines.append(("item", f"1. {name}"))
        lines += [("para", f"- {_sentence(text)}") for text in texts]
    return _renumber(lines)


def _activity_duty_texts(activity: Activity) -> tuple[str, str]:
    # As plans.services._activity_duties writes them.
    return f"Chủ trì: {activity.description}", f"Phối hợp: {activity.description}"


def _renumber(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Number the items 1, 2, 3 … in order (they are built with a placeholder "1.")."""
    numbered, n = [], 0
    for kind, text in lines:
        if kind == "item":
            n += 1
            text = f"{n}." + text.split(".", 1)[1]
        numbered.append((kind, text))
    return numbered


def _tail(document: DocxDocument, plan: Plan) -> None:
    documents.signature_block(
        document,
        recipients=[text for item in plan.recipients if (text := _text(item))],
        signer_title=plan.signer_title,
        signer_name=plan.signer_name,
    )


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _sentence(text: str) -> str:
    """The text as printed: the stored text has no final punctuation (see plan-import.md)."""
    return text if re.search(r"[.;:!?…]$", text) else text + "."


def _iso_date(value: object) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


# ---------------------------------------------------------------------------- .xlsx


def progress_xlsx(
    plan: Plan, tasks: QuerySet[Task], *, today: datetime.date | None = None
) -> bytes:
    """The progress of ``tasks`` (already scoped to the user by the caller) as .xlsx bytes:
    one row per duty on "Tiến độ", counts by status per unit on "Tổng hợp".

    Runs one query for the duties, whatever their number.
    """
    # A moment: a duty due at 07:30 is overdue from then (Task.deadline_time).
    today = today or timezone.now()
    latest = TaskUpdate.objects.filter(task=OuterRef("pk")).order_by("-created_at", "-id")
    rows = list(
        tasks.select_related("unit", "activity")
        .annotate(latest_note=Subquery(latest.values("note")[:1]))
        .order_by("position", "id")
    )
    workbook = new_workbook(title=plan.title)
    _progress_sheet(workbook, plan, rows, today)
    _summary_sheet(workbook, plan, rows, today)
    return workbook_bytes(workbook)


def _progress_sheet(workbook: Workbook, plan: Plan, rows: list[Task], today: datetime.date) -> None:
    headers = [
        (_("STT"), 6),
        (_("Đơn vị"), 30),
        (_("Hoạt động"), 30),
        (_("Nhiệm vụ"), 60),
        (_("Hạn"), 12),
        (_("Trạng thái"), 16),
        (_("Ngày hoàn thành"), 14),
        (_("Báo cáo gần nhất"), 50),
        (_("Quá hạn"), 9),
    ]
    sheet = TableSheet(workbook, name=_("Tiến độ"), title=plan.title, columns=headers)
    for n, task in enumerate(rows, start=1):
        sheet.row(
            [
                n,
                _unit_name(task),
                task.activity.title if task.activity else "",
                task.text,
                _deadline_cell(task),
                task.get_status_display(),
                task.done_on,
                task.latest_note or "",
                _("Có") if _overdue(plan, task, today) else "",
            ]
        )
    sheet.filter()


def _summary_sheet(workbook: Workbook, plan: Plan, rows: list[Task], today: datetime.date) -> None:
    statuses = list(Task.Status)
    headers = [
        (_("Đơn vị"), 36),
        *[(str(status.label), 16) for status in statuses],
        (_("Quá hạn"), 10),
        (_("Tổng số"), 10),
    ]
    sheet = TableSheet(workbook, name=_("Tổng hợp"), title=plan.title, columns=headers)
    counts: dict[str, list[int]] = {}
    for task in rows:
        tally = counts.setdefault(_unit_name(task), [0] * (len(statuses) + 2))
        tally[statuses.index(task.status)] += 1
        tally[-2] += _overdue(plan, task, today)
        tally[-1] += 1
    for name, tally in counts.items():
        sheet.row([name, *tally])
    totals = [sum(column) for column in zip(*counts.values(), strict=True)] or [0] * (
        len(statuses) + 2
    )
    sheet.row([_("Tổng cộng"), *totals], bold=True)


def _deadline_cell(task: Task) -> datetime.date | datetime.datetime | None:
    """The deadline as a date cell, or a date-and-time cell when the plan gives a time."""
    if task.deadline is not None and task.deadline_time is not None:
        return datetime.datetime.combine(task.deadline, task.deadline_time)
    return task.deadline


def _unit_name(task: Task) -> str:
    return task.unit.name if task.unit else task.unit_name


def _overdue(plan: Plan, task: Task, today: datetime.date) -> bool:
    # A draft's duties are not running yet, so nothing in it is late.
    return plan.status != Plan.Status.DRAFT and task.is_overdue(today)


# ---------------------------------------------------------------------------- file names


def export_filename(plan: Plan, stem: str, suffix: str) -> str:
    """An ASCII file name from the plan's id and number: ``ke-hoach-12-89-KH-UBND.docx``."""
    return documents.export_filename(plan.pk, stem, suffix, number=plan.number)
