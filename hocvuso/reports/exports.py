"""Downloads of the reports app: tables as .xlsx, and the results report ("Báo cáo kết quả")
as .docx and PDF.

The spreadsheets are ``core.tables`` tables like every other export; the
results report is laid out once (``reports.results``) and drawn by ``core.documents`` for
Word and by ``core.pdf`` for PDF, so the two files say the same thing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from hocvuso.core.tables.writing import xlsx_table

# Re-exported: the pivot's view writes its table with it.
__all__ = ["completeness_xlsx", "results_docx", "results_pdf", "xlsx_table"]

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.shared import Length

    from hocvuso.reports.results import Block, ResultsReport
    from hocvuso.reports.selectors import Completeness

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
    documents.set_properties(document, title=report.title, author=report.issuer[-1])
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
