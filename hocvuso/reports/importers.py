"""Figures of many units at once, from the Excel template of a form or a CSV file laid out the
same way: one row per unit, one column per typed indicator.

The template (:func:`values_template_xlsx`) is made for one form, one unit's subtree and one
period, pre-filled with the figures as they stand. The reader (:func:`read_values`) checks a
filled file cell by cell; ``services.import_values`` checks the units and saves all rows or
none. Every problem is named by the line the person sees in their spreadsheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.core.tables import (
    MAX_INTEGER,
    ImportRejected,
    NumberError,
    RowError,
    Unknown,
    cell_text,
    fold,
    limits_for,
    map_columns,
    missing_columns,
    parse_number,
    read_table,
)
from hocvuso.reports.models import DataValue, Indicator, Report
from hocvuso.reports.numbers import parse_value

if TYPE_CHECKING:
    from hocvuso.accounts.models import User
    from hocvuso.core.tables.writing import Sheet
    from hocvuso.orgunits.models import OrgUnit
    from hocvuso.reports.models import DataSet
    from hocvuso.reports.periods import Period

# Larger than a province's 3,000 units with a dozen figures each, in CSV or Excel.
MAX_BYTES = limits_for("values").max_bytes
# The errors listed for one file: enough to fix a batch, not thousands of the same.
MAX_ERRORS = 200
# Folded header text → the unit columns. Vietnamese first, English accepted.
UNIT_HEADERS = {
    "id": "id",
    "ma he thong": "id",
    "ma don vi": "code",
    "ma": "code",
    "code": "code",
    "ten don vi": "name",
    "ten": "name",
    "don vi": "name",
    "name": "name",
    # Read by people, ignored by the reader.
    "stt": None,
    "tinh trang": None,
    "trang thai": None,
    "ghi chu": None,
}
ID_HEADER = "ID"
CODE_HEADER = "Mã đơn vị"
NAME_HEADER = "Tên đơn vị"
STATUS_HEADER = "Tình trạng"
# An indicator's column ends with its code in brackets: "Người được hướng dẫn [guided]".
CODE_IN_HEADER = re.compile(r"\[\s*([A-Za-z0-9_-]+)\s*\]\s*$")
# The template's description rows name the period and the form, checked against the upload
# (in the words of either language the template may have been made in).
PERIOD_NOTE = re.compile(r"(?:mã kỳ|period code):\s*([0-9A-Za-z_-]+)", re.IGNORECASE)
FORM_NOTE = re.compile(r"(?:mã biểu mẫu|form code):\s*([0-9A-Za-z_-]+)", re.IGNORECASE)


def indicator_header(indicator: Indicator) -> str:
    return f"{indicator.label} [{indicator.code}]"


def typed_indicators(dataset: DataSet) -> list[Indicator]:
    """The indicators of ``dataset`` that units type, in the form's order."""
    members = dataset.members.select_related("indicator").order_by("position", "id")
    return [m.indicator for m in members if not m.indicator.is_computed]


# ---------------------------------------------------------------------------- template


