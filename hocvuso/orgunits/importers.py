"""Reading a unit list from CSV or Excel into checked rows, before anything is written.

Every problem is collected with the line number a person sees in their spreadsheet (the
header is line 1), so one upload tells them everything to fix at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from hocvuso.core.tables import (
    MAX_INTEGER,
    ImportRejected,
    NumberError,
    RowError,
    fold,
    map_columns,
    parse_number,
    read_table,
)
from hocvuso.orgunits.models import OrgUnit

# Re-exported for the unit import's callers.
__all__ = ["ImportRejected", "RowError", "UnitRow", "parse_rows", "read_units"]

# Folded header text → field. Vietnamese first, English accepted.
HEADERS = {
    "ma": "code",
    "ma don vi": "code",
    "code": "code",
    "ten": "name",
    "ten don vi": "name",
    "name": "name",
    "loai": "kind",
    "loai don vi": "kind",
    "kind": "kind",
    "ma don vi cap tren": "parent_code",
    "ma cap tren": "parent_code",
    "don vi cap tren": "parent_code",
    "parent code": "parent_code",
    "parent_code": "parent_code",
    "ten ngan": "short_name",
    "short name": "short_name",
    "short_name": "short_name",
    "ten viet tat": "abbreviation",
    "viet tat": "abbreviation",
    "abbreviation": "abbreviation",
    "nhom": "groups",
    "nhom don vi": "groups",
    "groups": "groups",
    "nam": "year",
    "nam so lieu": "year",
    "year": "year",
    "so nguoi truong thanh": "adults",
    "nguoi truong thanh": "adults",
    "adults": "adults",
    "so ho": "households",
    "so ho gia dinh": "households",
    "households": "households",
    "so can bo cong chuc vien chuc": "staff",
    "can bo cong chuc vien chuc": "staff",
    "so cbccvc": "staff",
    "cbccvc": "staff",
    "staff": "staff",
    "so hoc sinh sinh vien": "pupils",
    "hoc sinh sinh vien": "pupils",
    "so hssv": "pupils",
    "hssv": "pupils",
    "pupils": "pupils",
    "so nguoi lao dong": "workers",
    "nguoi lao dong": "workers",
    "so nguoi lao dong doanh nghiep hop tac xa": "workers",
    "workers": "workers",
}
REQUIRED = ("name", "kind")
TEMPLATE_HEADERS = [
    "Mã",
    "Tên đơn vị",
    "Loại",
    "Mã đơn vị cấp trên",
    "Tên ngắn",
    "Tên viết tắt",
    "Nhóm",
    "Năm",
    "Số người trưởng thành",
    "Số hộ",
    "Số CBCCVC",
    "Số HSSV",
    "Số người lao động",
]

# Folded words people write in the "Loại" column → kind.
KIND_WORDS = {
    **{fold(str(label)): value for value, label in OrgUnit.Kind.choices},
    **{value: value for value in OrgUnit.Kind.values},
    "tinh": "province",
    "thanh pho truc thuoc trung uong": "province",
    "huyen": "district",
    "quan": "district",
    "thi xa": "district",
    "thanh pho thuoc tinh": "district",
    "xa": "commune",
    "phuong": "commune",
    "dac khu": "commune",
    "thi tran": "commune",
    "thon": "village",
    "ban": "village",
    "xom": "village",
    "ap": "village",
    "to dan pho": "village",
    "khu pho": "village",
    "to": "village",
    "so": "agency",
    "co quan": "agency",
    "so, ban, nganh": "agency",
    "doan the": "union",
    "hoi": "union",
    "truong": "school",
    "truong hoc": "school",
    "bao chi": "press",
    "co quan bao chi": "press",
    "doanh nghiep": "enterprise",
    "khac": "other",
}


@dataclass
class UnitRow:
    line: int
    name: str
    kind: str
    code: str | None = None
    parent_code: str | None = None
    short_name: str = ""
    abbreviation: str = ""
    groups: list[str] = field(default_factory=list)
    year: int | None = None
    adults: int | None = None
    households: int | None = None
    staff: int | None = None
    pupils: int | None = None
    workers: int | None = None


def read_units(filename: str, content: bytes) -> list[tuple[int, list[str]]]:
    """The non-blank lines of a unit list, read within the unit import's limits."""
    return read_table(filename, content, kind="units")


