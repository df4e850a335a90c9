"""Writing tables out: .xlsx through openpyxl's write-only mode (rows stream to the file,
so memory stays flat and time linear) and CSV.

Both are safe to open in Excel and LibreOffice whatever people typed: text that starts like
a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return, OWASP's list) is written
as a text cell marked "quote prefix" in .xlsx — never a formula, and Excel keeps it text
when the cell is edited — and with a leading apostrophe in CSV; characters XML cannot hold
(``\\x0b`` from Word, ``\\x07``…) are dropped, where openpyxl would raise. Numbers stay
numbers, negative ones included.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hocvuso.core.tables.text import is_formula_like, safe_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
HEADER_FILL = PatternFill("solid", start_color="DDE5F0")
FIXED_FILL = PatternFill("solid", start_color="F2F2F2")
THIN = Side(style="thin", color="A0A0A0")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
NUMBER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0#"
# A table's rows 1 and 2 hold its title and the time of the figures; the headers are row 3.
HEADER_ROW = 3


def new_workbook(*, title: str = "") -> Workbook:
    workbook = Workbook(write_only=True)
    workbook.properties.title = safe_text(title)[:255] or None
    workbook.properties.creator = "Học vụ số"
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_name(text: str) -> str:
    """A name Excel takes for a sheet: none of []:*?/\\, at most 31 characters."""
    cleaned = "".join(" " if c in "[]:*?/\\'" else c for c in safe_text(text)).strip()
    return cleaned[:31].strip() or "Sheet"


def xlsx_value(value: object) -> object:
    """A value as a cell holds it: text made safe, numbers and dates as they are."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # Excel has no time zones: the local time, as people read it.
        return timezone.localtime(value).replace(tzinfo=None)
    return value


class Sheet:
    """One write-only sheet. Column widths and frozen panes are given when it is made (a
    streamed sheet writes them before its first row); rows then go in order, each value
    made a cell by ``cell``."""

    def __init__(
        self,
        workbook: Workbook,
        name: str,
        *,
        widths: Sequence[float] | dict[int, float] = (),
        freeze: str | None = None,
        row_heights: dict[int, float] | None = None,
        landscape: bool = False,
    ) -> None:
        self.workbook = workbook
        self.ws = workbook.create_sheet(sheet_name(name))
        items = widths.items() if isinstance(widths, dict) else enumerate(widths, start=1)
        for column, width in items:
            self.ws.column_dimensions[get_column_letter(column)].width = width
        if freeze:
            self.ws.freeze_panes = freeze
        for row, height in (row_heights or {}).items():
            self.ws.row_dimensions[row].height = height
        if landscape:
            # Landscape A4, one page wide.
            self.ws.page_setup.orientation = "landscape"
            self.ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
            self.ws.page_setup.fitToWidth, self.ws.page_setup.fitToHeight = 1, 0
            self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.rows = 0  # rows written so far: the next is rows + 1

    def cell(self, value: object, *, style: str | None = None, **styles: Any) -> Cell:
        """``value`` as a cell: text never a formula and free of characters XML forbids;
        ``style`` a named style, ``styles`` openpyxl's (font, fill, border, alignment,
        number_format)."""
        value = xlsx_value(value)
        if isinstance(value, Decimal) and not value.is_finite():
            value = str(value)
        cell = WriteOnlyCell(self.ws, value=value)
        if style is not None:
            cell.style = style
        for attribute, setting in styles.items():
            setattr(cell, attribute, setting)
        if isinstance(value, str):
            # openpyxl reads "=…" as a formula and "#N/A" as an error: text is text.
            cell.data_type = "s"
            if is_formula_like(value):
                cell.quotePrefix = True  # set last: a named style resets it
        return cell

    def append(self, cells: Iterable[object]) -> None:
        """A row; plain values are made cells with ``cell``."""
        row = [c if isinstance(c, Cell) else self.cell(c) for c in cells]
        self.ws.append(row)
        self.rows += 1

    def merge(self, row: int, first_column: int, last_column: int) -> None:
        if last_column > first_column:
            self.ws.merged_cells.add(
                f"{get_column_letter(first_column)}{row}:{get_column_letter(last_column)}{row}"
            )


