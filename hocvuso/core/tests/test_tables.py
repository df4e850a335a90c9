"""core.tables: reading within limits, encodings, control characters, one number parser,
one header mapper, and writers whose cells are never formulas."""

from __future__ import annotations

import codecs
import io
import time
import unicodedata
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hocvuso.core.tables import (
    ImportRejected,
    NumberError,
    map_columns,
    parse_number,
    read_table,
)
from hocvuso.core.tables.forms import ImportForm
from hocvuso.core.tables.writing import (
    Sheet,
    csv_chunks,
    new_workbook,
    workbook_bytes,
    xlsx_table,
)

HYPERLINK = '=HYPERLINK("http://x","y")'

# ---------------------------------------------------------------------------- bombs

SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>{rows}</sheetData></worksheet>"
)


def xlsx_with_rows(rows: str, *, dimension: str = "") -> bytes:
    """A minimal workbook whose first sheet's <sheetData> is ``rows``, as calamine reads it."""
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
            '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats'
            '-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": SHEET.format(rows=rows).replace(
            "<sheetData>", dimension + "<sheetData>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


# Cells at A1 and T1000000: 1.5 KB that calamine fills out to twenty million cells.
BOMB = xlsx_with_rows(
    f'<row r="1">{inline("A1", "Tên")}</row><row r="1000000">{inline("T1000000", "x")}</row>'
)


def test_the_bomb_is_small_and_a_real_workbook():
    assert len(BOMB) < 2000
    good = xlsx_with_rows(f'<row r="1">{inline("A1", "Tên")}{inline("B1", "Loại")}</row>')
    assert read_table("a.xlsx", good, kind="units") == [(1, ["Tên", "Loại"])]


@pytest.mark.parametrize("kind", ["units", "attendees", "values", "visits"])
def test_a_sheet_reaching_row_a_million_is_refused_in_under_two_seconds(kind):
    started = time.perf_counter()
    with pytest.raises(ImportRejected, match="Bảng tính lớn quá") as caught:
        read_table("bom.xlsx", BOMB, kind=kind)
    assert time.perf_counter() - started < 2
    assert "dòng 1000000, cột 20" in str(caught.value)


def test_a_sheet_claiming_a_huge_dimension_is_refused():
    content = xlsx_with_rows(
        f'<row r="1">{inline("A1", "Tên")}</row>', dimension='<dimension ref="A1:XFD1048576"/>'
    )
    with pytest.raises(ImportRejected, match="Bảng tính lớn quá"):
        read_table("a.xlsx", content, kind="units")


def test_cells_without_references_are_counted_too():
    row = "<row>" + '<c t="inlineStr"><is><t>1</t></is></c>' * 60 + "</row>"
    with pytest.raises(ImportRejected, match="Bảng tính lớn quá"):
        read_table("a.xlsx", xlsx_with_rows(row), kind="units")


def test_a_zip_that_lies_about_its_sizes_is_measured_while_inflating(monkeypatch):
    from hocvuso.core.tables import reading

    monkeypatch.setitem(
        reading.LIMITS, "units", reading.replace(reading.LIMITS["units"], max_unzipped=1 << 20)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b" " * (8 << 20))
    content = bytearray(buffer.getvalue())
    # Declare 100 bytes where 8 MB inflate, in the central directory and the local header.
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        at = content.index(signature) + offset
        content[at : at + 4] = (100).to_bytes(4, "little")
    started = time.perf_counter()
    with pytest.raises(ImportRejected, match="giải nén ra lớn quá 1 MB"):
        read_table("a.xlsx", bytes(content), kind="units")
    assert time.perf_counter() - started < 2


def test_a_zip_declaring_more_than_its_limit_is_refused_before_inflating(monkeypatch):
    from hocvuso.core.tables import reading

    monkeypatch.setitem(
        reading.LIMITS, "units", reading.replace(reading.LIMITS["units"], max_unzipped=1 << 20)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b" " * (2 << 20))
    inflated = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile, "open", lambda *a, **k: inflated.append(a) or real_open(*a, **k)
    )
    with pytest.raises(ImportRejected, match="giải nén ra lớn quá 1 MB"):
        read_table("a.xlsx", buffer.getvalue(), kind="units")
    assert inflated == []


