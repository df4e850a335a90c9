"""Scoped reads of events and bridge points, and the unit sets bridge points are made for."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.core import roles as R
from hocvuso.events.models import (
    Attendance,
    AttendanceCategory,
    BridgePoint,
    Delegate,
    Event,
    ProgramItem,
    Quota,
    RegistryEntry,
)
from hocvuso.orgunits.models import OrgUnit, UnitGroup
from hocvuso.orgunits.selectors import scope_for_user, scope_paths, user_can

if TYPE_CHECKING:
    from hocvuso.accounts.models import User


def events_visible_to(user: User) -> QuerySet[Event]:
    """Events organised inside the user's units, events with a bridge point there, and
    events with a quota a unit there is responsible for (it registers its people for it)."""
    organised = scope_for_user(Event.objects.all(), user, via="organiser").values("pk")
    hosting = scope_for_user(BridgePoint.objects.all(), user, via="host").values("event_id")
    mobilising = scope_for_user(
        Quota.objects.filter(responsible__isnull=False), user, via="responsible"
    ).values("event_id")
    return Event.objects.filter(
        Q(pk__in=organised) | Q(pk__in=hosting) | Q(pk__in=mobilising)
    ).select_related("organiser")


def get_event_for_user(user: User, pk: int, *, roles: Iterable[str] | None = None) -> Event:
    """The event if ``user`` sees it (:func:`events_visible_to`; else 404). With ``roles``,
    they must hold one of them on the organiser (else 403): the control room asks ``R.VIEW``
    there, every change ``R.MANAGE_PLANS``."""
    event = events_visible_to(user).filter(pk=pk).first()
    if event is None:
        raise Http404
    if roles is not None and not user_can(user, event.organiser, roles):
        raise PermissionDenied
    return event


def communes_of(province: OrgUnit) -> QuerySet[OrgUnit]:
    """ "Every commune of the province"."""
    return OrgUnit.objects.filter(
        path__startswith=province.path, kind=OrgUnit.Kind.COMMUNE
    ).order_by("path")


def villages_under(communes: Iterable[OrgUnit]) -> QuerySet[OrgUnit]:
    """ "Every village under these communes", in one query whatever their number."""
    paths = [c.path for c in communes]
    parent_path = Substr("path", 1, (F("depth") - 1) * OrgUnit.steplen)
    return (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.VILLAGE)
        .annotate(parent_path=parent_path)
        .filter(parent_path__in=paths)
        .order_by("path")
    )


def members_of(group: UnitGroup, within: OrgUnit) -> QuerySet[OrgUnit]:
    """ "Every unit of group X" inside ``within``."""
    return group.units.filter(path__startswith=within.path).order_by("path")


def programme_overrun(event: Event) -> int:
    """Minutes by which the planned run-of-show exceeds the event's slot (0 when it fits or
    when the slot's end is unknown). An item without a duration counts its cap, else 0."""
    slot = event.slot_minutes
    if slot is None:
        return 0
    planned = sum(item.duration_minutes or item.cap_minutes or 0 for item in event.program.all())
    return max(0, planned - slot)


@dataclass
class RunOfShowRow:
    item: ProgramItem
    planned_start: datetime.datetime | None  # None while the event has no start
    planned_minutes: int
    actual_minutes: int | None
    overrun_minutes: int


