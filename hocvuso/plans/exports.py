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
        ("NỘI DUNG", _contents(plan) + _ceremony(plan)),
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
        # A text of several paragraphs prints as one: the reader gives it back whole.
        title, description = (
            " ".join(activity.title.split()),
            " ".join(activity.description.split()),
        )
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


# --- the ceremony a plan organises (its details["event"], as the plan reader wrote it)

MODES = {
    "in_person": "Trực tiếp",
    "online": "Trực tuyến",
    "hybrid": "Trực tiếp kết hợp trực tuyến",
}
PEOPLE_WORD = {"people": "người", "teams": "tổ"}


def _ceremony(plan: Plan) -> list[tuple[str, str]]:
    """Time, mode, venue, who attends where (bridge points, invitee groups, quotas with
    their sub-quotas), the programme with its durations, side activities and the
    registration cut-off, laid out as ceremony plans write them and numbered after the
    contents' items, so that the plan reader gives the same event back."""
    details = plan.details or {}
    event = details.get("event")
    if not isinstance(event, dict):
        return []
    n = sum(1 for kind, _text in _contents(plan) if kind == "item")
    blocks = [
        _ceremony_time(event, details.get("period") or {}),
        [("item", f"Hình thức: {MODES.get(event.get('mode') or '', MODES['hybrid'])}")],
        [("item", f"Địa điểm: {venue}")] if (venue := _text(event.get("venue"))) else [],
        _attendance(event),
        _programme(event),
        _side_activities(event),
        _registration(plan, event),
    ]
    lines: list[tuple[str, str]] = []
    for block in blocks:
        if not block:
            continue
        n += 1
        for kind, text in block:
            if kind == "item":
                text = f"{n}. {text}"
            elif kind == "subitem":
                kind, text = "item", f"{n}.{text}"
            lines.append((kind, text))
    return lines


def _ceremony_time(event: dict[str, Any], period: dict[str, Any]) -> list[tuple[str, str]]:
    """ "Thời gian: 8 giờ 00, ngày 08 tháng 5 năm 2025" — unless the plan's period, printed
    first, already says it; a date that is only a window as written."""
    from hocvuso.plans.importer.dates import parse_datetime

    written = _text(period.get("text"))
    if starts := _text(event.get("starts_at")):
        moment = datetime.datetime.fromisoformat(starts)
        if parse_datetime(written) == moment:
            return []
        return [("item", f"Thời gian: {_moment_words(moment)}")]
    if (text := _text(event.get("date_text"))) and text != written:
        return [("item", f"Thời gian: {text}")]
    return []


def _moment_words(moment: datetime.datetime) -> str:
    return (
        f"{moment.hour} giờ {moment.minute:02d}, ngày {moment.day:02d} tháng {moment.month} "
        f"năm {moment.year}"
    )


def _attendance(event: dict[str, Any]) -> list[tuple[str, str]]:
    """ "Thành phần mời dự": a sub-item per bridge point with its attendees (the quotas under
    the first), or, without bridge points, the invitee groups and the quotas as letters."""
    points = [p for p in event.get("bridge_points") or [] if isinstance(p, dict)]
    groups = [g for g in event.get("delegate_categories") or [] if isinstance(g, dict)]
    quotas = _quota_lines(event)
    if points:
        lines: list[tuple[str, str]] = [("item", "Thành phần mời dự")]
        for k, point in enumerate(points, start=1):
            lines.append(("subitem", f"{k}. Tại {_text(point.get('name'))}"))
            lines += _point_attendees(point, groups)
            if k == 1 and quotas:
                lines += [("para", f"* {_quota_heading(event)}:")]
                lines += [("para", f"+ {text}") for text in quotas]
        return lines
    invitees = [text for item in event.get("invitees") or [] if (text := _text(item))]
    lines = []
    letters = iter("abcdefghiklmnopq")
    grouped = [line for g in groups for line in g.get("invitees") or []]
    if groups and grouped == invitees:
        for group in groups:
            lines.append(("para", f"{next(letters)}) {_text(group.get('name'))}:"))
            lines += [("para", f"- {_sentence(t)}") for t in group.get("invitees") or []]
    elif invitees:
        lines.append(("para", f"{next(letters)}) Đại biểu khách mời:"))
        lines += [("para", f"- {_sentence(text)}") for text in invitees]
    if quotas:
        lines.append(("para", f"{next(letters)}) {_quota_heading(event)}:"))
        lines += [("para", f"- {text}") for text in quotas]
    return [("item", "Thành phần"), *lines] if lines else []