def values_template_xlsx(
    dataset: DataSet, period: Period, unit: OrgUnit, units: list[OrgUnit]
) -> bytes:
    """The workbook to fill in: a description of the form, the period and how to fill it
    in, then one row per unit of ``units`` (its id, code, name and the state of its report)
    and one column per typed indicator, pre-filled with the values stored for ``period``.
    A second sheet describes each indicator. Three queries."""
    from openpyxl.styles import Alignment, Font

    from hocvuso.core.tables.writing import (
        FIXED_FILL,
        GRID,
        HEADER_FILL,
        Sheet,
        new_workbook,
        workbook_bytes,
    )

    indicators = typed_indicators(dataset)
    values = {
        (v.unit_id, v.indicator_id): v
        for v in DataValue.objects.filter(
            unit__in=units, period=period.key, indicator__in=indicators
        )
    }
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(dataset=dataset, period=period.key, unit__in=units)
    }
    workbook = new_workbook(title=dataset.name)
    width = 4 + len(indicators)
    headers = [ID_HEADER, CODE_HEADER, NAME_HEADER, STATUS_HEADER]
    headers += [indicator_header(i) for i in indicators]
    fixed_widths = {1: 8, 2: 14, 3: 36, 4: 18}
    header_row = 6  # four notes, a blank line, the header
    sheet = Sheet(
        workbook,
        _("Số liệu"),
        widths=[
            fixed_widths.get(column, max(14, min(30, len(title) // 2)))
            for column, title in enumerate(headers, start=1)
        ],
        freeze=f"E{header_row + 1}",
        row_heights={4: 48},
    )
    notes = [
        (_("Nhập số liệu: %(form)s") % {"form": dataset.name}, Font(bold=True, size=14)),
        (
            _("Kỳ báo cáo: %(period)s (mã kỳ: %(key)s), hạn nộp %(deadline)s. Đơn vị: %(unit)s.")
            % {
                "period": period.label,
                "key": period.key,
                "deadline": dataset.deadline(period).strftime("%d/%m/%Y"),
                "unit": unit.name,
            },
            Font(bold=True),
        ),
        (
            _("Mã biểu mẫu: %(code)s. Số liệu lúc %(time)s.")
            % {
                "code": dataset.code,
                "time": timezone.localtime().strftime("%H:%M %d/%m/%Y"),
            },
            Font(italic=True),
        ),
        (
            _(
                "Cách điền: mỗi dòng là một đơn vị; chỉ sửa các ô số liệu, giữ nguyên các cột "
                "ID, Mã đơn vị và dòng tiêu đề. Số viết như 1.234 hoặc 12,5 (hoặc nhập số "
                "trong Excel). Ô để trống là chưa có số liệu: số đã lưu ở ô đó sẽ bị xóa. "
                "Đơn vị có báo cáo đã gửi hoặc đã duyệt thì không sửa được. Tệp có dòng sai sẽ "
                "không được nhập dòng nào."
            ),
            Font(italic=True),
        ),
    ]
    wrap_top = Alignment(wrap_text=True, vertical="top")
    for row, (text, font) in enumerate(notes, start=1):
        sheet.append([sheet.cell(text, font=font, alignment=wrap_top)])
        sheet.merge(row, 1, width)
    sheet.append([])
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.append(
        [
            sheet.cell(
                title, font=Font(bold=True), fill=HEADER_FILL, border=GRID, alignment=centred
            )
            for title in headers
        ]
    )
    for unit_ in units:
        report = reports.get(unit_.pk)
        status = report.get_status_display() if report else _("Chưa nhập")
        locked = report is not None and report.is_locked
        row = [unit_.pk, unit_.code or "", unit_.name, status]
        row += [_cell_value(values.get((unit_.pk, i.pk)), i) for i in indicators]
        cells = []
        for column, value in enumerate(row, start=1):
            style = {"border": GRID}
            if column <= 4 or locked:
                style["fill"] = FIXED_FILL  # not to be typed in
            if isinstance(value, Decimal):
                style["number_format"] = "#,##0.##"
            cells.append(sheet.cell(value, **style))
        sheet.append(cells)
    _describe(Sheet(workbook, _("Chỉ tiêu"), widths=(34, 50, 16, 14, 10, 60)), dataset, indicators)
    return workbook_bytes(workbook)


def _cell_value(value: DataValue | None, indicator: Indicator) -> object:
    if value is None:
        return None
    if indicator.value_type == Indicator.ValueType.TEXT:
        return value.text
    if value.value is None:
        return None
    # Whole numbers as integers, so that Excel shows 1.234 and not 1.234,00.
    return int(value.value) if value.value == value.value.to_integral_value() else value.value


def _describe(sheet: Sheet, dataset: DataSet, indicators: list[Indicator]) -> None:
    from openpyxl.styles import Alignment, Font

    required = set(dataset.members.filter(is_required=True).values_list("indicator_id", flat=True))
    bold = Font(bold=True)
    titles = [_("Cột"), _("Chỉ tiêu"), _("Kiểu"), _("Đơn vị tính"), _("Bắt buộc"), _("Giải thích")]
    sheet.append([sheet.cell(title, font=bold) for title in titles])
    wrap_top = Alignment(wrap_text=True, vertical="top")
    for indicator in indicators:
        values = [
            indicator_header(indicator),
            indicator.name,
            indicator.get_value_type_display(),
            indicator.unit_of_measure,
            _("Có") if indicator.pk in required else "",
            indicator.description,
        ]
        sheet.append([sheet.cell(value, alignment=wrap_top) for value in values])


# ---------------------------------------------------------------------------- reader


@dataclass
class ValueRow:
    """One unit's row: how the file names the unit, and each indicator's value."""

    line: int
    unit_id: int | None
    code: str
    name: str
    values: dict[int, tuple[Decimal | None, str]] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        """The unit as the file names it, for messages."""
        return self.name or self.code or str(self.unit_id or "")


@dataclass
class ValuesFile:
    rows: list[ValueRow]
    errors: list[RowError]


def read_values(filename: str, content: bytes, *, dataset: DataSet, period: Period) -> ValuesFile:
    """The rows of a filled template (Excel or CSV), each cell checked against its indicator
    with ``numbers.parse_value``. Raises ImportRejected when the file cannot be read or its
    columns are wrong; returns the good rows with the problems of the others, so the caller
    can add the checks on units and report everything at once."""
    # A spreadsheet's numbers are kept as numbers, because "1.234" in a number cell is one
    # point two three four, while typed in a CSV it is one thousand two hundred and
    # thirty-four.
    table = read_table(filename, content, kind="values", raw=True)
    if not table:
        raise ImportRejected([RowError(0, _("Tệp rỗng: không có dòng nào để nhập."))])
    start = next((n for n, (_line, cells) in enumerate(table) if _is_header(cells)), None)
    if start is None:
        raise ImportRejected(
            [
                RowError(
                    0,
                    _("Không thấy dòng tiêu đề có cột “%(id)s” hoặc “%(code)s”.")
                    % {"id": ID_HEADER, "code": CODE_HEADER},
                )
            ]
        )
    _check_notes(table[:start], dataset, period)
    header_line, header = table[start]
    columns = _columns(header_line, header, typed_indicators(dataset), dataset)
    if start + 1 == len(table):
        raise ImportRejected([RowError(0, _("Tệp chỉ có dòng tiêu đề, không có đơn vị nào."))])
    rows: list[ValueRow] = []
    errors: list[RowError] = []
    for line, cells in table[start + 1 :]:
        row, row_errors = _read_row(line, cells, columns)
        errors += row_errors
        if row is not None:
            rows.append(row)
    return ValuesFile(rows, errors)


_text = cell_text


def _is_header(cells: list[object]) -> bool:
    return any(UNIT_HEADERS.get(fold(_text(c))) in {"id", "code"} for c in cells)


def _check_notes(notes: list[tuple[int, list[object]]], dataset: DataSet, period: Period) -> None:
    """The template names its period and form above the header: a file filled for October
    is not saved into November."""
    text = " ".join(_text(c) for _line, cells in notes for c in cells)
    problems = []
    if (found := PERIOD_NOTE.search(text)) and found[1] != period.key:
        problems.append(
            _("Tệp là biểu của kỳ “%(file)s”, không phải kỳ “%(period)s” đang nhập.")
            % {"file": found[1], "period": period.key}
        )
    if (found := FORM_NOTE.search(text)) and found[1] != dataset.code:
        problems.append(
            _("Tệp là biểu mẫu “%(file)s”, không phải biểu mẫu “%(form)s”.")
            % {"file": found[1], "form": dataset.code}
        )
    if problems:
        raise ImportRejected([RowError(0, p) for p in problems])


@dataclass
class _Columns:
    units: dict[int, str]  # column index → "id", "code" or "name"
    indicators: dict[int, Indicator]


def _columns(
    line: int, header: list[object], indicators: list[Indicator], dataset: DataSet
) -> _Columns:
    by_code = {i.code.lower(): i for i in indicators}
    by_name: dict[str, Indicator | None] = {}
    for indicator in indicators:
        for name in {fold(indicator.name), fold(indicator.label)}:
            # Two indicators with the same name can only be told apart by their code.
            by_name[name] = None if name in by_name else indicator
    computed = set()
    for member in dataset.members.select_related("indicator"):
        if member.indicator.is_computed:
            i = member.indicator
            computed |= {i.code.lower(), fold(i.name), fold(i.label)}

    def lookup(title: str) -> tuple[str, object] | Unknown | None:
        folded = fold(title)
        if folded in UNIT_HEADERS:
            key = UNIT_HEADERS[folded]
            return None if key is None else ("unit", key)
        code = (m[1].lower() if (m := CODE_IN_HEADER.search(title)) else "") or folded
        indicator = by_code.get(code) or (by_name.get(folded) if not m else None)
        if indicator is None and (code in computed or folded in computed):
            return Unknown(
                _("cột “%(title)s” là chỉ tiêu tính tự động, không nhập được.") % {"title": title}
            )
        if indicator is None:
            return Unknown(
                _("cột “%(title)s” không thuộc biểu mẫu “%(form)s”.")
                % {"title": title, "form": dataset.name}
            )
        return ("indicator", indicator)

    mapped, errors = map_columns(line, [_text(c) for c in header], lookup)
    columns = _Columns({}, {})
    for index, (kind, key) in mapped.items():
        if kind == "unit":
            columns.units[index] = key
        else:
            columns.indicators[index] = key
    if not {"id", "code"} & set(columns.units.values()):
        errors.append(
            RowError(
                line,
                _("thiếu cột “%(id)s” hoặc “%(code)s”.") % {"id": ID_HEADER, "code": CODE_HEADER},
            )
        )
    errors += missing_columns(
        line, columns.indicators.values(), {i: indicator_header(i) for i in indicators}
    )
    if errors:
        raise ImportRejected(errors)
    return columns


def _read_row(
    line: int, cells: list[object], columns: _Columns
) -> tuple[ValueRow | None, list[RowError]]:
    def at(index: int) -> object:
        return cells[index] if index < len(cells) else None

    found = {key: _text(at(index)) for index, key in columns.units.items()}
    errors: list[RowError] = []
    unit_id: int | None = None
    raw_id = found.get("id", "")
    if raw_id:
        try:
            unit_id = parse_number(raw_id, whole=True, minimum=1, maximum=MAX_INTEGER)
        except NumberError:
            errors.append(RowError(line, _("ID “%(id)s” không phải là số.") % {"id": raw_id[:40]}))
    row = ValueRow(line, unit_id, found.get("code", ""), found.get("name", ""))
    if not raw_id and not row.code:
        errors.append(
            RowError(
                line, _("thiếu %(id)s hoặc %(code)s.") % {"id": ID_HEADER, "code": CODE_HEADER}
            )
        )
    for index, indicator in columns.indicators.items():
        cell = at(index)
        if indicator.value_type == Indicator.ValueType.TEXT:
            row.values[indicator.pk] = (None, _text(cell)[:2000])
            continue
        try:
            row.values[indicator.pk] = (parse_value(_number_text(cell), indicator), "")
        except ValidationError as exc:
            for message in exc.messages:
                errors.append(
                    RowError(
                        line,
                        _("cột “%(title)s”: %(message)s")
                        % {"title": indicator.label, "message": message},
                    )
                )
    return (None if errors else row), errors


def _number_text(cell: object) -> str:
    """A cell as text for ``parse_value``. A spreadsheet's number is written so that it can
    only be read one way: 1.234 as "1.2340", which no Vietnamese reading groups as
    thousands."""
    if isinstance(cell, bool) or cell is None:
        return "" if cell is None else str(cell)
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, int | float):
        try:
            number = Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell)
        except InvalidOperation:
            return repr(cell)
        if not number.is_finite():
            return repr(cell)
        text = format(number, "f")
        if "." in text:
            whole, fraction = text.split(".")
            text = f"{whole}.{fraction.ljust(4, '0')}"
        return text
    return _text(cell)


# ---------------------------------------------------------------------------- units


def match_units(
    values_file: ValuesFile, *, actor: User, dataset: DataSet, under: OrgUnit
) -> tuple[list[tuple[ValueRow, OrgUnit]], list[RowError]]:
    """Each good row with its unit, found by ID (else by code), and the problems: a unit that
    does not exist, one outside ``under``'s subtree or where ``actor`` may not enter data
    (named as the file names it), one that does not report ``dataset``, or the same unit
    twice. Three queries."""
    from django.db.models import Q

    from hocvuso.core import roles as R
    from hocvuso.orgunits.models import OrgUnit
    from hocvuso.orgunits.selectors import user_can
    from hocvuso.reports.selectors import assigned_units

    rows = values_file.rows
    ids = {r.unit_id for r in rows if r.unit_id is not None}
    codes = {r.code for r in rows if r.code}
    found = list(OrgUnit.objects.filter(Q(pk__in=ids) | Q(code__in=codes)))
    by_id = {u.pk: u for u in found}
    by_code = {u.code: u for u in found if u.code}
    assigned = set(assigned_units(dataset, under=under).values_list("pk", flat=True))
    matched: list[tuple[ValueRow, OrgUnit]] = []
    errors = list(values_file.errors)
    seen: dict[int, int] = {}
    for row in rows:
        unit = by_id.get(row.unit_id) if row.unit_id is not None else by_code.get(row.code)
        if unit is None:
            errors.append(RowError(row.line, _unknown(row)))
        elif row.unit_id is not None and row.code and unit.code != row.code:
            errors.append(
                RowError(
                    row.line,
                    _("ID %(id)s và mã đơn vị “%(code)s” không phải cùng một đơn vị.")
                    % {"id": row.unit_id, "code": row.code},
                )
            )
        elif not unit.path.startswith(under.path) or not user_can(actor, unit, R.ENTER_DATA):
            errors.append(
                RowError(
                    row.line,
                    _("đơn vị “%(unit)s” nằm ngoài phạm vi được nhập số liệu.")
                    % {"unit": row.reference},
                )
            )
        elif unit.pk not in assigned:
            errors.append(
                RowError(
                    row.line,
                    _("“%(unit)s” không phải đơn vị nộp biểu mẫu “%(form)s”.")
                    % {"unit": unit.name, "form": dataset.name},
                )
            )
        elif unit.pk in seen:
            errors.append(
                RowError(
                    row.line,
                    _("“%(unit)s” đã có ở dòng %(line)d.")
                    % {"unit": unit.name, "line": seen[unit.pk]},
                )
            )
        else:
            seen[unit.pk] = row.line
            matched.append((row, unit))
    return matched, errors


def _unknown(row: ValueRow) -> str:
    if row.unit_id is not None:
        return _("không có đơn vị nào có ID %(id)s.") % {"id": row.unit_id}
    return _("không có đơn vị nào có mã “%(code)s”.") % {"code": row.code}


def reject(errors: list[RowError]) -> ImportRejected:
    """The rejection listing ``errors``, at most ``MAX_ERRORS`` of them."""
    errors = sorted(errors, key=lambda e: e.line)
    if len(errors) > MAX_ERRORS:
        rest = len(errors) - MAX_ERRORS
        errors = [*errors[:MAX_ERRORS], RowError(0, _("… và %(n)d lỗi khác.") % {"n": rest})]
    return ImportRejected(errors)
