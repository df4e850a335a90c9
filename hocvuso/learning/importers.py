"""Every file that comes into the learning app: a class's paper sign-in sheet, a meeting
platform's participant report, the national MOOC platform's completions and VNeID's counts of
"basic digital skills" confirmations.

The shared table rules hold for all of them (``core.tables``): per-kind size limits and
spreadsheet bombs refused before parsing, CSV in UTF-8, UTF-16 or Windows-1258, one header
mapper, one number parser, every bad row named by the line the person sees, and a file with
any bad row imports nothing. Headers are found by meaning, with or without diacritics, and
need not be on the first line (a title above the table is common).

Completions stream from the file into PostgreSQL's COPY (``bulk_create`` in batches on
SQLite), then learners are matched and added by set-based statements — never row by row — so
a million rows take the memory of one.
"""

from __future__ import annotations

import datetime
import hashlib
import operator
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from hocvuso.core.bulk import analyse, tune_for_bulk
from hocvuso.core.models import AuditLog
from hocvuso.core.services import record_audit
from hocvuso.core.tables import (
    MAX_INTEGER,
    ImportRejected,
    NumberError,
    RowError,
    fold,
    is_formula_like,
    iter_table,
    parse_number,
    read_table,
    rejected,
    row_errors_note,
)
from hocvuso.core.tables.text import clean_typed
from hocvuso.learning.models import (
    ClassSession,
    Enrolment,
    Learner,
    PlatformCompletion,
    PlatformImport,
    TargetGroup,
    VneidCount,
)
from hocvuso.learning.services.attendance import MAX_MINUTES, Mark, Roll, record_attendance
from hocvuso.learning.services.learners import (
    ID_NUMBER,
    MAX_NAME,
    PersonInput,
    name_key,
    person_problems,
)
from hocvuso.learning.services.summaries import refresh_learning_summaries
from hocvuso.orgunits.models import OrgUnit

if TYPE_CHECKING:
    from hocvuso.accounts.models import User

# The errors listed for one file: enough to fix a batch, not a million lines of the same.
MAX_ERRORS = 200
# How far down a title block the header row may be.
HEADER_SEARCH_LINES = 30
# Upload kinds (``core.tables.LIMITS``): a class's sheet or report, the platform's files.
SHEET_KIND = "attendees"
COMPLETIONS_KIND = "completions"
VNEID_KIND = "attendees"
ID_NAMESPACE = uuid.UUID("0b6d1f4e-5a43-4d61-9d0e-3c6a8f2b7d15")
OLDEST_COMPLETION = datetime.date(2020, 1, 1)
MAX_COURSE = 300


def file_sha256(stream: IO[bytes]) -> str:
    """The file's SHA-256, read in 1 MB pieces; the stream is left at its start."""
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


