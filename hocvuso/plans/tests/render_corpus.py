"""The corpus as real documents: .docx with the administrative layout, and PDF with a text layer.

    .venv/bin/python -m hocvuso.plans.tests.render_corpus [--out DIR]

Reads some corpus plans' markdown (``<id>.md``: the text as a legal-documents portal gives
it) and writes each as an official would have it (issue 14, "the same gold must hold whatever
the format"): ``<id>.docx`` made with python-docx — the header as a two-column borderless
table (issuer and its rule left, motto right; "Số:" left and the italic place and date right),
bold centred document type and title, italic preamble, bold headings, the annexes' tables as
Word tables (landscape), the recipients and the signature in a two-column table — and
``<id>.pdf`` by fpdf2 with the DejaVu Serif fonts embedded. Each gets a copy of its gold, so

    hocvuso eval-import hocvuso/plans/tests/formats

scores them against the same gold as the markdown. Markdown marks (``*``, ``**``) become
bold and italic, ``|`` lines tables, rule lines drawn rules: no mark is left as text.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import logging
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "samples"
OUT = CORPUS.parent / "formats"
# Annex tables (001c as .docx, 1920 as PDF), a decision that issues a plan (001c, 4e39),
# headings wrapped over two lines in the markdown (all; 8e9a's numbered items most). One
# format per document: eval-import scores one file per gold.
DOCX_IDS = ("001c610b2efdcf0c", "4e39af96b6891368", "8e9a425dd83e56b3", "62f25a030c183151")
PDF_IDS = ("192068354fd1ffe5", "31fb08f34535fce3")
FONTS = Path("/usr/share/fonts/truetype/dejavu")
RENDERED_ON = datetime.datetime(2025, 12, 1, tzinfo=datetime.UTC)


# --- The markdown, read into blocks ------------------------------------------------------


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Paragraph:
    runs: list[Run]

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs).strip()


@dataclass
class Table:
    rows: list[list[list[str]]]  # row → cell → the cell's markdown lines
    columns: int = 0  # of the widest row


@dataclass
class Rule:
    pass


Block = Paragraph | Table | Rule
_MARK = re.compile(r"(\*\*|\*)")
_RULE = re.compile(r"^\s*-{3,}\s*$")


def runs(markdown: str) -> list[Run]:
    """``markdown``'s text as runs: ``**`` toggles bold, ``*`` italic; spaces collapsed."""
    found: list[Run] = []
    bold = italic = False
    for piece in _MARK.split(" ".join(markdown.split())):
        if piece == "**":
            bold = not bold
        elif piece == "*":
            italic = not italic
        elif piece:
            found.append(Run(piece, bold, italic))
    # "** **" (an empty bold run) and spaces doubled where marks were.
    merged: list[Run] = []
    for run in found:
        if merged and merged[-1].text.endswith(" ") and run.text.startswith(" "):
            run = Run(run.text.lstrip(), run.bold, run.italic)
        if run.text:
            merged.append(run)
    if merged:
        merged[0] = Run(merged[0].text.lstrip(), merged[0].bold, merged[0].italic)
        merged[-1] = Run(merged[-1].text.rstrip(), merged[-1].bold, merged[-1].italic)
    return [run for run in merged if run.text]


def read_blocks(markdown: str) -> list[Block]:
    lines = markdown.split("\n")
    blocks: list[Block] = []
    at = 0
    while at < len(lines):
        line = lines[at]
        if not line.strip():
            at += 1
            continue
        end = at
        while end < len(lines) and lines[end].strip():
            end += 1
        chunk = lines[at:end]
        if line.strip() == "|":
            blocks.append(read_table(chunk))
        elif _RULE.match(line) and len(chunk) == 1:
            blocks.append(Rule())
        else:
            paragraph = Paragraph(runs(" ".join(chunk)))
            if paragraph.text:
                blocks.append(paragraph)
        at = end
    return blocks


