"""Who has been trained (issue 15, deliver 7): distinct people by target group against the
group's size, rolled up the tree from the monthly summaries (``LearningMonth``,
``ClassMonth``), drillable; the classes, attendances and completions of a period; VNeID's
confirmations; the villages no class reached; the trend. And the figures the reports app's
sources read. Callers check the user may see the unit (``get_chosen_unit_for_user``): a role
covers the subtree.

Every figure is by whole months: a period is taken as the months it overlaps.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hocvuso.learning.models import (
    ClassMonth,
    CommuneLearningMonth,
    LearningMonth,
    TargetGroup,
    VneidCount,
)
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import figures_by_path

G = TargetGroup
# Plan 01's shares: (key, label, the groups counted, the population figure, the indicator
# whose yearly target applies). Adults are everyone trained but pupils and students.
SHARES: list[tuple[str, object, tuple[str, ...], str, str]] = [
    (
        "adults",
        _("Người trưởng thành"),
        (G.CITIZENS, G.STAFF, G.WORKERS, G.TEAM_MEMBERS),
        "adults",
        "plan01-adults-share",
    ),
    ("staff", _("Cán bộ, công chức, viên chức"), (G.STAFF,), "staff", "plan01-staff-share"),
    ("pupils", _("Học sinh, sinh viên"), (G.PUPILS,), "pupils", "plan01-pupils-share"),
    (
        "workers",
        _("Người lao động doanh nghiệp, hợp tác xã"),
        (G.WORKERS,),
        "workers",
        "plan01-workers-share",
    ),
]
SIZE_FIELDS = ("adults", "staff", "pupils", "workers")
LEFT_BEHIND_MONTHS = 3
LEFT_BEHIND_LIMIT = 100


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, n: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def percent(part: int, whole: int | None) -> float | None:
    if not whole:
        return None
    return round(100 * part / whole, 1)


def plan01_target(code: str, year: int) -> int | None:
    """Plan 01's share target for ``year`` (the last year's beyond the plan)."""
    from hocvuso.reports.builtin import PLAN01_SHARE_TARGETS

    by_year = PLAN01_SHARE_TARGETS.get(code, {})
    if not by_year:
        return None
    return by_year.get(year, by_year[max(by_year)] if year > max(by_year) else None)


@dataclass
class Figures:
    """One unit's (or the whole's) figures for a period."""

    unit: OrgUnit | None = None
    trained: dict[str, int] = field(default_factory=dict)  # by group, up to the period end
    new: dict[str, int] = field(default_factory=dict)  # first trained in the period, by group
    attendances: int = 0  # at the classes held there
    completions: int = 0
    classes_held: int = 0
    last_class_on: datetime.date | None = None
    vneid: int | None = None
    sizes: dict[str, int | None] = field(default_factory=dict)

    @property
    def trained_total(self) -> int:
        return sum(self.trained.values())

    @property
    def new_total(self) -> int:
        return sum(self.new.values())

    def trained_in(self, groups: Sequence[str]) -> int:
        return sum(self.trained.get(g, 0) for g in groups)

    @property
    def adults_trained(self) -> int:
        return self.trained_in(SHARES[0][2])

    @property
    def adults_percent(self) -> float | None:
        return percent(self.adults_trained, self.sizes.get("adults"))

    def add(self, other: Figures) -> None:
        for name in ("trained", "new"):
            mine = getattr(self, name)
            for group, n in getattr(other, name).items():
                mine[group] = mine.get(group, 0) + n
        for name in ("attendances", "completions", "classes_held"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.vneid is not None:
            self.vneid = (self.vneid or 0) + other.vneid
        if other.last_class_on and (
            self.last_class_on is None or other.last_class_on > self.last_class_on
        ):
            self.last_class_on = other.last_class_on


@dataclass
class Share:
    key: str
    label: object
    trained: int
    new: int
    size: int | None
    target: int | None

    @property
    def percent(self) -> float | None:
        return percent(self.trained, self.size)

    @property
    def progress(self) -> int | None:
        """How far to the target, 0 to 100, for the bar."""
        if self.percent is None or not self.target:
            return None
        return min(100, int(100 * self.percent / self.target))


@dataclass
class TrendPoint:
    month: datetime.date
    new: int
    attendances: int
    completions: int
    classes: int
    trained: int  # by the month's end
    partial: bool = False  # the current month, still being reported


@dataclass
class Coverage:
    unit: OrgUnit
    start: datetime.date  # first month
    end: datetime.date  # last month (its first day)
    total: Figures
    shares: list[Share]
    groups: list[tuple[str, object, int, int]]  # (group, label, trained, new in period)
    rows: list[Figures]  # one per child unit, to drill down
    trend: list[TrendPoint]
    # Population figures of every unit of the subtree by path (SIZE_FIELDS, adults first).
    sizes: dict[str, tuple[int | None, ...]] = field(default_factory=dict)

    @property
    def end_day(self) -> datetime.date:
        return add_months(self.end, 1) - datetime.timedelta(days=1)


ABOVE_COMMUNES = (OrgUnit.Kind.PROVINCE, OrgUnit.Kind.DISTRICT)


def people_months(unit: OrgUnit) -> tuple[QuerySet, str]:
    """The people summaries under ``unit`` and the lookup of their unit's path: above the
    communes, their roll-up (a row per commune), else the residence units' rows."""
    if unit.kind in ABOVE_COMMUNES:
        rows = CommuneLearningMonth.objects.filter(commune__path__startswith=unit.path)
        return rows, "commune__path"
    return LearningMonth.objects.filter(unit__path__startswith=unit.path), "unit__path"


