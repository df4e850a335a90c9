"""The bad-input corpus (issue 13, deliver 9): every bad file and value built in memory by
code, so that no binary is committed and each one says how it is made.

Files are plain ``bytes``; spreadsheets and Word documents are written as raw zip + XML (not
through openpyxl or python-docx), because those libraries refuse to write what an attacker
or a careless export writes: cells at T1000000, control characters, truncated parts.
Random content is seeded: a failing case is the same bytes on every run.
"""

from __future__ import annotations

import functools
import random
import struct
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

SEED = 13

# --- Values typed (or pasted) into a field or a cell

NUL = "Thôn\x00 Một"
# Word's manual line break (\x0b) and the bell (\x07), as pasted text brings them.
CONTROL = "Thôn\x0b Hai\x07"
FORMULA = '=HYPERLINK("http://x","y")'
SUPERSCRIPT = "²"  # str.isdigit() is True, int() fails
DIGITS_23 = "12345678901234567890123"
LONG_500 = ("Thôn Đồng Tâm " * 40)[:499] + "m"  # no space at the end for a strip() to take
assert len(LONG_500) == 500

TEXT_VALUES = {
    "nul": NUL,
    "control": CONTROL,
    "formula": FORMULA,
    "long500": LONG_500,
}
NUMBER_VALUES = {
    "superscript": SUPERSCRIPT,
    "digits23": DIGITS_23,
    "negative": "-1",
}
# What cleaning may leave of a text value (the control characters removed or replaced).
FORBIDDEN = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}
FORMULA_STARTS = ("=", "+", "-", "@")


def has_forbidden(text: str) -> bool:
    return any(ch in FORBIDDEN for ch in text)


def random_bytes(size: int = 4096, *, salt: str = "") -> bytes:
    return random.Random(f"{SEED}-{salt}-{size}").randbytes(size)  # noqa: S311 — test data


# --- CSV


def csv_bytes(
    rows: Sequence[Sequence[object]], *, encoding: str = "utf-8", delimiter: str = ";"
) -> bytes:
    """Rows joined with ``delimiter``; a cell holding it, a quote or a line break is quoted."""

    def cell(value: object) -> str:
        text = str(value)
        if any(ch in text for ch in (delimiter, '"', "\n", "\r")):
            return '"' + text.replace('"', '""') + '"'
        return text

    text = "\r\n".join(delimiter.join(cell(v) for v in row) for row in rows) + "\r\n"
    if encoding == "cp1258":
        return cp1258(text)
    return text.encode(encoding)


# cp1258 has the Vietnamese base letters (ă â ê ô ơ ư đ) and the five tones as combining
# marks, not the precomposed letters: "ờ" is written "ơ" + U+0300, as Windows does.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
        tones = "".join(p for p in parts if p in _TONES)
        out += (base + tones).encode("cp1258")
    return bytes(out)


def padded_csv(rows: Sequence[Sequence[object]], size: int, *, delimiter: str = ";") -> bytes:
    """A good CSV made ``size`` bytes long by blank lines, which every reader skips: without a
    size cap it would be read whole and imported."""
    head = csv_bytes(rows, delimiter=delimiter)
    blank = (delimiter * max(1, len(rows[0]) - 1) + "\r\n").encode()
    return head + blank * ((size - len(head)) // len(blank) + 1)


# --- Zip packages, written by hand so that a part can inflate to hundreds of megabytes
# without those megabytes ever being compressed here


@dataclass(frozen=True)
class Repeated:
    """A part made of ``head``, ``block`` times ``count`` and ``tail``."""

    head: bytes
    block: bytes
    count: int
    tail: bytes


def _deflate(data: bytes, mode: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(mode)


def _deflated(part: bytes | Repeated) -> tuple[bytes, int, int]:
    """Raw deflate data, CRC-32 and inflated size. A full flush after each block resets the
    compressor, so every block compresses to the same bytes: one block is compressed and
    its output repeated."""
    if isinstance(part, bytes):
        return _deflate(part, zlib.Z_FINISH), zlib.crc32(part), len(part)
    crc = zlib.crc32(part.head)
    for _ in range(part.count):
        crc = zlib.crc32(part.block, crc)
    crc = zlib.crc32(part.tail, crc)
    data = (
        _deflate(part.head, zlib.Z_FULL_FLUSH)
        + _deflate(part.block, zlib.Z_FULL_FLUSH) * part.count
        + _deflate(part.tail, zlib.Z_FINISH)
    )
    return data, crc, len(part.head) + len(part.block) * part.count + len(part.tail)


def zip_bytes(parts: Sequence[tuple[str, bytes | Repeated]]) -> bytes:
    out, directory = bytearray(), bytearray()
    for name, part in parts:
        data, crc, size = _deflated(part)
        encoded = name.encode()
        fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded))
        directory += struct.pack("<IH", 0x02014B50, 20) + struct.pack("<5H3LH", *fields)
        directory += struct.pack("<4HLL", 0, 0, 0, 0, 0, len(out)) + encoded
        out += struct.pack("<I", 0x04034B50) + struct.pack("<5H3LH", *fields)
        out += struct.pack("<H", 0) + encoded + data
    end = struct.pack(
        "<IHHHHLLH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), len(out), 0
    )
    return bytes(out + directory + end)


# --- Spreadsheets (.xlsx), as raw Office Open XML