def read_table(lines: list[str]) -> Table:
    """The corpus's ``|`` lines as rows of cells, read as the plan reader reads them
    (``normalise.read_table``): two ``|`` lines in a row end the row."""
    from hocvuso.plans.importer.normalise import read_table as read_rows

    rows = read_rows(lines).raw
    return Table(rows, max(len(row) for row in rows))


def cell_paragraphs(lines: list[str], *, lines_are_paragraphs: bool) -> list[Paragraph]:
    """A cell's paragraphs. In the header and signature tables each line is one, but for a
    wrap inside an emphasis (``**ỦY BAN NHÂN`` / ``DÂN**``); in a grid table lines are the
    portal's wraps, and a bullet starts a paragraph."""
    groups: list[list[str]] = []
    open_marks = 0
    for line in lines:
        if _RULE.match(line):
            groups.append(["---"])
            continue
        bullet = line.lstrip()[:2] in ("- ", "+ ")
        # "Số:" / "2820/QĐ-UBND": a wrap after a label, not two lines.
        label = bool(groups) and groups[-1][-1].rstrip().endswith(":") and not bullet
        starts = (
            not groups
            or groups[-1] == ["---"]
            or (not open_marks and ((lines_are_paragraphs and not label) or bullet))
        )
        if starts:
            groups.append([line])
        else:
            groups[-1].append(line)
        open_marks = _open_after(" ".join(groups[-1]))
    return [
        Paragraph([Run("---")]) if group == ["---"] else Paragraph(runs(" ".join(group)))
        for group in groups
    ]


def _open_after(text: str) -> int:
    """1 if an emphasis is left open at the end of ``text``."""
    bold = italic = False
    for piece in _MARK.findall(text):
        if piece == "**":
            bold = not bold
        else:
            italic = not italic
    return int(bold or italic)


# --- How each block looks ----------------------------------------------------------------

_ROMAN = re.compile(r"^[IVXLC]+\.\s")
_NUMBERED = re.compile(r"^\d+(\.\d+)*\.\s")


def is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


@dataclass
class Look:
    centred: bool = False
    bold: bool = False
    italic: bool = False
    indent: bool = True
    annex: bool = False  # starts an annex: a new landscape page


def look(paragraph: Paragraph, *, preamble: bool) -> Look:
    text = paragraph.text
    if text.startswith("PHỤ LỤC"):
        return Look(centred=True, bold=True, indent=False, annex=True)
    if _ROMAN.match(text):
        return Look(bold=True)
    if is_upper(text):  # document type, title, the issuer above "QUYẾT ĐỊNH:"
        return Look(centred=True, bold=True, indent=False)
    if text.startswith("(") and text.endswith(")") and len(text) < 300:
        return Look(centred=True, italic=True, indent=False)
    if _NUMBERED.match(text) and len(text) < 120 and all(r.bold for r in paragraph.runs[:1]):
        return Look(bold=True)
    if preamble and text.startswith(("Căn cứ", "Xét đề nghị", "Theo đề nghị")):
        return Look(italic=True)
    return Look()


def laid_out(blocks: list[Block]) -> Iterator[tuple[Table, int] | tuple[Paragraph, Look]]:
    """The blocks to draw, in order (rules are drawn by the cells beside them): each table
    with its number (1 is the header), each paragraph with its look (the preamble ends at
    the first roman-numbered heading)."""
    preamble = True
    tables = 0
    for block in blocks:
        if isinstance(block, Table):
            tables += 1
            yield block, tables
        elif isinstance(block, Paragraph):
            yield block, look(block, preamble=preamble)
            if _ROMAN.match(block.text):
                preamble = False


def is_signature(table: Table) -> bool:
    first = " ".join(table.rows[0][0]) if table.rows and table.rows[0] else ""
    return "Nơi nhận" in first or (table.columns == 2 and len(table.rows) == 1)


# --- .docx -------------------------------------------------------------------------------