@pytest.mark.parametrize(
    "content", [b"PK\x03\x04 not a zip", b"PK\x05\x06" + b"\x00" * 18, b"\x00" * 100]
)
def test_a_damaged_workbook_is_refused_with_a_message(content):
    with pytest.raises(ImportRejected, match="không phải tệp Excel hợp lệ"):
        read_table("a.xlsx", content, kind="units")


def test_the_upload_form_refuses_a_file_over_its_kinds_limit_before_reading_it():
    big = SimpleUploadedFile("luot.csv", b"x" * (21 * 1024 * 1024))
    form = ImportForm({}, {"file": big}, kind="visits")
    assert not form.is_valid()
    assert form.errors["file"] == ["Tệp lớn quá 20 MB."]
    sheet = SimpleUploadedFile("luot.xlsx", b"x" * (6 * 1024 * 1024))
    form = ImportForm({}, {"file": sheet}, kind="visits")
    assert form.errors["file"] == ["Tệp lớn quá 5 MB."]


# ---------------------------------------------------------------------------- CSV text

TEXT = "Tên,Loại\nThôn Đông,thôn\nPhường Hoà Lư,phường\n"
TONES = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """``text`` as Excel on a Vietnamese Windows saves "CSV": letters with their hat, breve
    or horn in one byte, tone marks as combining characters after them."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize(
    "content",
    [
        TEXT.encode(),
        codecs.BOM_UTF8 + TEXT.encode(),
        TEXT.encode("utf-16"),  # with its BOM, as Excel's "Unicode text" writes it
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),  # without a BOM
        # Windows-1258 writes tone marks as combining characters: read back composed.
        windows_1258(TEXT),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-be", "utf-16-le-no-bom", "cp1258"],
)
def test_csv_encodings_are_detected(content):
    assert read_table("a.csv", content, kind="units") == [
        (1, ["Tên", "Loại"]),
        (2, ["Thôn Đông", "thôn"]),
        (3, ["Phường Hoà Lư", "phường"]),
    ]


def test_control_characters_and_nul_are_dropped_from_every_cell():
    content = "Tên;Ghi chú\nThôn\x00 Đông;một\x0bhai\x07\nB;'=1+1\n".encode()
    assert read_table("a.csv", content, kind="units") == [
        (1, ["Tên", "Ghi chú"]),
        (2, ["Thôn Đông", "một hai"]),
        (3, ["B", "=1+1"]),  # our exports' apostrophe before a formula goes on the way in
    ]


def test_a_csv_cell_beyond_the_csv_modules_limit_is_a_message_not_an_error():
    content = b"Ten,Loai\n" + b'"' + b"x" * 200_000 + b'",thon\n'
    with pytest.raises(ImportRejected, match="Dòng 2: không đọc được dòng này"):
        read_table("a.csv", content, kind="units")


# ---------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "whole", "value"),
    [
        ("9740", True, 9740),
        ("9.740", True, 9740),
        ("9,740", True, 9740),
        ("9 740", True, 9740),
        ("9\u00a0740", True, 9740),
        ("1.234.567", True, 1234567),
        ("12.0", True, 12),
        ("12,5", False, Decimal("12.5")),
        ("1.234,5", False, Decimal("1234.5")),
        ("12.5", False, Decimal("12.5")),
        ("-3", False, Decimal("-3")),
        ("", True, None),
    ],
)
def test_numbers_are_read_as_officials_type_them(text, whole, value):
    assert parse_number(text, whole=whole) == value


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("²", "invalid"),
        ("1²", "invalid"),
        ("１２", "invalid"),
        ("12a", "invalid"),
        ("1e5", "invalid"),
        ("12,5", "whole"),
        ("-1", "negative"),
        ("12345678901234567890123", "range"),
    ],
)
def test_what_is_not_a_count_says_why(text, code):
    with pytest.raises(NumberError) as caught:
        parse_number(text, whole=True, minimum=0)
    assert caught.value.code == code


# ---------------------------------------------------------------------------- headers


def test_one_header_mapper_names_unknown_repeated_and_missing_columns():
    headers = {"ten": "name", "loai": "kind", "stt": None}
    columns, errors = map_columns(
        1, ["STT", "Tên", "Tên", "Màu"], headers, required={"name": "Tên", "kind": "Loại"}
    )
    assert columns == {1: "name"}
    assert [str(e) for e in errors] == [
        "Dòng 1: cột “Tên” bị lặp.",
        "Dòng 1: cột “Màu” không thuộc mẫu nhập.",
        "Dòng 1: thiếu cột “Loại”.",
    ]


# ---------------------------------------------------------------------------- writing


def read_back(content: bytes) -> list[list[openpyxl.cell.Cell]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows()]


@pytest.mark.parametrize("text", [HYPERLINK, "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"])
def test_text_that_starts_like_a_formula_is_written_as_text(text):
    content = xlsx_table("T", ["A", "B"], [[text, -5]])
    cell, number = read_back(content)[3]
    assert cell.data_type == "s"
    assert cell.value == text
    assert cell.quotePrefix  # Excel keeps it text when the cell is edited
    assert number.value == -5
    assert number.data_type == "n"


def test_characters_xml_cannot_hold_are_dropped_or_made_line_breaks():
    workbook = new_workbook(title="Kế hoạch\x07")
    sheet = Sheet(workbook, "Trang\x0b1")
    sheet.append(["một\x0bhai", "ba\x07", "#N/A"])
    rows = read_back(workbook_bytes(workbook))
    assert [c.value for c in rows[0]] == ["một\nhai", "ba", "#N/A"]
    assert rows[0][2].data_type == "s"


def test_a_csv_cell_that_starts_like_a_formula_gets_an_apostrophe():
    text = "".join(csv_chunks(["Ghi chú", "Số"], [[HYPERLINK, -5], ["bình thường\x00", 3]]))
    assert text.splitlines() == [
        "\ufeffGhi chú,Số",
        '"\'=HYPERLINK(""http://x"",""y"")",-5',
        "bình thường,3",
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "cp1258"])
def test_a_streamed_csv_is_decoded_and_cleaned_piece_by_piece(encoding):
    from hocvuso.core.tables import iter_table

    lines = ["Tên;Ghi chú", *[f"Thôn Đông {n};ghi\x00 chú ở xã" for n in range(5000)]]
    text = "\n".join(lines) + "\n"
    content = windows_1258(text) if encoding == "cp1258" else text.encode(encoding)
    assert len(content) > 2 * (1 << 16)  # read in several pieces
    rows = list(iter_table("a.csv", io.BytesIO(content), kind="visits"))
    assert rows[0] == (1, ["Tên", "Ghi chú"])
    assert rows[-1] == (5001, ["Thôn Đông 4999", "ghi chú ở xã"])
    assert all(cells == [f"Thôn Đông {n - 2}", "ghi chú ở xã"] for n, cells in rows[1:])


def test_a_number_of_five_thousand_digits_is_a_message_not_a_crash():
    from hocvuso.core.tables.numbers import NumberError, parse_number

    with pytest.raises(NumberError):
        parse_number("1" * 5000, whole=True)


def test_an_id_of_five_thousand_digits_names_no_row():
    from hocvuso.core.http import id_param

    assert id_param("1" * 5000) is None


def test_a_stored_nan_exports_as_text_not_a_crash():
    from decimal import Decimal

    from hocvuso.core.tables.writing import cell_kind

    assert cell_kind(Decimal("NaN")) == "text"
    assert cell_kind(float("inf")) == "text"
