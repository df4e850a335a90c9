"""Reading visits from the CSV or Excel sheets teams already keep, one row at a time.

A file is checked whole: every bad row is named by the line the person sees in their
spreadsheet (the header is line 1), and a file with any bad row imports nothing. Rows stream
from the file to the database, so a million-row CSV needs no more memory than a small one.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocvuso.core.tables import (
    MAX_INTEGER,
    ImportRejected,
    NumberError,
    RowError,
    fold,
    iter_table,
    map_columns,
    parse_number,
)
from hocvuso.fieldwork.models import Service, Team, Visit
from hocvuso.fieldwork.services import (
    ID_NUMBER,
    MAX_PEOPLE_PER_VISIT,
    household_ref,
    visit_value_problems,
)
from hocvuso.orgunits.models import OrgUnit

# The errors listed for one file: enough to fix a batch, not a million lines of the same.
MAX_ERRORS = 200
# Ids made for rows without one are derived from the row, so the same file twice is the same
# visits twice, refused rather than counted again.
ID_NAMESPACE = uuid.UUID("6f1c1a36-7c9e-4b9a-9a51-2f0f2a1b6e11")

TEMPLATE_HEADERS = [
    "Ngày",
    "Tổ",
    "Thôn, tổ dân phố",
    "Hộ",
    "Số người được hướng dẫn",
    "Nội dung",
    "Kết quả",
    "Hẹn quay lại",
    "Từ 60 tuổi",
    "Nữ",
    "Dân tộc thiểu số",
    "Khuyết tật",
    "Ghi chú",
    "Mã lượt",
]
HEADERS = {
    "ngay": "visited_on",
    "ngay huong dan": "visited_on",
    "to": "team",
    "to cong nghe so": "team",
    "thon, to dan pho": "village",
    "thon/to dan pho": "village",
    "thon": "village",
    "dia ban": "village",
    "ho": "household",
    "ho gia dinh": "household",
    "so nguoi duoc huong dan": "people_guided",
    "so nguoi": "people_guided",
    "noi dung": "services",
    "noi dung huong dan": "services",
    "ket qua": "outcome",
    "hen quay lai": "follow_up_on",
    "tu 60 tuoi": "aged_60_plus",
    "nu": "women",
    "dan toc thieu so": "ethnic_minority",
    "khuyet tat": "disability",
    "nguoi khuyet tat": "disability",
    "ghi chu": "note",
    "ma luot": "id",
    "stt": None,
}
REQUIRED = ("visited_on", "team", "village", "household", "people_guided")
# Each required field by the template's title for it, to name a missing column.
REQUIRED_TITLES = {
    key: next(t for t in TEMPLATE_HEADERS if HEADERS.get(fold(t)) == key) for key in REQUIRED
}
OUTCOMES = {
    **{fold(str(label)): value for value, label in Visit.Outcome.choices},
    **{value: value for value in Visit.Outcome.values},
    "xong": Visit.Outcome.DONE,
    "da xong": Visit.Outcome.DONE,
    "": Visit.Outcome.DONE,
    "quay lai": Visit.Outcome.FOLLOW_UP,
    "can quay lai": Visit.Outcome.FOLLOW_UP,
}
# Labels of the optional counts, translated only when a row is wrong.
EQUITY_LABELS = (
    ("aged_60_plus", gettext_lazy("từ 60 tuổi")),
    ("women", gettext_lazy("nữ")),
    ("ethnic_minority", gettext_lazy("dân tộc thiểu số")),
    ("disability", gettext_lazy("khuyết tật")),
)
PEOPLE_LABEL = gettext_lazy("số người")
SERVICE_SEPARATORS = re.compile(r"[;,\n]+")
DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$|^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
# The columns of ``Visit`` an importer writes, in order.
COLUMNS = (
    "id",
    "team_id",
    "village_id",
    "province_id",
    "visited_on",
    "household",
    "people_guided",
    "aged_60_plus",
    "women",
    "ethnic_minority",
    "disability",
    "services",
    "members_present",
    "outcome",
    "follow_up_on",
    "note",
    "recorded_by_id",
    "received_at",
)


@dataclass
class ImportSummary:
    rows: int = 0
    villages: set[int] = field(default_factory=set)


class VisitReader:
    """Checks rows against the teams, villages and topics of ``unit``'s subtree, loaded once.
    Iterating ``rows(table)`` yields each good row as a tuple of ``COLUMNS``; the bad ones are
    collected in ``errors``."""

    def __init__(self, unit: OrgUnit, *, actor_id: int | None, today: datetime.date) -> None:
        self.today = today
        self.actor_id = actor_id
        self.now = datetime.datetime.now(tz=datetime.UTC)
        self.errors: list[RowError] = []
        self.error_count = 0
        self.summary = ImportSummary()
        units = OrgUnit.objects.filter(path__startswith=unit.path)
        places = list(
            units.filter(kind__in=(OrgUnit.Kind.COMMUNE, OrgUnit.Kind.VILLAGE)).values_list(
                "pk", "path", "name", "code"
            )
        )
        self.places: dict[str, tuple[int, str] | None] = {}
        for pk, path, name, code in places:
            for key in (fold(name), code and fold(code)):
                if key:
                    # Two villages of the same name in different communes: ambiguous by name.
                    self.places[key] = None if key in self.places else (pk, path)
        self.teams: dict[str, tuple[int, str] | None] = {}
        for team in Team.objects.filter(unit__path__startswith=unit.path).select_related("unit"):
            for key in (fold(team.name), str(team.pk)):
                self.teams[key] = None if key in self.teams else (team.pk, team.unit.path)
        self.services: dict[str, int | None] = {}
        self._service_names: list[tuple[str, int]] = []
        for service in Service.objects.filter(active=True):
            self.services[fold(service.name)] = service.mask
            self.services[service.code] = service.mask
            self._service_names.append((fold(service.name), service.mask))
        self.provinces = dict(
            OrgUnit.objects.filter(path__in={p[1][: OrgUnit.steplen] for p in places}).values_list(
                "path", "pk"
            )
        )
        self._dates: dict[str, datetime.date | None] = {}
        # Teams, villages, topics and outcomes repeat on most rows: each distinct cell text
        # is folded and looked up once.
        self._team_cells: dict[str, tuple[int, str] | None] = {}
        self._place_cells: dict[str, tuple[int, str] | None] = {}
        self._service_cells: dict[str, tuple[int, list[str]]] = {}
        self._outcome_cells: dict[str, str | None] = {}
        self.line = 0  # the line of the row last yielded

    def rows(self, table: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[object, ...]]:
        table = iter(table)
        header_line, header = next(table, (1, []))
        columns = self._columns(header_line, header)
        if self.errors:
            raise ImportRejected(self.errors)
        for line, cells in table:
            values = {key: cells[i].strip() for i, key in columns.items() if i < len(cells)}
            if not any(values.values()):
                continue
            problems: list[str] = []
            row = self._row(values, problems)
            if problems:
                self.error_count += 1
                if len(self.errors) < MAX_ERRORS:
                    self.errors.append(RowError(line, "; ".join(problems)))
                continue
            self.summary.rows += 1
            self.line = line
            self.summary.villages.add(row[2])
            yield row

    def _columns(self, line: int, header: list[str]) -> dict[int, str]:
        columns, errors = map_columns(line, header, HEADERS, required=REQUIRED_TITLES)
        self.errors += errors
        return columns

    def _row(self, values: dict[str, str], problems: list[str]) -> tuple[object, ...]:
        team = self._cached(self._team_cells, values.get("team", ""), self.teams)
        place = self._cached(self._place_cells, values.get("village", ""), self.places)
        if team is None:
            problems.append(
                _("không có tổ “%(name)s” trong địa bàn") % {"name": values.get("team", "")}
            )
        if place is None:
            problems.append(
                _("không tìm thấy thôn, tổ dân phố “%(name)s” (hoặc có nhiều nơi trùng tên)")
                % {"name": values.get("village", "")}
            )
        elif team is not None and not place[1].startswith(team[1]):
            problems.append(_("thôn, tổ dân phố không thuộc địa bàn của tổ"))
        visited_on = self._date(values.get("visited_on", ""))
        if visited_on is None:
            problems.append(
                _("ngày “%(text)s” không đúng dạng ngày/tháng/năm")
                % {"text": values.get("visited_on", "")}
            )
        else:
            problems.extend(visit_value_problems(visited_on=visited_on, today=self.today))
        household = ""
        text = values.get("household", "")
        if ID_NUMBER.search(text.replace(" ", "").replace(".", "")):
            problems.append(_("cột Hộ có số CCCD, CMND hoặc số điện thoại"))
        else:
            try:
                household = household_ref(text)
            except Exception as exc:
                problems.extend(getattr(exc, "messages", [str(exc)]))
        people = self._count(values.get("people_guided", ""), problems, PEOPLE_LABEL)
        if people is not None and not 1 <= people <= MAX_PEOPLE_PER_VISIT:
            problems.append(
                _("số người được hướng dẫn phải từ 1 đến %(n)d") % {"n": MAX_PEOPLE_PER_VISIT}
            )
        equity = []
        for name, label in EQUITY_LABELS:
            value = self._count(values.get(name, ""), problems, label, required=False)
            if value is not None and people is not None and value > people:
                problems.append(_("“%(field)s” lớn hơn số người") % {"field": label})
            equity.append(value)
        mask, unknown = self._services_of(values.get("services", ""))
        for item in unknown:
            problems.append(_("nội dung “%(code)s” không có trong danh mục") % {"code": item})
        outcome = self._cached(self._outcome_cells, values.get("outcome", ""), OUTCOMES)
        if outcome is None:
            problems.append(_("kết quả không hợp lệ"))
        follow_up = None
        if values.get("follow_up_on"):
            follow_up = self._date(values["follow_up_on"])
            if follow_up is None:
                problems.append(_("ngày hẹn quay lại không đúng dạng ngày/tháng/năm"))
        if outcome == Visit.Outcome.FOLLOW_UP and follow_up is None:
            problems.append(_("cần quay lại thì phải có ngày hẹn"))
        note = values.get("note", "")
        if len(note) > 500:
            problems.append(_("ghi chú dài quá 500 ký tự"))
        visit_id = None
        if values.get("id"):
            try:
                visit_id = uuid.UUID(values["id"])
            except ValueError:
                problems.append(_("mã lượt không hợp lệ"))
        if problems:
            return ()
        if visit_id is None:
            key = (team[0], place[0], visited_on, household, people, mask, outcome)
            # Derived from the row alone, so memory stays flat: two identical rows get one id,
            # which the database refuses (import_visits then names both lines).
            visit_id = uuid.uuid5(ID_NAMESPACE, f"{key}#0")
        return (
            visit_id,
            team[0],
            place[0],
            self.provinces[place[1][: OrgUnit.steplen]],
            visited_on,
            household,
            people,
            *equity,
            mask,
            "[]",
            outcome,
            follow_up if outcome == Visit.Outcome.FOLLOW_UP else None,
            note,
            self.actor_id,
            self.now,
        )

    @staticmethod
    def _cached(cells: dict[str, object], text: str, by_folded: dict[str, object]) -> object:
        if text not in cells:
            cells[text] = by_folded.get(fold(text))
        return cells[text]

    def _services_of(self, cell: str) -> tuple[int, list[str]]:
        """The topics' bits of one cell, and the items that are no topic."""
        if cell not in self._service_cells:
            mask, unknown = 0, []
            for item in SERVICE_SEPARATORS.split(cell):
                item = fold(item)
                if not item:
                    continue
                bit = self._service(item)
                if bit is None:
                    unknown.append(item)
                else:
                    mask |= bit
            self._service_cells[cell] = (mask, unknown)
        return self._service_cells[cell]

    def _service(self, text: str) -> int | None:
        """A topic by code, full name, or a part of its name found in no other
        ("vneid muc 2" for "Định danh điện tử VNeID mức 2")."""
        if text not in self.services:
            found = {mask for name, mask in self._service_names if text in name}
            self.services[text] = found.pop() if len(found) == 1 else None
        return self.services[text]

    def _date(self, text: str) -> datetime.date | None:
        if text in self._dates:
            return self._dates[text]
        match = DATE.match(text.strip())
        value = None
        if match:
            d, m, y, y2, m2, d2 = match.groups()
            try:
                value = (
                    datetime.date(int(y), int(m), int(d))
                    if y
                    else datetime.date(int(y2), int(m2), int(d2))
                )
            except ValueError:
                value = None
        self._dates[text] = value
        return value

    @staticmethod
    def _count(text: str, problems: list[str], label: str, *, required: bool = True) -> int | None:
        if not text:
            if required:
                problems.append(_("thiếu %(field)s") % {"field": label})
            return None
        try:
            return parse_number(text, whole=True, minimum=0, maximum=MAX_INTEGER)
        except NumberError as exc:
            message = (
                _("“%(field)s” quá lớn")
                if exc.code == "range"
                else _("“%(field)s” phải là số nguyên")
            )
            problems.append(message % {"field": label})
            return None


def table_of(filename: str, stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """The file's lines as (line number, cells), streamed for CSV (within the visit
    import's limits, ``core.tables.LIMITS["visits"]``); Excel sheets are read whole (keep
    very large imports in CSV)."""
    return iter_table(filename, stream, kind="visits")
