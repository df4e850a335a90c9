"""Reading the first sheet of an Excel or CSV upload as (line number, cells).

Every upload kind has its limits (``LIMITS``), checked before anything is parsed: the bytes
sent; for a spreadsheet (a zip of XML) the bytes it unzips to and the rows, columns and
cells its sheets reach, read from the XML itself before calamine loads it, because a 1.5 KB
file with cells at A1 and T1000000 makes calamine allocate twenty million cells. A CSV is
decoded from UTF-8 (with or without BOM), UTF-16 (BOM) or Windows-1258, Excel's Vietnamese
"CSV" on Windows; control characters are dropped from every cell on the way in.
"""

from __future__ import annotations

import codecs
import copy
import csv
import datetime
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import IO

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from hocvuso.core.tables.errors import ImportRejected, RowError, rejected
from hocvuso.core.tables.text import clean_cell, clean_stream_text

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
ZIP_SUFFIXES = {".xlsx", ".xlsm", ".ods"}
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one kind of upload may hold. ``max_bytes`` is the file as sent (a CSV streamed
    into the database may be larger than a spreadsheet, which is loaded whole:
    ``max_sheet_bytes``); the others bound a spreadsheet's content."""

    max_bytes: int
    max_rows: int
    max_columns: int
    max_cells: int
    max_unzipped: int
    max_sheet_bytes: int | None = None

    def max_upload(self, filename: str) -> int:
        if PurePath(filename).suffix.lower() in SPREADSHEET_SUFFIXES:
            return self.max_sheet_bytes or self.max_bytes
        return self.max_bytes


# One row per kind of table upload. A province has about 3,000 units and a bridge point a
# few hundred names; a commune's visits of a year fit in a 20 MB CSV, streamed at flat
# memory (a province's year, a million rows, is imported from the server, bench/).
LIMITS: dict[str, Limits] = {
    "units": Limits(
        5 * MB, max_rows=20_000, max_columns=50, max_cells=500_000, max_unzipped=50 * MB
    ),
    "attendees": Limits(
        5 * MB, max_rows=10_000, max_columns=30, max_cells=200_000, max_unzipped=50 * MB
    ),
    "values": Limits(
        5 * MB, max_rows=20_000, max_columns=300, max_cells=1_000_000, max_unzipped=64 * MB
    ),
    "visits": Limits(
        20 * MB,
        max_rows=200_000,
        max_columns=40,
        max_cells=2_000_000,
        max_unzipped=100 * MB,
        max_sheet_bytes=5 * MB,
    ),
    # The national learning platform's completions of a province (learning.importers).
    "completions": Limits(
        20 * MB,
        max_rows=200_000,
        max_columns=60,
        max_cells=3_000_000,
        max_unzipped=150 * MB,
        max_sheet_bytes=15 * MB,
    ),
}


def limits_for(kind: str) -> Limits:
    limits = LIMITS[kind]
    if kind == "units":
        from django.conf import settings

        # The deployment may set this one (UNIT_IMPORT_MAX_BYTES), and tests do.
        limits = replace(limits, max_bytes=settings.UNIT_IMPORT_MAX_BYTES)
    return limits


