"""Reads of indicators, forms, values and reports, scoped through the one scoping function.

:func:`values_for` is the one place figures are computed for any unit, indicator and period —
typed sums from the kept roll-ups, ratios of two sums, averages, and the figures computed from
other apps' records (``sources``) — so the form, the pivot, the dashboards, the public page
and the exports all show the same number.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import CharField, Q, QuerySet, Sum, Value
from django.http import Http404

from hocvuso.core import roles as R
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import children_of, scope_for_user, scope_paths, user_can
from hocvuso.reports import periods as P
from hocvuso.reports.models import (
    DataSet,
    DataValue,
    Indicator,
    Report,
    Rollup,
    Target,
)
from hocvuso.reports.numbers import format_value
from hocvuso.reports.sources import SOURCES

if TYPE_CHECKING:
    from hocvuso.accounts.models import User

HUNDRED = Decimal(100)


# --- Figures


def values_for(
    indicators: Sequence[Indicator], units: Sequence[OrgUnit], periods: Sequence[P.Period]
) -> dict[tuple[int, int, str], Decimal | str | None]:
    """The figure of each indicator for each unit's subtree and each period, by the
    indicator's rule: ``{(indicator pk, unit pk, period key): value}`` (absent: no data).

    Typed sums and averages come from the roll-ups (one query for all); a ratio is computed
    from its two terms; a computed indicator asks its source (one query per source and depth);
    an indicator that does not aggregate shows the unit's own value. Values stored for
    shorter periods add up into longer ones (months into a quarter), except a stock's
    (``over_time`` "last"): a quarter shows its latest month's figure."""
    if not indicators or not units or not periods:
        return {}
    wanted = {i.pk: i for i in indicators}
    for indicator in indicators:
        if indicator.aggregation == Indicator.Aggregation.RATIO:
            for term in (indicator.numerator, indicator.denominator):
                wanted.setdefault(term.pk, term)
    ordered = sorted(periods)
    start, end = ordered[0].start, ordered[-1].end
    unit_ids = [u.pk for u in units]
    out: dict[tuple[int, int, str], Decimal | str | None] = {}

    def bucket(day_start: datetime.date, day_end: datetime.date) -> P.Period | None:
        for period in ordered:
            if period.start <= day_start and day_end <= period.end:
                return period
        return None

    rolled = [
        i.pk
        for i in wanted.values()
        if not i.source
        and i.aggregation in (Indicator.Aggregation.SUM, Indicator.Aggregation.AVERAGE)
    ]
    if rolled:
        averaged = {pk for pk in rolled if wanted[pk].aggregation == Indicator.Aggregation.AVERAGE}
        # Which period asked each stored period adds into, worked out once per distinct key:
        # a pivot of 50,000 cells reads 50,000 rows, and each is then only filed.
        into: dict[str, str | None] = {}
        counted: dict[tuple[int, int, str], list[Decimal]] = {}
        kept = Rollup.objects.filter(
            indicator_id__in=rolled,
            unit_id__in=unit_ids,
            period_start__gte=start,
            period_end__lte=end,
        )
        if len(ordered) == 1 and all(
            wanted[pk].over_time == Indicator.OverTime.SUM for pk in rolled
        ):
            # One period (a year's figure beside its target) of figures that add up over
            # time: all of it goes into that one, so the database sums the months and sends
            # a row per cell.
            rows = (
                kept.values_list("indicator_id", "unit_id")
                .annotate(
                    stored=Value(ordered[0].key, output_field=CharField()),
                    sum_total=Sum("total"),
                    sum_count=Sum("count"),
                )
                .order_by()
            )
        else:
            rows = kept.values_list("indicator_id", "unit_id", "period", "total", "count")
        # A stock (people with skills) shows its latest stored period's figure, not the sum.
        latest_only = {pk for pk in rolled if wanted[pk].over_time == Indicator.OverTime.LAST}
        ends: dict[str, datetime.date] = {}
        latest: dict[tuple[int, int, str], datetime.date] = {}
        for ind, unit, stored, total, count in rows:
            if stored not in into:
                period = P.parse(stored)
                asked = bucket(period.start, period.end)
                into[stored] = asked.key if asked is not None else None
                ends[stored] = period.end
            key = into[stored]
            if key is None:
                continue
            cell = (ind, unit, key)
            if ind in latest_only:
                if cell in latest and latest[cell] >= ends[stored]:
                    continue
                latest[cell] = ends[stored]
                counted[cell] = [total, count]
                out[cell] = total
            elif ind in averaged:
                so_far = counted.setdefault(cell, [Decimal(0), 0])
                so_far[0] += total
                so_far[1] += count
            else:
                before = out.get(cell)
                out[cell] = total if before is None else before + total
        for cell, (total, count) in counted.items():
            if cell[0] in averaged:
                out[cell] = (total / count).quantize(Decimal("0.01")) if count else None
    own = [
        i.pk
        for i in wanted.values()
        if not i.source and i.aggregation == Indicator.Aggregation.NONE
    ]
    if own:
        # In time order: a longer period shows its latest value.
        for ind, unit, p_start, p_end, value, text in (
            DataValue.objects.filter(
                indicator_id__in=own,
                unit_id__in=unit_ids,
                period_start__gte=start,
                period_end__lte=end,
            )
            .order_by("period_end")
            .values_list("indicator_id", "unit_id", "period_start", "period_end", "value", "text")
        ):
            period = bucket(p_start, p_end)
            if period is not None:
                out[(ind, unit, period.key)] = text if wanted[ind].value_type == "text" else value
    by_source: dict[str, list[int]] = defaultdict(list)
    for indicator in wanted.values():
        if indicator.source in SOURCES:
            by_source[indicator.source].append(indicator.pk)
    for code, indicator_ids in by_source.items():
        for (unit, key), value in SOURCES[code].compute(units, ordered).items():
            for ind in indicator_ids:
                out[(ind, unit, key)] = value
    for indicator in indicators:
        if indicator.aggregation != Indicator.Aggregation.RATIO:
            continue
        factor = HUNDRED if indicator.value_type == Indicator.ValueType.PERCENTAGE else 1
        for unit in unit_ids:
            for period in ordered:
                num = out.get((indicator.numerator_id, unit, period.key))
                den = out.get((indicator.denominator_id, unit, period.key))
                if num is not None and den:
                    out[(indicator.pk, unit, period.key)] = (
                        Decimal(num) * factor / Decimal(den)
                    ).quantize(Decimal("0.1"))
    asked = {i.pk for i in indicators}
    return {k: v for k, v in out.items() if k[0] in asked}