def to_docx(blocks: list[Block]) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = docx.Document()
    # Fixed metadata: a rerun on the same markdown changes no text of the file.
    document.core_properties.created = document.core_properties.modified = RENDERED_ON
    document.core_properties.author = document.core_properties.last_modified_by = "render.py"
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    normal.paragraph_format.space_after = Pt(6)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    for block, shown in laid_out(blocks):
        if isinstance(block, Table):
            if shown == 1:
                _docx_header(document, block)
            elif is_signature(block):
                _docx_signature(document, block)
            else:
                _docx_grid(document, block)
            continue
        if shown.annex:
            section = document.add_section(WD_SECTION.NEW_PAGE)
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Cm(29.7), Cm(21)
            section.left_margin, section.right_margin = Cm(2), Cm(2)
        paragraph = document.add_paragraph()
        _add_runs(paragraph, block.runs, bold=shown.bold, italic=shown.italic)
        if shown.centred:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if shown.indent:
                paragraph.paragraph_format.first_line_indent = Cm(1)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_times(buffer.getvalue())


def _fixed_times(package: bytes) -> bytes:
    """The zip with every member dated RENDERED_ON: a rerun gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            fixed = zipfile.ZipInfo(item.filename, RENDERED_ON.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(item.filename))
    return out.getvalue()


def _add_runs(paragraph, found: list[Run], *, bold: bool = False, italic: bool = False) -> None:
    for run in found:
        added = paragraph.add_run(run.text)
        added.bold = run.bold or bold or None
        added.italic = run.italic or italic or None


def _borderless(table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _rule(paragraph) -> None:
    """A short line drawn under the issuer: an empty paragraph's top border, indented."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    paragraph.paragraph_format.left_indent = Cm(2.2)
    paragraph.paragraph_format.right_indent = Cm(2.2)
    paragraph.paragraph_format.space_after = Pt(0)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        top.set(qn(f"w:{key}"), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().append(borders)


def _fill_cell(cell, paragraphs: list[Paragraph], *, align, size, bold: bool = False) -> None:
    from docx.shared import Pt

    first = True
    for item in paragraphs:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)
        if item.text == "---":
            _rule(paragraph)
            continue
        _add_runs(paragraph, item.runs, bold=bold)
        for run in paragraph.runs:
            run.font.size = Pt(size)


