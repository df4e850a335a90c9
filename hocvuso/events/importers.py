"""Reading a bridge point's list of attendees from the Excel or CSV sheet it keeps.

The sheet is read and checked whole before anything is written; every problem comes back with
the line number the person sees in their spreadsheet (the header is line 1).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hocvuso.core.tables import ImportRejected, RowError, fold, map_columns, read_table
from hocvuso.events.models import AttendanceCategory, AttendeeName

# A bridge point's hall holds a few hundred; more is a wrong file, not a list of names.
MAX_NAMES = 5_000
TEMPLATE_HEADERS = ["STT", "Họ và tên", "Thành phần", "Chức vụ, đơn vị"]

# Folded header text → field; None marks columns people keep that we do not need.
HEADERS: dict[str, str | None] = {
    "stt": None,
    "tt": None,
    "so thu tu": None,
    "ghi chu": None,
    "ho va ten": "name",
    "ho ten": "name",
    "ten": "name",
    "name": "name",
    "thanh phan": "category",
    "doi tuong": "category",
    "category": "category",
    "chuc vu": "position",
    "chuc vu, don vi": "position",
    "chuc vu don vi": "position",
    "don vi": "position",
    "position": "position",
}

# Folded words people write in the "Thành phần" column → category.
CATEGORY_WORDS = {
    **{fold(str(label)): value for value, label in AttendanceCategory.choices},
    **{value: value for value in AttendanceCategory.values},
    "lanh dao": AttendanceCategory.LEADERS,
    "can bo": AttendanceCategory.OFFICIALS,
    "cong chuc": AttendanceCategory.OFFICIALS,
    "vien chuc": AttendanceCategory.OFFICIALS,
    "cbccvc": AttendanceCategory.OFFICIALS,
    "doan vien": AttendanceCategory.UNION_MEMBERS,
    "hoi vien": AttendanceCategory.UNION_MEMBERS,
    "hoc sinh": AttendanceCategory.STUDENTS,
    "sinh vien": AttendanceCategory.STUDENTS,
    "nguoi dan": AttendanceCategory.RESIDENTS,
    "nhan dan": AttendanceCategory.RESIDENTS,
    "to cong nghe so": AttendanceCategory.TEAM_MEMBERS,
    "to cong nghe so cong dong": AttendanceCategory.TEAM_MEMBERS,
    "khac": AttendanceCategory.OTHER,
}


def read_attendee_names(filename: str, content: bytes) -> list[dict[str, Any]]:
    """The file's names as ``AttendeeName`` field values, or ``ImportRejected`` with every
    problem in it."""
    table = read_table(filename, content, kind="attendees")
    header_line, header = table[0]
    columns, errors = map_columns(
        header_line, header, HEADERS, required={"name": TEMPLATE_HEADERS[1]}
    )
    if errors:
        raise ImportRejected(errors)
    if len(table) == 1:
        raise ImportRejected([RowError(0, _("Tệp chỉ có dòng tiêu đề, chưa có tên người dự."))])
    if len(table) - 1 > MAX_NAMES:
        raise ImportRejected(
            [RowError(0, _("Tệp có quá %(n)d người: hãy tách thành nhiều tệp.") % {"n": MAX_NAMES})]
        )
    name_limit = AttendeeName._meta.get_field("name").max_length
    position_limit = AttendeeName._meta.get_field("position").max_length
    rows: list[dict[str, Any]] = []
    for line, cells in table[1:]:
        values = {key: " ".join(cells[i].split()) for i, key in columns.items() if i < len(cells)}
        name, position = values.get("name", ""), values.get("position", "")
        category = ""
        if not name:
            errors.append(RowError(line, _("thiếu họ và tên.")))
        elif len(name) > name_limit:
            errors.append(RowError(line, _("họ và tên dài quá %(n)d ký tự.") % {"n": name_limit}))
        if len(position) > position_limit:
            errors.append(
                RowError(line, _("chức vụ, đơn vị dài quá %(n)d ký tự.") % {"n": position_limit})
            )
        if values.get("category"):
            category = CATEGORY_WORDS.get(fold(values["category"]), "")
            if not category:
                errors.append(
                    RowError(
                        line,
                        _("thành phần “%(text)s” không có trong danh mục (%(known)s).")
                        % {
                            "text": values["category"],
                            "known": ", ".join(str(c.label) for c in AttendanceCategory),
                        },
                    )
                )
        rows.append({"line": line, "name": name, "category": category, "position": position})
    if errors:
        raise ImportRejected(errors)
    return rows