def coverage(
    unit: OrgUnit, *, start: datetime.date, end: datetime.date, today: datetime.date | None = None
) -> Coverage:
    """Who was trained in ``unit`` by the end of the months ``start``…``end``, by group and
    against each group's size, with each child's figures and the month-by-month trend: a
    handful of queries over the summaries, whatever the number of learners."""
    today = today or timezone.localdate()
    first, last = month_start(start), month_start(end)
    last_day = add_months(last, 1) - datetime.timedelta(days=1)
    child_len = (unit.depth + 1) * OrgUnit.steplen
    months, path = people_months(unit)
    months = months.filter(month__lte=last)
    child = Substr(path, 1, child_len)
    in_period = Q(month__gte=first)
    rows: dict[str, Figures] = {}
    for r in (
        months.values("group", key=child)
        .annotate(
            trained=Sum("new_learners"),
            new=Sum("new_learners", filter=in_period),
            comp=Sum("completions", filter=in_period),
        )
        .order_by()
    ):
        figures = rows.setdefault(r["key"], Figures())
        if r["trained"]:
            figures.trained[r["group"]] = figures.trained.get(r["group"], 0) + r["trained"]
        if r["new"]:
            figures.new[r["group"]] = figures.new.get(r["group"], 0) + r["new"]
        figures.completions += r["comp"] or 0
    # One pass over the class rows, by child and month: the children's figures and the trend.
    by_month: dict[datetime.date, tuple[int, int]] = {}
    for key, month, n, att, last_on in (
        ClassMonth.objects.filter(unit__path__startswith=unit.path, month__lte=last)
        .values_list(Substr("unit__path", 1, child_len), "month")
        .annotate(n=Sum("classes_held"), att=Sum("attendances"), last=Max("last_held_on"))
        .order_by()
    ):
        figures = rows.setdefault(key, Figures())
        if last_on and (figures.last_class_on is None or last_on > figures.last_class_on):
            figures.last_class_on = last_on
        if month >= first:
            figures.classes_held += n or 0
            figures.attendances += att or 0
            held, came = by_month.get(month, (0, 0))
            by_month[month] = (held + (n or 0), came + (att or 0))
    for key, n in vneid_totals(paths=[unit.path], length=child_len, end=last_day).items():
        rows.setdefault(key, Figures()).vneid = n
    sizes = figures_by_path(unit, SIZE_FIELDS, year=last.year)
    children = list(
        OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path")
    )
    total = Figures(unit=unit)
    result: list[Figures] = []
    for child_unit in children:
        figures = rows.get(child_unit.path, Figures())
        figures.unit = child_unit
        figures.sizes = dict(zip(SIZE_FIELDS, sizes.get(child_unit.path, ()), strict=False))
        total.add(figures)
        if child_unit.is_territorial or figures.trained_total or figures.classes_held:
            result.append(figures)
    own = rows.get(unit.path)  # people living in the unit itself (a commune without villages)
    if own is not None:
        total.add(own)
    total.sizes = dict(zip(SIZE_FIELDS, sizes.get(unit.path, ()), strict=False))
    shares = [
        Share(
            key,
            label,
            total.trained_in(groups),
            sum(total.new.get(g, 0) for g in groups),
            total.sizes.get(size),
            plan01_target(code, last.year),
        )
        for key, label, groups, size, code in SHARES
    ]
    groups = [(g, label, total.trained.get(g, 0), total.new.get(g, 0)) for g, label in G.choices]
    trend = _trend(unit, first, last, today, by_month)
    return Coverage(unit, first, last, total, shares, groups, result, trend, sizes)