def _docx_header(document, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    rows = [row + [[""]] * (2 - len(row)) for row in table.rows]
    grid = document.add_table(rows=len(rows), cols=2)
    _borderless(grid)
    for index, row in enumerate(rows):
        for column, lines in enumerate(row[:2]):
            cell = grid.cell(index, column)
            cell.width = Cm(6.5) if column == 0 else Cm(9.5)
            paragraphs = cell_paragraphs(lines, lines_are_paragraphs=True)
            align = WD_ALIGN_PARAGRAPH.CENTER
            _fill_cell(cell, paragraphs, align=align, size=13)
    document.add_paragraph()


def _docx_signature(document, table: Table) -> None:
    """Recipients left (the title bold italic, the lines small), the signature right."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    document.add_paragraph()
    row = table.rows[0] + [[""]] * (2 - len(table.rows[0]))
    grid = document.add_table(rows=1, cols=2)
    _borderless(grid)
    left, right = grid.cell(0, 0), grid.cell(0, 1)
    left.width, right.width = Cm(8), Cm(8)
    recipients = cell_paragraphs(row[0], lines_are_paragraphs=True)
    _fill_cell(left, recipients, align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    for run in left.paragraphs[0].runs:
        run.bold = run.italic = True
    signature = cell_paragraphs(row[1], lines_are_paragraphs=True)
    _fill_cell(right, signature, align=WD_ALIGN_PARAGRAPH.CENTER, size=14, bold=True)


def _docx_grid(document, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.exceptions import InvalidSpanError

    columns = table.columns
    grid = document.add_table(rows=len(table.rows), cols=columns)
    grid.style = "Table Grid"
    for index, row in enumerate(table.rows):
        cells = [cell_paragraphs(lines, lines_are_paragraphs=False) for lines in row]
        above = len(table.rows[index - 1]) if index > 1 else 0
        if len(cells) <= 2 < columns:  # a group's row: its number, then its name across
            grid.cell(index, 1).merge(grid.cell(index, columns - 1))
        elif len(cells) < columns and above > 2:  # the last columns run on from above
            for column in range(len(cells), columns):
                # Not below a cell already spanning columns: left empty there.
                with contextlib.suppress(InvalidSpanError):
                    grid.cell(index - 1, column).merge(grid.cell(index, column))
        for column, paragraphs in enumerate(cells[:columns]):
            align = WD_ALIGN_PARAGRAPH.CENTER if index == 0 or column == 0 else None
            _fill_cell(grid.cell(index, column), paragraphs, align=align, size=12, bold=index == 0)


# --- PDF ---------------------------------------------------------------------------------


def to_pdf(blocks: list[Block]) -> bytes:
    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.WARNING)
    logging.getLogger("fpdf").setLevel(logging.WARNING)
    pdf = FPDF(format="A4")
    pdf.set_creation_date(RENDERED_ON)
    pdf.set_margins(25, 20, 18)
    pdf.set_auto_page_break(True, margin=20)
    for style, name in (("", ""), ("B", "-Bold"), ("I", "-Italic"), ("BI", "-BoldItalic")):
        pdf.add_font("DejaVuSerif", style, str(FONTS / f"DejaVuSerif{name}.ttf"))
    pdf.set_font("DejaVuSerif", size=12)
    pdf.add_page()
    for block, shown in laid_out(blocks):
        if isinstance(block, Table):
            if shown == 1 or is_signature(block):
                _pdf_columns(pdf, block, header=shown == 1)
            else:
                _pdf_grid(pdf, block)
            continue
        if shown.annex:
            pdf.add_page(orientation="L")
        pdf.multi_cell(
            0,
            6,
            _pdf_markdown(block.runs, bold=shown.bold, italic=shown.italic),
            align="C" if shown.centred else "J",
            markdown=True,
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(2)
    return bytes(pdf.output())


def _pdf_markdown(found: list[Run], *, bold: bool = False, italic: bool = False) -> str:
    """fpdf2's markdown: ``**`` bold, ``__`` italic (text holding either is refused)."""
    out = []
    for run in found:
        if "**" in run.text or "__" in run.text or "--" in run.text:
            raise ValueError(f"text that fpdf2's markdown would read as marks: {run.text!r}")
        text = run.text
        if run.italic or italic:
            text = f"__{text}__"
        if run.bold or bold:
            text = f"**{text}**"
        out.append(text)
    return "".join(out).replace("**** ", " ").replace("****", "")


def _pdf_columns(pdf, table: Table, *, header: bool) -> None:
    """The header or the signature table: two columns side by side, no borders."""
    width = pdf.epw
    widths = (width * 0.4, width * 0.6) if header else (width * 0.5, width * 0.5)
    if not header:
        pdf.ln(4)
    for row in table.rows:
        top = pdf.get_y()
        bottom = top
        for column, lines in enumerate(row[:2]):
            pdf.set_xy(pdf.l_margin + sum(widths[:column]), top)
            for item in cell_paragraphs(lines, lines_are_paragraphs=True):
                x = pdf.l_margin + sum(widths[:column])
                if item.text == "---":
                    y = pdf.get_y() + 0.5
                    pdf.line(x + widths[column] * 0.3, y, x + widths[column] * 0.7, y)
                    pdf.set_y(y + 1)
                    continue
                left = not header and column == 0
                size = 11 if left or header else 12
                pdf.set_font_size(size)
                pdf.set_x(x)
                recipients_title = left and "Nơi nhận" in item.text
                pdf.multi_cell(
                    widths[column],
                    5,
                    _pdf_markdown(
                        item.runs,
                        bold=(not header and column == 1) or recipients_title,
                        italic=recipients_title,
                    ),
                    align="L" if left else "C",
                    markdown=True,
                    new_x="LEFT",
                    new_y="NEXT",
                )
            bottom = max(bottom, pdf.get_y())
        pdf.set_y(bottom + 2)
    pdf.set_font_size(12)
    pdf.ln(4)


def _pdf_grid(pdf, table: Table) -> None:
    from fpdf.enums import TableHeadingsDisplay
    from fpdf.fonts import FontFace

    columns = table.columns
    # The text column takes what the others leave.
    widths = [10] + [30] * (columns - 1)
    widths[1] = max(pdf.epw - sum(widths) + 30, 60)
    pdf.set_font_size(10)
    with pdf.table(
        col_widths=widths,
        markdown=True,
        line_height=5,
        text_align="LEFT",
        headings_style=FontFace(emphasis="BOLD"),
        first_row_as_headings=True,
        # The heading row once: its text repeated on every page would be read as rows.
        repeat_headings=TableHeadingsDisplay.NONE,
    ) as grid:
        for row in table.rows:
            cells = [cell_paragraphs(lines, lines_are_paragraphs=False) for lines in row]
            out = grid.row()
            for column, paragraphs in enumerate(cells[:columns]):
                text = "\n".join(_pdf_markdown(p.runs) for p in paragraphs if p.text)
                span = columns - 1 if len(cells) <= 2 < columns and column == 1 else 1
                out.cell(text, colspan=span)
            if 2 < len(cells) < columns:
                for _ in range(columns - len(cells)):
                    out.cell("")
    pdf.set_font_size(12)
    pdf.ln(3)


# --- The check: every word comes back, in order ------------------------------------------


def words(blocks: list[Block]) -> list[str]:
    """The document's words in reading order, as the markdown gives them (marks dropped)."""
    found: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            found += block.text.split()
        elif isinstance(block, Table):
            for row in block.rows:
                for lines in row:
                    for paragraph in cell_paragraphs(lines, lines_are_paragraphs=True):
                        if paragraph.text != "---":
                            found += paragraph.text.split()
    return found


def check(path: Path, blocks: list[Block]) -> str:
    """Read ``path`` back as the plan reader does (``extract_text``: python-docx, pypdf) and
    compare its words with the markdown's; the first difference, or "".
    Needs Django set up (the reader's messages are translated)."""
    from hocvuso.plans.importer.extract import extract_text
    from hocvuso.plans.importer.normalise import EMPTY_CELL

    text = extract_text(path.read_bytes(), path.name)
    # The table format's marks (a "|" line, the mark of an empty cell) are no words.
    layout = ("|", EMPTY_CELL)
    got = [w for line in text.splitlines() if line.strip() not in layout for w in line.split()]
    want = words(blocks)
    for index, (a, b) in enumerate(zip(got, want, strict=False)):
        if a != b:
            near = slice(max(index - 5, 0), index + 5)
            return f"word {index}: {' '.join(got[near])!r} ≠ {' '.join(want[near])!r}"
    if len(got) != len(want):
        return f"{len(got)} words read back, {len(want)} written"
    return ""


# --- The script --------------------------------------------------------------------------


@dataclass
class Rendered:
    path: Path
    size: int = 0
    difference: str = ""


def render(out: Path = OUT) -> list[Rendered]:
    out.mkdir(parents=True, exist_ok=True)
    done = []
    for ids, suffix, write in ((DOCX_IDS, ".docx", to_docx), (PDF_IDS, ".pdf", to_pdf)):
        for doc_id in ids:
            blocks = read_blocks((CORPUS / f"{doc_id}.md").read_text(encoding="utf-8"))
            path = out / f"{doc_id}{suffix}"
            path.write_bytes(write(blocks))
            shutil.copyfile(CORPUS / f"{doc_id}.gold.json", out / f"{doc_id}.gold.json")
            done.append(Rendered(path, path.stat().st_size, check(path, blocks)))
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocvuso.settings")
    os.environ.setdefault("HOCVUSO_DEV", "1")
    django.setup()
    failed = False
    for item in render(args.out):
        verdict = item.difference or "every word read back in order"
        print(f"{item.path.name:28} {item.size / 1024:6.1f} KB  {verdict}")
        failed = failed or bool(item.difference)
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
