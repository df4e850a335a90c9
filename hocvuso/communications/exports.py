"""The owner's spreadsheet of a campaign: the units-by-channels table as on the board, and
every output of the window, through ``core.tables.writing`` (whatever people typed, a cell
is never a formula)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from hocvuso.communications.models import OutputKind
from hocvuso.communications.selectors.board import Board
from hocvuso.core.tables.writing import TableSheet, new_workbook, workbook_bytes
from hocvuso.orgunits.models import OrgUnit


def board_xlsx(board: Board, outputs: Iterable[tuple]) -> bytes:
    """Two sheets: each unit's outputs by channel (with what they amount to and what it is
    expected to produce) and the totals; then the outputs (``selectors.board.outputs_in``
    rows), streamed. Runs no query of its own."""
    campaign, window = board.campaign, board.window
    span = _("từ %(start)s đến %(end)s") % {
        "start": f"{window.start:%d/%m/%Y}",
        "end": f"{window.end:%d/%m/%Y}",
    }
    workbook = new_workbook(title=campaign.title)
    _units_sheet(workbook, board, f"{campaign.title} — {span}")
    _outputs_sheet(workbook, outputs, f"{campaign.title} — {_('Sản phẩm')} {span}")
    return workbook_bytes(workbook)


def _units_sheet(workbook: object, board: Board, title: str) -> None:
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


def _outputs_sheet(workbook: object, outputs: Iterable[tuple], title: str) -> None:
    columns = [
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
    sheet = TableSheet(workbook, name=_("Sản phẩm"), title=title, columns=columns)
    kinds = dict(OutputKind.choices)
    yes, no = _("Có"), _("Không")
    for day, unit, channel, kind, text, url, quantity, views, shares, came, tag, note in outputs:
        sheet.row(
            [
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
        )
    sheet.filter()
