"""Writes to teams and visits. Each validates, writes, refreshes the summaries coverage reads
and audits in one transaction."""

from __future__ import annotations

import datetime
import re
import uuid
import zoneinfo
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.core.tables import fold
from hocvuso.core.tables.text import clean_typed
from hocvuso.fieldwork.models import (
    Household,
    Service,
    ServiceMonth,
    Team,
    TeamMember,
    VillageMonth,
    Visit,
)
from hocvuso.orgunits.models import OrgUnit

if TYPE_CHECKING:
    from hocvuso.accounts.models import User
    from hocvuso.core.tables import RowError

# A run of nine or more digits is a CMND/CCCD number (or a phone): never stored.
ID_NUMBER = re.compile(r"\d{9,}")
NOT_WORDS = re.compile(r"[^a-z0-9/\- ]+")
EQUITY_FIELDS = ("aged_60_plus", "women", "ethnic_minority", "disability")
# A household is a handful of people; more is a typo, or a meeting logged as a visit.
MAX_PEOPLE_PER_VISIT = 50
# The campaign's plausible days: nothing was logged before 2020, and a phone may be a day
# ahead (its clock, or a visit typed just after midnight) but not more.
FIRST_VISIT_DAY = datetime.date(2020, 1, 1)
DAYS_AHEAD_ALLOWED = 1
# A follow-up is planned within weeks, not years.
MAX_FOLLOW_UP_DAYS = 366
# Members present at one door: a team is a few people; more is a broken or hostile client.
MAX_MEMBERS_PRESENT = 30
MAX_NOTE = 500
MAX_HOUSEHOLD_TEXT = 200
# Control characters a phone or a paste may carry are cleaned as in every form
# (core.tables.text.clean_typed). NUL is refused, not cleaned: PostgreSQL cannot store it, and
# no keyboard types one — the record is corrupt or forged.
VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
TEAM_FIELDS = ("name", "unit")
MEMBER_FIELDS = ("name", "role", "phone", "user", "active")


# --- Teams


@transaction.atomic
def create_team(*, actor: User | None, unit: OrgUnit, name: str) -> Team:
    if unit.kind not in (OrgUnit.Kind.COMMUNE, OrgUnit.Kind.VILLAGE):
        raise ValidationError({"unit": _("Tổ công nghệ số thuộc một xã, phường hoặc thôn, tổ.")})
    team = Team(unit=unit, name=" ".join(name.split()))
    team.full_clean()
    team.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=team,
        unit=unit,
        changes=diff({}, snapshot(team, TEAM_FIELDS)),
    )
    return team


@transaction.atomic
def add_member(*, actor: User | None, team: Team, **fields: Any) -> TeamMember:
    member = TeamMember(team=team, **fields)
    member.full_clean()
    member.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=member,
        unit_id=team.unit_id,
        changes=diff({}, snapshot(member, MEMBER_FIELDS)),
    )
    return member


@transaction.atomic
def update_member(*, actor: User | None, member: TeamMember, **fields: Any) -> TeamMember:
    before = snapshot(member, MEMBER_FIELDS)
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean()
    member.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=member,
        unit_id=member.team.unit_id,
        changes=diff(before, snapshot(member, MEMBER_FIELDS)),
    )
    return member


# --- Visits


def household_ref(text: str) -> str:
    """A household's reference as stored: folded, so "Số 12, ngõ 3" and "so 12 ngo 3" are
    the same house. Refuses national ID numbers."""
    if ID_NUMBER.search(re.sub(r"[\s.\-]", "", text or "")):
        raise ValidationError(
            _("Không ghi số CCCD, CMND hay số điện thoại: chỉ ghi số nhà hoặc tên xóm, tổ.")
        )
    ref = " ".join(NOT_WORDS.sub(" ", fold(text)).split())
    if not ref:
        raise ValidationError(_("Hãy ghi số nhà hoặc tên xóm, tổ của hộ."))
    return ref[:100]


def local_today() -> datetime.date:
    """Today where the campaign runs, whatever time zone a request has activated."""
    return timezone.localdate(timezone=VIETNAM)


