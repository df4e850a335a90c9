"""Vietnamese administrative documents as PDF (Nghị định 30/2020/NĐ-CP, Phụ lục I): the same
building blocks as ``core.documents`` draws in Word — issuer and motto, title, sections,
ruled tables, "Nơi nhận" and signature — on A4 with the decree's margins.

Drawn by fpdf2 (pure Python) in Noto Serif, a serif font with every Vietnamese letter,
shipped on PyPI by ``fontpkg-noto-serif``: nothing to install on the server. The font is a
variable font; its default instance is the regular weight, and the bold instances are cut
once (about three seconds) and kept under ``VAR_DIR/fonts``. See docs/decisions/0007.
Imported only by the requests that build a PDF.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import fontpkg
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from fpdf import FPDF, FontFace
from fpdf.enums import Align, XPos, YPos

from hocvuso.core.documents import (
    BODY_PT,
    HEADER_PT,
    MOTTO,
    RECIPIENTS_LABEL_PT,
    RECIPIENTS_PT,
    TABLE_PT,
)

FAMILY = "Noto Serif"
FONT = "notoserif"
# Left 30 mm, right 15, top and bottom 20: the decree's margins, as in core.documents.
LEFT, RIGHT, TOP, BOTTOM = 30.0, 15.0, 20.0, 20.0
WIDTH = 210.0 - LEFT - RIGHT  # 165 mm of text
PT = 25.4 / 72  # one point in millimetres
_cutting = threading.Lock()
# fontTools narrates every step of cutting and subsetting a font at INFO, for each PDF: not
# news for the server's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class AdministrativePdf(FPDF):
    """An A4 page with the decree's margins; from the second page on, the page number at the
    top centre (Phụ lục I, mục 8)."""

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font(FONT, "", HEADER_PT)
            self.set_y(10)
            self.cell(0, 5, str(self.page_no()), align=Align.C)
            self.set_y(TOP)


def new_document(*, title: str, author: str) -> AdministrativePdf:
    document = AdministrativePdf(orientation="P", unit="mm", format="A4")
    document.set_margins(LEFT, TOP, RIGHT)
    document.set_auto_page_break(auto=True, margin=BOTTOM)
    for style, path in font_files().items():
        document.add_font(FONT, style, path)
    document.set_title(clean(title))
    document.set_author(clean(author))
    document.set_creator("Học vụ số")
    document.set_lang("vi")
    document.add_page()
    return document


def font_files() -> dict[str, Path]:
    """The regular, italic, bold and bold italic faces of Noto Serif, by fpdf2 style."""
    regular = fontpkg.path(FAMILY)
    italic = fontpkg.path(FAMILY, style="italic")
    return {
        "": regular,
        "I": italic,
        "B": _bold_instance(regular, "Bold"),
        "BI": _bold_instance(italic, "BoldItalic"),
    }


def _bold_instance(variable: Path, name: str) -> Path:
    """The weight-700 instance of a variable font, cut on first use and kept on disk."""
    from fontTools.ttLib import TTFont

    # Named after the installed file's size and time: an upgraded package gets a new cut.
    target = _font_dir() / f"NotoSerif-{name}-{_stamp(variable)}.ttf"
    if target.exists():
        return target
    with _cutting:
        if target.exists():
            return target
        from fontTools.varLib import instancer

        with TTFont(variable) as source:
            font = instancer.instantiateVariableFont(
                source, {"wght": 700, "wdth": 100}, updateFontNames=True
            )
            # Written aside and renamed: another process never reads half a font.
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".cut-")
            os.close(handle)
            font.save(temporary)
        os.chmod(temporary, 0o644)  # readable by the server whoever cut it
        Path(temporary).replace(target)
    return target


def _font_dir() -> Path:
    """``VAR_DIR/fonts``, or the system's temporary folder where that cannot be written."""
    for folder in (Path(settings.VAR_DIR) / "fonts", Path(tempfile.gettempdir()) / "hocvuso-fonts"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    raise ImproperlyConfigured("No writable folder for the PDF fonts: check HOCVUSO_VAR_DIR.")


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}-{int(stat.st_mtime)}"


def clean(text: str) -> str:
    """Composed characters: the font has a glyph for each Vietnamese letter, not for every
    combination of a letter and loose marks."""
    return unicodedata.normalize("NFC", text)


def _line_height(size: float) -> float:
    return size * PT * 1.3