def _trend(
    unit: OrgUnit,
    first: datetime.date,
    last: datetime.date,
    today: datetime.date,
    classes: dict[datetime.date, tuple[int, int]],
) -> list[TrendPoint]:
    """Month by month from ``first`` to ``last`` (no later than this month): new people,
    attendances, completions, classes (``classes``: held and attendances by month), and
    people trained by each month's end."""
    current = month_start(today)
    last = min(last, current)
    months, _path = people_months(unit)
    people = {
        r["month"]: r
        for r in months.filter(month__lte=last)
        .values("month")
        .annotate(new=Sum("new_learners"), comp=Sum("completions"))
        .order_by()
    }
    trained = sum(r["new"] for m, r in people.items() if m < first)
    points = []
    month = first
    while month <= last:
        r, (held, came) = people.get(month, {}), classes.get(month, (0, 0))
        trained += r.get("new") or 0
        points.append(
            TrendPoint(
                month,
                r.get("new") or 0,
                came,
                r.get("comp") or 0,
                held,
                trained,
                partial=month == current,
            )
        )
        month = add_months(month, 1)
    return points


# --- Left behind


@dataclass
class LeftBehind:
    unit: OrgUnit
    last_month: (
        datetime.date | None
    )  # the last month a class was held there or its people attended one
    trained: int = 0
    adults: int | None = None

    @property
    def adults_percent(self) -> float | None:
        return percent(self.trained, self.adults)


