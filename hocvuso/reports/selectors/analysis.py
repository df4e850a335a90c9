"""The pivot, a unit's dashboard and the public statistics, all through ``values_for``."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import children_of
from hocvuso.reports import periods as P
from hocvuso.reports.models import (
    Indicator,
    Target,
)
from hocvuso.reports.numbers import format_value
from hocvuso.reports.sources import SOURCES

if TYPE_CHECKING:
    pass

from hocvuso.reports.selectors.figures import indicators_visible, targets_for, values_for

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