def text_problems(text: str, *, label: str, limit: int) -> list[str]:
    """Why ``text`` cannot be stored as typed: a NUL or a broken character (refused, the record
    is corrupt), or more than ``limit`` characters once cleaned."""
    if "\x00" in text:
        return [_("“%(field)s” có ký tự NUL: bản ghi bị hỏng, không lưu") % {"field": label}]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\\ud800" in JSON)
        return [_("“%(field)s” có ký tự không hợp lệ") % {"field": label}]
    if len(clean_typed(text)) > limit:
        return [_("“%(field)s” dài quá %(n)d ký tự") % {"field": label, "n": limit}]
    return []


def visit_value_problems(
    *,
    visited_on: datetime.date,
    today: datetime.date,
    follow_up_on: datetime.date | None = None,
    note: str | None = None,
    members_present: Sequence[object] | None = None,
    team_members: Collection[int] = (),
) -> list[str]:
    """The checks of a visit's values shared by the phone's sync and the file import, each
    refusal named in Vietnamese: the day within the campaign (from 1 January 2020 to tomorrow
    in Việt Nam), a follow-up after the visit and within a year, the note storable, and the
    members present only ``team_members`` (the ids of the team's members), each once, a
    handful at most. Parts not given (``None``) are not checked."""
    problems: list[str] = []
    if visited_on < FIRST_VISIT_DAY:
        problems.append(
            _("ngày hướng dẫn trước %(day)s, trước khi chiến dịch bắt đầu")
            % {"day": f"{FIRST_VISIT_DAY:%d/%m/%Y}"}
        )
    elif visited_on > today + datetime.timedelta(days=DAYS_AHEAD_ALLOWED):
        problems.append(_("ngày hướng dẫn ở tương lai"))
    if follow_up_on is not None:
        if follow_up_on < visited_on:
            problems.append(_("ngày hẹn quay lại trước ngày hướng dẫn"))
        # A difference, not a sum: 31/12/9999 plus a year is no date.
        elif (follow_up_on - visited_on).days > MAX_FOLLOW_UP_DAYS:
            problems.append(_("ngày hẹn quay lại cách ngày hướng dẫn hơn một năm"))
    if note is not None:
        problems.extend(text_problems(note, label=_("ghi chú"), limit=MAX_NOTE))
    if members_present is not None:
        problems.extend(_member_problems(members_present, team_members))
    return problems


def _member_problems(members: Sequence[object], team_members: Collection[int]) -> list[str]:
    # The count first: twenty thousand ids are refused without looking at each.
    if len(members) > MAX_MEMBERS_PRESENT:
        return [
            _("“thành viên tham gia” ghi %(count)d người, quá %(n)d người của một tổ")
            % {"count": len(members), "n": MAX_MEMBERS_PRESENT}
        ]
    seen: set[int] = set()
    for member in members:
        shown = str(member)[:30]
        if isinstance(member, bool) or not isinstance(member, int):
            return [_("“thành viên tham gia”: “%(id)s” không phải mã thành viên") % {"id": shown}]
        if member not in team_members:
            return [
                _("“thành viên tham gia”: “%(id)s” không phải thành viên của tổ") % {"id": shown}
            ]
        if member in seen:
            return [_("“thành viên tham gia”: “%(id)s” được ghi hai lần") % {"id": shown}]
        seen.add(member)
    return []


@dataclass
class VisitInput:
    """One visit as typed on a phone or read from a file, before it is checked."""

    id: uuid.UUID
    team_id: int
    village_id: int
    visited_on: datetime.date
    household: str
    people_guided: int
    services: list[str] = field(default_factory=list)
    outcome: str = Visit.Outcome.DONE
    follow_up_on: datetime.date | None = None
    note: str = ""
    members_present: list[int] = field(default_factory=list)
    aged_60_plus: int | None = None
    women: int | None = None
    ethnic_minority: int | None = None
    disability: int | None = None