def _point_attendees(point: dict[str, Any], groups: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """A point's attendees; those of an invitee group under the group's heading ("* Đại biểu
    cấp tỉnh:" then "+ …"), a one-line group as "* Đại biểu Trung ương: Mời …"."""
    lines: list[tuple[str, str]] = []
    printed: set[int] = set()
    for attendee in point.get("attendees") or []:
        text = _text(attendee)
        group = next(
            (
                (n, g)
                for n, g in enumerate(groups)
                if text in (g.get("invitees") or [])
                or text == f"{_text(g.get('name'))}: {' '.join(g.get('invitees') or [])}"
            ),
            None,
        )
        if group is None:
            lines.append(("para", f"- {_sentence(text)}"))
        elif text.startswith(f"{_text(group[1].get('name'))}:"):
            lines.append(("para", f"* {_sentence(text)}"))
            printed.add(group[0])
        else:
            if group[0] not in printed:
                lines.append(("para", f"* {_text(group[1].get('name'))}:"))
                printed.add(group[0])
            lines.append(("para", f"+ {_sentence(text)}"))
    return lines


def _quota_heading(event: dict[str, Any]) -> str:
    total = event.get("quota_total")
    return f"Lực lượng huy động (khoảng {total} người)" if total else "Lực lượng huy động"


def _quota_lines(event: dict[str, Any]) -> list[str]:
    """ "Khối học sinh, sinh viên: 200 người (Sinh viên: 50 người; THPT: 100 người)", a
    quota shared by unit with its rate ("thuộc các phường A, B; mỗi phường 25 người")."""
    units = event.get("count_units") or {}
    shares = {s.get("group"): s for s in event.get("quota_shares") or [] if isinstance(s, dict)}

    def amount(group: str, count: object) -> str:
        return f"{count} {PEOPLE_WORD.get(units.get(group) or 'people', 'người')}"

    lines = []
    for quota in event.get("quotas") or []:
        if not isinstance(quota, dict) or not _text(quota.get("group")):
            continue
        group = _text(quota["group"])
        text = f"{group}: {amount(group, quota.get('count'))}"
        subs = [s for s in quota.get("sub") or [] if isinstance(s, dict)]
        if subs:
            parts = "; ".join(f"{s['group']}: {amount(s['group'], s.get('count'))}" for s in subs)
            text += f" ({parts})"
        elif share := shares.get(group):
            kind = _text(share.get("kind"))
            names = [
                _text(part.get("unit"))[len(kind) :].strip() or _text(part.get("unit"))
                for part in share.get("shares") or []
            ]
            each = f"{share.get('each')} {PEOPLE_WORD.get(share.get('count_unit'), 'người')}"
            text += f" (thuộc các {kind} {', '.join(names)}; mỗi {kind} {each})"
        lines.append(f"{text}.")
    return lines


def _programme(event: dict[str, Any]) -> list[tuple[str, str]]:
    items = [p for p in event.get("program") or [] if isinstance(p, dict) and _text(p.get("title"))]
    if not items:
        return []
    heading = "Nội dung chương trình"
    if start := _text(event.get("program_start")):
        heading += f": Thời gian dự kiến, từ {_clock_words(start)}"
        if end := _text(event.get("program_end")):
            heading += f" đến {_clock_words(end)}"
    lines = [("item", heading)]
    for item in items:
        low, high = item.get("min_minutes"), item.get("cap_minutes")
        duration = ""
        if low and high:
            duration = f" (thời lượng {low} - {high} phút)"
        elif high:
            duration = f" (không quá {high} phút)"
        lines.append(("para", f"- {_text(item['title'])}{duration}."))
    return lines


def _clock_words(hhmm: str) -> str:
    hour, _sep, minute = hhmm.partition(":")
    return f"{int(hour)} giờ {minute or '00'}"


def _side_activities(event: dict[str, Any]) -> list[tuple[str, str]]:
    titles = [
        text
        for item in event.get("side_activities") or []
        if isinstance(item, dict) and (text := _text(item.get("title")))
    ]
    if not titles:
        return []
    return [("item", "Hoạt động bên lề"), *[("para", f"- {_sentence(t)}") for t in titles]]


def _registration(plan: Plan, event: dict[str, Any]) -> list[tuple[str, str]]:
    """The registration cut-off, unless a duty printed below already gives it."""
    from hocvuso.plans.importer.ceremony import registration_deadline

    deadline = _text(event.get("registration_deadline"))
    if not deadline or registration_deadline(plan.tasks.values_list("text", flat=True)) == deadline:
        return []
    moment = datetime.datetime.fromisoformat(deadline)
    when = f"ngày {moment:%d/%m/%Y}"
    if "T" in deadline:
        when = f"{moment.hour} giờ {moment.minute:02d} {when}"
    return [
        (
            "item",
            f"Đăng ký tham dự: Các điểm cầu báo cáo danh sách và số lượng người tham dự "
            f"trước {when}.",
        )
    ]


def _implementation(plan: Plan) -> list[tuple[str, str]]:
    """Duties grouped by the unit as the document names it, in order of first duty.

    A collective name ("UBND các xã, phường") gave one duty to each commune: it prints once.
    Duties an activity's lead and partners received ("Chủ trì: …", "Phối hợp: …") are
    printed with the activity.
    """
    groups: dict[str, list[tuple[str, str]]] = {}
    # The units each (name, text) was printed for: the same name and text for another unit
    # is the collective duty again; for the same unit, a duty the plan gives twice.
    printed: dict[tuple[str, str], set[int | None]] = {}
    period_end = _iso_date(((plan.details or {}).get("period") or {}).get("end"))
    for task in plan.tasks.select_related("unit", "activity"):
        if task.activity and task.text in _activity_duty_texts(task.activity):
            continue
        name = task.unit_name.strip() or (task.unit.name if task.unit else "")
        if not (text := " ".join(task.text.split())):
            continue
        units = printed.setdefault((name, text), set())
        if units and task.unit_id not in units:
            continue
        units.add(task.unit_id)
        groups.setdefault(name, []).append((text, _deadline_line(task, period_end)))
    lines: list[tuple[str, str]] = []
    for name, texts in groups.items():
        lines.append(("item", f"1. {name}"))
        for text, deadline in texts:
            lines.append(("para", f"- {_sentence(text)}"))
            if deadline:
                lines.append(("para", deadline + "."))
    return _renumber(lines)


def _activity_duty_texts(activity: Activity) -> tuple[str, str]:
    # As plans.services._activity_duties writes them.
    return f"Chủ trì: {activity.description}", f"Phối hợp: {activity.description}"


def _deadline_line(task: Task, period_end: datetime.date | None) -> str:
    """The duty's deadline as a line of its own below it ("Thời hạn hoàn thành: trước 07 giờ
    30 ngày 08/05/2025"), which the reader gives back to the duty; nothing when its text
    already says it or it is the plan's end (which a duty without a date takes anyway)."""
    from hocvuso.plans.importer.dates import find_deadline_moment

    deadline, at = task.deadline, task.deadline_time
    if deadline is None or (deadline == period_end and at is None):
        return ""
    written = find_deadline_moment(task.text) or ""
    if written[:10] == deadline.isoformat():
        return ""
    when = f"{at:%H} giờ {at:%M} ngày" if at else "ngày"
    return f"Thời hạn hoàn thành: trước {when} {deadline:%d/%m/%Y}"


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
