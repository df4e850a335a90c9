"""The text of an HTML page: one line per block, tables in the reader's ``|`` line format.

A plan saved from a portal or from Word as a web page. Read with the standard library's
``html.parser``, which builds no tree and runs nothing: scripts, styles and the page's head
are dropped, character references decoded. Bounded whatever the page: nesting depth costs
nothing (no stack is kept), the number of tags and text pieces is capped, so is the time,
and a tag longer than any real one is refused before parsing (``html.parser`` rescans an
unfinished tag on every chunk it is fed).
"""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

from hocvuso.plans.importer.normalise import EMPTY_CELL

# A page's parts that are not its text.
SKIPPED = frozenset(
    {"script", "style", "head", "template", "noscript", "svg", "math", "iframe", "object"}
)
# Each starts and ends a line.
BLOCKS = frozenset(
    {
        "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "td", "th",
        "ul", "ol", "dl", "dt", "dd", "table", "caption", "thead", "tbody", "tfoot",
        "section", "article", "header", "footer", "main", "nav", "aside", "blockquote",
        "pre", "address", "center", "hr", "form", "fieldset", "figure", "figcaption", "body",
    }
)  # fmt: skip
# Word's "web page" writes a tag every 10 to 20 characters of text: the reader's text limit
# (400,000 characters) is some 40,000 tags and as many text pieces. html.parser handles about
# 150,000 a second (on this project's 2-core machine), so this refuses a page of nothing but
# tags in one to two seconds.
MAX_NODES = 200_000
SECONDS = 3.0
MAX_TAG = 64 * 1024
_LONG_TAG = re.compile("<[^<>]{" + str(MAX_TAG) + "}")
CHUNK = 64 * 1024


class TooComplex(Exception):
    """More tags, or more time, than any real document needs."""


class TooLong(Exception):
    """More text than the reader's limit."""


class Broken(Exception):
    """Markup ``html.parser`` gives up on."""


def html_lines(text: str, *, max_chars: int) -> list[str]:
    """The lines of the page ``text``; raises :class:`TooComplex`, :class:`TooLong` or
    :class:`Broken`."""
    if _LONG_TAG.search(text):
        raise TooComplex
    parser = _Lines(max_chars, deadline=time.monotonic() + SECONDS)
    try:
        for at in range(0, len(text), CHUNK):
            parser.feed(text[at : at + CHUNK])
            parser.check_time()
        # Not only between chunks: close() reads what is left of a page that never finishes
        # a construct ("<!x<!x…"), looking for its end once per "<!" — 115 s on 18 MB.
        parser.close()
    except AssertionError as exc:
        # What Python 3.11's html.parser raises on a marked section it cannot name ("<![ ]>").
        raise Broken from exc
    parser.end_line()
    return parser.lines


class _Lines(HTMLParser):
    def __init__(self, max_chars: int, *, deadline: float) -> None:
        super().__init__(convert_charrefs=True)
        self.max_chars = max_chars
        self.deadline = deadline
        self.lines: list[str] = []
        self.size = 0
        self.nodes = 0
        self.line: list[str] = []
        self.bullet = False  # the next line is a list item's: "- " before it
        self.skipping = 0  # inside how many skipped elements
        self.pre = 0
        self.tables = 0  # table depth: only the outermost is laid out in "|" lines
        self.row_cells = 0  # cells opened in the outermost table's current row
        self.cell_start = 0  # where the open cell's lines start

    # --- lines -------------------------------------------------------------------------

    def end_line(self) -> None:
        text = " ".join("".join(self.line).split()) if not self.pre else "".join(self.line)
        self.line = []
        if text.strip():
            self.emit(("- " if self.bullet else "") + text.rstrip())
            self.bullet = False

    def emit(self, text: str) -> None:
        self.lines.append(text)
        self.size += len(text) + 1
        if self.size > self.max_chars:
            raise TooLong

    def count(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise TooComplex
        self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TooComplex

    # --- parser callbacks --------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.count()
        if tag in SKIPPED:
            self.skipping += 1
            return
        if tag == "body":  # a head left open ends where the body starts, as in a browser
            self.skipping = 0
        if self.skipping or tag not in BLOCKS:
            return
        self.end_line()
        if tag == "table":
            self.tables += 1
            if self.tables == 1:
                self.row_cells = 0
        elif tag == "tr" and self.tables == 1:
            self.close_row()
        elif tag in ("td", "th") and self.tables == 1:
            self.close_cell()
            self.row_cells += 1
            self.emit("|")
            self.cell_start = len(self.lines)
        elif tag == "li":
            self.bullet = True
        elif tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <hr/>: a line ends; <td/> and the like open and close at once.
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        self.count()
        if tag in SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
            return
        if self.skipping or tag not in BLOCKS:
            return
        self.end_line()
        if tag == "table" and self.tables:
            if self.tables == 1:
                self.close_row()
                self.emit("")  # a blank line ends the table
            self.tables -= 1
        elif tag == "tr" and self.tables == 1:
            self.close_row()
        elif tag == "pre":
            self.pre = max(self.pre - 1, 0)

    def close_row(self) -> None:
        if self.row_cells:
            self.close_cell()
            self.emit("|")
        self.row_cells = 0

    def close_cell(self) -> None:
        """A cell that gave no line holds EMPTY_CELL, so two ``|`` lines are always a row's
        end."""
        if self.row_cells and len(self.lines) == self.cell_start:
            self.emit(EMPTY_CELL)

    def handle_data(self, data: str) -> None:
        self.count()
        if self.skipping:
            return
        if self.pre:
            first, *rest = data.split("\n")
            self.line.append(first)
            for piece in rest:
                self.end_line()
                self.line.append(piece)
        else:
            self.line.append(data)