# ---------------------------------------------------------------------------- dates, years

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T].*)?$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T].*)?$")
_MY = re.compile(r"^(\d{1,2})[/.\-](\d{4})$|^(\d{4})[/.\-](\d{1,2})$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_day(text: str) -> datetime.date | None:
    """A day as people and spreadsheets write it: 05/10/2025 (day first, as in Vietnam),
    5-10-2025, 2025-10-05 (with or without a time), or an Excel serial day number."""
    text = text.strip()
    try:
        if match := _DMY.match(text):
            d, m, y = match.groups()
            return datetime.date(int(y), int(m), int(d))
        if match := _YMD.match(text):
            y, m, d = match.groups()
            return datetime.date(int(y), int(m), int(d))
        if _SERIAL.match(text):
            day = _EXCEL_EPOCH + datetime.timedelta(days=int(float(text)))
            return day if 1990 <= day.year <= 2100 else None
    except (ValueError, OverflowError):
        return None
    return None


def parse_month_end(text: str) -> datetime.date | None:
    """ "10/2025" or "2025-10" as the month's last day (a count "for October" is the count
    at its end); anything else as a day."""
    match = _MY.match(text.strip())
    if not match:
        return parse_day(text)
    m, y, y2, m2 = match.groups()
    year, month = (int(y), int(m)) if y else (int(y2), int(m2))
    if not 1 <= month <= 12:
        return None
    after = datetime.date(year + month // 12, month % 12 + 1, 1)
    return after - datetime.timedelta(days=1)


def parse_birth_year(text: str) -> int | None:
    """A year of birth ("1968", "1968.0") or the year of a date of birth (only the year is
    kept)."""
    text = text.strip()
    if re.fullmatch(r"\d{4}(?:\.0)?", text):
        return int(text[:4])
    if _SERIAL.match(text) and int(float(text)) < 2_958_465:  # an Excel date of birth
        return (_EXCEL_EPOCH + datetime.timedelta(days=int(float(text)))).year
    day = parse_day(text)
    return day.year if day else None


# ---------------------------------------------------------------------------- headers


def find_header(
    rows: Iterator[tuple[int, list[str]]],
    guess: Callable[[str], str | None],
    *,
    needed: Sequence[str],
) -> tuple[int, list[str], dict[int, str]]:
    """The header row among the first lines (title lines above it are skipped): the first
    line whose cells name every ``needed`` field. Returns its line, its cells and the guessed
    column of each field (a field named twice keeps its first column)."""
    for line, cells in rows:
        if line > HEADER_SEARCH_LINES:
            break
        columns: dict[int, str] = {}
        for index, cell in enumerate(cells):
            key = guess(str(cell or ""))
            if key and key not in columns.values():
                columns[index] = key
        if all(key in columns.values() for key in needed):
            return line, [str(c or "").strip() for c in cells], columns
    raise rejected(
        _("Không tìm thấy dòng tiêu đề cột (cần có các cột: %(columns)s).")
        % {"columns": ", ".join(str(FIELD_TITLES.get(k, k)) for k in needed)}
    )


def _lookup(table: dict[str, str | None]) -> Callable[[str], str | None]:
    def guess(title: str) -> str | None:
        key = fold(title).strip(" .:*")
        key = re.sub(r"\s*\(.*\)$", "", key) if key not in table else key
        return table.get(key)

    return guess


FIELD_TITLES = {
    "name": gettext_lazy("Họ và tên"),
    "birth": gettext_lazy("Năm sinh"),
    "sex": gettext_lazy("Giới tính"),
    "village": gettext_lazy("Thôn/Tổ"),
    "phone": gettext_lazy("Số điện thoại"),
    "status": gettext_lazy("Điểm danh"),
    "commune": gettext_lazy("Xã/Phường"),
    "group": pgettext_lazy("learners", "Đối tượng"),
    "course": gettext_lazy("Khóa học"),
    "completed_on": gettext_lazy("Ngày hoàn thành"),
    "as_of": gettext_lazy("Ngày"),
    "count": gettext_lazy("Số người được xác nhận"),
}

_NAME = ("ho va ten", "ho ten", "ten", "ho va ten hoc vien", "hoc vien", "ten hoc vien")
_NAME += ("ho va ten nguoi hoc", "full name", "name", "ho va ten nguoi tham gia")
_BIRTH = ("nam sinh", "ngay sinh", "ngay thang nam sinh", "year of birth", "date of birth")
_BIRTH += ("nam sinh (yyyy)", "ngay, thang, nam sinh", "ns")
_VILLAGE = ("thon/to", "thon, to", "thon", "to dan pho", "thon, to dan pho", "thon/to dan pho")
_VILLAGE += ("thon, ap, ban, to dan pho", "thon/ban", "village", "noi o", "dia chi")
_COMMUNE = ("xa", "phuong", "xa, phuong", "xa/phuong", "xa phuong", "xa/phuong/dac khu")
_COMMUNE += ("xa, phuong, dac khu", "ma xa", "ma xa/phuong", "don vi hanh chinh cap xa")
_COMMUNE += ("don vi", "commune", "ward", "dia ban")
SHEET_HEADERS: dict[str, str | None] = {
    **dict.fromkeys(_NAME, "name"),
    **dict.fromkeys(_BIRTH, "birth"),
    **dict.fromkeys(("gioi tinh", "gt", "nam/nu", "nam, nu"), "sex"),
    **dict.fromkeys(_VILLAGE, "village"),
    **dict.fromkeys(("so dien thoai", "dien thoai", "sdt", "so dt", "dt"), "phone"),
    **dict.fromkeys(("diem danh", "co mat", "tinh trang", "trang thai"), "status"),
    **dict.fromkeys(("ky ten", "chu ky", "stt", "tt", "ghi chu"), None),
}
COMPLETION_HEADERS: dict[str, str | None] = {
    **dict.fromkeys(_NAME, "name"),
    **dict.fromkeys(_BIRTH, "birth"),
    **dict.fromkeys(_COMMUNE, "commune"),
    **dict.fromkeys(_VILLAGE, "village"),
    **dict.fromkeys(("doi tuong", "nhom doi tuong", "nhom", "group"), "group"),
    **dict.fromkeys(
        ("khoa hoc", "ten khoa hoc", "course", "chuong trinh", "khoa hoc da hoan thanh"), "course"
    ),
    **dict.fromkeys(
        (
            "ngay hoan thanh",
            "hoan thanh ngay",
            "thoi gian hoan thanh",
            "ngay cap chung chi",
            "ngay cap chung nhan",
            "completed",
            "completion date",
            "completed on",
        ),
        "completed_on",
    ),
}
COMPLETION_FIELDS = ("name", "birth", "commune", "village", "group", "course", "completed_on")
COMPLETION_REQUIRED = ("name", "birth", "commune", "course", "completed_on")
VNEID_HEADERS: dict[str, str | None] = {
    **dict.fromkeys(_COMMUNE, "commune"),
    **dict.fromkeys(
        ("ngay", "thang", "tinh den ngay", "ngay bao cao", "ky bao cao", "thoi diem"), "as_of"
    ),
    **dict.fromkeys(
        (
            "so luong",
            "so nguoi",
            "so xac nhan",
            "so nguoi duoc xac nhan",
            "so nguoi co ky nang so co ban",
            "da xac nhan",
            "count",
        ),
        "count",
    ),
    **dict.fromkeys(("stt", "tt"), None),
}


def _vietnamese_labels(choices: type[TargetGroup]) -> dict[str, str]:
    # Files are in Vietnamese whatever language the process happens to import this module in.
    with translation.override("vi"):
        return {fold(str(label)): value for value, label in choices.choices}


GROUPS = {
    **_vietnamese_labels(TargetGroup),
    **{value: value for value in TargetGroup.values},
    "": TargetGroup.CITIZENS,
    "nguoi dan": TargetGroup.CITIZENS,
    "cong dan": TargetGroup.CITIZENS,
    "can bo": TargetGroup.STAFF,
    "cong chuc": TargetGroup.STAFF,
    "vien chuc": TargetGroup.STAFF,
    "cbccvc": TargetGroup.STAFF,
    "can bo, cong chuc, vien chuc": TargetGroup.STAFF,
    "hoc sinh": TargetGroup.PUPILS,
    "sinh vien": TargetGroup.PUPILS,
    "hoc sinh, sinh vien": TargetGroup.PUPILS,
    "nguoi lao dong": TargetGroup.WORKERS,
    "doanh nghiep": TargetGroup.WORKERS,
    "to cong nghe so": TargetGroup.TEAM_MEMBERS,
}
SEXES = {"": "", "nu": "female", "f": "female", "nam": "male", "m": "male"}
STATUSES = {
    "": Enrolment.Status.ABSENT,
    "x": Enrolment.Status.PRESENT,
    "co": Enrolment.Status.PRESENT,
    "co mat": Enrolment.Status.PRESENT,
    "1": Enrolment.Status.PRESENT,
    "muon": Enrolment.Status.LATE,
    "den muon": Enrolment.Status.LATE,
    "vang": Enrolment.Status.ABSENT,
    "0": Enrolment.Status.ABSENT,
    "co phep": Enrolment.Status.EXCUSED,
    "vang co phep": Enrolment.Status.EXCUSED,
}
_UNIT_PREFIX = re.compile(r"^(xa|phuong|thi tran|dac khu|thon|to dan pho|ban|ap|xom|khu pho)\s+")


def _name_problems(name: str) -> list[str]:
    """``person_problems``'s name checks, plus a formula: a cell Excel would run."""
    if is_formula_like(name.strip()):
        return [_("họ và tên không được bắt đầu bằng =, +, - hoặc @")]
    return []


_DIGIT = re.compile(r"\d")
_ID_SEPARATORS = re.compile(r"[\s.\-]")


def quick_name_problems(name: str) -> list[str]:
    """``person_problems``'s checks of a name (cleaned by the table reader already), at the
    speed a million rows need: no enum or translation lookup for a good name."""
    if not name:
        return [_("thiếu họ và tên")]
    if len(name) > MAX_NAME:
        return [_("họ và tên dài quá %(n)d ký tự") % {"n": MAX_NAME}]
    if is_formula_like(name):
        return _name_problems(name)
    if _DIGIT.search(name):
        if ID_NUMBER.search(_ID_SEPARATORS.sub("", name)):
            return [_("không ghi số CCCD, CMND hay số điện thoại vào ô họ tên")]
        return [_("họ và tên không được có chữ số")]
    return []


class Places:
    """The communes and villages of a unit's subtree by folded name (with or without "Xã",
    "Phường"…) and by code, loaded once; a name two places share answers None."""

    def __init__(self, unit: OrgUnit) -> None:
        units = OrgUnit.objects.filter(path__startswith=unit.path, kind__in=("commune", "village"))
        self.communes: dict[str, tuple[int, str] | None] = {}
        self.villages: dict[tuple[str, str], int | None] = {}
        rows = list(units.values_list("pk", "path", "name", "code", "kind"))
        for pk, path, name, code, kind in rows:
            if kind != "commune":
                continue
            for key in {fold(name), _UNIT_PREFIX.sub("", fold(name)), code and fold(code)}:
                if key:
                    self.communes[key] = None if key in self.communes else (pk, path)
        for pk, path, name, _code, kind in rows:
            if kind != "village":
                continue
            parent = path[: -OrgUnit.steplen]
            for key in {fold(name), _UNIT_PREFIX.sub("", fold(name))}:
                self.villages[(parent, key)] = None if (parent, key) in self.villages else pk
        self.provinces = dict(
            OrgUnit.objects.filter(path__in={r[1][: OrgUnit.steplen] for r in rows}).values_list(
                "path", "pk"
            )
        )
        self._cells: dict[str, tuple[int, str] | None] = {}

    def commune(self, text: str) -> tuple[int, str] | None:
        if text not in self._cells:
            found = self.communes.get(fold(text))
            if len(self._cells) >= 10_000:  # a file of made-up places stays small in memory
                return found
            self._cells[text] = found
        return self._cells[text]

    def village(self, commune_path: str, text: str) -> int | None:
        folded = fold(text)
        found = self.villages.get((commune_path, folded))
        if found is None:
            found = self.villages.get((commune_path, _UNIT_PREFIX.sub("", folded)))
        return found


# ---------------------------------------------------------------------------- sign-in sheet


@dataclass
class SheetRow:
    line: int
    name: str
    birth_year: int
    status: str
    village: str

    @property
    def status_label(self) -> str:
        return str(Enrolment.Status(self.status).label)


@dataclass
class SheetPreview:
    """What a sign-in sheet holds: its rows, those already on the roll, and every problem."""

    header_line: int = 0
    columns: dict[int, str] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)
    rows: list[SheetRow] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    on_roll: int = 0

    @property
    def present(self) -> int:
        return sum(1 for r in self.rows if r.status in Enrolment.ATTENDED)


def commune_of(unit: OrgUnit) -> OrgUnit:
    """The commune a class's host is or lies in."""
    if unit.kind == OrgUnit.Kind.COMMUNE:
        return unit
    ancestor = (
        OrgUnit.objects.filter(path__in=[unit.path[:n] for n in range(4, len(unit.path), 4)])
        .filter(kind=OrgUnit.Kind.COMMUNE)
        .first()
    )
    if ancestor is None:
        raise rejected(_("Lớp học không ở một xã, phường: không nhập được danh sách."))
    return ancestor


def read_sheet(session: ClassSession, filename: str, content: bytes) -> SheetPreview:
    """A paper sign-in sheet ("Danh sách ký tên") typed into Excel or CSV, checked row by
    row against the class's commune. Everyone listed signed in (present), unless a column
    "Điểm danh" says otherwise. Raises ``ImportRejected`` for a file that cannot be read."""
    table = iter(read_table(filename, content, kind=SHEET_KIND))
    preview = SheetPreview()
    line, header, columns = find_header(table, _lookup(SHEET_HEADERS), needed=("name", "birth"))
    preview.header_line, preview.header, preview.columns = line, header, columns
    commune = commune_of(session.host)
    places = Places(commune)
    today = timezone.localdate()
    seen: dict[tuple[str, int], int] = {}
    for line, cells in table:
        values = {key: str(cells[i]).strip() for i, key in columns.items() if i < len(cells)}
        if not values.get("name") and not values.get("birth"):
            continue
        if len(preview.errors) >= MAX_ERRORS:
            preview.errors.append(RowError(0, _("Tệp có quá nhiều dòng lỗi.")))
            break
        problems: list[str] = []
        mark = _sheet_mark(session, commune, places, values, problems, today)
        if mark is not None:
            key = (name_key(mark.person.name), mark.person.birth_year)
            if key in seen:
                problems.append(_("trùng với dòng %(line)d") % {"line": seen[key]})
            seen.setdefault(key, line)
        if problems:
            preview.errors.append(RowError(line, "; ".join(problems)))
            continue
        preview.marks.append(mark)
        preview.rows.append(
            SheetRow(
                line,
                mark.person.name,
                mark.person.birth_year,
                mark.status,
                values.get("village", ""),
            )
        )
    if not preview.rows and not preview.errors:
        preview.errors.append(RowError(0, _("Tệp không có dòng nào để nhập.")))
    return preview


def _sheet_mark(session, commune, places, values, problems, today) -> Mark | None:
    name = " ".join(clean_typed(values.get("name", "")).split())
    year = parse_birth_year(values.get("birth", ""))
    if values.get("birth") and year is None:
        problems.append(_("năm sinh “%(text)s” không hợp lệ") % {"text": values["birth"][:20]})
    sex = SEXES.get(fold(values.get("sex", "")))
    if sex is None:
        problems.append(_("giới tính ghi Nam hoặc Nữ"))
        sex = ""
    village_id = None
    if values.get("village"):
        village_id = places.village(commune.path, values["village"])
        if village_id is None:
            problems.append(
                _("không có thôn, tổ “%(name)s” ở %(commune)s")
                % {"name": values["village"][:60], "commune": commune.name}
            )
    status = Enrolment.Status.PRESENT
    if "status" in values:
        status = STATUSES.get(fold(values["status"]))
        if status is None:
            problems.append(_("cột điểm danh ghi “x”, “muộn”, “vắng” hoặc “có phép”"))
    person = PersonInput(
        name=name,
        birth_year=year,
        commune_id=commune.pk,
        village_id=village_id,
        sex=sex,
        phone=values.get("phone", ""),
    )
    problems += _name_problems(name) or person_problems(person, today=today)
    if problems:
        return None
    mark_id = uuid.uuid5(ID_NAMESPACE, f"sheet:{session.pk}:{name_key(name)}:{year}")
    return Mark(id=mark_id, status=status, person=person)


def import_sheet(
    *, actor: User | None, session: ClassSession, filename: str, content: bytes
) -> Roll:
    """Write a sign-in sheet to the class's roll (``record_attendance(via="sheet")``), all
    or nothing: any bad row, or any line the roll refuses, rejects the file whole."""
    preview = read_sheet(session, filename, content)
    if preview.errors:
        raise ImportRejected(preview.errors)
    lines = {m.id: r.line for m, r in zip(preview.marks, preview.rows, strict=True)}
    with transaction.atomic():
        roll = record_attendance(
            actor=actor, session=session, marks=preview.marks, via=Enrolment.Via.SHEET
        )
        if roll.rejected:
            raise ImportRejected(
                [RowError(lines[mark_id], reason) for mark_id, reason in roll.rejected.items()]
            )
    return roll


# ---------------------------------------------------------------------------- meeting reports


@dataclass
class Participant:
    line: int
    names: tuple[str, ...]  # the name as shown, then other spellings to try
    minutes: float
    host: bool = False


@dataclass
class MatchedLearner:
    enrolment_id: uuid.UUID
    name: str
    minutes: int
    status: str
    lines: list[int] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(Enrolment.Status(self.status).label)


@dataclass
class MeetingPreview:
    platform: str = ""
    class_minutes: int = 0
    threshold: int = 0
    matched: list[MatchedLearner] = field(default_factory=list)
    unmatched: list[tuple[str, int, str]] = field(default_factory=list)  # name, minutes, why
    hosts: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def present(self) -> int:
        return sum(1 for m in self.matched if m.status in Enrolment.ATTENDED)


PLATFORM_NAMES = {"zoom": "Zoom", "meet": "Google Meet", "teams": "Microsoft Teams"}
_DURATION_PARTS = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(h|hr|hrs|hour|hours|gio|g|m|min|mins|minute|minutes|phut|p|s|sec|secs|second|seconds|giay)\b"
)


