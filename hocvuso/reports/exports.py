"""Downloads of the reports app: tables as .xlsx, and the results report ("Báo cáo kết quả")
as .docx and PDF.

The spreadsheets take their layout from ``core.documents`` like every other export; the
results report is laid out once (``reports.results``) and drawn by ``core.documents`` for
Word and by ``core.pdf`` for PDF, so the two files say the same thing.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, NamedStyle

from hocvuso.core.documents import (
    DATE_FORMAT,
    GRID,
    NUMBER_FORMAT,
    finish_sheet,
    header_row,
    sheet_heading,
)

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.shared import Length

    from hocvuso.reports.results import Block, ResultsReport
    from hocvuso.reports.selectors import Completeness

# ---------------------------------------------------------------------------- tables


def xlsx_table(
    title: str,
    headers: Sequence[str | tuple[str, int]],
    rows: Iterable[Sequence[object]],
    *,
    bold_rows: Iterable[int] = (),
) -> bytes:
    """One sheet: ``title`` and the time of the figures, then a header row and ``rows``.
    A header is its label, or (label, column width). Numbers are right-aligned with
    thousands grouped, dates read as dd/mm/yyyy; rows whose index (0 = first row) is in
    ``bold_rows`` are bold (totals)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_name(title)
    labelled = [h if isinstance(h, tuple) else (h, max(10, min(40, len(h) + 4))) for h in headers]
    sheet_heading(sheet, title, len(labelled))
    header_row(sheet, labelled)
    bold = set(bold_rows)
    # A named style per kind of cell, set in one assignment.
    styles = _cell_styles(workbook)
    # Cells made one by one: append() and sheet[row] each work out the sheet's size by
    # walking every cell written so far, which made a 2,000-row pivot take 7 s.
    first = sheet.max_row + 1
    for n, row in enumerate(rows):
        weight = "bold" if n in bold else ""
        for column, value in enumerate(row, start=1):
            if isinstance(value, Decimal):
                value = float(value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                kind = "whole" if float(value).is_integer() else "decimal"
            elif isinstance(value, datetime.date):
                kind = "date"
            else:
                kind = "text"
            cell = sheet.cell(row=first + n, column=column, value=value)
            cell.style = styles[kind + weight]
    finish_sheet(sheet)
    workbook.properties.title = title
    workbook.properties.creator = "Học vụ số"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_styles(workbook: Workbook) -> dict[str, str]:
    """Register the table's cell styles on ``workbook``; their names by kind of cell."""
    formats = {
        "whole": NUMBER_FORMAT,
        "decimal": "#,##0.0#",
        "date": DATE_FORMAT,
        "text": "General",
    }
    names = {}
    for kind, number_format in formats.items():
        for weight in ("", "bold"):
            style = NamedStyle(
                name=f"hvs-{kind}{weight}",
                number_format=number_format,
                border=GRID,
                alignment=Alignment(vertical="top", wrap_text=kind == "text"),
                font=Font(bold=bool(weight)),
            )
            workbook.add_named_style(style)
            names[kind + weight] = style.name
    return names


def _sheet_name(title: str) -> str:
    # Excel refuses these characters in a sheet name, and more than 31 of any.
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return cleaned[:31] or "Sheet"


# ---------------------------------------------------------------------------- completeness


def completeness_xlsx(completeness: Completeness) -> bytes:
    """Who has sent a form for a period under a unit, as on the form's page: one row per
    child unit (or assigned unit), then the total. Runs no query."""
    c = completeness
    title = _("%(form)s — %(unit)s — %(period)s (hạn nộp %(deadline)s)") % {
        "form": c.dataset.name,
        "unit": c.unit.name,
        "period": c.period.label,
        "deadline": c.deadline.strftime("%d/%m/%Y"),
    }
    headers = [
        (_("Đơn vị"), 40),
        (_("Trạng thái"), 20),
        (_("Phải nộp"), 11),
        (_("Đúng hạn"), 11),
        (_("Muộn"), 11),
        (_("Đã duyệt"), 11),
        (_("Bị trả lại"), 11),
        (_("Chưa nộp"), 11),
        (_("Tỷ lệ nộp (%)"), 12),
    ]
    rows: list[list[object]] = []
    for row in [*c.rows, c.total]:
        status = row.report.get_status_display() if row.report else ""
        if row is c.total:
            name, status = _("Tổng cộng"), ""
        else:
            name = row.unit.name
            if not row.report and row.assigned == 1 and row.missing:
                status = _("Chưa nhập")
        rows.append(
            [
                name,
                status,
                row.assigned,
                row.on_time,
                row.late,
                row.approved,
                row.returned,
                row.missing,
                row.percent if row.percent is not None else "",
            ]
        )
    return xlsx_table(title, headers, rows, bold_rows=[len(rows) - 1])


# ---------------------------------------------------------------------------- results report


def results_docx(report: ResultsReport) -> bytes:
    """The results report as a Vietnamese administrative document, as .docx bytes."""
    from docx import Document
    from docx.shared import Mm

    from hocvuso.core import documents

    document = Document()
    documents.set_up_page(document)
    documents.header(document, report.issuer, report.number, report.place_date)
    documents.line(document, "BÁO CÁO", bold=True, align="center", before=18, after=0)
    documents.line(document, report.subject, bold=True, align="center", after=12)
    for block in report.blocks:
        if block.kind == "heading":
            documents.line(document, block.text, bold=True, before=6)
        elif block.kind == "para":
            documents.body(document, block.text)
        else:
            _docx_table(document, block, [Mm(w) for w in block.widths])
            documents.line(document, "", after=0)
    documents.signature_block(
        document,
        recipients=report.recipients,
        signer_title=report.signer_title,
        signer_name=report.signer_name,
    )
    document.core_properties.title = report.title
    document.core_properties.author = report.issuer[-1]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document: DocxDocument, block: Block, widths: Sequence[Length]) -> None:
    """A ruled table like ``core.documents.grid_table``, aligned column by column."""
    from docx.enum.table import WD_TABLE_ALIGNMENT

    from hocvuso.core import documents

    table = document.add_table(rows=1 + len(block.rows), cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
        documents.line(cell, text, bold=True, size=documents.TABLE_PT, align="center", after=0)
    sides = {"L": "left", "C": "center", "R": "right"}
    bold = set(block.bold_rows)
    for n, (row, cells) in enumerate(zip(table.rows[1:], block.cells(), strict=True)):
        for cell, (text, align) in zip(row.cells, cells, strict=True):
            documents.line(
                cell,
                text,
                bold=n in bold,
                size=documents.TABLE_PT,
                align=sides[align],
                after=0,
            )
    documents.set_widths(table, widths)


def results_pdf(report: ResultsReport) -> bytes:
    """The results report as PDF bytes, laid out like the .docx (``core.pdf``)."""
    from hocvuso.core import pdf

    document = pdf.new_document(title=report.title, author=report.issuer[-1])
    pdf.header(document, report.issuer, report.number, report.place_date)
    pdf.title(document, "BÁO CÁO", report.subject)
    for block in report.blocks:
        if block.kind == "heading":
            pdf.heading(document, block.text)
        elif block.kind == "para":
            pdf.body(document, block.text)
        else:
            pdf.grid_table(
                document,
                block.headers,
                [[text for text, _align in row] for row in block.cells()],
                block.widths,
                align=block.align,
                bold_rows=block.bold_rows,
            )
    pdf.signature_block(
        document,
        recipients=report.recipients,
        signer_title=report.signer_title,
        signer_name=report.signer_name,
    )
    return pdf.output(document)
