"""The first stage: from extracted text to paragraphs, with layout marks taken out.

Plans reach us as text from a Word file (one paragraph a line), from a PDF (cut at every line
end) or copied from a legal-documents portal as markdown, where the source's own line breaks
survive inside paragraphs, blank lines separate paragraphs, emphasis is `*…*` / `**…**`, and
tables are runs of lines between lone `|` lines (the header, the signature, annex tables).
Only that last form says where a paragraph ends; `normalise` returns paragraphs for it and
for Word files, and lines for the rest (`structure.join_lines` then decides).

A table becomes one `TableLine` in the flow: a `str` (its cells' text, for whoever only reads
text) that carries the rows. A table of one or two columns is layout (the header's issuer
and motto, the recipients beside the signature): its cells' lines are put back in the flow
instead, so the grammar reads them like any other line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hocvuso.plans.importer.marks import starts_marker

# `**`, `__` and the `*` of italics; a "* " list mark at a line's start is kept.
_STRONG = re.compile(r"\*\*|__")
_ITALIC = re.compile(r"(?<![\s*])\*|\*(?=[^\s*])")
_RULE = re.compile(r"^\s*(?:[-_=—–]\s*){3,}$")
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200b\u202f\u3000]+")
_FOOTNOTE = re.compile(r"\[\^?\d{1,3}\]|(?<=[^\W\d])\^\d{1,3}")


# What a Word or HTML table cell with no text is written as in the "|" line format
# (importer.extract), so that two "|" lines always mean a new row. Not white space, so no
# strip() removes it.
EMPTY_CELL = "\u2060"


class TableLine(str):
    """A table in the flow of paragraphs; ``rows`` are lists of cells, each a list of lines."""

    rows: list[list[list[str]]]
    raw: list[list[list[str]]]

    def __new__(cls, raw: list[list[list[str]]]) -> TableLine:
        raw = [
            [[line for line in cell if line.strip() != EMPTY_CELL] for cell in row] for row in raw
        ]
        rows = [[cell_lines(cell) for cell in row] for row in raw]
        text = " ".join(" ".join(cell) for row in rows for cell in row)
        line = super().__new__(cls, text)
        line.rows = rows
        line.raw = raw
        return line

    def paragraphs(self) -> list[list[list[str]]]:
        """Rows of cells, each cell its paragraphs: the source's breaks inside a paragraph
        joined, a list mark or a blank line starting a new one (a data table's cells)."""
        out = []
        for row in self.raw:
            cells = []
            for cell in row:
                paragraphs: list[list[str]] = []
                for line in cell:
                    plain = strip_marks(line)
                    if not plain:
                        if paragraphs and paragraphs[-1]:
                            paragraphs.append([])
                        continue
                    if not paragraphs or not paragraphs[-1] or re.match(r"^[-+•–]\s", plain):
                        paragraphs.append([line])
                    else:
                        paragraphs[-1].append(line)
                cells.append([p for p in (join_wrapped(p) for p in paragraphs if p) if p])
            out.append(cells)
        return out


@dataclass
class Normalised:
    lines: list[str]
    paragraphs_known: bool


def strip_marks(text: str) -> str:
    """Text without emphasis marks and footnote marks, runs of spaces made one."""
    if not text.strip(" *_\t"):
        return ""
    text = _STRONG.sub("", text)
    if not re.match(r"^\s*\*\s", text):
        text = _ITALIC.sub("", text)
    else:
        text = text[: text.index("*") + 1] + _ITALIC.sub("", text[text.index("*") + 1 :])
    text = _FOOTNOTE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def is_markdown(text: str) -> bool:
    """Markdown from a portal: table pipes or emphasis marks. Blank lines alone say nothing:
    text from a PDF has them between every line."""
    lines = text.split("\n")
    if any(line.strip() == "|" for line in lines[:400]):
        return True
    if sum(1 for line in lines if _is_pipe_row(line.strip())) >= 2:
        return True
    return text.count("**") >= 4 or len(re.findall(r"(?m)^\*[^\s*]", text)) >= 3


def _one_paragraph_a_line(lines: list[str]) -> bool:
    """Text copied from a web page or a word processor: each paragraph is one long line."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    return len(lengths) >= 10 and lengths[len(lengths) // 2] >= 140


def normalise(text: str, *, paragraphs_known: bool = False) -> Normalised:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = text.replace("\ufeff", "")
    if paragraphs_known:
        return Normalised(_flow(_blocks(text, one_line_each=True)), True)
    if not is_markdown(text):
        lines = text.split("\n")
        if _one_paragraph_a_line(lines):
            return Normalised(_flow(_blocks(text, one_line_each=True)), True)
        return Normalised(_tab_tables(lines), False)
    return Normalised(_flow(_blocks(text, one_line_each=False)), True)


def _blocks(text: str, *, one_line_each: bool) -> list[str | TableLine]:
    """Paragraphs and tables in order. ``one_line_each``: every line is a paragraph (Word)."""
    lines = text.split("\n")
    out: list[str | TableLine] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            paragraph = join_wrapped(current)
            raw = " ".join(line.strip() for line in current)
            bold = raw.startswith("**") and raw.endswith("**")
            if (
                paragraph
                and bold
                and out
                and out[-1] is last_bold[0]
                and _heading_goes_on(out[-1], paragraph)
            ):
                # A bold heading cut into two paragraphs: "**3. Đề nghị …, Hội Liên hiệp**" /
                # "**Phụ nữ Thành phố …**".
                out[-1] = f"{out[-1]} {paragraph}"
                last_bold[0] = out[-1]
            elif paragraph:
                out.append(paragraph)
                last_bold[0] = paragraph if bold else None
            current.clear()

    last_bold: list[str | None] = [None]

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if _tab_row(line):
            # A table copied from a web page: one row a line, cells between tabs.
            flush()
            j = i
            while j < len(lines) and _tab_row(lines[j]):
                j += 1
            rows = [
                [[c.strip()] if c.strip() else [] for c in row.split("\t")] for row in lines[i:j]
            ]
            out.append(TableLine(rows))
            i = max(j, i + 1)
            continue
        if stripped == "|" or _is_pipe_row(stripped):
            flush()
            j = i
            while j < len(lines) and (lines[j].strip() or _table_goes_on(lines, j)):
                j += 1
            table = read_table(lines[i:j])
            if table:
                out.append(table)
            i = j
            continue
        if not stripped or _RULE.match(stripped):
            flush()
        elif one_line_each:
            flush()
            current.append(line)
        else:
            current.append(line)
        i += 1
    flush()
    return out


def _heading_goes_on(heading: str, paragraph: str) -> bool:
    """Whether a bold numbered heading without its full stop goes on in the next bold
    paragraph (which starts no item of its own)."""
    return (
        starts_marker(heading)
        and not re.search(r"[.:;!?]$", heading)
        and not starts_marker(paragraph)
    )


def _table_goes_on(lines: list[str], j: int) -> bool:
    """A blank line inside a table of lone pipes (a cell with two paragraphs)."""
    k = j
    while k < len(lines) and not lines[k].strip():
        k += 1
    if k >= len(lines):
        return False
    back = j - 1
    while back >= 0 and not lines[back].strip():
        back -= 1
    return lines[k].strip() == "|" and back >= 0 and lines[back].strip() != "|"


def _tab_tables(lines: list[str]) -> list[str]:
    """Lines as they are, but runs of tab-separated rows made tables."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not _tab_row(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and _tab_row(lines[j]):
            j += 1
        out.append(
            TableLine(
                [[[c.strip()] if c.strip() else [] for c in row.split("\t")] for row in lines[i:j]]
            )
        )
        i = j
    return out


def _tab_row(line: str) -> bool:
    return line.count("\t") >= 2 and len(line.strip()) > 0


def _is_pipe_row(line: str) -> bool:
    return line.startswith("|") and line.endswith("|") and line.count("|") >= 3


def read_table(lines: list[str]) -> TableLine | None:
    """Rows of cells from lone-pipe lines (`|`, cell lines, `|`, …, `|` `|` between rows) or
    from pipe rows (`| a | b |`, with an optional `|---|` rule)."""
    if any(_is_pipe_row(line.strip()) for line in lines):
        rows = []
        for line in lines:
            stripped = line.strip()
            if not _is_pipe_row(stripped) or _MD_TABLE_RULE.match(stripped):
                continue
            cells = stripped[1:-1].split("|")
            rows.append([[c.strip()] if strip_marks(c) else [] for c in cells])
        return TableLine(rows) if rows else None
    rows: list[list[list[str]]] = []
    row: list[list[str]] = []
    cell: list[str] | None = None
    previous_pipe = False
    for line in lines:
        if line.strip() == "|":
            if previous_pipe and cell is not None and not cell:
                # Two pipes in a row: the row ended; the next starts.
                if row:
                    rows.append(row)
                row = []
                cell = []
            else:
                if cell is not None:
                    row.append(cell)
                cell = []
            previous_pipe = True
            continue
        previous_pipe = False
        if cell is None:
            cell = []
        cell.append(line)
    if cell:
        row.append(cell)
    if row:
        rows.append(row)
    rows = [r for r in rows if any(r)]
    return TableLine(rows) if rows else None


def cell_lines(lines: list[str]) -> list[str]:
    """A cell's logical lines: a source break inside an emphasis span, before a lower-case
    word, or after a word cut by a hyphen is not a line end."""
    logical: list[str] = []
    open_span = False
    for raw in lines:
        if not strip_marks(raw) or _RULE.match(raw.strip()):
            if logical and raw.strip() and not _RULE.match(raw.strip()):
                logical[-1] += raw.strip()  # a span's closing "**" on a line of its own
                open_span = _span_open(logical[-1])
            else:
                open_span = False
            continue
        text = raw.strip()
        plain = strip_marks(text)
        starts_new = not logical or not (
            open_span
            or _lower_start(plain)
            or re.search(r"\S-$", logical[-1])
            or (strip_marks(logical[-1]).endswith(":") and not re.match(r"^[-+•*]\s", plain))
        )
        if starts_new:
            logical.append(text)
        elif re.search(r"\S-$", logical[-1]) and text[:1].isalnum():
            logical[-1] += text
        elif plain.startswith("(") and re.search(r"[;,]\**$", logical[-1]):
            # A recipient's "(để b/c);" pushed to a line of its own.
            logical[-1] = re.sub(r"[;,](\**)$", r"\1", logical[-1]) + " " + text
        else:
            logical[-1] += " " + text
        open_span = _span_open(logical[-1])
    return [s for s in (strip_marks(line) for line in logical) if s]


def _span_open(text: str) -> bool:
    strong = len(_STRONG.findall(text))
    if strong % 2:
        return True
    rest = _STRONG.sub("", text)
    return len(re.findall(r"(?<![\s*])\*|\*(?=[^\s*])", rest)) % 2 == 1


def _lower_start(text: str) -> bool:
    return text[:1].islower() or text[:1] in "(,;)"


def join_wrapped(lines: list[str]) -> str:
    """One paragraph from its source lines: a space between lines, none after a word cut by a
    hyphen ("57-" / "NQ/TW")."""
    joined = ""
    for raw in lines:
        text = raw.strip()
        if not text:
            continue
        if joined and re.search(r"\S-$", joined) and text[:1].isalnum():
            joined += text
        else:
            joined = f"{joined} {text}" if joined else text
    return strip_marks(joined)


def _flow(blocks: list[str | TableLine]) -> list[str]:
    """Paragraphs in order; a layout table's cells become lines of the flow."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, TableLine) and max(len(r) for r in block.rows) <= 2:
            for row in block.rows:
                for cell in row:
                    out.extend(cell)
        else:
            out.append(block)
    return out