def parse_minutes(text: str) -> float | None:
    """A duration as the platforms write it: "45" (minutes, Zoom), "1 hr 5 min" (Meet),
    "1h 5m 30s" (Teams), "01:05:30" or "65:30"."""
    text = fold(text)
    if not text:
        return None
    if re.fullmatch(r"\d+(?:[.,]\d+)?", text):
        return float(text.replace(",", "."))
    if match := re.fullmatch(r"(\d+):(\d{2})(?::(\d{2}))?", text):
        a, b, c = match.groups()
        return int(a) * 60 + int(b) + int(c) / 60 if c is not None else int(a) + int(b) / 60
    total, found = 0.0, False
    for number, unit in _DURATION_PARTS.findall(text):
        value = float(number.replace(",", "."))
        found = True
        if unit[0] in "hg" and unit not in ("giay",):
            total += value * 60
        elif unit[0] == "s" or unit == "giay":
            total += value / 60
        else:
            total += value
    return total if found else None


def _platform_of(cells: list[str]) -> str | None:
    titles = {fold(c) for c in cells}
    if "name (original name)" in titles or (
        "duration (minutes)" in titles and "join time" in titles
    ):
        return "zoom"
    if "in-meeting duration" in titles or "first join" in titles:
        return "teams"
    if "first name" in titles and "last name" in titles and "duration" in titles:
        return "meet"
    return None