def line(
    document: FPDF,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = BODY_PT,
    align: str = "L",
    width: float = 0,
    before: float = 0,
    after: float = 0,
) -> None:
    """One paragraph without indent; ``size``, ``before`` and ``after`` in points."""
    document.set_font(FONT, ("B" if bold else "") + ("I" if italic else ""), size)
    if before:
        document.ln(before * PT)
    document.multi_cell(
        width, _line_height(size), clean(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    if after:
        document.ln(after * PT)


def body(document: FPDF, text: str) -> None:
    """A justified paragraph of body text, its first line indented 10 mm."""
    document.set_font(FONT, "", BODY_PT)
    with document.text_columns(text_align="J", line_height=1.3) as columns:
        columns.paragraph(first_line_indent=10, bottom_margin=6 * PT).write(clean(text))
        columns.end_paragraph()


def header(document: FPDF, issuer: Sequence[str], number: str, place_date: str) -> None:
    """Issuer and number on the left, national motto and place-date on the right, each
    centred in its column, with the short rules the decree draws under the issuing body and
    under the motto."""
    top = document.get_y()
    left_width, right_width = 70.0, WIDTH - 70.0
    for n, text in enumerate(issuer, start=1):
        _centred(document, LEFT, left_width, text, bold=n == len(issuer), size=HEADER_PT)
    _rule(document, LEFT, left_width, HEADER_PT, bold=True, text=issuer[-1] if issuer else "")
    document.ln(2)
    _centred(document, LEFT, left_width, f"Số: {number}".rstrip(), size=HEADER_PT)
    left_end = document.get_y()
    document.set_y(top)
    right = LEFT + left_width
    _centred(document, right, right_width, MOTTO[0], bold=True, size=HEADER_PT)
    _centred(document, right, right_width, MOTTO[1], bold=True, size=BODY_PT)
    _rule(document, right, right_width, BODY_PT, bold=True, text=MOTTO[1])
    document.ln(2)
    _centred(document, right, right_width, place_date, italic=True, size=BODY_PT)
    document.set_y(max(left_end, document.get_y()))


def _centred(
    document: FPDF,
    x: float,
    width: float,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float,
) -> None:
    style = ("B" if bold else "") + ("I" if italic else "")
    document.set_font(FONT, style, size)
    # Noto Serif is wider than Times New Roman: a header line that fits there is set a
    # little smaller here rather than broken in two.
    while size > HEADER_PT - 2 and document.get_string_width(clean(text)) > width - 2:
        size -= 0.5
        document.set_font(FONT, style, size)
    document.set_x(x)
    document.multi_cell(
        width, _line_height(size), clean(text), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )


def _rule(document: FPDF, x: float, width: float, size: float, *, bold: bool, text: str) -> None:
    """A thin line under the text just written, as long as the text (at most the column)."""
    document.set_font(FONT, "B" if bold else "", size)
    length = min(document.get_string_width(clean(text)), width) * 0.8
    y = document.get_y() + 0.5
    document.set_line_width(0.3)
    document.line(x + (width - length) / 2, y, x + (width + length) / 2, y)


def title(document: FPDF, doc_type: str, subject: str) -> None:
    line(document, doc_type, bold=True, align="C", before=18)
    line(document, subject, bold=True, align="C", after=12)


def heading(document: FPDF, text: str) -> None:
    line(document, text, bold=True, before=6, after=3)


def grid_table(
    document: FPDF,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    widths: Sequence[float],
    *,
    align: Sequence[str] = (),
    bold_rows: Iterable[int] = (),
) -> None:
    """A ruled table: bold centred headers repeated on each page; ``widths`` in mm (adding
    up to at most 165), ``align`` per column ("L", "C", "R"; left by default); rows whose
    index is in ``bold_rows`` are bold."""
    bold = set(bold_rows)
    alignment = [align[n] if n < len(align) else "L" for n in range(len(headers))]
    document.set_font(FONT, "", TABLE_PT)
    heading_style = FontFace(emphasis="BOLD")
    with document.table(
        col_widths=tuple(widths),
        width=sum(widths),
        align="LEFT",
        text_align=tuple(alignment),
        headings_style=heading_style,
        line_height=_line_height(TABLE_PT),
        padding=1,
        repeat_headings=1,
    ) as table:
        head = table.row()
        for text in headers:
            head.cell(clean(text), align=Align.C)
        for n, values in enumerate(rows):
            row = table.row(style=heading_style if n in bold else None)
            for value in values:
                row.cell(clean(_text(value)))
    document.ln(6 * PT)


def _text(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def signature_block(
    document: FPDF, *, recipients: Iterable[str], signer_title: str, signer_name: str
) -> None:
    """ "Nơi nhận" on the left, the signer's title, room for the seal and name on the right;
    kept on one page."""
    recipients = [text.rstrip(" ;.,") for item in recipients if (text := item.strip())]
    titles = [t.strip().upper() for t in signer_title.splitlines() if t.strip()]
    needed = _line_height(BODY_PT) * (len(titles) + 6)
    if document.get_y() + needed > document.h - BOTTOM:
        document.add_page()
    document.ln(6 * PT)
    top = document.get_y()
    left_width, right_width = 80.0, WIDTH - 80.0
    document.set_x(LEFT)
    if recipients:
        document.set_font(FONT, "BI", RECIPIENTS_LABEL_PT)
        document.multi_cell(
            left_width, _line_height(RECIPIENTS_LABEL_PT), "Nơi nhận:", new_x=XPos.LMARGIN
        )
        document.set_font(FONT, "", RECIPIENTS_PT)
        for n, text in enumerate(recipients, start=1):
            mark = "." if n == len(recipients) else ";"
            document.multi_cell(
                left_width,
                _line_height(RECIPIENTS_PT),
                clean(f"- {text}{mark}"),
                align=Align.L,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
    left_end = document.get_y()
    document.set_y(top)
    right = LEFT + left_width
    for text in titles:
        _centred(document, right, right_width, text, bold=True, size=BODY_PT)
    document.ln(_line_height(BODY_PT) * 4)  # room for the signature and the seal
    if signer_name.strip():
        _centred(document, right, right_width, signer_name.strip(), bold=True, size=BODY_PT)
    document.set_y(max(left_end, document.get_y()))


def output(document: FPDF) -> bytes:
    return bytes(document.output())