def parse_rows(table: list[tuple[int, list[str]]]) -> tuple[list[UnitRow], list[RowError]]:
    """Check the header (raising ImportRejected if it is wrong) and each row on its own; the
    rows that read cleanly come back with the problems of the others, so the caller can add
    the checks that span rows and report everything at once."""
    if not table:
        raise ImportRejected([RowError(0, _("Tệp rỗng: không có dòng nào để nhập."))])
    header_line, header = table[0]
    columns, errors = map_columns(
        header_line,
        header,
        HEADERS,
        required={"name": TEMPLATE_HEADERS[1], "kind": TEMPLATE_HEADERS[2]},
    )
    if errors:
        raise ImportRejected(errors)
    if len(table) == 1:
        raise ImportRejected([RowError(0, _("Tệp chỉ có dòng tiêu đề, không có đơn vị nào."))])

    rows = []
    for line, cells in table[1:]:
        values = {key: (cells[i] if i < len(cells) else "") for i, key in columns.items()}
        row, row_errors = _parse_row(line, values)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    return rows, errors


def _parse_row(line: int, values: dict[str, str]) -> tuple[UnitRow | None, list[RowError]]:
    errors: list[RowError] = []
    name = values.get("name", "").strip()
    if not name:
        errors.append(RowError(line, _("thiếu tên đơn vị.")))
    elif len(name) > 255:
        errors.append(RowError(line, _("tên đơn vị dài quá 255 ký tự.")))
    raw_kind = values.get("kind", "").strip()
    kind = KIND_WORDS.get(fold(raw_kind))
    if not raw_kind:
        errors.append(RowError(line, _("thiếu loại đơn vị.")))
    elif kind is None:
        errors.append(
            RowError(line, _("loại đơn vị “%(kind)s” không hợp lệ.") % {"kind": raw_kind})
        )
    numbers: dict[str, int | None] = {}
    for key, label in (
        ("year", _("năm")),
        ("adults", _("số người trưởng thành")),
        ("households", _("số hộ")),
        ("staff", _("số cán bộ, công chức, viên chức")),
        ("pupils", _("số học sinh, sinh viên")),
        ("workers", _("số người lao động")),
    ):
        raw = values.get(key, "")
        try:
            numbers[key] = parse_number(raw, whole=True, minimum=0, maximum=MAX_INTEGER)
        except NumberError as exc:
            message = (
                _("%(label)s “%(value)s” quá lớn.")
                if exc.code == "range"
                else _("%(label)s “%(value)s” phải là số nguyên không âm.")
            )
            errors.append(RowError(line, message % {"label": label, "value": raw[:40]}))
            numbers[key] = None
    year = numbers["year"]
    if year is not None and not 1900 <= year <= 2200:
        errors.append(RowError(line, _("năm “%(year)s” không hợp lệ.") % {"year": year}))
    if year is None and any(numbers[k] is not None for k in numbers if k != "year"):
        errors.append(RowError(line, _("có số liệu dân số nhưng thiếu năm.")))
    if errors:
        return None, errors
    groups = [g.strip() for g in values.get("groups", "").split(";") if g.strip()]
    return (
        UnitRow(
            line=line,
            name=name,
            kind=kind or "",
            code=values.get("code", "").strip() or None,
            parent_code=values.get("parent_code", "").strip() or None,
            short_name=values.get("short_name", "").strip(),
            abbreviation=values.get("abbreviation", "").strip(),
            groups=groups,
            year=year,
            adults=numbers["adults"],
            households=numbers["households"],
            staff=numbers["staff"],
            pupils=numbers["pupils"],
            workers=numbers["workers"],
        ),
        [],
    )