@dataclass
class Batch:
    """What a batch of visits came to: the ids saved now, those already saved by an earlier
    try, and the refused ones with their reasons (in Vietnamese)."""

    saved: list[uuid.UUID] = field(default_factory=list)
    duplicates: list[uuid.UUID] = field(default_factory=list)
    rejected: dict[uuid.UUID, str] = field(default_factory=dict)


class VisitChecker:
    """Checks visits against the teams, villages and services they name, fetched once per
    batch, not once per visit."""

    def __init__(self, teams: Iterable[Team], *, today: datetime.date | None = None) -> None:
        self.teams = {team.pk: team for team in teams}
        self.services = {s.code: s for s in Service.objects.filter(active=True)}
        self.today = today or local_today()
        # Every member of each team, those since gone included: a visit logged offline last
        # week names who was there then.
        self.members: dict[int, set[int]] = {pk: set() for pk in self.teams}
        for team_id, member_id in TeamMember.objects.filter(team__in=list(self.teams)).values_list(
            "team_id", "pk"
        ):
            self.members[team_id].add(member_id)
        team_units = [team.unit for team in self.teams.values()]
        self.villages: dict[int, OrgUnit] = {}
        if team_units:
            under = Q()
            for unit in team_units:
                under |= Q(path__startswith=unit.path)
            self.villages = {
                u.pk: u
                for u in OrgUnit.objects.filter(
                    under, kind__in=(OrgUnit.Kind.COMMUNE, OrgUnit.Kind.VILLAGE)
                )
            }
        self.provinces = {
            u.path: u.pk
            for u in OrgUnit.objects.filter(
                path__in={unit.path[: OrgUnit.steplen] for unit in team_units}
            )
        }

    def check(self, row: VisitInput) -> Visit:
        """The visit to save, or ValidationError with every problem of the row."""
        problems: list[str] = []
        team = self.teams.get(row.team_id)
        village = self.villages.get(row.village_id)
        if team is None:
            problems.append(_("tổ không thuộc phạm vi của bạn"))
        elif village is None or not village.path.startswith(team.unit.path):
            problems.append(_("thôn, tổ dân phố không thuộc địa bàn của tổ"))
        household = ""
        household_text = text_problems(
            row.household, label=_("hộ gia đình"), limit=MAX_HOUSEHOLD_TEXT
        )
        problems.extend(household_text)
        if not household_text:
            try:
                household = household_ref(row.household)
            except ValidationError as exc:
                problems.extend(exc.messages)
        problems.extend(
            visit_value_problems(
                visited_on=row.visited_on,
                today=self.today,
                follow_up_on=row.follow_up_on,
                note=row.note,
                members_present=row.members_present if team else None,
                team_members=self.members.get(row.team_id, ()),
            )
        )
        if not 1 <= row.people_guided <= MAX_PEOPLE_PER_VISIT:
            problems.append(
                _("số người được hướng dẫn phải từ 1 đến %(n)d") % {"n": MAX_PEOPLE_PER_VISIT}
            )
        for name in EQUITY_FIELDS:
            value = getattr(row, name)
            if value is not None and not 0 <= value <= row.people_guided:
                problems.append(
                    _("“%(field)s” phải từ 0 đến số người được hướng dẫn")
                    % {"field": Visit._meta.get_field(name).verbose_name}
                )
        mask = 0
        codes = list(dict.fromkeys(row.services))
        if len(codes) > len(self.services):
            problems.append(_("ghi nhiều nội dung hơn danh mục có"))
            codes = []
        for code in codes:
            service = self.services.get(code)
            if service is None:
                shown = clean_typed(code.replace("\x00", ""))[:40]
                problems.append(_("nội dung “%(code)s” không có trong danh mục") % {"code": shown})
            else:
                mask |= service.mask
        if row.outcome not in Visit.Outcome.values:
            problems.append(_("kết quả không hợp lệ"))
        elif row.outcome == Visit.Outcome.FOLLOW_UP and row.follow_up_on is None:
            problems.append(_("cần quay lại thì phải có ngày hẹn"))
        if problems:
            raise ValidationError(problems)
        return Visit(
            id=row.id,
            team_id=team.pk,
            village_id=village.pk,
            province_id=self.provinces[village.path[: OrgUnit.steplen]],
            visited_on=row.visited_on,
            household=household,
            people_guided=row.people_guided,
            services=mask,
            outcome=row.outcome,
            follow_up_on=row.follow_up_on if row.outcome == Visit.Outcome.FOLLOW_UP else None,
            note=clean_typed(row.note),
            members_present=sorted(row.members_present),
            **{name: getattr(row, name) for name in EQUITY_FIELDS},
        )


