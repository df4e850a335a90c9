"""Event reports: the consolidated report at the registration cut-off (.xlsx and .docx) and
the results summary after the ceremony (.docx).

Both documents take their figures from ``selectors.consolidated_report`` and their layout
from ``core.documents``, as the plan exports do. The .docx words are Vietnamese whatever the
reader's interface language: they are administrative documents (Nghị định 30/2020/NĐ-CP).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Length, Mm
from openpyxl import Workbook

from hocvuso.core.documents import (
    BLANK,
    body,
    grid_table,
    header,
    issuer_lines,
    line,
    place_and_date,
    set_properties,
    set_up_page,
    signature_block,
)
from hocvuso.core.tables.writing import TableSheet, new_workbook, workbook_bytes
from hocvuso.events.models import BridgePoint, Event
from hocvuso.events.selectors import (
    ConsolidatedReport,
    ReportPoint,
    ReportRow,
    consolidated_report,
    run_of_show,
)

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

# "connected" in the results: the point joined the ceremony, even if it reported trouble.
CONNECTED = (BridgePoint.Status.CHECKED_IN, BridgePoint.Status.ONLINE, BridgePoint.Status.TROUBLE)


# ---------------------------------------------------------------------------- .xlsx


def consolidated_xlsx(event: Event, report: ConsolidatedReport | None = None) -> bytes:
    """The consolidated report as .xlsx bytes: "Tổng hợp" by level and parent unit with
    totals, "Điểm cầu" one row per bridge point, "Chưa đăng ký" the points late to register.
    Runs no query when given the ``report``; else six, whatever the number of points."""
    report = report or consolidated_report(event)
    workbook = new_workbook(title=event.title)
    _summary_sheet(workbook, event, report)
    _points_sheet(workbook, event, report)
    _late_sheet(workbook, event, report)
    _delegates_sheet(workbook, event, report)
    return workbook_bytes(workbook)


def _people_headers(report: ConsolidatedReport) -> list[tuple[str, int]]:
    headers = []
    for _value, label in report.categories:
        headers.append((_("%(category)s: dự kiến") % {"category": label}, 14))
        headers.append((_("%(category)s: thực tế") % {"category": label}, 14))
    return [*headers, (_("Tổng dự kiến"), 12), (_("Tổng thực tế"), 12)]


def _people_values(
    report: ConsolidatedReport, expected: dict[str, int], actual: dict[str, int]
) -> list[int]:
    values = []
    for value, _label in report.categories:
        values += [expected.get(value, 0), actual.get(value, 0)]
    return [*values, sum(expected.values()), sum(actual.values())]


def _summary_sheet(workbook: Workbook, event: Event, report: ConsolidatedReport) -> None:
    headers = [
        (_("Cấp điểm cầu"), 26),
        (_("Đơn vị cấp trên"), 32),
        (_("Số điểm cầu được mời"), 12),
        (_("Đã đăng ký"), 12),
        (_("Đã có mặt, đang kết nối"), 14),
        (_("Gặp sự cố"), 10),
        *_people_headers(report),
    ]
    sheet = TableSheet(workbook, name=_("Tổng hợp"), title=event.title, columns=headers)

    def append(level: str, row: ReportRow, *, bold: bool = False) -> None:
        figures = [row.points, row.registered, row.present, row.trouble]
        sheet.row(
            [level, row.label, *figures, *_people_values(report, row.expected, row.actual)],
            bold=bold,
        )

    for level in report.levels:
        for row in level.rows:
            append(level.label, row)
        append(_("Cộng: %(level)s") % {"level": level.label}, _blank_label(level.total), bold=True)
    append(_("Tổng cộng"), _blank_label(report.total), bold=True)


def _blank_label(row: ReportRow) -> ReportRow:
    # A totals row names its group in the first column only.
    return ReportRow(
        row.key, "", row.points, row.registered, row.present, row.trouble, row.expected, row.actual
    )


def _points_sheet(workbook: Workbook, event: Event, report: ConsolidatedReport) -> None:
    headers = [
        (_("STT"), 6),
        (_("Đơn vị chủ trì điểm cầu"), 32),
        (_("Cấp"), 22),
        (_("Đơn vị cấp trên"), 28),
        (_("Trạng thái"), 16),
        (_("Người chủ trì"), 24),
        (_("Liên hệ"), 22),
        *_people_headers(report),
    ]
    sheet = TableSheet(workbook, name=_("Điểm cầu"), title=event.title, columns=headers)
    for n, row in enumerate(report.points, start=1):
        point = row.point
        sheet.row(
            [
                n,
                point.host.name,
                row.level_label,
                row.parent_label,
                point.get_status_display(),
                point.chair,
                point.contact,
                *_people_values(report, row.expected, row.actual),
            ]
        )


def _late_sheet(workbook: Workbook, event: Event, report: ConsolidatedReport) -> None:
    headers = [
        (_("STT"), 6),
        (_("Đơn vị chủ trì điểm cầu"), 32),
        (_("Cấp"), 22),
        (_("Đơn vị cấp trên"), 28),
        (_("Trạng thái"), 16),
        (_("Người chủ trì"), 24),
        (_("Liên hệ"), 22),
        (_("Báo cáo số người lúc"), 18),
    ]
    sheet = TableSheet(workbook, name=_("Chưa đăng ký"), title=event.title, columns=headers)
    for n, row in enumerate(report.late, start=1):
        point = row.point
        sheet.row(
            [
                n,
                point.host.name,
                row.level_label,
                row.parent_label,
                point.get_status_display(),
                point.chair,
                point.contact,
                point.reported_at,  # written in local time: Excel has no time zones
            ]
        )


def _delegates_sheet(workbook: Workbook, event: Event, report: ConsolidatedReport) -> None:
    headers = [
        (_("Thành phần"), 32),
        (_("Đã mời"), 12),
        (_("Tham dự"), 12),
        (_("Không tham dự"), 14),
        (_("Chưa trả lời"), 14),
    ]
    sheet = TableSheet(workbook, name=_("Đại biểu"), title=event.title, columns=headers)
    for row in report.delegates.rows:
        sheet.row(list(row))
    sheet.row(_delegate_total(report, _("Tổng cộng")), bold=True)


def _delegate_total(report: ConsolidatedReport, label: str = "Tổng cộng") -> list[object]:
    d = report.delegates
    return [label, d.invited, d.accepted, d.declined, d.pending]


# ---------------------------------------------------------------------------- .docx


def consolidated_docx(event: Event, report: ConsolidatedReport | None = None) -> bytes:
    """The consolidated report as a Vietnamese administrative document, as .docx bytes:
    bridge points and people by level and parent unit with totals, by category, and the
    points that had not registered by the cut-off."""
    report = report or consolidated_report(event)
    document = _document(event, "Tổng hợp điểm cầu và đại biểu tham dự")
    body(
        document,
        f"Thời gian: {_when(event)}." + (f" Địa điểm: {event.venue}." if event.venue else ""),
    )
    if event.registration_closes_at:
        body(document, f"Hạn đăng ký điểm cầu: {_moment(event.registration_closes_at)}.")
    body(document, f"Số liệu tổng hợp lúc {_moment(report.computed_at)}.")
    _heading(document, "I. ĐIỂM CẦU VÀ SỐ NGƯỜI DỰ THEO CẤP")
    _level_table(
        document,
        ["Số điểm cầu", "Đã đăng ký", "Có mặt, kết nối", "Sự cố"],
        report,
        lambda r: [r.points, r.registered, r.present, r.trouble],
        (Mm(57), Mm(18), Mm(18), Mm(18), Mm(16), Mm(19), Mm(19)),
    )
    _heading(document, "II. SỐ NGƯỜI DỰ THEO THÀNH PHẦN")
    _category_table(document, report)
    _heading(document, "III. ĐẠI BIỂU DỰ TẠI ĐIỂM CẦU CHÍNH")
    if report.delegates.rows:
        rows = [list(row) for row in report.delegates.rows]
        rows.append(_delegate_total(report))
        grid_table(
            document,
            ["Thành phần", "Đã mời", "Tham dự", "Không dự", "Chưa trả lời"],
            rows,
            (Mm(65), Mm(25), Mm(25), Mm(25), Mm(25)),
            bold_rows=[len(rows) - 1],
        )
    else:
        body(document, "Chưa mời đại biểu.")
    _heading(document, "IV. ĐIỂM CẦU CHƯA ĐĂNG KÝ ĐÚNG HẠN")
    _point_list(document, report.late, _late_note, "Tất cả điểm cầu đã đăng ký đúng hạn.")
    _tail(document, event)
    return _save(document)


def results_docx(event: Event, report: ConsolidatedReport | None = None) -> bytes:
    """The results summary after the ceremony, as .docx bytes: time and venue, bridge points
    connected of those invited, people actual against expected by category and level, the
    programme as it ran with its over-runs, the launch, and the points that had trouble."""
    report = report or consolidated_report(event)
    document = _document(event, "Kết quả tổ chức")
    _heading(document, "I. THỜI GIAN, ĐỊA ĐIỂM, HÌNH THỨC")
    body(document, f"Thời gian: {_when(event)}.")
    if event.venue:
        body(document, f"Địa điểm: {event.venue}.")
    body(document, f"Hình thức: {event.get_mode_display()}.")
    if event.launch_at:
        body(document, f"Thời điểm khai trương: {_moment(event.launch_at, seconds=True)}.")
    else:
        body(document, "Chưa ghi nhận thời điểm khai trương.")
    _heading(document, "II. ĐIỂM CẦU VÀ SỐ NGƯỜI THAM DỰ")
    connected = sum(row.point.status in CONNECTED for row in report.points)
    body(document, f"Số điểm cầu kết nối: {connected}/{report.total.points} điểm cầu được mời.")
    total = report.total
    body(
        document,
        f"Số người tham dự thực tế: {_number(total.actual_total)}/"
        f"{_number(total.expected_total)} người dự kiến.",
    )
    _level_table(
        document,
        ["Được mời", "Kết nối", "Sự cố"],
        report,
        lambda r: [r.points, r.present + r.trouble, r.trouble],
        (Mm(61), Mm(20), Mm(20), Mm(20), Mm(22), Mm(22)),
    )
    line(document, "", after=0)
    _category_table(document, report)
    _heading(document, "III. CHƯƠNG TRÌNH")
    _programme(document, event)
    _heading(document, "IV. SỰ CỐ TẠI CÁC ĐIỂM CẦU")
    _point_list(document, report.trouble, _trouble_note, "Không có điểm cầu nào báo sự cố.")
    _tail(document, event)
    return _save(document)


def _document(event: Event, subject: str) -> DocxDocument:
    document = Document()
    set_up_page(document)
    plan = event.plan
    issuer = (plan.issuer_name.strip() if plan else "") or event.organiser.name
    today = timezone.localdate()
    place = plan.place if plan else ""
    header(document, issuer_lines(issuer), f"{BLANK}/BC", place_and_date(place, today, year=0))
    line(document, "BÁO CÁO", bold=True, align="center", before=18, after=0)
    line(document, f"{subject} {event.title.strip()}", bold=True, align="center", after=12)
    set_properties(
        document, title=f"{subject} {event.title.strip()}", author=issuer_lines(issuer)[-1]
    )
    return document


def _heading(document: DocxDocument, text: str) -> None:
    line(document, text, bold=True, before=6)


def _level_table(
    document: DocxDocument,
    point_headers: list[str],
    report: ConsolidatedReport,
    figures: Callable[[ReportRow], list[int]],
    widths: Sequence[Length],
) -> None:
    """Each level's total in bold, then its parent units; the grand total last. ``figures``
    gives a row's bridge-point columns; the people expected and present follow. Widths add
    up to the 165 mm between the margins."""
    rows: list[list[object]] = []
    bold = []
    for level in report.levels:
        bold.append(len(rows))
        rows.append([level.label, *figures(level.total), *_people(level.total)])
        rows += [[f"- {row.label}", *figures(row), *_people(row)] for row in level.rows]
    bold.append(len(rows))
    rows.append(["Tổng cộng", *figures(report.total), *_people(report.total)])
    headers = ["Cấp, đơn vị", *point_headers, "Dự kiến", "Thực tế"]
    grid_table(document, headers, rows, widths, bold_rows=bold)


def _people(row: ReportRow) -> list[int]:
    return [row.expected_total, row.actual_total]


def _category_table(document: DocxDocument, report: ConsolidatedReport) -> None:
    total = report.total
    rows: list[Sequence[object]] = [
        [label, total.expected.get(value, 0), total.actual.get(value, 0)]
        for value, label in report.categories
    ]
    rows.append(["Tổng cộng", total.expected_total, total.actual_total])
    grid_table(
        document,
        ["Thành phần", "Dự kiến", "Thực tế"],
        rows,
        (Mm(105), Mm(30), Mm(30)),
        bold_rows=[len(rows) - 1],
    )


def _point_list(
    document: DocxDocument, rows: list[ReportPoint], note: Callable[[ReportPoint], str], none: str
) -> None:
    if not rows:
        body(document, none)
    for n, row in enumerate(rows, start=1):
        body(document, f"{n}. {row.point.host.name} ({row.parent_label}): {note(row)}.")


def _late_note(row: ReportPoint) -> str:
    point = row.point
    if point.status == BridgePoint.Status.INVITED:
        return "chưa đăng ký"
    if point.reported_at:
        return f"đăng ký lúc {_moment(point.reported_at)}"
    return "chưa báo cáo số người dự kiến"


def _trouble_note(row: ReportPoint) -> str:
    point = row.point
    note = point.trouble_note or "không ghi rõ"
    if point.status == BridgePoint.Status.TROUBLE:
        return f"{note} (chưa khắc phục)"
    return f"{note} (đã khắc phục)"


def _programme(document: DocxDocument, event: Event) -> None:
    rows = list(_programme_rows(event))
    if not rows:
        body(document, "Chương trình chưa được nhập.")
        return
    grid_table(
        document,
        [
            "STT",
            "Nội dung",
            "Dự kiến (phút)",
            "Bắt đầu",
            "Kết thúc",
            "Thực tế (phút)",
            "Vượt (phút)",
        ],
        rows,
        (Mm(11), Mm(60), Mm(18), Mm(18), Mm(18), Mm(20), Mm(20)),
    )


def _programme_rows(event: Event) -> Iterator[list[object]]:
    for n, row in enumerate(run_of_show(event), start=1):
        item = row.item
        started, ended = item.started_at, item.ended_at
        yield [
            n,
            item.title,
            row.planned_minutes or "",
            _clock(started),
            _clock(ended),
            row.actual_minutes if started and ended else "",
            row.overrun_minutes if started and ended and row.overrun_minutes else "",
        ]


def _tail(document: DocxDocument, event: Event) -> None:
    plan = event.plan
    signature_block(
        document,
        recipients=["Lưu: VT"],
        signer_title=(plan.signer_title if plan else "") or "TM. BAN TỔ CHỨC",
        signer_name=plan.signer_name if plan else "",
    )


def _save(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _when(event: Event) -> str:
    if event.starts_at is None:
        return event.date_text or "chưa ấn định"
    start = timezone.localtime(event.starts_at)
    text = f"{start:%H:%M} ngày {start:%d/%m/%Y}"
    if event.ends_at:
        end = timezone.localtime(event.ends_at)
        same_day = end.date() == start.date()
        text = f"từ {text} đến {end:%H:%M}" + ("" if same_day else f" ngày {end:%d/%m/%Y}")
    return text


def _moment(moment: datetime.datetime, *, seconds: bool = False) -> str:
    local = timezone.localtime(moment)
    clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    return f"{clock} ngày {local:%d/%m/%Y}"


def _clock(moment: datetime.datetime | None) -> str:
    return f"{timezone.localtime(moment):%H:%M}" if moment else ""


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")