def check_size(size: int, filename: str, limits: Limits) -> None:
    """Refuse a file larger than its kind takes, before reading any of it."""
    allowed = limits.max_upload(filename)
    if size > allowed:
        raise rejected(_("Tệp lớn quá %(mb)d MB.") % {"mb": allowed // MB})


def check_suffix(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES | CSV_SUFFIXES:
        raise rejected(_("Chỉ nhận tệp Excel (.xlsx, .xls, .ods) hoặc CSV (.csv)."))
    return suffix


# ---------------------------------------------------------------------------- whole files


def read_table(
    filename: str, content: bytes, *, kind: str, raw: bool = False
) -> list[tuple[int, list]]:
    """The non-blank lines of the file's first sheet as (line number, cells), the cells as
    text; with ``raw``, a spreadsheet's numbers and dates stay numbers and dates (a CSV's
    cells are text either way). Raises ``ImportRejected`` for a file that is too large,
    empty, of another type, or that cannot be read."""
    limits = limits_for(kind)
    check_size(len(content), filename, limits)
    suffix = check_suffix(filename)
    if not content.strip():
        raise rejected(_("Tệp rỗng: không có dòng nào để nhập."))
    if suffix in SPREADSHEET_SUFFIXES:
        rows: Iterable[tuple[int, list]] = _spreadsheet_rows(content, suffix, limits, raw=raw)
    else:
        rows = _csv_rows(_decoded(content))
    return [(line, cells) for line, cells in rows if any(_filled(c) for c in cells)]


def iter_table(filename: str, stream: IO[bytes], *, kind: str) -> Iterator[tuple[int, list[str]]]:
    """``read_table`` for a stream, lazily: a CSV is decoded and split as it is read, so a
    million rows take the memory of one; a spreadsheet is read whole (within its limits).
    Blank lines are yielded too. The size of a CSV stream is the caller's to check (the
    upload form does)."""
    limits = limits_for(kind)
    suffix = check_suffix(filename)
    if suffix in SPREADSHEET_SUFFIXES:
        content = stream.read(limits.max_upload(filename) + 1)
        check_size(len(content), filename, limits)
        if not content.strip():
            raise rejected(_("Tệp rỗng: không có dòng nào để nhập."))
        yield from _spreadsheet_rows(content, suffix, limits)
        return
    yield from _csv_rows(_decoded_stream(stream))


def _filled(cell: object) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


# ---------------------------------------------------------------------------- spreadsheets

# A cell or row reference in a sheet's XML: <c r="T1000000" …>, <row r="12" …>.
_REF = re.compile(rb'\sr="([A-Z]{0,3})([0-9]{1,9})"')
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]{1,3}[0-9]+:([A-Z]{1,3})([0-9]+)"')
_CHUNK = 1 << 20


def _column_number(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + c - 64
    return n


def check_zip_bounds(content: bytes, limits: Limits, *, sheets: bool = True) -> None:
    """Refuse a zip (.xlsx, .ods) that unzips to more than ``limits.max_unzipped`` bytes —
    counted while inflating, not taken from the sizes it declares — or whose worksheets
    reach beyond ``limits``' rows, columns or cells (from each sheet's <dimension> and every
    row and cell reference, and the count of cells written without one). Reads the file
    once, in 1 MB pieces, so a bomb is refused in the time it takes to inflate the limit."""
    unreadable = rejected(_("Không đọc được tệp: đây không phải tệp Excel hợp lệ."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise unreadable from None
    if len(members) > 1000:
        raise unreadable
    too_big = rejected(
        _("Tệp Excel giải nén ra lớn quá %(mb)d MB: không đọc được.")
        % {"mb": limits.max_unzipped // MB}
    )
    # A bomb that declares its size is refused before a byte is inflated; one that lies is
    # caught below, where every inflated byte is counted.
    if sum(member.file_size for member in members) > limits.max_unzipped:
        raise too_big
    budget = limits.max_unzipped
    for member in members:
        if member.is_dir():
            continue
        worksheet = sheets and "worksheets/" in member.filename and member.filename.endswith(".xml")
        # Inflated until the budget is spent, whatever size the member claims to have
        # (zipfile would stop at the claimed size, calamine would not).
        claimed = copy.copy(member)
        claimed.file_size = 1 << 62
        bounds = _SheetBounds(limits) if worksheet else None
        try:
            with archive.open(claimed) as data:
                tail = b""
                while chunk := data.read(_CHUNK):
                    budget -= len(chunk)
                    if budget < 0:
                        raise too_big
                    if bounds is not None:
                        bounds.scan(tail + chunk)
                        tail = chunk[-64:]
        except ImportRejected:
            raise
        except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, RuntimeError):
            raise unreadable from None
        except Exception:  # zlib.error and the like: a damaged or crafted archive
            raise unreadable from None


class _SheetBounds:
    """The furthest row and column one worksheet's XML reaches, checked as it is read."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rows = self.columns = self.cells = self.row_tags = 0

    def scan(self, xml: bytes) -> None:
        # ``xml`` repeats the previous piece's last 64 bytes, so that no reference is cut
        # in two; a reference counted twice changes no maximum. Counts may be one high.
        if (dimension := _DIMENSION.search(xml)) is not None:
            self._check(int(dimension[2]), _column_number(dimension[1]))
        rows, columns = self.rows, self.columns
        for letters, digits in _REF.findall(xml):
            rows = max(rows, int(digits))
            if letters:
                columns = max(columns, _column_number(letters))
        self.cells += len(_CELL.findall(xml))
        self.row_tags += len(_ROW.findall(xml))
        self._check(max(rows, self.row_tags), max(columns, 1))
        if self.cells > self.limits.max_cells:
            self._refuse()

    def _check(self, rows: int, columns: int) -> None:
        self.rows, self.columns = max(self.rows, rows), max(self.columns, columns)
        limits = self.limits
        if (
            self.rows > limits.max_rows
            or self.columns > limits.max_columns
            or self.rows * self.columns > limits.max_cells
        ):
            self._refuse()

    def _refuse(self) -> None:
        limits = self.limits
        raise rejected(
            _(
                "Bảng tính lớn quá: mỗi tệp nhận tối đa %(rows)d dòng, %(columns)d cột "
                "(bảng trong tệp kéo tới dòng %(found_rows)d, cột %(found_columns)d). "
                "Hãy xóa các dòng, cột thừa hoặc tách thành nhiều tệp."
            )
            % {
                "rows": limits.max_rows,
                "columns": limits.max_columns,
                "found_rows": self.rows,
                "found_columns": self.columns,
            }
        )


def _spreadsheet_rows(
    content: bytes, suffix: str, limits: Limits, *, raw: bool = False
) -> Iterator[tuple[int, list]]:
    if suffix in ZIP_SUFFIXES:
        check_zip_bounds(content, limits, sheets=suffix != ".ods")
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        height, width = sheet.total_height, sheet.total_width
        if (
            height > limits.max_rows
            or width > limits.max_columns
            or height * width > (limits.max_cells)
        ):
            bounds = _SheetBounds(limits)
            bounds.rows, bounds.columns = height, width
            bounds._refuse()
        first_row, first_column = sheet.start or (0, 0)
        pad = [None] * first_column
        convert = _raw_cell if raw else _text_cell
        for number, row in enumerate(sheet.iter_rows(), start=first_row + 1):
            yield number, [*pad, *(convert(v) for v in row)] if pad else [convert(v) for v in row]
    except ImportRejected:
        raise
    except (CalamineError, ValueError, OSError, IndexError, TypeError):
        raise rejected(_("Không đọc được tệp: đây không phải tệp Excel hợp lệ.")) from None
    except Exception:  # calamine raises its own errors for damaged parts of a workbook
        raise rejected(_("Không đọc được tệp: đây không phải tệp Excel hợp lệ.")) from None


def _text_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return clean_cell(value).strip()
    return str(value).strip()


def _raw_cell(value: object) -> object:
    if isinstance(value, str):
        return clean_cell(value).strip()
    return value


def cell_text(value: object) -> str:
    """A raw cell as text: whole floats without ".0", dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


# ---------------------------------------------------------------------------- CSV

_BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x1f\x8b", b"\x89PNG")
_SAMPLE = 1 << 16


def detect_encoding(head: bytes) -> str:
    """The encoding of a CSV file from its first bytes: a BOM if there is one (UTF-8,
    UTF-16 LE or BE), UTF-16 without BOM from its zero bytes, UTF-8 if the bytes are valid
    UTF-8, else Windows-1258. Deterministic on purpose: statistical detectors guess
    Windows-1252 for the few Vietnamese words of a short file, and Windows-1258 is what
    Excel writes in Vietnam for "CSV" outside UTF-8. Raises for a file that is no text."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    even, odd = sample[0::2], sample[1::2]
    if len(sample) >= 4 and odd.count(0) * 2 >= len(odd) and not even.count(0):
        return "utf-16-le"
    if len(sample) >= 4 and even.count(0) * 2 >= len(even) and not odd.count(0):
        return "utf-16-be"
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if sample.startswith(_BINARY_MAGIC) or (b"\x00" in sample and controls * 10 > len(sample)):
        raise rejected(_("Không đọc được tệp: đây không phải tệp CSV."))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1258"
    return "utf-8"


def _bad_encoding() -> ImportRejected:
    return rejected(_("Tệp CSV phải được lưu với bảng mã UTF-8."))


def _decoded(content: bytes) -> Iterator[str]:
    encoding = detect_encoding(content[:_SAMPLE])
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError:
        if encoding != "utf-8":
            raise _bad_encoding() from None
        try:  # valid UTF-8 at the start, not further on: a Windows-1258 file after all
            text = content.decode("cp1258")
        except UnicodeDecodeError:
            raise _bad_encoding() from None
    yield unicodedata.normalize("NFC", clean_stream_text(text))


# Control bytes as UTF-8 and Windows-1258 write them (C0 but tab, LF, CR; DEL); the C1
# controls are two bytes in UTF-8, after \xc2. Looked for in the raw bytes, at C speed.
_CONTROL_BYTES = bytes([*range(9), 11, 12, *range(14, 32), 127])
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def _has_controls(raw: bytes, encoding: str) -> bool:
    if encoding not in ("utf-8", "utf-8-sig", "cp1258"):
        return True  # UTF-16: every character is checked
    if len(raw.translate(None, _CONTROL_BYTES)) != len(raw):
        return True
    return encoding != "cp1258" and b"\xc2" in raw and _C1_UTF8.search(raw) is not None


def _decoded_stream(stream: IO[bytes]) -> Iterator[str]:
    """The stream's text in pieces, cleaned of control characters. Windows-1258 writes tone
    marks as characters of their own: its text is composed (NFC), the last character of a
    piece waiting for a mark that may start the next one."""
    head = stream.read(_SAMPLE)
    encoding = detect_encoding(head)
    decoder = codecs.getincrementaldecoder(encoding)()
    compose = encoding == "cp1258"
    carry = ""
    try:
        raw = head
        while True:
            final = not raw
            text = decoder.decode(raw, final=final)
            if _has_controls(raw, encoding):
                text = clean_stream_text(text)
            if compose:
                text = carry + text
                text, carry = (text, "") if final else (text[:-1], text[-1:])
                text = unicodedata.normalize("NFC", text)
            if text:
                yield text
            if final:
                return
            raw = stream.read(1 << 16)
    except UnicodeDecodeError:
        raise _bad_encoding() from None


def _delimiter(sample: str) -> str:
    """The header's most frequent separator: Excel in Vietnamese saves with ";", and a
    column title like "Thôn, tổ dân phố" holds a comma. A first line with none (a title
    above the table) leaves it to the whole sample."""
    first = sample.split("\n", 1)[0]
    text = first if any(c in first for c in ";,\t") else sample
    return max(";,\t", key=lambda c: (text.count(c), c == ","))


# Our CSV exports write "'=…" for a cell starting like a formula (OWASP): read back, the
# apostrophe goes, so an exported file imports as it was typed.
_EXPORT_QUOTE = re.compile(r"(^|[;,\t])(\"?)'(?=[=+\-@])", re.MULTILINE)


def _csv_rows(chunks: Iterator[str]) -> Iterator[tuple[int, list[str]]]:
    first = next(chunks, "")
    if first.startswith("\ufeff"):  # a BOM the decoder kept (UTF-16 without its mark)
        first = first[1:]
    delimiter = _delimiter(first[:4096])
    reader = csv.reader(_lines(first, chunks), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells  # the physical line, even after a multi-line cell
    except csv.Error:
        raise rejected(
            _("Dòng %(line)d: không đọc được dòng này của tệp CSV (ô quá dài hoặc sai dấu nháy).")
            % {"line": reader.line_num}
        ) from None


def _lines(first: str, rest: Iterable[str]) -> Iterator[str]:
    """Lines of text arriving in chunks, for ``csv.reader``."""
    pending = ""
    for chunk in itertools.chain([first], rest):
        pending += chunk
        *lines, pending = pending.split("\n")
        for line in lines:
            yield _EXPORT_QUOTE.sub(r"\1\2", line) + "\n" if "'" in line else line + "\n"
    if pending:
        yield _EXPORT_QUOTE.sub(r"\1\2", pending) + "\n" if "'" in pending else pending + "\n"


def row_errors_note(errors: list[RowError], total: int) -> list[RowError]:
    """``errors`` (the first of ``total``), with a last line counting the others."""
    if total > len(errors):
        return [
            *errors,
            RowError(0, _("… và %(n)d dòng lỗi khác.") % {"n": total - len(errors)}),
        ]
    return errors