_PKG = "application/vnd.openxmlformats-package"
_DOC = "application/vnd.openxmlformats-officedocument"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    f'<Default Extension="rels" ContentType="{_PKG}.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    f'ContentType="{_DOC}.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_DOC}.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_XLSX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_XLSX_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_XLSX_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
_SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def column_name(index: int) -> str:
    """0 → A, 19 → T, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def ooxml_text(text: str) -> str:
    """Text for an XML cell: control characters as Excel writes them (``_x000B_``), since
    XML 1.0 cannot hold them at all."""
    out = []
    for ch in text:
        if ch in FORBIDDEN:
            out.append(f"_x{ord(ch):04X}_")
        else:
            out.append(escape(ch))
    return "".join(out)


def _cell_xml(ref: str, value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = ooxml_text(str(value))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _rows_xml(rows: Iterable[tuple[int, Sequence[object]]]) -> str:
    parts = []
    for number, cells in rows:
        body = "".join(
            _cell_xml(f"{column_name(i)}{number}", v) for i, v in enumerate(cells) if v != ""
        )
        parts.append(f'<row r="{number}">{body}</row>')
    return "".join(parts)


def _xlsx_package(sheet: bytes | Repeated) -> bytes:
    return zip_bytes(
        [
            ("[Content_Types].xml", _XLSX_TYPES.encode()),
            ("_rels/.rels", _XLSX_RELS.encode()),
            ("xl/workbook.xml", _XLSX_WORKBOOK.encode()),
            ("xl/_rels/workbook.xml.rels", _XLSX_WORKBOOK_RELS.encode()),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
    )


def xlsx_bytes(rows: Sequence[Sequence[object]], *, dimension: str | None = None) -> bytes:
    """A one-sheet workbook with ``rows`` from A1, inline strings."""
    numbered = list(enumerate(rows, start=1))
    ref = dimension or f"A1:{column_name(max(len(r) for r in rows) - 1)}{len(rows)}"
    sheet = (
        f'{_SHEET_OPEN}<dimension ref="{ref}"/><sheetData>{_rows_xml(numbered)}</sheetData>'
        "</worksheet>"
    )
    return _xlsx_package(sheet.encode())


def xlsx_dimension_bomb(rows: Sequence[Sequence[object]]) -> bytes:
    """The good ``rows``, plus one cell at T1000000: 1.5 KB that a reader filling the sheet's
    rectangle turns into 20 million cells."""
    numbered = [*enumerate(rows, start=1), (1_000_000, [""] * 19 + ["x"])]
    sheet = (
        f'{_SHEET_OPEN}<dimension ref="A1:T1000000"/><sheetData>{_rows_xml(numbered)}'
        "</sheetData></worksheet>"
    )
    return _xlsx_package(sheet.encode())


MB = 1024 * 1024
INFLATED_BYTES = 300 * MB


def xlsx_inflation_bomb(rows: Sequence[Sequence[object]]) -> bytes:
    """The good ``rows``, then one cell of 300 MB of text: a few hundred KB on the wire."""
    return _inflation_bomb_xlsx(tuple(tuple(str(v) for v in r) for r in rows))


@functools.cache
def _inflation_bomb_xlsx(rows: tuple[tuple[str, ...], ...]) -> bytes:
    numbered = list(enumerate(rows, start=1))
    n = len(rows) + 1
    head = (
        f"{_SHEET_OPEN}<sheetData>{_rows_xml(numbered)}"
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>'
    )
    block = b"A" * MB
    tail = b"</t></is></c></row></sheetData></worksheet>"
    return _xlsx_package(Repeated(head.encode(), block, INFLATED_BYTES // MB, tail))


# --- Word (.docx), as raw Office Open XML

_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    f'<Default Extension="rels" ContentType="{_PKG}.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    f'ContentType="{_DOC}.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
_DOCUMENT_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
_DOCUMENT_CLOSE = "</w:body></w:document>"


def _paragraph(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _docx_package(document: bytes | Repeated) -> bytes:
    return zip_bytes(
        [
            ("[Content_Types].xml", _DOCX_TYPES.encode()),
            ("_rels/.rels", _DOCX_RELS.encode()),
            ("word/document.xml", document),
        ]
    )


def docx_bytes(paragraphs: Iterable[str]) -> bytes:
    body = "".join(_paragraph(p) for p in paragraphs)
    return _docx_package(f"{_DOCUMENT_OPEN}{body}{_DOCUMENT_CLOSE}".encode())


@functools.cache
def docx_bomb() -> bytes:
    """A .docx of about 300 KB whose document.xml inflates to 300 MB of paragraphs."""
    # Long runs of one letter: deflate's best ratio (about 1,000 to 1).
    paragraph = _paragraph("Kế hoạch " + "a" * 30_000).encode()
    block = paragraph * (MB // len(paragraph))
    count = INFLATED_BYTES // len(block)
    return _docx_package(Repeated(_DOCUMENT_OPEN.encode(), block, count, _DOCUMENT_CLOSE.encode()))


def docx_truncated_xml(paragraphs: Iterable[str]) -> bytes:
    """A sound zip whose document.xml stops in the middle of a paragraph."""
    body = "".join(_paragraph(p) for p in paragraphs)
    xml = f"{_DOCUMENT_OPEN}{body}"
    return _docx_package(xml[: len(xml) - 20].encode())


def truncated(data: bytes) -> bytes:
    """The first half of a file: a zip without its central directory."""
    return data[: len(data) // 2]


# --- Other formats, minimal but real


def png_bytes(size: int = 0) -> bytes:
    """A 1 by 1 PNG, padded after its end with zeros to ``size`` bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    image = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )
    return image + b"\x00" * max(0, size - len(image))


def pdf_bytes(text: str = "Minh chung") -> bytes:
    """A one-page PDF with a text layer, its cross-reference table computed."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


HUGE_BYTES = 25 * 1024 * 1024
# Every extension a person might pick, whatever the upload expects.
EXTENSIONS = (
    ".xlsx",
    ".xls",
    ".ods",
    ".csv",
    ".txt",
    ".docx",
    ".pdf",
    ".png",
    ".jpg",
    ".mp4",
    ".exe",
    "",
)