def left_behind(
    unit: OrgUnit,
    *,
    end: datetime.date,
    months: int = LEFT_BEHIND_MONTHS,
    limit: int | None = LEFT_BEHIND_LIMIT,
    sizes: dict[str, tuple[int | None, ...]] | None = None,
) -> list[LeftBehind]:
    """The villages of ``unit`` (and its communes without villages) where no class was held
    and none of whose people attended one in the ``months`` months up to ``end``'s month:
    never reached first, then the longest since. ``sizes``: ``Coverage.sizes`` of the same
    unit and year, if already read (adults first). Four queries; the people's rows read are
    only those of the places no class was held at lately."""
    last = month_start(end)
    since = add_months(last, 1 - months)
    # (pk, name, kind) by path: a province has thousands, and only the few listed become
    # units.
    places = {
        path: (pk, name, kind)
        for pk, path, name, kind in OrgUnit.objects.filter(
            path__startswith=unit.path, kind__in=(OrgUnit.Kind.VILLAGE, OrgUnit.Kind.COMMUNE)
        ).values_list("pk", "path", "name", "kind")
    }
    for path in [p for p, u in places.items() if u[2] == OrgUnit.Kind.VILLAGE]:
        places.pop(path[: -OrgUnit.steplen], None)  # a commune with villages: through them
    latest: dict[str, datetime.date] = {}
    for path, month in (
        ClassMonth.objects.filter(unit__path__startswith=unit.path, month__lte=last)
        .values_list("unit__path")
        .annotate(m=Max("month"))
        .order_by()
    ):
        latest[path] = month
    # Only the places no class was held at lately can be left behind: their people's rows.
    candidates = [
        place[0]
        for path, place in places.items()
        if latest.get(path) is None or latest[path] < since
    ]
    trained: dict[str, int] = {}
    for path, attended, new in (
        LearningMonth.objects.filter(unit_id__in=candidates, month__lte=last)
        .values_list("unit__path")
        .annotate(m=Max("month", filter=Q(attendances__gt=0)), n=Sum("new_learners"))
        .order_by()
    ):
        trained[path] = new or 0
        if attended and (path not in latest or attended > latest[path]):
            latest[path] = attended
    if sizes is None:
        sizes = figures_by_path(unit, ("adults",), year=last.year)
    rows = [
        LeftBehind(
            OrgUnit(pk=pk, path=path, name=name, kind=kind, depth=len(path) // OrgUnit.steplen),
            latest.get(path),
            trained.get(path, 0),
            sizes.get(path, (None,))[0],
        )
        for path, (pk, name, kind) in places.items()
        if latest.get(path) is None or latest[path] < since
    ]
    rows.sort(
        key=lambda r: (r.last_month is not None, r.last_month or datetime.date.min, r.unit.path)
    )
    return rows[:limit]


# --- Figures for the reports app's sources (paths, prefix length)


def _under(paths: Sequence[str], column: str = "unit__path") -> Q:
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{column}__startswith": path})
    return condition


def monthly_sums(
    *,
    paths: Sequence[str],
    length: int,
    start: datetime.date,
    end: datetime.date,
    field: str,
    groups: Sequence[str] | None = None,
) -> list[tuple[str, datetime.date, int]]:
    """``field`` of the people summaries (new_learners, attendances, completions) by the first
    ``length`` characters of the residence unit's path and by month, for the months
    overlapping [start, end]. One query."""
    rows = LearningMonth.objects.filter(
        _under(paths), month__gte=month_start(start), month__lte=end
    )
    if groups is not None:
        rows = rows.filter(group__in=groups)
    return list(
        rows.annotate(prefix=Substr("unit__path", 1, length))
        .values_list("prefix", "month")
        .annotate(total=Sum(field))
        .order_by()
    )


def class_sums(
    *, paths: Sequence[str], length: int, start: datetime.date, end: datetime.date, field: str
) -> list[tuple[str, datetime.date, int]]:
    """``field`` of the class summaries (classes_held, attendances) by host path prefix and
    month. One query."""
    return list(
        ClassMonth.objects.filter(_under(paths), month__gte=month_start(start), month__lte=end)
        .annotate(prefix=Substr("unit__path", 1, length))
        .values_list("prefix", "month")
        .annotate(total=Sum(field))
        .order_by()
    )


def trained_totals(
    *, paths: Sequence[str], length: int, end: datetime.date, groups: Sequence[str] | None
) -> dict[str, int]:
    """People trained by ``end`` (distinct, cumulative), by path prefix. One query."""
    rows = LearningMonth.objects.filter(_under(paths), month__lte=end)
    if groups is not None:
        rows = rows.filter(group__in=groups)
    return dict(
        rows.annotate(prefix=Substr("unit__path", 1, length))
        .values_list("prefix")
        .annotate(n=Sum("new_learners"))
        .order_by()
    )


def vneid_totals(*, paths: Sequence[str], length: int, end: datetime.date) -> dict[str, int]:
    """VNeID's confirmations at ``end``: each commune's latest count on or before it, summed
    by path prefix. One query."""
    latest = (
        VneidCount.objects.filter(unit=OuterRef("unit"), as_of__lte=end)
        .order_by("-as_of")
        .values("pk")[:1]
    )
    return dict(
        VneidCount.objects.filter(_under(paths), as_of__lte=end)
        .filter(pk=Subquery(latest, output_field=IntegerField()))
        .annotate(prefix=Substr("unit__path", 1, length))
        .values_list("prefix")
        .annotate(n=Sum("confirmed"))
        .order_by()
    )


def group_sizes(*, paths: Sequence[str], length: int, year: int, name: str) -> dict[str, int]:
    """A population figure (staff, pupils, workers…) of each unit named by ``paths``."""
    import os

    common = os.path.commonprefix(list(paths))  # noqa: RUF071 — tree paths, by character
    common = common[: len(common) - len(common) % OrgUnit.steplen]
    found: dict[str, int] = {}
    for root in OrgUnit.objects.filter(path__in=[common] if common else paths):
        figures = figures_by_path(root, (name,), year=year)
        for path in paths:
            value = figures.get(path, (None,))[0]
            if value is not None:
                found[path] = value
    return found