def targets_for(
    indicators: Iterable[Indicator], units: Iterable[OrgUnit], year: int
) -> dict[tuple[int, int], Decimal]:
    """``{(indicator pk, unit pk): target}`` for ``year``."""
    # Tuples, not model instances: a pivot asks for thousands of targets.
    return {
        (ind, unit): value
        for ind, unit, value in Target.objects.filter(
            indicator__in=list(indicators), unit__in=list(units), year=year
        ).values_list("indicator_id", "unit_id", "value")
    }


# --- Forms and what units report


def datasets_visible_to(user: User) -> list[DataSet]:
    """Active forms the user reports, reviews or manages: owned by one of the user's units,
    by an ancestor of one (a province's form, for a commune), or inside their subtree."""
    paths = scope_paths(user)
    forms = DataSet.objects.filter(is_active=True).select_related("owner_unit")
    if paths is None:
        return list(forms)
    return [
        d
        for d in forms
        if any(p.startswith(d.owner_unit.path) or d.owner_unit.path.startswith(p) for p in paths)
    ]


def get_dataset_for_user(user: User, pk: int) -> DataSet:
    for dataset in datasets_visible_to(user):
        if dataset.pk == pk:
            return dataset
    raise Http404


def assigned_units(dataset: DataSet, *, under: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    """The units that report ``dataset``: in its owner's subtree (and ``under``'s, when
    given), of an assigned kind or in an assigned group."""
    root = under if under is not None and under.path.startswith(dataset.owner_unit.path) else None
    qs = OrgUnit.objects.filter(path__startswith=(root or dataset.owner_unit).path)
    condition = Q(kind__in=dataset.assigned_kinds or [])
    group_ids = list(dataset.assigned_groups.values_list("pk", flat=True))
    if group_ids:
        condition |= Q(groups__in=group_ids)
    return qs.filter(condition).distinct().order_by("path")


def is_assigned(dataset: DataSet, unit: OrgUnit) -> bool:
    return assigned_units(dataset, under=unit).filter(pk=unit.pk).exists()


def entry_units_for(user: User, dataset: DataSet) -> QuerySet[OrgUnit]:
    """The units whose figures ``user`` may type for ``dataset``."""
    return scope_for_user(assigned_units(dataset), user, roles=R.ENTER_DATA)


def get_entry_unit(user: User, dataset: DataSet, pk: int) -> OrgUnit:
    """The unit whose form is opened: 404 outside the user's view or not assigned."""
    unit = scope_for_user(assigned_units(dataset), user).filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


@dataclass
class FormRow:
    indicator: Indicator
    is_required: bool
    value: DataValue | None
    display: str
    computed: Decimal | None = None  # for a computed indicator: its figure now
    problems: list[str] = field(default_factory=list)

    @property
    def is_typed(self) -> bool:
        return not self.indicator.is_computed


@dataclass
class EntryForm:
    dataset: DataSet
    unit: OrgUnit
    period: P.Period
    report: Report | None
    rows: list[FormRow]
    rule_problems: list[str]

    @property
    def deadline(self) -> datetime.date:
        return self.dataset.deadline(self.period)

    @property
    def missing(self) -> list[str]:
        from django.utils.translation import gettext as _

        return [
            _("Chưa nhập “%(name)s”.") % {"name": r.indicator.label}
            for r in self.rows
            if r.is_required and r.is_typed and r.value is None
        ]

    @property
    def blocking_problems(self) -> list[str]:
        return self.missing + self.rule_problems

    @property
    def is_locked(self) -> bool:
        return self.report is not None and self.report.is_locked


def form_for(dataset: DataSet, unit: OrgUnit, period: P.Period) -> EntryForm:
    """The form of ``unit`` for ``period``: each indicator with its value (typed or
    computed), and what the validation rules say. A constant number of queries."""
    from django.utils.translation import gettext as _

    members = list(dataset.members.select_related("indicator").order_by("position", "id"))
    stored = {
        v.indicator_id: v
        for v in DataValue.objects.filter(
            unit=unit, period=period.key, indicator_id__in=[m.indicator_id for m in members]
        )
    }
    report = Report.objects.filter(dataset=dataset, unit=unit, period=period.key).first()
    computed_indicators = [m.indicator for m in members if m.indicator.is_computed]
    computed = values_for(computed_indicators, [unit], [period]) if computed_indicators else {}
    rows: list[FormRow] = []
    numbers: dict[int, Decimal] = {}
    for m in members:
        ind, value = m.indicator, stored.get(m.indicator_id)
        row = FormRow(ind, m.is_required, value, "")
        if ind.is_computed:
            # A sent report shows what was sent; a draft, the figure as it stands now.
            kept = value.value if value is not None and report and report.is_locked else None
            row.computed = kept if kept is not None else computed.get((ind.pk, unit.pk, period.key))
            row.display = format_value(row.computed, ind)
            if row.computed is not None:
                numbers[ind.pk] = Decimal(row.computed)
        elif value is not None:
            row.display = value.text if ind.value_type == "text" else format_value(value.value, ind)
            if value.value is not None:
                numbers[ind.pk] = value.value
        rows.append(row)
    by_pk = {r.indicator.pk: r for r in rows}
    rule_problems: list[str] = []
    for rule in dataset.rules.select_related("left", "right"):
        left, right = numbers.get(rule.left_id), numbers.get(rule.right_id)
        if left is None or right is None or rule.holds(left, right):
            continue
        message = rule.message or _("“%(left)s” (%(lv)s) phải %(op)s “%(right)s” (%(rv)s).") % {
            "left": rule.left.label,
            "lv": format_value(left, rule.left),
            "op": rule.get_operator_display(),
            "right": rule.right.label,
            "rv": format_value(right, rule.right),
        }
        rule_problems.append(message)
        for pk in (rule.left_id, rule.right_id):
            if pk in by_pk:
                by_pk[pk].problems.append(message)
    return EntryForm(dataset, unit, period, report, rows, rule_problems)


def get_report_for_user(user: User, pk: int) -> Report:
    """A report its viewer may open (404 outside the user's units)."""
    qs = Report.objects.select_related("dataset", "unit", "awaiting_unit", "dataset__owner_unit")
    report = scope_for_user(qs, user, via="unit").filter(pk=pk).first()
    if report is None:
        # Reviewers of an ancestor see the reports awaiting them.
        report = qs.filter(pk=pk).first()
        if report is None or not (
            report.awaiting_unit and user_can(user, report.awaiting_unit, R.REVIEW_REPORTS)
        ):
            raise Http404
    return report


def pending_reviews(user: User) -> QuerySet[Report]:
    """Reports awaiting a unit where ``user`` reviews, oldest first."""
    qs = Report.objects.filter(status=Report.Status.SUBMITTED).select_related(
        "dataset", "unit", "awaiting_unit"
    )
    return scope_for_user(qs, user, via="awaiting_unit", roles=R.REVIEW_REPORTS).order_by(
        "submitted_at"
    )


# --- Completeness and timeliness


@dataclass
class CompletenessRow:
    unit: OrgUnit
    assigned: int = 0
    on_time: int = 0
    late: int = 0
    approved: int = 0
    returned: int = 0
    report: Report | None = None  # when the row is a single assigned unit
    is_unit: bool = False  # the row is an assigned unit itself, not an area to drill into

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def missing(self) -> int:
        return self.assigned - self.submitted

    @property
    def percent(self) -> int | None:
        return round(100 * self.submitted / self.assigned) if self.assigned else None

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.assigned) if self.assigned else None


