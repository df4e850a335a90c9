"""What a campaign's owner sees (issue 16, deliver 4): each assigned unit's outputs by
channel in a window against what it is expected to produce, the units that stayed silent,
the weekly trend, the hashtag's use, the gallery of banners and LED screens, and the
figures of the directive's report.

Callers have checked that the user manages the campaign (``get_campaign_for_user(...,
manage=True)``): its owner follows every unit's outputs, so nothing here is scoped again.
Every figure comes from a few aggregate queries over the ``output_window`` index
(campaign, published_on, unit, channel), whatever the number of outputs or units.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from django.db import connections
from django.db.models import Count, F, Max, Q, QuerySet, Sum

from hocvuso.communications.models import (
    AssignedUnit,
    Campaign,
    Channel,
    Expectation,
    Output,
    OutputPhoto,
    OutputTally,
)
from hocvuso.orgunits.models import OrgUnit

SILENT_DAYS = 7
NOTABLE_LIMIT = 10
# A month's share of a year, as days: 365.25 / 12 = 1461 / 48.
MONTH_DAYS = Fraction(1461, 48)


@dataclass(frozen=True)
class Window:
    """The days looked at, both ends included."""

    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @classmethod
    def of(cls, campaign: Campaign) -> Window:
        return cls(campaign.starts_on, campaign.ends_on)


def expected_in(quantity: int, per: str, window: Window, campaign: Campaign) -> int:
    """What an expectation asks of a unit over ``window``: a weekly one times the window's
    weeks, a monthly one times its months, one for the campaign's window times the share of
    that window looked at, rounded half up (1 a week over 61 days is 9; one banner for the
    campaign over its first week is none yet)."""
    if per == Expectation.Per.WEEK:
        raw = Fraction(quantity * window.days, 7)
    elif per == Expectation.Per.MONTH:
        raw = quantity * window.days / MONTH_DAYS
    else:
        raw = Fraction(quantity * window.days, Window.of(campaign).days)
    return int(raw + Fraction(1, 2))


# ---------------------------------------------------------------------------- the board


@dataclass
class Cell:
    count: int = 0  # outputs
    quantity: int = 0  # what they amount to (12 banners in one output)
    hashtag: int = 0  # outputs that used the campaign's hashtag
    expected: int = 0  # by the expectations, over the window; 0: none

    @property
    def below(self) -> bool:
        return self.expected > 0 and self.quantity < self.expected

    @property
    def label(self) -> str:
        """As the board prints it: outputs, their quantity if it differs, "/" and what is
        expected ("1 (12)/1")."""
        text = str(self.count)
        if self.quantity != self.count:
            text += f" ({self.quantity})"
        return f"{text}/{self.expected}" if self.expected else text


@dataclass
class UnitRow:
    unit_id: int
    name: str
    kind: str
    path: str
    assigned: bool = True
    # Column → (outputs, quantity, with hashtag) and column → expected; the cells are made
    # from them only for the rows shown (50 of 1,500), the totals below for every row.
    values: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    expected: dict[int, int] = field(default_factory=dict)
    columns: int = 0
    count: int = 0
    quantity: int = 0
    below: int = 0  # channels where the unit is short of what it is expected to produce

    @functools.cached_property
    def cells(self) -> list[Cell]:
        """One per column, in order."""
        cells = [Cell() for _n in range(self.columns)]
        for col, (n, q, h) in self.values.items():
            cells[col].count, cells[col].quantity, cells[col].hashtag = n, q, h
        for col, n in self.expected.items():
            cells[col].expected = n
        return cells

    @property
    def silent(self) -> bool:
        return not self.count


@dataclass
class Board:
    campaign: Campaign
    window: Window
    channels: list[Channel]  # the columns: a channel expected of someone or used
    rows: list[UnitRow]  # every unit, by name
    totals: list[Cell]  # per column, over every row

    @property
    def count(self) -> int:
        return sum(c.count for c in self.totals)

    @property
    def quantity(self) -> int:
        return sum(c.quantity for c in self.totals)

    @property
    def hashtag(self) -> int:
        return sum(c.hashtag for c in self.totals)

    @property
    def reporting(self) -> int:
        return sum(1 for r in self.rows if r.assigned and r.count)

    @property
    def assigned(self) -> int:
        return sum(1 for r in self.rows if r.assigned)

    @property
    def silent(self) -> int:
        return sum(1 for r in self.rows if r.assigned and r.silent)

    @property
    def short(self) -> int:
        """Assigned units short of an expectation on at least one channel."""
        return sum(1 for r in self.rows if r.assigned and r.below)

    def hashtag_by_channel(self) -> list[tuple[Channel, Cell]]:
        return [
            (ch, cell) for ch, cell in zip(self.channels, self.totals, strict=True) if cell.count
        ]

    def sorted_rows(self, order: str) -> list[UnitRow]:
        """``total``: the fewest outputs first (the silent on top), then the most channels
        short; ``-total``: the most first; ``name``: by name."""
        if order == "name":
            return self.rows
        if order == "-total":
            return sorted(self.rows, key=lambda r: (-r.count, -r.quantity, r.name))
        return sorted(self.rows, key=lambda r: (r.count, -r.below, r.quantity, r.name))


def _counts(
    campaign: Campaign, window: Window, kind: str | None
) -> dict[tuple[int, int], tuple[int, int, int]]:
    """(unit, channel) → (outputs, quantity, with hashtag) in the window: the one aggregate
    query of the board. Over the campaign's whole window (the board's default) it reads the
    tallies the output services keep (``OutputTally``, one row per unit and channel); over a
    narrower one it aggregates the outputs themselves (the ``output_window`` index)."""
    if window == Window.of(campaign):
        tallies = OutputTally.objects.filter(campaign=campaign, outputs__gt=0)
        if kind:
            tallies = tallies.filter(unit__kind=kind)
        grouped = tallies.values_list("unit_id", "channel_id", "outputs", "quantity", "hashtag")
        return {(unit, channel): (n, q, h) for unit, channel, n, q, h in _fetch(grouped)}
    outputs = Output.objects.filter(
        campaign=campaign, published_on__gte=window.start, published_on__lte=window.end
    )
    if kind:
        outputs = outputs.filter(unit__kind=kind)
    grouped = (
        outputs.values_list("unit_id", "channel_id")
        .annotate(n=Count("*"), q=Sum("quantity"), h=Count("pk", filter=Q(hashtag_used=True)))
        .order_by()
    )
    return {(unit, channel): (n, q or 0, h) for unit, channel, n, q, h in _fetch(grouped)}


def _fetch(queryset: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` straight from the cursor: for the board's
    ~10,000 groups Django's per-value converters (Count's None → 0) cost as much as the
    query, and none is needed (integers only, never NULL)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _units(campaign: Campaign, kind: str | None) -> list[tuple[int, str, str, str]]:
    """(pk, name, kind, path) of the units the campaign addresses."""
    assigned = AssignedUnit.objects.filter(campaign=campaign)
    if kind:
        assigned = assigned.filter(unit__kind=kind)
    return list(
        assigned.values_list("unit_id", "unit__name", "unit__kind", "unit__path").order_by(
            "unit__name", "unit__path"
        )
    )


def expectations_by_unit(
    campaign: Campaign, units: Iterable[tuple[int, str]], window: Window
) -> dict[int, dict[int, int]]:
    """unit pk → channel pk → what the unit is expected to produce over ``window``, from
    the targets that name it (its kind, a group it belongs to, itself); where several do,
    the largest. ``units``: (pk, kind) of assigned units. Two queries at most (the groups'
    members only when a group target expects something)."""
    expectations = list(
        Expectation.objects.filter(campaign=campaign)
        .select_related("target")
        .only(
            "quantity",
            "per",
            "channel_id",
            "target__unit_kind",
            "target__group_id",
            "target__unit_id",
        )
    )
    if not expectations:
        return {}
    by_kind: dict[str, list[Expectation]] = {}
    by_group: dict[int, list[Expectation]] = {}
    by_unit: dict[int, list[Expectation]] = {}
    for e in expectations:
        t = e.target
        if t.unit_id:
            by_unit.setdefault(t.unit_id, []).append(e)
        elif t.group_id:
            by_group.setdefault(t.group_id, []).append(e)
        else:
            by_kind.setdefault(t.unit_kind, []).append(e)
    groups_of: dict[int, list[int]] = {}
    if by_group:
        members = OrgUnit.groups.through.objects.filter(
            unitgroup_id__in=list(by_group),
            orgunit_id__in=AssignedUnit.objects.filter(campaign=campaign).values("unit"),
        )
        for unit_id, group_id in members.values_list("orgunit_id", "unitgroup_id"):
            groups_of.setdefault(unit_id, []).append(group_id)
    amount = {e.pk: expected_in(e.quantity, e.per, window, campaign) for e in expectations}

    def largest(applying: Iterable[Expectation]) -> dict[int, int]:
        mine: dict[int, int] = {}
        for e in applying:
            n = amount[e.pk]
            if n > mine.get(e.channel_id, 0):
                mine[e.channel_id] = n
        return mine

    # Most units are addressed by their kind alone: one answer per kind, shared (read-only).
    of_kind: dict[str, dict[int, int]] = {}
    found: dict[int, dict[int, int]] = {}
    for pk, kind in units:
        if pk in by_unit or pk in groups_of:
            mine = largest(
                [
                    *by_kind.get(kind, ()),
                    *by_unit.get(pk, ()),
                    *(e for g in groups_of.get(pk, ()) for e in by_group[g]),
                ]
            )
        else:
            if kind not in of_kind:
                of_kind[kind] = largest(by_kind.get(kind, ()))
            mine = of_kind[kind]
        if mine:
            found[pk] = mine
    return found


def board(campaign: Campaign, *, window: Window, kind: str | None = None) -> Board:
    """Each unit the campaign addresses (of ``kind``, if given) by channel over ``window``:
    its outputs, what they amount to and what it is expected to produce; the owner and any
    unit no longer addressed appear when they logged something, so the totals are the
    outputs'. Five queries at most, whatever the number of outputs and units."""
    counts = _counts(campaign, window, kind)
    units = _units(campaign, kind)
    expected = expectations_by_unit(campaign, ((pk, k) for pk, _n, k, _p in units), window)
    rows = {pk: UnitRow(pk, name, k, path) for pk, name, k, path in units}
    strays = {unit for unit, _channel in counts} - rows.keys()
    if strays:
        for pk, name, k, path in OrgUnit.objects.filter(pk__in=strays).values_list(
            "pk", "name", "kind", "path"
        ):
            rows[pk] = UnitRow(pk, name, k, path, assigned=False)
    used = {channel for _unit, channel in counts}
    wanted = {channel for mine in expected.values() for channel in mine}
    channels = list(Channel.objects.filter(pk__in=used | wanted).order_by("position", "name"))
    column = {ch.pk: n for n, ch in enumerate(channels)}
    totals = [Cell() for _ch in channels]
    by_columns: dict[int, dict[int, int]] = {}  # a shared expectation, by column
    for row in rows.values():
        row.columns = len(channels)
        mine = expected.get(row.unit_id)
        if mine:
            cols = by_columns.get(id(mine))
            if cols is None:
                cols = by_columns[id(mine)] = {column[ch]: n for ch, n in mine.items()}
            row.expected = cols
            for col, n in cols.items():
                totals[col].expected += n
    for (unit, channel), (n, q, h) in counts.items():
        col = column[channel]
        row = rows[unit]
        row.values[col] = (n, q, h)
        row.count += n
        row.quantity += q
        total = totals[col]
        total.count += n
        total.quantity += q
        total.hashtag += h
    nothing = (0, 0, 0)
    for row in rows.values():
        if row.expected:
            row.below = sum(
                1 for col, n in row.expected.items() if row.values.get(col, nothing)[1] < n
            )
    ordered = sorted(rows.values(), key=lambda r: (not r.assigned, r.name, r.path))
    return Board(campaign, window, channels, ordered, totals)