def read_participants(filename: str, content: bytes) -> tuple[str, list[Participant]]:
    """The platform and the participants of a Zoom, Google Meet or Microsoft Teams report.
    Zoom's meeting block above the table gives the host's e-mail (their row is the host);
    Teams' "2. Participants" section is read, its per-join activity section is not (it would
    count everyone twice). E-mails are compared, never kept."""
    rows = read_table(filename, content, kind=SHEET_KIND)
    host_emails: set[str] = set()
    platform, columns, header_at = None, {}, 0
    for index, (_line, cells) in enumerate(rows[:HEADER_SEARCH_LINES]):
        cells = [str(c or "").strip() for c in cells]
        platform = _platform_of(cells)
        if platform:
            columns = {fold(c): i for i, c in enumerate(cells) if c}
            header_at = index
            break
        # Zoom's meeting line: Meeting ID, Topic, Start Time, End Time, User Email, …
        folded = [fold(c) for c in cells]
        if "user email" in folded and index + 1 < len(rows):
            value = rows[index + 1][1]
            at = folded.index("user email")
            if at < len(value):
                host_emails.add(fold(str(value[at])))
    if not platform:
        raise rejected(
            _(
                "Không nhận ra báo cáo: cần tệp danh sách người tham gia xuất từ Zoom, "
                "Google Meet hoặc Microsoft Teams."
            )
        )
    participants: list[Participant] = []
    for line, cells in rows[header_at + 1 :]:
        cells = [str(c or "").strip() for c in cells]
        if re.match(r"^\d+\.\s", cells[0] if cells else ""):
            break  # Teams: the next section ("3. In-Meeting Activities")
        participant = _participant(platform, columns, line, cells, host_emails)
        if participant is not None:
            participants.append(participant)
    return platform, participants


def _cell(cells: list[str], columns: dict[str, int], *titles: str) -> str:
    for title in titles:
        if title in columns and columns[title] < len(cells):
            return cells[columns[title]]
    return ""


def _participant(platform, columns, line, cells, host_emails) -> Participant | None:
    email = fold(_cell(cells, columns, "user email", "email", "participant id (upn)"))
    if platform == "zoom":
        shown = _cell(cells, columns, "name (original name)", "name", "participant")
        names = [shown]
        if match := re.fullmatch(r"(.*?)\s*\((.+)\)", shown):
            names = [match[1], match[2]]
        duration = _cell(cells, columns, "duration (minutes)", "total duration (minutes)")
        host = bool(email) and email in host_emails
    elif platform == "teams":
        names = [_cell(cells, columns, "name", "full name")]
        duration = _cell(cells, columns, "in-meeting duration", "duration")
        host = fold(_cell(cells, columns, "role")) in ("organizer", "organiser", "to chuc")
    else:
        first = _cell(cells, columns, "first name")
        last = _cell(cells, columns, "last name")
        names = [f"{last} {first}", f"{first} {last}"]
        duration = _cell(cells, columns, "duration")
        host = False
    names = [" ".join(clean_typed(n).split()) for n in names if n and n.strip()]
    if not names:
        return None
    minutes = parse_minutes(duration)
    return Participant(line, tuple(names), minutes or 0.0, host=host)