@dataclass
class Completeness:
    dataset: DataSet
    period: P.Period
    unit: OrgUnit
    total: CompletenessRow
    rows: list[CompletenessRow]
    missing_units: list[OrgUnit]
    deadline: datetime.date

    @property
    def areas(self) -> list[CompletenessRow]:
        """Rows that hold several reporting units: drill into them."""
        return [r for r in self.rows if not (r.is_unit and r.assigned == 1)]

    @property
    def by_status(self) -> list[tuple[str, list[CompletenessRow]]]:
        """The reporting units among the rows, grouped: not sent, sent late and waiting,
        waiting, approved."""
        from django.utils.translation import gettext as _

        groups: dict[str, list[CompletenessRow]] = {
            _("Chưa nộp"): [],
            _("Bị trả lại"): [],
            _("Nộp muộn"): [],
            _("Đã nộp, chờ duyệt"): [],
            _("Đã duyệt"): [],
        }
        labels = list(groups)
        for row in self.rows:
            if not (row.is_unit and row.assigned == 1):
                continue
            report = row.report
            if report is None or report.status == Report.Status.DRAFT:
                groups[labels[0]].append(row)
            elif report.status == Report.Status.RETURNED:
                groups[labels[1]].append(row)
            elif report.status == Report.Status.APPROVED:
                groups[labels[4]].append(row)
            elif report.is_late:
                groups[labels[2]].append(row)
            else:
                groups[labels[3]].append(row)
        return [(label, rows) for label, rows in groups.items() if rows]