def run_of_show(event: Event, *, now: datetime.datetime | None = None) -> list[RunOfShowRow]:
    """The programme with each item's planned start (the event's start plus the items before
    it), and in live mode its actual length and over-run against its duration, else its cap.
    A running item counts up to ``now``."""
    now = now or timezone.now()
    rows, start = [], event.starts_at
    for item in event.program.order_by("position", "pk"):
        planned = item.duration_minutes or item.cap_minutes or 0
        actual = None
        if item.started_at is not None:
            actual = int(((item.ended_at or now) - item.started_at).total_seconds() // 60)
        limit = item.cap_minutes or item.duration_minutes
        overrun = max(0, actual - limit) if actual is not None and limit else 0
        rows.append(RunOfShowRow(item, start, planned, actual, overrun))
        if start is not None:
            start += datetime.timedelta(minutes=planned)
    return rows


# --- Live


def get_point_by_token(token: str) -> BridgePoint | None:
    """The bridge point a secret link opens; None once the link was revoked."""
    return (
        BridgePoint.objects.select_related("event", "event__current_item", "host")
        .filter(access_token=token)
        .first()
    )


def get_point_for_reporter(user: User, event: Event, pk: int) -> BridgePoint:
    """A bridge point of ``event`` (which the caller got through :func:`get_event_for_user`)
    whose attendance ``user`` may report from their account: they hold REPORT_TASKS on the
    host unit, or MANAGE_PLANS on the organiser. 404 when the event has no such point, 403
    for anyone else who sees the event."""
    point = event.bridge_points.select_related("host", "event").filter(pk=pk).first()
    if point is None:
        raise Http404
    if not (
        user_can(user, point.host, R.REPORT_TASKS)
        or user_can(user, event.organiser, R.MANAGE_PLANS)
    ):
        raise PermissionDenied
    return point


def get_point_for_user(
    user: User, event: Event, pk: int, *, roles: Iterable[str] | None = None
) -> BridgePoint:
    """A bridge point of ``event`` (which the caller got through :func:`get_event_for_user`):
    404 when the event has no such point; with ``roles``, 403 unless ``user`` holds one of
    them on the organiser."""
    point = event.bridge_points.select_related("host", "event").filter(pk=pk).first()
    if point is None:
        raise Http404
    if roles is not None and not user_can(user, event.organiser, roles):
        raise PermissionDenied
    return point


@dataclass
class TallyRow:
    key: str
    label: str
    points: int = 0
    connected: int = 0
    trouble: int = 0
    expected: int = 0
    actual: int = 0


@dataclass
class Tally:
    """The control room's figures for the whole event, from a fixed number of aggregate
    queries whatever the number of bridge points."""

    points: int
    by_status: list[tuple[str, str, int]]
    by_category: list[TallyRow]
    by_level: list[TallyRow]
    by_parent: list[TallyRow]
    expected: int
    actual: int
    not_registered: int
    not_registered_sample: list[BridgePoint]
    trouble: list[BridgePoint]
    registration_closed: bool = False
    computed_at: datetime.datetime = field(default_factory=timezone.now)


CONNECTED = (BridgePoint.Status.CHECKED_IN, BridgePoint.Status.ONLINE, BridgePoint.Status.TROUBLE)
SAMPLE = 50


def event_tally(event: Event) -> Tally:
    """The control room's figures in a fixed number of queries: the points grouped by level,
    parent unit and status, with the people from each point's kept totals; the people by
    category from the attendance rows. Levels and parent units are summed in Python from
    those groups (bench/event_tally.py: 10,000 points, 70,000 attendance rows)."""
    parent_path = Substr("host__path", 1, (F("host__depth") - 1) * OrgUnit.steplen)
    point_groups = (
        BridgePoint.objects.filter(event=event)
        .values_list("host__kind", parent_path, "status")
        .annotate(n=Count("pk"), e=Sum("expected_total"), a=Sum("actual_total"))
        .order_by()
    )
    status_counts: dict[str, int] = {}
    by_level: dict[str, TallyRow] = {}
    by_parent: dict[str, TallyRow] = {}
    for level, parent, state, n, expected, actual in point_groups:
        status_counts[state] = status_counts.get(state, 0) + n
        for rows, key in ((by_level, level), (by_parent, parent)):
            row = rows.get(key)
            if row is None:
                row = rows[key] = TallyRow(key, "")
            row.points += n
            row.expected += expected
            row.actual += actual
            if state in CONNECTED:
                row.connected += n
            if state == BridgePoint.Status.TROUBLE:
                row.trouble += n
    categories = [
        TallyRow(category, str(AttendanceCategory(category).label), expected=e or 0, actual=a or 0)
        for category, e, a in Attendance.objects.filter(bridge_point__event=event)
        .values_list("category")
        .annotate(e=Sum("expected"), a=Sum("actual"))
        .order_by("category")
    ]
    kinds = dict(OrgUnit.Kind.choices)
    for row in by_level.values():
        row.label = str(kinds.get(row.key, row.key))
    names = _names_by_path(by_parent)
    for row in by_parent.values():
        row.label = names.get(row.key, "—")
    points = BridgePoint.objects.filter(event=event).select_related("host")
    closed = bool(event.registration_closes_at and timezone.now() > event.registration_closes_at)
    return Tally(
        points=sum(status_counts.values()),
        by_status=[
            (value, str(label), status_counts.get(value, 0))
            for value, label in BridgePoint.Status.choices
        ],
        by_category=categories,
        by_level=sorted(by_level.values(), key=lambda r: -r.points),
        by_parent=sorted(by_parent.values(), key=lambda r: r.key),
        expected=sum(r.expected for r in categories),
        actual=sum(r.actual for r in categories),
        not_registered=status_counts.get(BridgePoint.Status.INVITED, 0),
        not_registered_sample=list(
            points.filter(status=BridgePoint.Status.INVITED).order_by("host__path")[:SAMPLE]
        ),
        trouble=list(
            points.filter(status=BridgePoint.Status.TROUBLE).order_by("updated_at")[:SAMPLE]
        ),
        registration_closed=closed,
    )


def _names_by_path(paths: Iterable[str]) -> dict[str, str]:
    """Names of the units at ``paths``, asked by tree and depth rather than by a list of a
    thousand paths (whose parameters cost more to send than the query takes)."""
    paths = [p for p in paths if p]
    if not paths:
        return {}
    step = OrgUnit.steplen
    roots = Q()
    for root in {p[:step] for p in paths}:
        roots |= Q(path__startswith=root)
    units = OrgUnit.objects.filter(roots, depth__in={len(p) // step for p in paths})
    wanted = set(paths)
    return {path: name for path, name in units.values_list("path", "name") if path in wanted}


# --- Reports

MAIN_LEVEL = "main"
PRESENT = (BridgePoint.Status.CHECKED_IN, BridgePoint.Status.ONLINE)


@dataclass
class ReportRow:
    """Bridge points and people of one group (a parent unit, a level, the whole event)."""

    key: str
    label: str
    points: int = 0
    registered: int = 0
    present: int = 0
    trouble: int = 0
    expected: dict[str, int] = field(default_factory=dict)
    actual: dict[str, int] = field(default_factory=dict)

    @property
    def expected_total(self) -> int:
        return sum(self.expected.values())

    @property
    def actual_total(self) -> int:
        return sum(self.actual.values())

    def add(self, other: ReportRow) -> None:
        self.points += other.points
        self.registered += other.registered
        self.present += other.present
        self.trouble += other.trouble
        for mine, theirs in ((self.expected, other.expected), (self.actual, other.actual)):
            for category, n in theirs.items():
                mine[category] = mine.get(category, 0) + n


@dataclass
class ReportLevel:
    """One level of bridge points (the main hall, communes, villages, agencies …), with a
    row per parent unit of their hosts and the level's total."""

    key: str
    label: str
    rows: list[ReportRow]
    total: ReportRow


@dataclass
class ReportPoint:
    point: BridgePoint
    level: str
    level_label: str
    parent_label: str
    expected: dict[str, int]
    actual: dict[str, int]
    late: bool


@dataclass
class ConsolidatedReport:
    """The figures of the consolidated report and of the results summary of an event."""

    event: Event
    # (value, label) of the attendance categories anyone reported, in the choices' order.
    categories: list[tuple[str, str]]
    levels: list[ReportLevel]
    total: ReportRow
    points: list[ReportPoint]
    late: list[ReportPoint]
    delegates: DelegateSummary
    computed_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def trouble(self) -> list[ReportPoint]:
        """Points in trouble now, or still carrying the note of a trouble they reported."""
        return [
            row
            for row in self.points
            if row.point.status == BridgePoint.Status.TROUBLE or row.point.trouble_note
        ]


def consolidated_report(event: Event) -> ConsolidatedReport:
    """Bridge points and people of ``event`` by level and by the parent unit of their hosts,
    with totals, one row per bridge point, and the points that had not registered by the
    cut-off; and the delegates by category and answer. Six queries whatever the number of
    bridge points and delegates.

    Callers check that the user may manage the event: the report names every bridge point.
    """
    points = _report_points(event)
    people = Attendance.objects.filter(bridge_point__event=event)
    aggregated = {
        (r["level"], r["parent"]): ReportRow(
            r["parent"],
            "",
            r["n"],
            r["registered"],
            r["present"],
            r["trouble"],
        )
        for r in points.values("level", "parent")
        .annotate(
            n=Count("pk"),
            registered=Count("pk", filter=~Q(status=BridgePoint.Status.INVITED)),
            present=Count("pk", filter=Q(status__in=PRESENT)),
            trouble=Count("pk", filter=Q(status=BridgePoint.Status.TROUBLE)),
        )
        .order_by()
    }
    people = people.annotate(
        level=_level("bridge_point__"), parent=_parent_path("bridge_point__host__")
    )
    used: set[str] = set()
    for r in (
        people.values("level", "parent", "category")
        .annotate(e=Sum("expected"), a=Sum("actual"))
        .order_by()
    ):
        row = aggregated[(r["level"], r["parent"])]
        row.expected[r["category"]] = r["e"] or 0
        row.actual[r["category"]] = r["a"] or 0
        used.add(r["category"])
    names = dict(
        OrgUnit.objects.filter(path__in={key[1] for key in aggregated}).values_list("path", "name")
    )
    levels = _report_levels(aggregated, names)
    total = ReportRow("", str(_("Tổng cộng")))
    for level in levels:
        total.add(level.total)
    rows = _report_point_rows(event, points, people, names)
    return ConsolidatedReport(
        event=event,
        categories=[
            (value, str(label)) for value, label in AttendanceCategory.choices if value in used
        ],
        levels=levels,
        total=total,
        points=rows,
        late=[row for row in rows if row.late],
        delegates=delegate_summary(event),
    )


def _level(via: str = "") -> Case:
    # The main hall is a level of its own, whatever the kind of unit that hosts it.
    return Case(
        When(**{f"{via}is_main": True}, then=Value(MAIN_LEVEL)),
        default=F(f"{via}host__kind"),
        output_field=CharField(),
    )


def _parent_path(via: str) -> Case:
    # A root unit (the province hosting the main hall) stands for itself.
    return Case(
        When(**{f"{via}depth": 1}, then=F(f"{via}path")),
        default=Substr(f"{via}path", 1, (F(f"{via}depth") - 1) * OrgUnit.steplen),
        output_field=CharField(),
    )


def _report_points(event: Event) -> QuerySet[BridgePoint]:
    return BridgePoint.objects.filter(event=event).annotate(
        level=_level(), parent=_parent_path("host__")
    )


def _level_labels() -> dict[str, str]:
    return {MAIN_LEVEL: str(_("Điểm cầu chính")), **dict(OrgUnit.Kind.choices)}


def _report_levels(
    aggregated: dict[tuple[str, str], ReportRow], names: dict[str, str]
) -> list[ReportLevel]:
    labels = _level_labels()
    order = list(labels)
    by_level: dict[str, list[ReportRow]] = {}
    for (level, parent), row in sorted(aggregated.items(), key=lambda item: item[0][1]):
        row.label = names.get(parent, "—")
        by_level.setdefault(level, []).append(row)
    levels = []
    for level in sorted(by_level, key=lambda k: order.index(k) if k in order else len(order)):
        total = ReportRow(level, str(labels.get(level, level)))
        for row in by_level[level]:
            total.add(row)
        levels.append(ReportLevel(level, total.label, by_level[level], total))
    return levels


def _report_point_rows(
    event: Event,
    points: QuerySet[BridgePoint],
    people: QuerySet[Attendance],
    names: dict[str, str],
) -> list[ReportPoint]:
    counts: dict[int, tuple[dict[str, int], dict[str, int]]] = {}
    for point_id, category, expected, actual in people.values_list(
        "bridge_point_id", "category", "expected", "actual"
    ):
        mine = counts.setdefault(point_id, ({}, {}))
        mine[0][category] = expected
        if actual is not None:
            mine[1][category] = actual
    labels = _level_labels()
    rows = []
    for point in points.select_related("host").order_by("-is_main", "host__path"):
        expected, actual = counts.get(point.pk, ({}, {}))
        rows.append(
            ReportPoint(
                point=point,
                level=point.level,
                level_label=str(labels.get(point.level, point.level)),
                parent_label=names.get(point.parent, "—"),
                expected=expected,
                actual=actual,
                late=_registered_late(event, point, expected),
            )
        )
    return rows


def _registered_late(event: Event, point: BridgePoint, expected: dict[str, int]) -> bool:
    """Whether the point had not registered by the cut-off.

    ``reported_at`` moves on when the point reports its actual numbers on the day, so a
    point that reported after the cut-off still registered in time if it has expected
    numbers: ``report_attendance`` takes those only before the cut-off.
    """
    if point.status == BridgePoint.Status.INVITED:
        return True
    closes = event.registration_closes_at
    if closes is None:
        return False
    if point.reported_at is None:
        return True
    return point.reported_at > closes and not expected


# --- Managing events


def organiser_units_for(user: User) -> QuerySet[OrgUnit]:
    """Units the user may organise a ceremony for: the units they may issue plans for (where
    they hold MANAGE_PLANS), since a ceremony is organised by a plan's issuer."""
    from hocvuso.plans.selectors import issuing_units_for

    return issuing_units_for(user)


def event_list_for(user: User) -> QuerySet[Event]:
    """The events list: visible events, those whose day is not fixed yet first (they need
    the coordinator), then newest first, each with its number of bridge points
    (``point_count``), in one query."""
    # NULLs placed explicitly: PostgreSQL and SQLite put them at opposite ends by default.
    return (
        events_visible_to(user)
        .annotate(point_count=Count("bridge_points"))
        .order_by(F("starts_at").desc(nulls_first=True), "-pk")
    )


def find_events(
    user: User,
    *,
    organiser_id: int | None = None,
    starts_from: datetime.date | None = None,
    starts_to: datetime.date | None = None,
) -> QuerySet[Event]:
    """The events list (:func:`event_list_for`) narrowed by organiser and by the local day
    the event starts, both ends included."""
    events = event_list_for(user)
    if organiser_id is not None:
        events = events.filter(organiser_id=organiser_id)
    if starts_from is not None:
        events = events.filter(starts_at__date__gte=starts_from)
    if starts_to is not None:
        events = events.filter(starts_at__date__lte=starts_to)
    return events


def province_of(unit: OrgUnit) -> OrgUnit:
    """The root of ``unit``'s tree: where an event's bridge points are looked for."""
    if unit.depth == 1:
        return unit
    return OrgUnit.objects.get(path=unit.path[: OrgUnit.steplen])


def agencies_of(province: OrgUnit) -> QuerySet[OrgUnit]:
    """ "Every department, board and agency" of the province."""
    return OrgUnit.objects.filter(
        path__startswith=province.path, kind=OrgUnit.Kind.AGENCY
    ).order_by("path")


def unit_by_code_or_name(province: OrgUnit, text: str) -> OrgUnit | None:
    """The unit of ``province``'s tree with this official code, else with exactly this name
    (None when there is none, or several share the name)."""
    text = " ".join(text.split())
    if not text:
        return None
    units = OrgUnit.objects.filter(path__startswith=province.path)
    by_code = units.filter(code=text).first()
    if by_code is not None:
        return by_code
    named = list(units.filter(name=text)[:2])
    return named[0] if len(named) == 1 else None


def bridge_points_of(
    event: Event, *, viewer: User, status: str = "", host: str = ""
) -> QuerySet[BridgePoint]:
    """An event's bridge points with their host, filtered by status and by words of the host's
    name (with or without diacritics: "hoa lu" finds "Phường Hoa Lư").

    Each point carries ``shows_contacts``: whether ``viewer`` may read its chair, room, link
    and contact — the event's managers for every point, anyone else only for the points
    hosted in their own units. Another commune's people are personal data to a host that
    merely sees the same event."""
    from hocvuso.core.tables import fold

    points = event.bridge_points.select_related("host").annotate(
        shows_contacts=_contacts_visible(viewer, event, via="host")
    )
    if status:
        points = points.filter(status=status)
    for word in fold(host).split():
        points = points.filter(host__search_text__contains=word)
    return points.order_by("-is_main", "host__path")


def _contacts_visible(user: User, event: Event, *, via: str) -> Q | Value:
    """The condition under which a row's contact details are shown to ``user`` (see
    :func:`bridge_points_of`): always for the event's managers, else for rows whose unit
    (``via``) lies in the user's units. A row without a unit shows them to managers only."""
    if user_can(user, event.organiser, R.MANAGE_PLANS):
        return Value(True)
    paths = scope_paths(user)
    if paths is None:  # unrestricted (a superuser); user_can above already said so
        return Value(True)
    if not paths:
        return Value(False)
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{via}__path__startswith": path})
    return Case(When(condition, then=Value(True)), default=Value(False))


@dataclass
class QuotaRow:
    quota: Quota
    depth: int
    # What was registered for the quota: by its responsible unit, or (for a quota whose
    # sub-quotas are registered) the sum of its sub-quotas; 0 when its responsible unit has
    # not registered yet, None when nobody is to.
    registered: int | None
    # Whether ``viewer`` (of :func:`quota_fulfilment`) may register for it.
    can_register: bool = False

    @property
    def percent(self) -> int | None:
        if self.registered is None or not self.quota.count:
            return None
        return round(100 * self.registered / self.quota.count)


def quota_fulfilment(event: Event, *, viewer: User | None = None) -> list[QuotaRow]:
    """The event's quotas as a tree (parents before their sub-quotas, in position order),
    each with what was registered *for it* (``Quota.registered``, set by its responsible
    unit), a quota without its own figure summing its sub-quotas'. People its responsible
    unit's bridge points report are not counted: they follow the ceremony at their own
    point, not in the quota's group. With ``viewer``, each row says whether they may
    register for it (:func:`may_register_for_quota`). One query."""
    quotas = list(
        Quota.objects.filter(event=event).select_related("responsible").order_by("position", "pk")
    )
    children: dict[int | None, list[Quota]] = {}
    for quota in quotas:
        children.setdefault(quota.parent_id, []).append(quota)

    def value(quota: Quota) -> int | None:
        if quota.registered is not None:
            return quota.registered
        parts = [v for c in children.get(quota.pk, []) if (v := value(c)) is not None]
        if parts:
            return sum(parts)
        return 0 if quota.responsible is not None else None

    rows: list[QuotaRow] = []

    def walk(parent: int | None, depth: int) -> None:
        for quota in children.get(parent, []):
            may = viewer is not None and may_register_for_quota(viewer, event, quota)
            rows.append(QuotaRow(quota, depth, value(quota), may))
            walk(quota.pk, depth + 1)

    walk(None, 0)
    return rows


def quota_warnings(rows: Iterable[QuotaRow]) -> list[str]:
    """Sub-quotas that do not add up to their quota or count something else (teams against
    people), from the rows of :func:`quota_fulfilment`: warnings for the coordinator."""
    from hocvuso.plans.importer.ceremony import quota_problems

    facts: dict[int, dict[str, Any]] = {}
    for row in rows:
        quota = row.quota
        facts[quota.pk] = {
            "group": quota.group,
            "count": quota.count,
            "count_unit": quota.count_unit,
            "sub": [],
        }
        if quota.parent_id in facts:  # parents come before their sub-quotas
            facts[quota.parent_id]["sub"].append(facts[quota.pk])
    return quota_problems(facts.values())


def may_register_for_quota(user: User, event: Event, quota: Quota) -> bool:
    """Whether ``user`` may register people for ``quota`` of ``event``: they hold
    REPORT_TASKS on its responsible unit, or MANAGE_PLANS on the organiser. No query."""
    if user_can(user, event.organiser, R.MANAGE_PLANS):
        return True
    return quota.responsible is not None and user_can(user, quota.responsible, R.REPORT_TASKS)


def get_quota_for_registrar(user: User, event: Event, pk: int) -> Quota:
    """A quota of ``event`` (got through :func:`get_event_for_user`) that ``user`` may
    register people for (:func:`may_register_for_quota`). 404 when the event has no such
    quota, 403 for anyone else."""
    quota = event.quotas.select_related("responsible", "event").filter(pk=pk).first()
    if quota is None:
        raise Http404
    if not may_register_for_quota(user, event, quota):
        raise PermissionDenied
    return quota


# --- Delegates, attendee names and side registries


@dataclass
class DelegateSummary:
    """Delegates by category and answer: the figures the coordinator reports at the cut-off."""

    # (category label, invited, accepted, declined, pending), in the categories' order.
    rows: list[tuple[str, int, int, int, int]]
    invited: int = 0
    accepted: int = 0
    declined: int = 0
    pending: int = 0


def delegate_summary(event: Event) -> DelegateSummary:
    """One query whatever the number of delegates."""
    counts: dict[str, dict[str, int]] = {}
    for row in (
        Delegate.objects.filter(event=event).values("category", "rsvp").annotate(n=Count("pk"))
    ):
        counts.setdefault(row["category"], {})[row["rsvp"]] = row["n"]
    summary = DelegateSummary(rows=[])
    for value, label in Delegate.Category.choices:
        if value not in counts:
            continue
        by = counts[value]
        accepted = by.get(Delegate.Rsvp.ACCEPTED, 0)
        declined = by.get(Delegate.Rsvp.DECLINED, 0)
        pending = by.get(Delegate.Rsvp.PENDING, 0)
        invited = accepted + declined + pending
        summary.rows.append((str(label), invited, accepted, declined, pending))
        summary.invited += invited
        summary.accepted += accepted
        summary.declined += declined
        summary.pending += pending
    return summary


def delegates_of(event: Event, *, rsvp: str = "") -> QuerySet[Delegate]:
    """An event's delegates by category (central leaders first), then in the order invited.
    Names: managers only."""
    delegates = event.delegates.select_related("unit").annotate(
        category_order=Case(
            *(When(category=value, then=n) for n, value in enumerate(Delegate.Category.values)),
            default=len(Delegate.Category.values),
        )
    )
    if rsvp:
        delegates = delegates.filter(rsvp=rsvp)
    return delegates.order_by("category_order", "pk")


def get_delegate_by_token(token: str) -> Delegate | None:
    """The invitation a delegate's secret link opens."""
    return Delegate.objects.select_related("event").filter(rsvp_token=token).first()


def registry_of(event: Event, *, viewer: User) -> dict[str, list[RegistryEntry]]:
    """The side registries, by kind in the order of ``RegistryEntry.Kind``; one query. Each
    entry carries ``shows_contacts`` as bridge points do (:func:`bridge_points_of`)."""
    registry: dict[str, list[RegistryEntry]] = {kind: [] for kind in RegistryEntry.Kind.values}
    entries = event.registry.select_related("unit").annotate(
        shows_contacts=_contacts_visible(viewer, event, via="unit")
    )
    for entry in entries.order_by("kind", "pk"):
        registry[entry.kind].append(entry)
    return registry


# --- Figures for the reports app's computed indicators


def bridge_point_sums(
    *, paths: Sequence[str], length: int, start: datetime.datetime, end: datetime.datetime
) -> list[tuple[str, datetime.datetime, int, int]]:
    """Bridge points and their attendees (people actually present), by the first ``length``
    characters of the host unit's path and the ceremony's start, for the ceremonies starting
    in [start, end) and hosts under ``paths``. One query."""
    condition = Q()
    for path in paths:
        condition |= Q(host__path__startswith=path)
    rows = (
        BridgePoint.objects.filter(condition, event__starts_at__gte=start, event__starts_at__lt=end)
        .annotate(prefix=Substr("host__path", 1, length))
        .values_list("prefix", "event__starts_at")
        .annotate(points=Count("pk"), attendees=Sum("actual_total"))
        .order_by()
    )
    return list(rows)


@dataclass
class CeremonyFigures:
    """One ceremony's bridge points in a unit's subtree (see :func:`ceremonies_under`)."""

    event: Event
    points: int
    connected: int
    expected: int
    attendees: int


def ceremonies_under(
    unit: OrgUnit, *, start: datetime.datetime, end: datetime.datetime
) -> list[CeremonyFigures]:
    """Ceremonies starting in [start, end) with a bridge point hosted in ``unit``'s subtree,
    in time order: their points there, how many connected (checked in, online or with
    trouble), and the people expected and actually present. Callers check that the user may
    see ``unit``. Two queries."""
    connected = (
        BridgePoint.Status.CHECKED_IN,
        BridgePoint.Status.ONLINE,
        BridgePoint.Status.TROUBLE,
    )
    rows = {
        row["event_id"]: row
        for row in BridgePoint.objects.filter(
            host__path__startswith=unit.path, event__starts_at__gte=start, event__starts_at__lt=end
        )
        .values("event_id")
        .annotate(
            points=Count("pk"),
            connected=Count("pk", filter=Q(status__in=connected)),
            expected=Sum("expected_total"),
            attendees=Sum("actual_total"),
        )
        .order_by()
    }
    events = Event.objects.filter(pk__in=rows).order_by("starts_at", "pk")
    return [
        CeremonyFigures(
            event,
            rows[event.pk]["points"],
            rows[event.pk]["connected"],
            rows[event.pk]["expected"] or 0,
            rows[event.pk]["attendees"] or 0,
        )
        for event in events
    ]