# ---------------------------------------------------------------------------- the trend


@dataclass
class Week:
    start: datetime.date  # its Monday, or the window's first day
    end: datetime.date
    count: int

    @property
    def label(self) -> str:
        return f"{self.start:%d/%m}"


def weekly_trend(campaign: Campaign, *, window: Window) -> list[Week]:
    """Outputs per week (Monday to Sunday, cut to the window) over ``window``. One query:
    a count per day, binned here."""
    by_day = (
        Output.objects.filter(
            campaign=campaign, published_on__gte=window.start, published_on__lte=window.end
        )
        .values_list("published_on")
        .annotate(n=Count("*"))
        .order_by()
    )
    monday = window.start - datetime.timedelta(days=window.start.weekday())
    weeks: list[Week] = []
    day = monday
    while day <= window.end:
        weeks.append(
            Week(max(day, window.start), min(day + datetime.timedelta(days=6), window.end), 0)
        )
        day += datetime.timedelta(days=7)
    for published_on, n in by_day:
        weeks[(published_on - monday).days // 7].count += n
    return weeks


# ---------------------------------------------------------------------------- silent units


@dataclass
class SilentUnit:
    unit: OrgUnit
    last_on: datetime.date | None  # its last output up to the window's end; None: never
    in_window: int  # its outputs in the window
    silent_days: int | None  # since its last output, to the day judged; None: never
    focal_points: list = field(default_factory=list)


def judged_on(window: Window, today: datetime.date) -> datetime.date:
    """The day silence is counted back from: today, or the window's end once it is over (a
    2025 campaign looked at in 2026 is judged at its end)."""
    return min(today, window.end)


def silent_units(
    campaign: Campaign,
    *,
    window: Window,
    today: datetime.date,
    days: int = SILENT_DAYS,
    kind: str | None = None,
) -> list[SilentUnit]:
    """The units the campaign addresses (of ``kind``) that logged nothing in ``window``, or
    nothing in the ``days`` days up to ``judged_on(window, today)``: those that never
    logged anything first, then the longest silent, each with its focal points (those of
    its nearest unit up the tree that has some). Empty before the window starts. Three
    queries."""
    from hocvuso.accounts.selectors import focal_points_by_unit

    judged = judged_on(window, today)
    if judged < window.start:
        return []
    since = judged - datetime.timedelta(days=days - 1)  # the first of the ``days`` days
    last = {
        unit: (latest, n)
        for unit, latest, n in Output.objects.filter(
            campaign=campaign, published_on__lte=window.end
        )
        .values_list("unit_id")
        .annotate(
            latest=Max("published_on"),
            n=Count("pk", filter=Q(published_on__gte=window.start)),
        )
        .order_by()
    }
    assigned = OrgUnit.objects.filter(
        pk__in=AssignedUnit.objects.filter(campaign=campaign).values("unit")
    )
    if kind:
        assigned = assigned.filter(kind=kind)
    rows: list[SilentUnit] = []
    for unit in assigned.only("pk", "name", "kind", "path", "depth"):
        latest, n = last.get(unit.pk, (None, 0))
        if n and latest is not None and latest >= since:
            continue
        rows.append(
            SilentUnit(unit, latest, n, (judged - latest).days if latest is not None else None)
        )
    rows.sort(key=lambda r: (r.last_on is not None, r.last_on or datetime.date.min, r.unit.name))
    people = focal_points_by_unit(r.unit for r in rows)
    for row in rows:
        row.focal_points = people.get(row.unit.pk, [])
    return rows


# ---------------------------------------------------------------------------- gallery


def gallery_photos(campaign: Campaign, *, window: Window) -> QuerySet[OutputPhoto]:
    """Photos of the campaign's banners, posters, panels and LED screens over ``window``,
    by unit (its name), newest first within one."""
    return (
        OutputPhoto.objects.filter(
            output__campaign=campaign,
            output__channel__family=Channel.Family.VISUAL,
            output__published_on__gte=window.start,
            output__published_on__lte=window.end,
        )
        .select_related("output__unit", "output__channel")
        .order_by("output__unit__name", "output__unit_id", "-output__published_on", "pk")
    )


# ---------------------------------------------------------------------------- lists


EXPORT_FIELDS = (
    "published_on",
    "unit__name",
    "channel__name",
    "kind",
    "title",
    "url",
    "quantity",
    "views",
    "shares",
    "attendees",
    "hashtag_used",
    "note",
)


def outputs_in(
    campaign: Campaign, *, window: Window, kind: str | None = None, limit: int | None = None
) -> Iterator[tuple]:
    """The outputs of the window as ``EXPORT_FIELDS`` (nobody's name), by date then unit,
    streamed; the first ``limit`` only, if given."""
    outputs = Output.objects.filter(
        campaign=campaign, published_on__gte=window.start, published_on__lte=window.end
    )
    if kind:
        outputs = outputs.filter(unit__kind=kind)
    rows = outputs.order_by("published_on", "unit__name", "created_at").values_list(*EXPORT_FIELDS)
    if limit is not None:
        rows = rows[:limit]
    return rows.iterator(chunk_size=2000)


def notable_outputs(
    campaign: Campaign, *, window: Window, limit: int = NOTABLE_LIMIT
) -> list[Output]:
    """The outputs that reached the most people over ``window``: views, then attendees, then
    shares (outputs without any figure last, the largest quantity first)."""
    return list(
        Output.objects.filter(
            campaign=campaign, published_on__gte=window.start, published_on__lte=window.end
        )
        .select_related("unit", "channel")
        .order_by(
            F("views").desc(nulls_last=True),
            F("attendees").desc(nulls_last=True),
            F("shares").desc(nulls_last=True),
            "-quantity",
            "published_on",
        )[:limit]
    )
