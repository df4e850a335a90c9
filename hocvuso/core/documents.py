"""Building blocks of the documents the apps export: Vietnamese administrative documents
(.docx, Nghị định 30/2020/NĐ-CP, Phụ lục I), plus their file names. Spreadsheets are
``core.tables``'.

Shared by ``plans.exports``, ``events.exports`` and ``reports.exports`` so that every
document the platform prints has the same page, fonts, header and signature block. Every
piece of text goes through ``line``, which drops the characters XML cannot hold. Imported
only by the requests that build a document: python-docx is not loaded otherwise.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from unidecode import unidecode

from hocvuso.core.tables.text import safe_text

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Where the spreadsheets' views have always taken it from; the sheets are core.tables'.
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The words of an administrative document are not translated: it is a Vietnamese document
# whatever language its reader's interface uses.
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
# Room left for the day and month a draft is signed on ("ngày     tháng 10 năm 2025").
BLANK = "     "
FONT = "Times New Roman"
BODY_PT = 14
HEADER_PT = 13
TABLE_PT = 12
RECIPIENTS_LABEL_PT = 12
RECIPIENTS_PT = 11


# ---------------------------------------------------------------------------- .docx


def set_up_page(document: DocxDocument) -> None:
    """A4, the decree's margins, Times New Roman 14."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    # Word picks the font per script; without eastAsia and cs some viewers fall back.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(6)
    style.paragraph_format.line_spacing = 1.15


def header(document: DocxDocument, issuer: Sequence[str], number: str, place_date: str) -> None:
    """Issuer and number on the left, national motto and place-date on the right: one row,
    so that cells read in order give issuer, "Số:", motto, date as on the printed page.
    The last issuer line (the issuing body itself) is bold, a parent body above it is not."""
    left, right = borderless_row(document, (Mm(70), Mm(95)))
    for n, text in enumerate(issuer, start=1):
        line(left, text, bold=n == len(issuer), size=HEADER_PT, align="center", after=0)
    line(left, f"Số: {number}".rstrip(), size=HEADER_PT, align="center", before=6)
    line(right, MOTTO[0], bold=True, size=HEADER_PT, align="center", after=0)
    line(right, MOTTO[1], bold=True, size=BODY_PT, align="center", after=0)
    line(right, place_date, italic=True, size=BODY_PT, align="center", before=6)


def issuer_lines(name: str) -> list[str]:
    """The issuer as printed: one upper-case line per line of ``name``."""
    return [text.strip().upper() for text in name.splitlines() if text.strip()]


def place_and_date(place: str, day: datetime.date | None, *, year: int) -> str:
    """ "Ninh Bình, ngày 03 tháng 10 năm 2025"; blanks for the day and month when unsigned."""
    if day is None:
        date = f"ngày{BLANK}tháng{BLANK}năm {year}"
    else:
        # NĐ 30: a day below 10 and the months 1 and 2 take a leading zero.
        month = f"{day.month:02d}" if day.month < 3 else str(day.month)
        date = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    place = place.strip()
    return f"{place}, {date}" if place else date[:1].upper() + date[1:]


def signature_block(
    document: DocxDocument, *, recipients: Iterable[str], signer_title: str, signer_name: str
) -> None:
    """ "Nơi nhận" on the left, the signer's title, room for the seal and name on the right."""
    left, right = borderless_row(document, (Mm(80), Mm(85)))
    recipients = [text.rstrip(" ;.,") for item in recipients if (text := item.strip())]
    if recipients:
        line(left, "Nơi nhận:", bold=True, italic=True, size=RECIPIENTS_LABEL_PT, after=0)
    for n, text in enumerate(recipients, start=1):
        mark = "." if n == len(recipients) else ";"
        line(left, f"- {text}{mark}", size=RECIPIENTS_PT, after=0)
    for text in signer_title.splitlines():
        if text.strip():
            line(right, text.strip().upper(), bold=True, align="center", after=0)
    # Room for the signature and the seal.
    for _blank in range(4):
        line(right, "", align="center", after=0)
    if signer_name.strip():
        line(right, signer_name.strip(), bold=True, align="center", after=0)


def borderless_row(document: DocxDocument, widths: tuple[Length, Length]) -> list[_Cell]:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    remove_borders(table)
    cells = list(table.rows[0].cells)
    set_widths(table, widths)
    return cells


def set_widths(table: Table, widths: Sequence[Length]) -> None:
    # A fixed layout takes the grid's widths, other readers the cells': set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def remove_borders(table: Table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    # Word rejects a file whose table properties are out of the schema's order.
    properties.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
    )


def grid_table(
    document: DocxDocument,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    widths: Sequence[Length],
    *,
    bold_rows: Iterable[int] = (),
) -> Table:
    """A ruled table of figures: a bold header row, text left, numbers right. Rows whose
    index (0 = first body row) is in ``bold_rows`` are bold (sub-totals, totals)."""
    rows = [list(row) for row in rows]
    bold = set(bold_rows)
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        line(cell, text, bold=True, size=TABLE_PT, align="center", after=0)
    for n, (row, values) in enumerate(zip(table.rows[1:], rows, strict=True)):
        for cell, value in zip(row.cells, values, strict=True):
            number = isinstance(value, int)
            text = f"{value:,}".replace(",", ".") if number else str(value or "")
            align = "right" if number else "left"
            line(cell, text, bold=n in bold, size=TABLE_PT, align=align, after=0)
    set_widths(table, widths)
    return table


def line(
    container: DocxDocument | _Cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: int = BODY_PT,
    align: str = "left",
    indent: Length | None = None,
    before: int | None = None,
    after: int | None = None,
) -> Paragraph:
    """One line of the document as its own paragraph (the plan importer reads paragraphs);
    ``size``, ``before`` and ``after`` in points."""
    # A new table cell already holds one empty paragraph: write the first line into it.
    first = isinstance(container, _Cell) and len(container.paragraphs) == 1
    if first and not container.paragraphs[0].runs:
        paragraph = container.paragraphs[0]
    else:
        paragraph = container.add_paragraph()
    paragraph.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    layout = paragraph.paragraph_format
    if indent is not None:
        layout.first_line_indent = indent
    if before is not None:
        layout.space_before = Pt(before)
    if after is not None:
        layout.space_after = Pt(after)
    # Text people typed may hold characters XML forbids (\x0b from Word): python-docx
    # would raise on them.
    run = paragraph.add_run(safe_text(text))
    run.bold, run.italic = bold or None, italic or None
    run.font.size = Pt(size)
    return paragraph


def set_properties(document: DocxDocument, *, title: str, author: str) -> None:
    """The document's title and author, as Word shows them in its properties."""
    document.core_properties.title = safe_text(title)[:255]
    document.core_properties.author = safe_text(author)[:255]


def body(document: DocxDocument, text: str) -> Paragraph:
    """A justified paragraph of body text with the first line indented."""
    return line(document, text, align="justify", indent=Mm(10))


# ---------------------------------------------------------------------------- file names


def export_filename(pk: int, stem: str, suffix: str, *, number: str = "") -> str:
    """An ASCII file name from an object's id and number: ``ke-hoach-12-89-KH-UBND.docx``.

    Holds nothing about people, and nothing a browser could read as a path.
    """
    symbol = re.sub(r"[^A-Za-z0-9]+", "-", unidecode(number)).strip("-")
    return f"{stem}-{pk}-{symbol}.{suffix}" if symbol else f"{stem}-{pk}.{suffix}"