def completeness(dataset: DataSet, period: P.Period, unit: OrgUnit) -> Completeness:
    """Who has sent ``dataset`` for ``period`` under ``unit``: per child of ``unit`` (drill
    down by calling again with a child), on time, late, approved or not yet; and the units
    still missing. Three queries at any size."""
    assigned = list(assigned_units(dataset, under=unit).only("pk", "path", "name", "kind"))
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(
            dataset=dataset, period=period.key, unit_id__in=[u.pk for u in assigned]
        )
    }
    children = {
        c.path: c for c in OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
    }
    step = OrgUnit.steplen
    total = CompletenessRow(unit)
    rows: dict[str, CompletenessRow] = {}
    missing: list[OrgUnit] = []
    for u in assigned:
        key = u.path[: len(unit.path) + step] if len(u.path) > len(unit.path) else u.path
        row = rows.get(key)
        if row is None:
            row = rows[key] = CompletenessRow(children.get(key, u))
        report = reports.get(u.pk)
        for r in (row, total):
            r.assigned += 1
            if report is None or report.status in (Report.Status.DRAFT,):
                continue
            if report.status == Report.Status.RETURNED:
                r.returned += 1
                continue
            if report.is_late:
                r.late += 1
            else:
                r.on_time += 1
            if report.status == Report.Status.APPROVED:
                r.approved += 1
        if u.path == key:
            row.report, row.is_unit = report, True
        if report is None or report.status in (Report.Status.DRAFT, Report.Status.RETURNED):
            missing.append(u)
    ordered = sorted(rows.values(), key=lambda r: (r.percent or 0, r.unit.name))
    return Completeness(dataset, period, unit, total, ordered, missing, dataset.deadline(period))


def late_units(dataset: DataSet, *, today: datetime.date) -> list[tuple[P.Period, list[OrgUnit]]]:
    """The latest period of ``dataset`` whose deadline has passed, with the assigned units
    that have not sent it."""
    period = dataset.period_of(today)
    while dataset.deadline(period) >= today:
        period = P.preceding(period, dataset.window)
    sent = set(
        Report.objects.filter(
            dataset=dataset,
            period=period.key,
            status__in=[Report.Status.SUBMITTED, Report.Status.APPROVED],
        ).values_list("unit_id", flat=True)
    )
    missing = [u for u in assigned_units(dataset) if u.pk not in sent]
    return [(period, missing)] if missing else []