@transaction.atomic
def record_visits(
    *, actor: User | None, teams: Iterable[Team], rows: Sequence[VisitInput]
) -> Batch:
    """Save a batch of visits from a phone or a form. Each visit is checked on its own: good
    ones are saved even when others are refused, since the phone shows each record's fate.
    A visit whose id was already saved is a retried sync: reported as such, saved once.
    ``teams`` are the teams the actor may log visits for.

    Safe under concurrent batches on PostgreSQL: the villages written are locked (in the
    order of their ids, so two batches never wait on each other in a circle) before any
    visit is inserted, and a visit counts as saved — in the answer and in the audit row —
    only when this request's own INSERT wrote it. Three phones sending the same batch at
    once get one "saved" answer and two "duplicates"."""
    batch = Batch()
    ids = [row.id for row in rows]
    known = set(Visit.objects.filter(id__in=ids).values_list("id", flat=True))
    checker = VisitChecker(teams)
    visits: dict[uuid.UUID, Visit] = {}
    for row in rows:
        if row.id in known or row.id in visits:
            batch.duplicates.append(row.id)
            continue
        try:
            visits[row.id] = checker.check(row)
        except ValidationError as exc:
            batch.rejected[row.id] = "; ".join(exc.messages)
    if not visits:
        return batch
    lock_villages(v.village_id for v in visits.values())
    for visit in visits.values():
        visit.recorded_by = actor
    inserted = _insert_new(list(visits.values()))
    batch.saved = [pk for pk in visits if pk in inserted]
    # Saved meanwhile by another request (the same batch from another tab or phone).
    batch.duplicates.extend(pk for pk in visits if pk not in inserted)
    if not inserted:
        return batch
    added = [visits[pk] for pk in batch.saved]
    refresh_summaries({v.village_id for v in added})
    by_team: dict[int, int] = {}
    for visit in added:
        by_team[visit.team_id] = by_team.get(visit.team_id, 0) + 1
    for team_id, n in by_team.items():
        team = checker.teams[team_id]
        record_audit(
            actor=actor,
            action=AuditLog.Action.VISITS_RECORDED,
            obj=team,
            unit_id=team.unit_id,
            changes={"visits_added": n},
        )
    return batch