def _register_styles(workbook: Workbook) -> None:
    """The cell styles of a table, registered on ``workbook`` once."""
    if "hvs-text" in workbook.named_styles:
        return
    formats = {
        "whole": NUMBER_FORMAT,
        "decimal": DECIMAL_FORMAT,
        "date": DATE_FORMAT,
        "datetime": DATETIME_FORMAT,
        "text": "General",
    }
    for kind, number_format in formats.items():
        for weight in ("", "bold"):
            workbook.add_named_style(
                NamedStyle(
                    name=f"hvs-{kind}{weight}",
                    number_format=number_format,
                    border=GRID,
                    alignment=Alignment(vertical="top", wrap_text=kind == "text"),
                    font=Font(bold=bool(weight)),
                )
            )
    workbook.add_named_style(
        NamedStyle(
            name="hvs-header",
            font=Font(bold=True),
            fill=HEADER_FILL,
            border=GRID,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        )
    )


def cell_kind(value: object) -> str:
    if isinstance(value, bool):
        return "text"
    if isinstance(value, int):
        return "whole"
    if isinstance(value, float | Decimal):
        if not math.isfinite(value):  # PostgreSQL's numeric holds NaN
            return "text"
        return "whole" if value == int(value) else "decimal"
    if isinstance(value, datetime.datetime):
        return "datetime"
    if isinstance(value, datetime.date):
        return "date"
    return "text"


class TableSheet(Sheet):
    """The platform's table: its title and the time of its figures above, a bold shaded
    header row (frozen, repeated on every printed page), then ruled rows with numbers
    grouped (1.234), dates as dd/mm/yyyy and text wrapped; landscape A4, one page wide."""

    def __init__(
        self, workbook: Workbook, *, name: str, title: str, columns: Sequence[tuple[str, float]]
    ) -> None:
        super().__init__(
            workbook,
            name,
            widths=[width for _label, width in columns],
            freeze=f"A{HEADER_ROW + 1}",
            landscape=True,
        )
        _register_styles(workbook)
        self.width = len(columns)
        self.ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        moment = timezone.localtime()
        self.append([self.cell(title, font=Font(bold=True, size=14))])
        self.append(
            [
                self.cell(
                    _("Số liệu lúc %(time)s ngày %(date)s")
                    % {"time": f"{moment:%H:%M}", "date": f"{moment:%d/%m/%Y}"},
                    font=Font(italic=True),
                )
            ]
        )
        self.merge(1, 1, self.width)
        self.merge(2, 1, self.width)
        self.append([self.cell(label, style="hvs-header") for label, _width in columns])

    def row(self, values: Iterable[object], *, bold: bool = False) -> None:
        weight = "bold" if bold else ""
        self.append([self.cell(value, style=f"hvs-{cell_kind(value)}{weight}") for value in values])

    def filter(self) -> None:
        """An auto-filter over the header and the rows written."""
        last = get_column_letter(self.width)
        self.ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{max(self.rows, HEADER_ROW + 1)}"


def xlsx_table(
    title: str,
    headers: Sequence[str | tuple[str, float]],
    rows: Iterable[Sequence[object]],
    *,
    bold_rows: Iterable[int] = (),
) -> bytes:
    """One ``TableSheet`` as .xlsx bytes. A header is its label, or (label, column width);
    rows whose index (0 = first row) is in ``bold_rows`` are bold (totals)."""
    workbook = new_workbook(title=title)
    labelled = [h if isinstance(h, tuple) else (h, max(10, min(40, len(h) + 4))) for h in headers]
    sheet = TableSheet(workbook, name=title, title=title, columns=labelled)
    bold = set(bold_rows)
    for n, row in enumerate(rows):
        sheet.row(row, bold=n in bold)
    return workbook_bytes(workbook)


# ---------------------------------------------------------------------------- CSV


def csv_value(value: object) -> object:
    """A value as a CSV cell: text free of control characters, and with an apostrophe in
    front when it starts like a formula (OWASP); numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = safe_text(value)
        return "'" + value if is_formula_like(value) else value
    return value


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, every: int = 1000
) -> Iterator[str]:
    """A CSV file in pieces of ``every`` rows, for a streamed response: a BOM first, so
    that Excel reads it as UTF-8, then the header and the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow([csv_value(h) for h in header])
    for n, row in enumerate(rows, start=1):
        writer.writerow([csv_value(v) for v in row])
        if n % every == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