def read_meeting_report(
    session: ClassSession, filename: str, content: bytes, *, threshold: int | None = None
) -> MeetingPreview:
    """The report matched to the class's roll: each participant to one enrolment by name
    (diacritics kept, then without diacritics when that names one person only), minutes
    summed over joins, present from ``threshold`` minutes (default half the class) else
    absent. Unmatched participants are listed, never added: they gave no year of birth."""
    platform, participants = read_participants(filename, content)
    preview = MeetingPreview(platform=PLATFORM_NAMES[platform])
    length = int((session.ends_at - session.starts_at).total_seconds() // 60)
    preview.class_minutes = length
    preview.threshold = threshold if threshold is not None else max(1, length // 2)
    enrolments = list(session.enrolments.select_related("learner"))
    by_key: dict[str, list[Enrolment]] = {}
    by_fold: dict[str, list[Enrolment]] = {}
    for enrolment in enrolments:
        by_key.setdefault(enrolment.learner.name_key, []).append(enrolment)
        by_fold.setdefault(fold(enrolment.learner.name), []).append(enrolment)
    found: dict[uuid.UUID, MatchedLearner] = {}
    unmatched: dict[str, list] = {}
    for participant in participants:
        if participant.host:
            preview.hosts.append(participant.names[0])
            continue
        enrolment, why = _match(participant.names, by_key, by_fold)
        if enrolment is None:
            entry = unmatched.setdefault(participant.names[0], [0.0, why])
            entry[0] += participant.minutes
            continue
        matched = found.setdefault(
            enrolment.pk, MatchedLearner(enrolment.pk, enrolment.learner.name, 0, "")
        )
        matched.minutes += participant.minutes
        matched.lines.append(participant.line)
    for matched in found.values():
        matched.minutes = min(round(matched.minutes), MAX_MINUTES)
        matched.status = (
            Enrolment.Status.PRESENT
            if matched.minutes >= preview.threshold
            else Enrolment.Status.ABSENT
        )
    preview.matched = sorted(found.values(), key=lambda m: m.name)
    preview.unmatched = [(name, round(m), why) for name, (m, why) in sorted(unmatched.items())]
    if not participants:
        preview.errors.append(RowError(0, _("Báo cáo không có người tham gia nào.")))
    return preview


def _match(names, by_key, by_fold) -> tuple[Enrolment | None, str]:
    why = _("không có trong danh sách lớp")
    for name in names:
        candidates = by_key.get(name_key(name), [])
        if len(candidates) == 1:
            return candidates[0], ""
        if len(candidates) > 1:
            why = _("nhiều người cùng tên trong lớp")
    for name in names:
        candidates = by_fold.get(fold(name), [])
        if len(candidates) == 1:
            return candidates[0], ""
        if len(candidates) > 1:
            why = _("nhiều người cùng tên (không dấu) trong lớp")
    return None, why


def import_meeting_report(
    *,
    actor: User | None,
    session: ClassSession,
    filename: str,
    content: bytes,
    threshold: int | None = None,
) -> tuple[MeetingPreview, Roll]:
    """Write the matched participants' minutes and status (``via="online"``)."""
    preview = read_meeting_report(session, filename, content, threshold=threshold)
    if preview.errors:
        raise ImportRejected(preview.errors)
    if not preview.matched:
        raise rejected(_("Không ai trong báo cáo khớp với danh sách lớp: chưa ghi gì."))
    marks = [
        Mark(id=m.enrolment_id, status=m.status, minutes_online=m.minutes) for m in preview.matched
    ]
    with transaction.atomic():
        roll = record_attendance(
            actor=actor, session=session, marks=marks, via=Enrolment.Via.ONLINE
        )
        if roll.rejected:
            raise ImportRejected([RowError(0, reason) for reason in roll.rejected.values()])
    return preview, roll


# ---------------------------------------------------------------------------- the platform


def already_imported(kind: str, sha256: str) -> ImportRejected | None:
    """The refusal of a file imported before, naming when and by whom."""
    first = (
        PlatformImport.objects.filter(kind=kind, sha256=sha256)
        .select_related("imported_by")
        .first()
    )
    if first is None:
        return None
    who = (
        first.imported_by.get_full_name() or first.imported_by.username
        if first.imported_by
        else "—"
    )
    return rejected(
        _("Tệp này đã được nhập ngày %(day)s bởi %(who)s (“%(name)s”): không nhập lại.")
        % {
            "day": timezone.localtime(first.imported_at).strftime("%d/%m/%Y %H:%M"),
            "who": who,
            "name": first.filename,
        }
    )


@dataclass
class MappingPreview:
    """The header row found, the field guessed for each column, the first rows as read."""

    header_line: int
    header: list[str]
    mapping: dict[int, str]
    sample: list[tuple[int, list[str]]]
    errors: list[RowError] = field(default_factory=list)


def completion_mapping(filename: str, stream: IO[bytes], *, sample: int = 5) -> MappingPreview:
    """The guessed mapping of a completions file and its first rows, for the preview."""
    table = iter_table(filename, stream, kind=COMPLETIONS_KIND)
    line, header, columns = find_header(table, _lookup(COMPLETION_HEADERS), needed=("name",))
    rows = []
    for row in table:
        if any(str(c).strip() for c in row[1]):
            rows.append(row)
        if len(rows) >= sample:
            break
    preview = MappingPreview(line, header, columns, rows)
    preview.errors = check_mapping(line, columns)
    return preview


def check_mapping(line: int, mapping: dict[int, str]) -> list[RowError]:
    errors = []
    values = list(mapping.values())
    for key in set(values):
        if values.count(key) > 1:
            errors.append(
                RowError(
                    line, _("cột “%(title)s” được chọn hai lần.") % {"title": FIELD_TITLES[key]}
                )
            )
    for key in COMPLETION_REQUIRED:
        if key not in values:
            errors.append(
                RowError(line, _("thiếu cột “%(title)s”.") % {"title": FIELD_TITLES[key]})
            )
    return errors


def check_completions(
    unit: OrgUnit, filename: str, stream: IO[bytes], mapping: dict[int, str]
) -> tuple[int, list[RowError]]:
    """The rows a completions file would import and every bad one, nothing written: the
    preview's counts (the file is read once more at confirm, as it may have waited)."""
    reader = CompletionReader(unit, source_id=0, today=timezone.localdate())
    table = iter_table(filename, stream, kind=COMPLETIONS_KIND)
    find_header(table, _lookup(COMPLETION_HEADERS), needed=("name",))
    for _row in reader.rows(table, mapping):
        pass
    return reader.rows_read, row_errors_note(reader.errors, reader.error_count)


# The columns of ``PlatformCompletion`` the import writes, in order.
COMPLETION_COLUMNS = (
    "source_id",
    "province_id",
    "commune_id",
    "village_id",
    "name",
    "name_key",
    "birth_year",
    "group",
    "course",
    "completed_on",
)


# Distinct cells remembered per column: a platform's file repeats its communes, courses,
# days and years endlessly, so a row costs a few dictionary look-ups; names repeat less and
# a file made to defeat the cache is only slower, never larger in memory.
CELL_CACHE = 200_000

# The mapped columns ``CompletionReader`` reads, in the order its checks report problems.
_READ_ORDER = ("name", "birth", "commune", "village", "group", "course", "completed_on")


class CompletionReader:
    """Checks completion rows against the communes and villages of ``unit``'s subtree,
    loaded once; ``rows`` yields each good row as a tuple of ``COMPLETION_COLUMNS``, the bad
    ones are gathered in ``errors`` (the first ``MAX_ERRORS``, all counted).

    Each cell's verdict — its value and its problems — is remembered by the cell's text, so
    the checks below run once per distinct cell, not once per row."""

    def __init__(self, unit: OrgUnit, *, source_id: int, today: datetime.date) -> None:
        self.places = Places(unit)
        self.source_id = source_id
        self.today = today
        self.errors: list[RowError] = []
        self.error_count = 0
        self.rows_read = 0
        self.communes: set[int] = set()
        self._caches: dict[str, dict] = {key: {} for key in _READ_ORDER}

    def rows(
        self, table: Iterable[tuple[int, list[str]]], mapping: dict[int, str]
    ) -> Iterator[tuple[object, ...]]:
        width = max(mapping) + 1
        index = {key: i for i, key in mapping.items()}
        # A column the mapping leaves out reads the empty cell padded at ``width``.
        columns = [index.get(key, width) for key in _READ_ORDER]
        pick = operator.itemgetter(*columns)
        needed = max(columns) + 1
        padding = [""] * needed
        caches = self._caches
        names, years, places, groups = (caches[k] for k in ("name", "birth", "commune", "group"))
        courses, days = caches["course"], caches["completed_on"]
        source = self.source_id
        for line, cells in table:
            if len(cells) < needed:
                cells = [*cells, *padding[len(cells) :]]
            name, birth, commune, village, group, course, day = picked = pick(cells)
            if not name.strip() and not "".join(picked).strip():
                continue
            person = names.get(name) or self._remember(names, name, self._name)
            year = years.get(birth) or self._remember(years, birth, self._year)
            place = places.get((commune, village)) or self._remember(
                places, (commune, village), self._place
            )
            kind = groups.get(group) or self._remember(groups, group, self._group)
            title = courses.get(course) or self._remember(courses, course, self._course)
            done = days.get(day) or self._remember(days, day, self._day)
            if person[2] or year[1] or place[3] or kind[1] or title[1] or done[1]:
                self.error_count += 1
                if len(self.errors) < MAX_ERRORS:
                    problems = [*person[2], *year[1], *place[3], *kind[1], *title[1], *done[1]]
                    self.errors.append(RowError(line, "; ".join(problems)))
                continue
            self.rows_read += 1
            yield (
                source,
                place[0],
                place[1],
                place[2],
                person[0],
                person[1],
                year[0],
                kind[0],
                title[0],
                done[0],
            )

    @staticmethod
    def _remember(cache: dict, text, check: Callable) -> tuple:
        verdict = check(text)
        if len(cache) < CELL_CACHE:
            cache[text] = verdict
        return verdict

    def _name(self, text: str) -> tuple[str, str, tuple[str, ...]]:
        name = " ".join(clean_typed(text).split())
        # A tuple: the verdicts of 200,000 good names share the one empty tuple.
        return name, name_key(name), tuple(quick_name_problems(name))

    def _year(self, text: str) -> tuple[int | None, Sequence[str]]:
        text = text.strip()
        year = parse_birth_year(text)
        if year is None:
            return year, [
                _("năm sinh “%(text)s” không hợp lệ") % {"text": text[:20]}
                if text
                else _("thiếu năm sinh")
            ]
        if not 1900 <= year <= self.today.year - 5:
            return year, [
                _("năm sinh phải từ %(first)d đến %(last)d")
                % {"first": 1900, "last": self.today.year - 5}
            ]
        return year, ()

    def _place(self, cells: tuple[str, str]) -> tuple[int | None, int | None, int | None, Sequence]:
        commune, village = cells[0].strip(), cells[1].strip()
        place = self.places.commune(commune)
        if place is None:
            problem = _(
                "không tìm thấy xã, phường “%(name)s” trong địa bàn (hoặc có nhiều nơi trùng tên)"
            ) % {"name": commune[:60]}
            return None, None, None, [problem]
        province = self.places.provinces[place[1][: OrgUnit.steplen]]
        village_id = None
        if village:
            village_id = self.places.village(place[1], village)
            if village_id is None:
                problem = _("không có thôn, tổ “%(name)s” ở xã, phường này") % {
                    "name": village[:60]
                }
                return None, None, None, [problem]
        # Only a file without a bad row is written, so a commune seen here is one it writes.
        self.communes.add(place[0])
        return province, place[0], village_id, ()

    def _group(self, text: str) -> tuple[str | None, Sequence[str]]:
        text = text.strip()
        group = GROUPS.get(fold(text))
        if group is None:
            return None, [_("đối tượng “%(text)s” không rõ") % {"text": text[:40]}]
        return group, ()

    def _course(self, text: str) -> tuple[str, Sequence[str]]:
        course = " ".join(text.split())
        if not course:
            return course, [_("thiếu tên khóa học")]
        if len(course) > MAX_COURSE or is_formula_like(course):
            return course, [_("tên khóa học không hợp lệ (tối đa 300 ký tự, không là công thức)")]
        return course, ()

    def _day(self, text: str) -> tuple[datetime.date | None, Sequence[str]]:
        text = text.strip()
        day = parse_day(text)
        if day is None:
            return day, [
                _("ngày hoàn thành “%(text)s” không đúng dạng ngày/tháng/năm") % {"text": text[:20]}
            ]
        if not OLDEST_COMPLETION <= day <= self.today:
            return day, [_("ngày hoàn thành phải từ năm 2020 đến hôm nay")]
        return day, ()


@dataclass
class CompletionResult:
    source: PlatformImport
    rows: int
    matched: int
    learners_added: int


def import_completions(
    *,
    actor: User | None,
    unit: OrgUnit,
    filename: str,
    stream: IO[bytes],
    mapping: dict[int, str] | None = None,
    create_learners: bool = True,
) -> CompletionResult:
    """Import the national platform's completions for the communes of ``unit``, all or
    nothing. The same file twice is refused (by its SHA-256, naming the first import).

    Rows stream from the file into a temporary staging table (COPY on PostgreSQL, batched
    inserts on SQLite); then, set-based: with ``create_learners``, one learner is added for
    each person nobody in their commune matches (same name with diacritics, same year of
    birth), and one INSERT … SELECT writes every completion with its learner, so the
    completions table is written once, never updated row by row. The first training day of
    a matched learner becomes the earliest completion when that is earlier."""
    sha = file_sha256(stream)
    if (refusal := already_imported(PlatformImport.Kind.COMPLETIONS, sha)) is not None:
        raise refusal
    with transaction.atomic():
        source = PlatformImport.objects.create(
            kind=PlatformImport.Kind.COMPLETIONS,
            unit=unit,
            filename=filename[:255],
            sha256=sha,
            imported_by=actor,
        )
        reader = CompletionReader(unit, source_id=source.pk, today=timezone.localdate())
        table = iter_table(filename, stream, kind=COMPLETIONS_KIND)
        line, _header, guessed = find_header(table, _lookup(COMPLETION_HEADERS), needed=("name",))
        mapping = guessed if mapping is None else mapping
        if errors := check_mapping(line, mapping):
            raise ImportRejected(errors)
        tune_for_bulk()
        _create_stage()
        try:
            _stage_rows(reader.rows(table, mapping))
            if reader.error_count:
                raise ImportRejected(row_errors_note(reader.errors, reader.error_count))
            if not reader.rows_read:
                raise rejected(_("Tệp không có dòng nào để nhập."))
            matched, added = write_completions(source.pk, create_learners=create_learners)
        finally:
            _drop_stage()
        source.rows = reader.rows_read
        source.save(update_fields=["rows"])
        analyse(Learner, PlatformCompletion)
        # The communes the reader saw in the good rows: the import's completions are there.
        refresh_learning_summaries(platform=sorted(reader.communes))
        record_audit(
            actor=actor,
            action=AuditLog.Action.IMPORT,
            obj=source,
            unit=unit,
            changes={
                "completions_imported": reader.rows_read,
                "matched": matched,
                "learners_added": added,
                "file": filename[:100],
            },
        )
    return CompletionResult(source, reader.rows_read, matched, added)


STAGE = "learning_completion_stage"
_STAGE_COLUMNS = (
    "source_id bigint, province_id bigint, commune_id bigint, village_id bigint, "
    'name varchar(200), name_key varchar(200), birth_year smallint, "group" varchar(20), '
    "course varchar(300), completed_on date"
)

_STAGE_TYPES = [
    "int8",
    "int8",
    "int8",
    "int8",
    "varchar",
    "varchar",
    "int2",
    "varchar",
    "varchar",
    "date",
]


def _create_stage() -> None:
    """A temporary table without index or constraint: rows land there at the speed of the
    file (no WAL on PostgreSQL), and are checked against the database once, set-based."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} ({_STAGE_COLUMNS})")


def _drop_stage() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")


def _stage_rows(rows: Iterable[tuple[object, ...]]) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in COMPLETION_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, f"COPY {STAGE} ({columns}) FROM STDIN", rows, _STAGE_TYPES)
            # Temporary tables are never analysed by autovacuum: the joins below need the
            # row count to choose hash joins.
            cursor.execute(f"ANALYZE {STAGE}")
            return
        marks = ", ".join(["%s"] * len(COMPLETION_COLUMNS))
        sql = f"INSERT INTO {STAGE} ({columns}) VALUES ({marks})"  # noqa: S608 — names from the code
        batch: list[tuple[object, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _copy(
    cursor, sql: str, rows: Iterable[tuple[object, ...]], types: list[str] | None = None
) -> None:
    with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        if types:
            copy.set_types(types)  # one dumper per column, not a look-up per value
        for row in rows:
            copy.write_row(row)


def _tables() -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(PlatformCompletion._meta.db_table), quote(Learner._meta.db_table)


def add_learners() -> int:
    """One learner for each staged person nobody in their commune matches (same name,
    diacritics kept, and year of birth): one INSERT … SELECT … GROUP BY. The name is the
    file's, the village and group the first the file gives, the first training day the
    earliest completion. (PostgreSQL does this in ``_write_with_people``.)"""
    _completions, learners = _tables()
    now = timezone.now()
    sql = (
        f"INSERT INTO {learners} (name, name_key, birth_year, sex, commune_id, village_id, "  # noqa: S608 — tables from the models, values bound
        f'"group", phone, first_trained_on, is_demo, created_at, updated_at) '
        f"SELECT MIN(c.name), c.name_key, c.birth_year, %s, c.commune_id, MIN(c.village_id), "
        f'MIN(c."group"), %s, MIN(c.completed_on), %s, %s, %s '
        f"FROM {STAGE} c WHERE NOT EXISTS ("
        f"SELECT 1 FROM {learners} l WHERE l.commune_id = c.commune_id "
        f"AND l.name_key = c.name_key AND l.birth_year = c.birth_year) "
        f"GROUP BY c.commune_id, c.name_key, c.birth_year"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ["", "", False, now, now])
        return cursor.rowcount


def write_completions(source_id: int, *, create_learners: bool = True) -> tuple[int, int]:
    """Write the staged rows to the completions table, each with the learner of its commune
    of the same name and year of birth (a merged record answers as the one kept; of two
    records with one key, the first), adding a learner for each person nobody matches when
    ``create_learners``; then bring the first training day of the matched learners forward
    to their earliest completion. Returns the completions matched and the learners added."""
    completions, learners = _tables()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in COMPLETION_COLUMNS)
    staged = ", ".join(f"s.{quote(c)}" for c in COMPLETION_COLUMNS)
    known = (
        f"SELECT commune_id, name_key, birth_year, MIN(COALESCE(merged_into_id, id)) AS id "  # noqa: S608 — tables from the models
        f"FROM {learners} WHERE commune_id IN (SELECT DISTINCT commune_id FROM {STAGE}) "
        f"GROUP BY commune_id, name_key, birth_year"
    )
    on = (
        "ON {0}.commune_id = s.commune_id AND {0}.name_key = s.name_key "
        "AND {0}.birth_year = s.birth_year"
    )
    if connection.vendor == "postgresql":
        return _write_completions_at_once(
            completions, learners, columns, staged, known, on, create_learners
        )
    added = add_learners() if create_learners else 0
    write = (
        f"INSERT INTO {completions} ({columns}, learner_id) SELECT {staged}, l.id "  # noqa: S608 — tables from the models
        f"FROM {STAGE} s LEFT JOIN ({known}) l {on.format('l')}"
    )
    trained = (
        f"UPDATE {learners} SET first_trained_on = m.day FROM ("  # noqa: S608 — tables from the models, values bound
        f"SELECT learner_id, MIN(completed_on) AS day FROM {completions} "
        f"WHERE source_id = %s AND learner_id IS NOT NULL GROUP BY learner_id) m "
        f"WHERE {learners}.id = m.learner_id AND ({learners}.first_trained_on IS NULL "
        f"OR {learners}.first_trained_on > m.day)"
    )
    with connection.cursor() as cursor:
        cursor.execute(write)
        cursor.execute(trained, [source_id])
        cursor.execute(
            f"SELECT COUNT(*) FROM {completions} WHERE source_id = %s AND learner_id IS NOT NULL",  # noqa: S608
            [source_id],
        )
        return cursor.fetchone()[0], added


PEOPLE = "learning_completion_people"


def _write_completions_at_once(
    completions: str,
    learners: str,
    columns: str,
    staged: str,
    known: str,
    on: str,
    create_learners: bool,
) -> tuple[int, int]:
    """``write_completions`` on PostgreSQL. The people nobody matches are gathered first in
    a temporary table, each given its learner id from the learners' sequence; then one
    statement adds them as learners, writes every completion with its learner — matched
    among the learners before this file (``known``) or among these people, one hash of
    narrow keys — and moves the first training day of the known ones (a learner added here
    already has its earliest completion). Its parts see the learners as they were when it
    began, so neither the learners nor the completions are read back."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PEOPLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {PEOPLE} ("
            "id bigint, commune_id bigint, name_key varchar(200), birth_year smallint, "
            "name varchar(200), village_id bigint, grp varchar(20), "
            "first_day date)"
        )
        try:
            return _write_with_people(
                cursor, completions, learners, columns, staged, known, on, create_learners
            )
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {PEOPLE}")


def _write_with_people(cursor, completions, learners, columns, staged, known, on, create):
    if create:
        cursor.execute(
            f"INSERT INTO {PEOPLE} SELECT "  # noqa: S608 — tables from the models
            f"nextval(pg_get_serial_sequence('{learners}', 'id')), c.commune_id, c.name_key, "
            "c.birth_year, MIN(c.name), MIN(c.village_id), "
            f'MIN(c."group"), MIN(c.completed_on) FROM {STAGE} c WHERE NOT EXISTS ('
            f"SELECT 1 FROM {learners} l WHERE l.commune_id = c.commune_id "
            "AND l.name_key = c.name_key AND l.birth_year = c.birth_year) "
            "GROUP BY c.commune_id, c.name_key, c.birth_year"
        )
        cursor.execute(f"ANALYZE {PEOPLE}")
    now = timezone.now()
    sql = (
        f"WITH added AS (INSERT INTO {learners} (id, name, name_key, birth_year, sex, "  # noqa: S608 — tables from the models, values bound
        'commune_id, village_id, "group", phone, first_trained_on, is_demo, '
        "created_at, updated_at) SELECT id, name, name_key, birth_year, %s, commune_id, "
        f"village_id, grp, %s, first_day, %s, %s, %s FROM {PEOPLE}), "
        f"known AS ({known}), "
        # A person another writer added since the people were gathered is known: theirs.
        "keys AS (SELECT commune_id, name_key, birth_year, id FROM known UNION ALL "
        f"SELECT p.commune_id, p.name_key, p.birth_year, p.id FROM {PEOPLE} p "
        "WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.commune_id = p.commune_id "
        "AND k.name_key = p.name_key AND k.birth_year = p.birth_year)), "
        f"written AS (INSERT INTO {completions} ({columns}, learner_id) "
        f"SELECT {staged}, k.id FROM {STAGE} s LEFT JOIN keys k {on.format('k')} "
        "RETURNING learner_id, completed_on), "
        "first AS (SELECT learner_id, MIN(completed_on) AS day FROM written "
        "WHERE learner_id IN (SELECT id FROM known) GROUP BY learner_id), "
        f"moved AS (UPDATE {learners} SET first_trained_on = first.day FROM first "
        f"WHERE {learners}.id = first.learner_id AND ({learners}.first_trained_on IS NULL "
        f"OR {learners}.first_trained_on > first.day) RETURNING 1) "
        "SELECT (SELECT COUNT(*) FROM written WHERE learner_id IS NOT NULL), "
        f"(SELECT COUNT(*) FROM {PEOPLE})"
    )
    cursor.execute(sql, ["", "", False, now, now])
    matched, added = cursor.fetchone()
    return matched, added


def link_completions(source_id: int) -> int:
    """Link the still unmatched completions of an import to learners added since (a
    person who merged or created them): one UPDATE … FROM."""
    completions, learners = _tables()
    link = (
        f"UPDATE {completions} SET learner_id = COALESCE(l.merged_into_id, l.id) "  # noqa: S608 — tables from the models, values bound
        f"FROM {learners} l WHERE {completions}.source_id = %s "
        f"AND {completions}.learner_id IS NULL "
        f"AND l.commune_id = {completions}.commune_id AND l.name_key = {completions}.name_key "
        f"AND l.birth_year = {completions}.birth_year"
    )
    with connection.cursor() as cursor:
        cursor.execute(link, [source_id])
        return cursor.rowcount


# ---------------------------------------------------------------------------- VNeID counts


@dataclass
class VneidPreview:
    rows: list[tuple[int, str, datetime.date, int]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    counts: list[VneidCount] = field(default_factory=list)


def read_vneid(unit: OrgUnit, filename: str, content: bytes) -> VneidPreview:
    """Counts per commune and day (or month: its last day). A count for a commune and day
    already stored is refused when it differs (the row is named) and skipped when equal;
    new days are added."""
    table = iter(read_table(filename, content, kind=VNEID_KIND))
    _line, _header, columns = find_header(
        table, _lookup(VNEID_HEADERS), needed=("commune", "as_of", "count")
    )
    places = Places(unit)
    preview = VneidPreview()
    seen: dict[tuple[int, datetime.date], tuple[int, int]] = {}
    for line, cells in table:
        values = {key: str(cells[i]).strip() for i, key in columns.items() if i < len(cells)}
        if not any(values.values()):
            continue
        problems: list[str] = []
        place = places.commune(values.get("commune", ""))
        if place is None:
            problems.append(
                _("không tìm thấy xã, phường “%(name)s” trong địa bàn")
                % {"name": values.get("commune", "")[:60]}
            )
        day = parse_month_end(values.get("as_of", ""))
        if day is None or not OLDEST_COMPLETION <= day <= timezone.localdate() + datetime.timedelta(
            days=31
        ):
            problems.append(
                _("ngày “%(text)s” không hợp lệ") % {"text": values.get("as_of", "")[:20]}
            )
        count = None
        try:
            count = parse_number(
                values.get("count", ""), whole=True, minimum=0, maximum=MAX_INTEGER
            )
        except NumberError as exc:
            problems.append(_("số người: %(reason)s") % {"reason": exc.messages[0]})
        if count is None and not problems:
            problems.append(_("thiếu số người được xác nhận"))
        if not problems:
            key = (place[0], day)
            if key in seen and seen[key][1] != count:
                problems.append(
                    _("khác số ở dòng %(line)d cho cùng xã, ngày") % {"line": seen[key][0]}
                )
            seen.setdefault(key, (line, count))
        if problems:
            preview.errors.append(RowError(line, "; ".join(problems)))
            if len(preview.errors) >= MAX_ERRORS:
                break
            continue
        preview.rows.append((line, values["commune"], day, count))
    stored = {
        (c.unit_id, c.as_of): c.confirmed
        for c in VneidCount.objects.filter(
            unit_id__in={k[0] for k in seen}, as_of__in={k[1] for k in seen}
        )
    }
    for (unit_id, day), (line, count) in seen.items():
        if (unit_id, day) in stored:
            if stored[(unit_id, day)] != count:
                preview.errors.append(
                    RowError(
                        line,
                        _("đã có số %(old)d cho xã, phường này ngày %(day)s: không ghi đè")
                        % {"old": stored[(unit_id, day)], "day": day.strftime("%d/%m/%Y")},
                    )
                )
            else:
                preview.unchanged += 1
            continue
        preview.counts.append(VneidCount(unit_id=unit_id, as_of=day, confirmed=count))
    preview.errors.sort(key=lambda e: e.line)
    if not seen and not preview.errors:
        preview.errors.append(RowError(0, _("Tệp không có dòng nào để nhập.")))
    return preview


@transaction.atomic
def import_vneid(
    *, actor: User | None, unit: OrgUnit, filename: str, content: bytes
) -> tuple[PlatformImport, VneidPreview]:
    """Store the file's new counts, all or nothing; the same file twice is refused."""
    sha = hashlib.sha256(content).hexdigest()
    if (refusal := already_imported(PlatformImport.Kind.VNEID, sha)) is not None:
        raise refusal
    preview = read_vneid(unit, filename, content)
    if preview.errors:
        raise ImportRejected(preview.errors)
    source = PlatformImport.objects.create(
        kind=PlatformImport.Kind.VNEID,
        unit=unit,
        filename=filename[:255],
        sha256=sha,
        rows=len(preview.counts),
        imported_by=actor,
    )
    for count in preview.counts:
        count.source = source
    VneidCount.objects.bulk_create(preview.counts)
    record_audit(
        actor=actor,
        action=AuditLog.Action.IMPORT,
        obj=source,
        unit=unit,
        changes={"vneid_counts": len(preview.counts), "file": filename[:100]},
    )
    return source, preview
