"""The owner's downloads of a campaign: a spreadsheet of the units-by-channels table as on
the board and the outputs of the window, and every output as CSV, through
``core.tables.writing`` (whatever people typed, a cell is never a formula)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from django.utils.translation import gettext as _
from openpyxl import Workbook

from hocvuso.communications.models import OutputKind
from hocvuso.communications.selectors.board import Board
from hocvuso.core.tables.writing import TableSheet, csv_chunks, new_workbook, workbook_bytes
from hocvuso.orgunits.models import OrgUnit

# A spreadsheet's rows cost: openpyxl writes about 2,500 rows of twelve cells a second on
# this hardware, so 200,000 outputs would take over a minute. Past this many the workbook
# holds the first ones and says so; the CSV (``outputs_csv``) holds them all, streamed.
XLSX_OUTPUTS_LIMIT = 20_000


def output_columns() -> list[tuple[str, float]]:
    return [
        (_("Ngày đăng, phát"), 12),
        (_("Đơn vị"), 30),
        (_("Kênh"), 20),
        (_("Loại sản phẩm"), 16),
        (_("Tiêu đề, nội dung"), 48),
        (_("Đường dẫn"), 40),
        (_("Số lượng"), 10),
        (_("Lượt xem"), 11),
        (_("Lượt chia sẻ"), 11),
        (_("Người tham dự"), 11),
        (_("Có hashtag"), 10),
        (_("Ghi chú"), 30),
    ]


def output_rows(outputs: Iterable[tuple]) -> Iterator[list[object]]:
    """``selectors.board.outputs_in`` rows as a table's: labels for codes, blanks for
    figures nobody gave."""
    kinds = dict(OutputKind.choices)
    yes, no = _("Có"), _("Không")
    for day, unit, channel, kind, text, url, quantity, views, shares, came, tag, note in outputs:
        yield [
            day,
            unit,
            channel,
            str(kinds.get(kind, kind)),
            text,
            url,
            quantity,
            "" if views is None else views,
            "" if shares is None else shares,
            "" if came is None else came,
            yes if tag else no,
            note,
        ]


def board_xlsx(board: Board, outputs: Iterable[tuple]) -> bytes:
    """Two sheets: each unit's outputs by channel (with what they amount to and what it is
    expected to produce) and the totals; then the outputs (``selectors.board.outputs_in``
    rows, at most ``XLSX_OUTPUTS_LIMIT``: ``board.count`` says how many there are). Runs no
    query of its own."""
    campaign, window = board.campaign, board.window
    span = _("từ %(start)s đến %(end)s") % {
        "start": f"{window.start:%d/%m/%Y}",
        "end": f"{window.end:%d/%m/%Y}",
    }
    workbook = new_workbook(title=campaign.title)
    _units_sheet(workbook, board, f"{campaign.title} — {span}")
    title = f"{campaign.title} — {_('Sản phẩm')} {span}"
    if board.count > XLSX_OUTPUTS_LIMIT:
        title += " — " + _(
            "%(shown)s sản phẩm đầu tiên trong tổng số %(total)s: tải tệp CSV để có đủ."
        ) % {"shown": _n(XLSX_OUTPUTS_LIMIT), "total": _n(board.count)}
    sheet = TableSheet(workbook, name=_("Sản phẩm"), title=title, columns=output_columns())
    for row in output_rows(islice(outputs, XLSX_OUTPUTS_LIMIT)):
        sheet.row(row)
    sheet.filter()
    return workbook_bytes(workbook)


def outputs_csv(outputs: Iterable[tuple]) -> Iterator[str]:
    """Every output of the window as CSV, in pieces for a streamed response."""
    header = [label for label, _width in output_columns()]
    days = ([f"{row[0]:%d/%m/%Y}", *row[1:]] for row in output_rows(outputs))
    return csv_chunks(header, days)


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _units_sheet(workbook: Workbook, board: Board, title: str) -> None:
    columns: list[tuple[str, float]] = [(_("Đơn vị"), 36), (_("Loại đơn vị"), 18)]
    for channel in board.channels:
        columns += [
            (f"{channel.name}: {_('sản phẩm')}", 12),
            (f"{channel.name}: {_('số lượng')}", 12),
            (f"{channel.name}: {_('chỉ tiêu')}", 12),
        ]
    columns += [(_("Tổng sản phẩm"), 12), (_("Kênh dưới chỉ tiêu"), 12)]
    sheet = TableSheet(workbook, name=_("Đơn vị × kênh"), title=title, columns=columns)
    kinds = dict(OrgUnit.Kind.choices)
    for row in board.sorted_rows("name"):
        values: list[object] = [row.name, str(kinds.get(row.kind, row.kind))]
        for cell in row.cells:
            values += [cell.count, cell.quantity, cell.expected or ""]
        sheet.row([*values, row.count, row.below])
    totals: list[object] = [_("Tổng cộng"), ""]
    for cell in board.totals:
        totals += [cell.count, cell.quantity, cell.expected or ""]
    sheet.row([*totals, board.count, board.short], bold=True)
    sheet.filter()