def lock_villages(villages: Iterable[int]) -> None:
    """Hold the villages' rows until the transaction ends, so one writer at a time recomputes
    their summaries. Taken in the order of the ids, in one statement per 500, so writers
    over overlapping villages queue instead of deadlocking. ``no_key``: visits inserted
    meanwhile (which take a key-share lock on their village) are not blocked. SQLite needs
    none of it: it runs one writing transaction at a time."""
    if not connection.features.has_select_for_update:
        return
    ids = sorted(set(villages))
    for start in range(0, len(ids), 500):
        list(
            OrgUnit.objects.select_for_update(no_key=True)
            .filter(pk__in=ids[start : start + 500])
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _insert_new(visits: list[Visit]) -> set[uuid.UUID]:
    """Insert the visits whose id is not in the table yet; the ids this statement wrote.
    ``INSERT … ON CONFLICT DO NOTHING RETURNING``: exact however many requests insert the
    same ids at once (PostgreSQL; SQLite ≥ 3.35), where ``bulk_create(ignore_conflicts)``
    cannot say which rows were its own. Rows go in the order of their ids, so two requests
    inserting overlapping batches wait for each other in one direction only."""
    fields = Visit._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = f"({', '.join(['%s'] * len(fields))})"
    pk = Visit._meta.pk
    inserted: set[uuid.UUID] = set()
    visits = sorted(visits, key=lambda v: v.pk)
    with connection.cursor() as cursor:
        for start in range(0, len(visits), 200):
            chunk = visits[start : start + 200]
            params = [
                f.get_db_prep_save(f.pre_save(visit, add=True), connection)
                for visit in chunk
                for f in fields
            ]
            cursor.execute(
                f"INSERT INTO {quote(Visit._meta.db_table)} ({columns}) "  # noqa: S608 — names from the model, values bound
                f"VALUES {', '.join([row] * len(chunk))} "
                f"ON CONFLICT ({quote(pk.column)}) DO NOTHING RETURNING {quote(pk.column)}",
                params,
            )
            inserted.update(pk.to_python(value) for (value,) in cursor.fetchall())
    return inserted


# --- Summaries


def refresh_summaries(villages: Iterable[int]) -> None:
    """Recompute the households reached and the monthly summaries of these villages from
    their visits: set-based statements, the same for one visit or a million. The villages
    are locked first (``lock_villages``), so two transactions never delete and re-insert
    the same village's rows at once (which broke ``one_household_per_ref``)."""
    villages = sorted(set(villages))
    lock_villages(villages)
    for start in range(0, len(villages), 500):
        _refresh(villages[start : start + 500])


def _month_of(column: str) -> str:
    """SQL for the first day of ``column``'s month, on either database."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _refresh(villages: list[int]) -> None:
    """Set-based statements, so the summaries of a million visits are computed in the
    database, not in Python: households, then months, then topics by month."""
    households, visits = Household._meta.db_table, Visit._meta.db_table
    months, topics = VillageMonth._meta.db_table, ServiceMonth._meta.db_table
    scope = f"village_id IN ({', '.join(['%s'] * len(villages))})"
    month, first_month = _month_of("visited_on"), _month_of("first_visited_on")
    equity = ", ".join(EQUITY_FIELDS)
    equity_sums = ", ".join(f"COALESCE(SUM({name}), 0) AS {name}" for name in EQUITY_FIELDS)
    # (statement, how many times it names the villages)
    statements = [
        (f"DELETE FROM {households} WHERE {scope}", 1),  # noqa: S608 — tables from the models, values bound
        (f"DELETE FROM {months} WHERE {scope}", 1),  # noqa: S608 — tables from the models, values bound
        (f"DELETE FROM {topics} WHERE {scope}", 1),  # noqa: S608 — tables from the models, values bound
        (
            f"INSERT INTO {households} (village_id, ref, first_visited_on, last_visited_on) "  # noqa: S608
            f"SELECT village_id, household, MIN(visited_on), MAX(visited_on) FROM {visits} "
            f"WHERE {scope} GROUP BY village_id, household",
            1,
        ),
        (
            f"INSERT INTO {months} (village_id, month, visits, new_households, people_guided, "  # noqa: S608
            f"{equity}, last_visited_on) "
            f"SELECT v.village_id, v.month, v.n, COALESCE(h.n, 0), v.people, {equity}, v.last "
            f"FROM (SELECT village_id, {month} AS month, COUNT(*) AS n, "
            f"SUM(people_guided) AS people, {equity_sums}, MAX(visited_on) AS last "
            f"FROM {visits} WHERE {scope} GROUP BY village_id, {month}) v "
            f"LEFT JOIN (SELECT village_id, {first_month} AS month, COUNT(*) AS n "
            f"FROM {households} WHERE {scope} GROUP BY village_id, {first_month}) h "
            f"ON h.village_id = v.village_id AND h.month = v.month",
            2,
        ),
        # One pass over the visits, joined to each topic whose bit they carry.
        (
            f"INSERT INTO {topics} (village_id, month, service_id, visits, people) "  # noqa: S608
            f"SELECT v.village_id, {month}, s.id, COUNT(*), SUM(v.people_guided) "
            f"FROM {visits} v JOIN {Service._meta.db_table} s "
            f"ON (v.services & (1 << s.bit)) <> 0 WHERE v.{scope} "
            f"GROUP BY v.village_id, {month}, s.id",
            1,
        ),
    ]
    with connection.cursor() as cursor:
        for sql, uses in statements:
            cursor.execute(sql, villages * uses)


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def services_of(mask: int, services: Mapping[int, Service]) -> list[Service]:
    """The services whose bits are set in ``mask``, given ``{bit: service}``."""
    return [s for bit, s in sorted(services.items()) if mask & (1 << bit)]


# --- Import


@dataclass
class ImportResult:
    rows: int
    villages: int


def import_visits(
    *, actor: User | None, unit: OrgUnit, filename: str, stream: IO[bytes]
) -> ImportResult:
    """Import the visits in a CSV or Excel file for the teams of ``unit``. All or nothing:
    any bad row, or a row already imported, rejects the file (``ImportRejected``, every bad
    row named by line). On PostgreSQL rows stream into ``COPY``; memory stays flat."""
    from hocvuso.core.tables import ImportRejected, RowError
    from hocvuso.fieldwork.importers import COLUMNS, VisitReader, table_of

    reader = VisitReader(unit, actor_id=actor.pk if actor else None, today=local_today())
    try:
        with transaction.atomic():
            rows = reader.rows(table_of(filename, stream))
            if connection.vendor == "postgresql":
                _copy_visits(rows, COLUMNS)
            else:
                _insert_visits(rows, COLUMNS)
            if reader.error_count:
                errors = list(reader.errors)
                if reader.error_count > len(errors):
                    errors.append(
                        RowError(
                            0,
                            _("… và %(n)d dòng lỗi khác.")
                            % {"n": reader.error_count - len(errors)},
                        )
                    )
                raise ImportRejected(errors)
            if not reader.summary.rows:
                raise ImportRejected([RowError(0, _("Tệp không có dòng nào để nhập."))])
            refresh_summaries(reader.summary.villages)
            record_audit(
                actor=actor,
                action=AuditLog.Action.IMPORT,
                obj=unit,
                unit=unit,
                changes={"visits_imported": reader.summary.rows, "file": filename[:100]},
            )
    except IntegrityError:
        raise ImportRejected(_repeated_rows(unit, filename, stream)) from None
    return ImportResult(reader.summary.rows, len(reader.summary.villages))


def _repeated_rows(unit: OrgUnit, filename: str, stream: IO[bytes]) -> list[RowError]:
    """Why the database refused a file's visits: rows imported before, or the same row twice
    in the file. Reads the file again, so it costs nothing on a good import."""
    from hocvuso.core.tables import RowError
    from hocvuso.fieldwork.importers import MAX_ERRORS, VisitReader, table_of

    before = RowError(
        0, _("Tệp có lượt đã được nhập trước đây: không nhập lại để khỏi đếm hai lần.")
    )
    if not stream.seekable():
        return [before]
    stream.seek(0)
    reader = VisitReader(unit, actor_id=None, today=local_today())
    first_line: dict[uuid.UUID, int] = {}
    errors: list[RowError] = []
    for row in reader.rows(table_of(filename, stream)):
        seen = first_line.setdefault(row[0], reader.line)
        if seen != reader.line:
            errors.append(
                RowError(
                    reader.line, _("trùng hệt dòng %(line)d: một lượt ghi hai lần") % {"line": seen}
                )
            )
            if len(errors) == MAX_ERRORS:
                break
    ids = list(first_line)
    if any(Visit.objects.filter(pk__in=ids[i : i + 500]).exists() for i in range(0, len(ids), 500)):
        errors.insert(0, before)
    return errors or [before]


def _copy_visits(rows: Iterable[tuple[object, ...]], columns: Sequence[str]) -> None:
    table = Visit._meta.db_table
    with connection.cursor() as cursor:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def _insert_visits(rows: Iterable[tuple[object, ...]], columns: Sequence[str]) -> None:
    batch: list[Visit] = []
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        values["members_present"] = []
        batch.append(Visit(**values))
        if len(batch) == 5000:
            Visit.objects.bulk_create(batch)
            batch = []
    Visit.objects.bulk_create(batch)