def recent_periods(dataset: DataSet, today: datetime.date, n: int = 6) -> list[P.Period]:
    """The ``n`` latest periods of ``dataset``, newest first."""
    return P.last_n(dataset.period_type, n, today, dataset.window)[::-1]


def indicators_visible() -> QuerySet[Indicator]:
    """Indicators are the province's shared vocabulary: readable by every signed-in user."""
    return Indicator.objects.select_related("numerator", "denominator").order_by("position", "code")


# --- Analysis: the pivot, a unit's dashboard, the public statistics page
# Every figure below comes from values_for, so a total is computed by the indicator's rule (a
# ratio of sums, the mean of the values) and never by adding rows up.


@dataclass(slots=True)
class PivotRow:
    """One unit's figures for one indicator, a cell per period; and, when the unit has a
    target for the year, the year's figure (by the same rule) and the target. Slotted: a
    pivot holds thousands of rows, and each dict less is less for the garbage collector."""

    indicator: Indicator
    unit: OrgUnit
    cells: list[Decimal | str | None]
    is_total: bool = False
    year_value: Decimal | str | None = None
    target: Decimal | None = None
    # Writes a cell as numbers.format_value does; one for all of a table's rows.
    show: Callable[[Decimal | str | None], str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.show is None:
            self.show = _Formatter(self.indicator)

    @property
    def displays(self) -> list[str]:
        return [self.show(v) for v in self.cells]

    @property
    def can_drill(self) -> bool:
        return not self.is_total and self.unit.numchild > 0

    @property
    def year_display(self) -> str:
        return _display(self.year_value, self.indicator)

    @property
    def target_display(self) -> str:
        return format_value(self.target, self.indicator)

    @property
    def progress(self) -> int | None:
        """Per cent of the target reached by the year's figure."""
        if not self.target or not isinstance(self.year_value, Decimal):
            return None
        return round(100 * self.year_value / self.target)


@dataclass
class PivotTable:
    indicator: Indicator
    total: PivotRow | None  # the chosen unit itself; None on a page without one
    rows: list[PivotRow]

    @cached_property
    def has_targets(self) -> bool:
        return any(r.target is not None for r in self.all_rows)

    @property
    def all_rows(self) -> list[PivotRow]:
        return [self.total, *self.rows] if self.total is not None else self.rows


@dataclass
class Pivot:
    unit: OrgUnit
    periods: list[P.Period]
    year: int
    tables: list[PivotTable]

    @cached_property
    def has_targets(self) -> bool:
        return any(t.has_targets for t in self.tables)


def _display(value: Decimal | str | None, indicator: Indicator) -> str:
    return value if isinstance(value, str) else format_value(value, indicator)


class _Formatter:
    """Writes one indicator's cells as ``numbers.format_value`` does, with a shortcut for whole
    numbers, since a pivot formats tens of thousands of them. A class, not a closure, so that
    a cached page of figures can be pickled."""

    __slots__ = ("indicator", "shortcut")

    def __init__(self, indicator: Indicator) -> None:
        self.indicator = indicator
        self.shortcut = indicator.value_type != Indicator.ValueType.PERCENTAGE

    def __call__(self, value: Decimal | str | None) -> str:
        if value is None:
            return ""
        if self.shortcut and isinstance(value, Decimal):
            whole = int(value)
            if whole == value:
                return str(whole) if -1000 < whole < 1000 else f"{whole:,}".replace(",", ".")
        return _display(value, self.indicator)


def _tables(
    indicators: Sequence[Indicator],
    total: OrgUnit | None,
    rows: Sequence[OrgUnit],
    periods: Sequence[P.Period],
    figures: dict[tuple[int, int, str], Decimal | str | None],
    year_figures: dict[tuple[int, int, str], Decimal | str | None] | None = None,
    targets: dict[tuple[int, int], Decimal] | None = None,
    year_key: str = "",
) -> list[PivotTable]:
    at = {p.key: n for n, p in enumerate(periods)}
    targets, year_figures = targets or {}, year_figures or {}
    units = [total, *rows] if total is not None else list(rows)
    # Each figure filed into its row's list in one pass over them: a pivot can hold 50,000.
    grid = {i.pk: {u.pk: [None] * len(at) for u in units} for i in indicators}
    for (ipk, upk, key), value in figures.items():
        n = at.get(key)
        by_unit = grid.get(ipk)
        if n is not None and by_unit is not None and upk in by_unit:
            by_unit[upk][n] = value
    tables = []
    for indicator in indicators:
        ipk, show, by_unit = indicator.pk, _Formatter(indicator), grid[indicator.pk]
        built = [
            PivotRow(
                indicator,
                unit,
                by_unit[unit.pk],
                is_total=unit is total,
                year_value=year_figures.get((ipk, unit.pk, year_key)),
                target=targets.get((ipk, unit.pk)),
                show=show,
            )
            for unit in units
        ]
        if total is not None:
            tables.append(PivotTable(indicator, built[0], built[1:]))
        else:
            tables.append(PivotTable(indicator, None, built))
    return tables


def pivot(
    indicators: Sequence[Indicator],
    unit: OrgUnit,
    periods: Sequence[P.Period],
    *,
    year: int | None = None,
) -> Pivot:
    """The figures of ``indicators`` for ``unit`` (its total row) and each of its direct
    children (the rows, territorial first), in each of ``periods`` (shown oldest first): one
    table per indicator, all cells from one call to :func:`values_for`. Each row also carries
    the unit's target for ``year`` (default: the year of the latest period) and the year's
    figure by the same rule, read by a second call only when some target exists.

    The caller has checked that the user sees ``unit``; a role covers the whole subtree, so the
    children are visible too. A constant number of queries whatever the number of units: the
    children, the cells, the targets, the year's figures (and one per computed source and
    depth)."""
    ordered = sorted(periods)
    year = year or ordered[-1].start.year
    children = list(children_of(unit).prefetch_related(None))
    units = [unit, *children]
    figures = values_for(indicators, units, ordered)
    targets = targets_for(indicators, units, year)
    whole_year = P.year(year)
    year_figures: dict[tuple[int, int, str], Decimal | str | None] = {}
    if targets and whole_year in ordered:
        year_figures = figures
    elif targets:
        year_figures = values_for(indicators, units, [whole_year])
    tables = _tables(
        indicators, unit, children, ordered, figures, year_figures, targets, whole_year.key
    )
    return Pivot(unit, ordered, year, tables)


@dataclass
class TargetProgress:
    indicator: Indicator
    value: Decimal | str | None
    target: Decimal | None
    target_unit: OrgUnit | None = None  # set when the target is an ancestor's share

    @property
    def display(self) -> str:
        return _display(self.value, self.indicator)

    @property
    def target_display(self) -> str:
        return format_value(self.target, self.indicator)

    @property
    def percent(self) -> int | None:
        if not self.target or not isinstance(self.value, Decimal):
            return None
        return round(100 * self.value / self.target)

    @property
    def bar(self) -> int:
        """The width of the progress bar: the percent reached, at most 100."""
        return max(0, min(100, self.percent or 0))


@dataclass
class Trend:
    indicator: Indicator
    periods: list[P.Period]  # oldest first
    values: list[Decimal | None]  # one per period

    @property
    def points(self) -> list[tuple[P.Period, str]]:
        return [
            (p, format_value(v, self.indicator))
            for p, v in zip(self.periods, self.values, strict=True)
        ]


@dataclass
class Dashboard:
    unit: OrgUnit
    year: int
    periods: list[P.Period]
    progress: list[TargetProgress]
    trends: list[Trend]
    compared: Indicator | None  # what the chart of the children shows
    children: list[tuple[OrgUnit, Decimal | None]]  # its year figure per child, largest first
    choices: list[Indicator]  # what the chart of the children may show

    @property
    def compared_displays(self) -> list[tuple[OrgUnit, str]]:
        return [(u, format_value(v, self.compared)) for u, v in self.children]


PLAN01_PREFIX = "plan01-"
TREND_MONTHS = 12
TREND_SERIES = 4


def _is_level(indicator: Indicator) -> bool:
    """A share or a mean: the same target holds at every level of the tree."""
    return indicator.value_type == Indicator.ValueType.PERCENTAGE or indicator.aggregation in (
        Indicator.Aggregation.RATIO,
        Indicator.Aggregation.AVERAGE,
    )


def _is_flow(indicator: Indicator) -> bool:
    """A count that adds up over time (people guided, classes held), worth a trend line."""
    if not indicator.is_numeric or indicator.aggregation != Indicator.Aggregation.SUM:
        return False
    return not indicator.source or (
        indicator.source in SOURCES and SOURCES[indicator.source].rows is not None
    )


def _progress_targets(
    unit: OrgUnit, year: int
) -> dict[int, tuple[Decimal, OrgUnit | None, Indicator]]:
    """``{indicator pk: (target, whose, indicator)}`` for ``unit`` in ``year``: its own, else —
    for a share or a mean, which holds at every level — the nearest ancestor's. One query."""
    step = OrgUnit.steplen
    paths = [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]
    found: dict[int, tuple[Decimal, OrgUnit | None, Indicator]] = {}
    rows = (
        Target.objects.filter(unit__path__in=paths, year=year)
        .select_related("indicator__numerator", "indicator__denominator", "unit")
        .order_by("-unit__depth")
    )
    for target in rows:
        own = target.unit_id == unit.pk
        if target.indicator_id in found or not (own or _is_level(target.indicator)):
            continue
        found[target.indicator_id] = (target.value, None if own else target.unit, target.indicator)
    return found


def dashboard(
    unit: OrgUnit,
    *,
    today: datetime.date,
    indicators: Sequence[Indicator],
    compared_pk: int | None = None,
) -> Dashboard:
    """What a unit's dashboard shows, all figures through :func:`values_for`:

    - progress towards the year's targets: every indicator with a target for ``unit`` (or, for
      a share, an ancestor's), and Plan 01's own indicators (codes ``plan01-`` that are not
      merely a term of a ratio), with or without a target;
    - a trend over the last twelve months of the first few counts of ``indicators`` (the
      caller's visible ones, in their order; not a ratio's denominator) that have data there;
    - the year's figure of one indicator (``compared_pk`` if it is offered, else the first
      trend) for each direct child, largest first.

    The caller has checked that the user sees ``unit``. A constant number of queries."""
    year = today.year
    months = P.last_n(P.PeriodType.MONTHLY, TREND_MONTHS, today)
    targets = _progress_targets(unit, year)
    terms = {pk for i in indicators for pk in (i.numerator_id, i.denominator_id) if pk}
    shown = {pk: ind for pk, (_v, _u, ind) in targets.items()}
    for indicator in indicators:
        if (
            indicator.code.startswith(PLAN01_PREFIX)
            and indicator.is_numeric
            and indicator.pk not in terms
        ):
            shown.setdefault(indicator.pk, indicator)
    progress_indicators = sorted(shown.values(), key=lambda i: (i.position, i.code))
    # A denominator is a head count (staff, pupils), not something that happens each month.
    denominators = {i.denominator_id for i in indicators if i.denominator_id}
    flows = [i for i in indicators if _is_flow(i) and i.pk not in denominators]
    monthly = values_for(flows, [unit], months)
    trends = []
    for indicator in flows:
        values = [monthly.get((indicator.pk, unit.pk, m.key)) for m in months]
        if any(values) and len(trends) < TREND_SERIES:
            trends.append(Trend(indicator, months, values))
    choices = list(
        {i.pk: i for i in [*(t.indicator for t in trends), *progress_indicators]}.values()
    )
    compared = next((i for i in choices if i.pk == compared_pk), choices[0] if choices else None)
    children = list(children_of(unit).prefetch_related(None))
    wanted = list(
        {i.pk: i for i in [*progress_indicators, *([compared] if compared else [])]}.values()
    )
    figures = values_for(wanted, [unit, *children], [P.year(year)]) if wanted else {}
    key = P.year(year).key
    progress = [
        TargetProgress(
            i,
            figures.get((i.pk, unit.pk, key)),
            targets[i.pk][0] if i.pk in targets else None,
            targets[i.pk][1] if i.pk in targets else None,
        )
        for i in progress_indicators
    ]
    compared_values: list[tuple[OrgUnit, Decimal | None]] = []
    if compared is not None:
        compared_values = [(c, figures.get((compared.pk, c.pk, key))) for c in children]
        compared_values.sort(key=lambda uv: (uv[1] is None, -(uv[1] or 0), uv[0].name))
    return Dashboard(unit, year, months, progress, trends, compared, compared_values, choices)


@dataclass
class PublicStatistics:
    province: OrgUnit | None  # the province whose communes are shown, if one is chosen
    provinces: list[OrgUnit]
    periods: list[P.Period]
    tables: list[PivotTable]


def public_provinces() -> list[OrgUnit]:
    """The provinces the public statistics page can show."""
    return list(OrgUnit.objects.filter(kind=OrgUnit.Kind.PROVINCE).order_by("name"))


def public_statistics(*, province: OrgUnit | None, today: datetime.date) -> PublicStatistics:
    """Open figures for anyone, no sign-in: only indicators marked public and numeric (a text
    answer could name a person), only territorial units — the province as the total row and
    each of its communes (at any depth below it); with no province chosen, one row per
    province. The latest two years, each by the indicator's rule. A constant number of
    queries; the caller caches the result."""
    provinces = public_provinces()
    if province is None and len(provinces) == 1:
        province = provinces[0]
    indicators = [
        i
        for i in indicators_visible().filter(is_public=True)
        if i.is_numeric and i.aggregation != Indicator.Aggregation.NONE
    ]
    periods = [P.year(today.year - 1), P.year(today.year)]
    if province is not None:
        rows = list(
            OrgUnit.objects.filter(
                path__startswith=province.path, kind=OrgUnit.Kind.COMMUNE
            ).order_by("name")
        )
        units = [province, *rows]
    else:
        rows = units = provinces
    figures = values_for(indicators, units, periods)
    # An indicator nobody has reported on yet is left out rather than shown empty.
    reported = {pk for pk, _unit, _key in figures}
    shown = [i for i in indicators if i.pk in reported]
    return PublicStatistics(
        province, provinces, periods, _tables(shown, province, rows, periods, figures)
    )


def managed_units_for(user: User) -> QuerySet[OrgUnit]:
    """The provinces and communes where ``user`` sets targets and forms (MANAGE_INDICATORS)."""
    return (
        scope_for_user(OrgUnit.objects.all(), user, roles=R.MANAGE_INDICATORS)
        .filter(depth__lte=2)
        .order_by("path")
    )


@dataclass
class FormCell:
    period: P.Period
    deadline: datetime.date
    report: Report | None

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        sent = self.report is not None and self.report.status in (
            Report.Status.SUBMITTED,
            Report.Status.APPROVED,
        )
        return not sent and self.deadline < timezone.localdate()


@dataclass
class MyForm:
    dataset: DataSet
    periods: list[P.Period]
    rows: list[tuple[OrgUnit, list[FormCell]]]
    more_units: bool


def my_forms(
    user: User, *, today: datetime.date, periods: int = 3, units: int = 20
) -> list[MyForm]:
    """For each form the user sees, the units whose figures they type (the first ``units``)
    and where each of the latest ``periods`` periods stands. Two queries per form."""
    out = []
    for dataset in datasets_visible_to(user):
        recent = recent_periods(dataset, today, periods)
        mine = list(entry_units_for(user, dataset)[: units + 1])
        reports = {
            (r.unit_id, r.period): r
            for r in Report.objects.filter(
                dataset=dataset,
                unit__in=mine[:units],
                period__in=[p.key for p in recent],
            )
        }
        rows = [
            (
                unit,
                [FormCell(p, dataset.deadline(p), reports.get((unit.pk, p.key))) for p in recent],
            )
            for unit in mine[:units]
        ]
        out.append(MyForm(dataset, recent, rows, len(mine) > units))
    return out


@dataclass
class ValueChange:
    at: datetime.datetime
    actor: str
    indicator: str
    before: str | None
    after: str | None


def value_history(report: Report, *, limit: int = 200) -> list[ValueChange]:
    """Every change to the report's values, newest first, from the audit trail: who changed
    which figure from what to what. For whoever may open the report. One query."""
    from hocvuso.core.models import AuditLog

    labels = {
        m.indicator.code: m.indicator.label
        for m in report.dataset.members.select_related("indicator")
    }
    entries = (
        AuditLog.objects.filter(object_type="reports.report", object_id=str(report.pk))
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
    def shown(text: str | None) -> str | None:
        # Numbers are logged as Decimal text ("1200.00"); show them as typed, 1.200.
        try:
            return format_value(Decimal(text)) if text is not None else None
        except ArithmeticError:
            return text

    changes = []
    for entry in entries:
        who = (entry.actor.get_full_name() or entry.actor.username) if entry.actor else ""
        for code, pair in entry.changes.items():
            if code in labels and isinstance(pair, list) and len(pair) == 2:
                before, after = (shown(v) for v in pair)
                changes.append(ValueChange(entry.created_at, who, labels[code], before, after))
    return changes
