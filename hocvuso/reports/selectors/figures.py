"""The one function that computes every figure, and the targets beside them.

:func:`values_for` is the one place figures are computed for any unit, indicator and period —
typed sums from the kept roll-ups, ratios of two sums, averages, and the figures computed from
other apps' records (``sources``) — so the form, the pivot, the dashboards, the public page
and the exports all show the same number.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import CharField, Q, QuerySet, Sum, Value

from hocvuso.orgunits.models import OrgUnit
from hocvuso.reports import periods as P
from hocvuso.reports.models import (
    DataValue,
    Indicator,
    Rollup,
    Target,
)
from hocvuso.reports.sources import SOURCES

if TYPE_CHECKING:
    pass


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
    (``over_time`` "last"): each unit's latest figure in the period, summed up the tree."""
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

    summed_up = [
        i
        for i in wanted.values()
        if not i.source
        and i.aggregation in (Indicator.Aggregation.SUM, Indicator.Aggregation.AVERAGE)
    ]
    rolled = [i.pk for i in summed_up if i.over_time == Indicator.OverTime.SUM]
    stocks = [i for i in summed_up if i.over_time == Indicator.OverTime.LAST]
    if stocks:
        out.update(_stocks(stocks, units, ordered, bucket))
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
        if len(ordered) == 1:
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
        for ind, unit, stored, total, count in rows:
            if stored not in into:
                period = P.parse(stored)
                asked = bucket(period.start, period.end)
                into[stored] = asked.key if asked is not None else None
            key = into[stored]
            if key is None:
                continue
            cell = (ind, unit, key)
            if ind in averaged:
                so_far = counted.setdefault(cell, [Decimal(0), 0])
                so_far[0] += total
                so_far[1] += count
            else:
                before = out.get(cell)
                out[cell] = total if before is None else before + total
        for cell, (total, count) in counted.items():
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


def _stocks(
    indicators: Sequence[Indicator],
    units: Sequence[OrgUnit],
    periods: Sequence[P.Period],
    bucket: Callable[[datetime.date, datetime.date], P.Period | None],
) -> dict[tuple[int, int, str], Decimal]:
    """Figures of what exists at a moment (people with skills): each unit's own latest value
    in the period, then summed (or averaged) over every unit's subtree — so a commune that did
    not report in the period's last month still counts with its latest figure (DHIS2's "last
    value, summed in the hierarchy"). One query over the values, not the roll-ups."""
    condition = Q()
    for unit in units:
        condition |= Q(unit__path__startswith=unit.path)
    latest: dict[tuple[int, int, str], tuple[str, Decimal]] = {}
    for ind, unit_pk, path, p_start, p_end, value in (
        DataValue.objects.filter(
            condition,
            indicator__in=indicators,
            value__isnull=False,
            period_start__gte=periods[0].start,
            period_end__lte=periods[-1].end,
        )
        .order_by("period_end")  # a later value replaces an earlier one below
        .values_list("indicator_id", "unit_id", "unit__path", "period_start", "period_end", "value")
    ):
        period = bucket(p_start, p_end)
        if period is not None:
            latest[(ind, unit_pk, period.key)] = (path, value)
    by_length: dict[int, dict[str, int]] = defaultdict(dict)
    for unit in units:
        by_length[len(unit.path)][unit.path] = unit.pk
    sums: dict[tuple[int, int, str], list] = {}
    for (ind, _unit, key), (path, value) in latest.items():
        for length, pks in by_length.items():
            into = pks.get(path[:length])
            if into is not None:
                cell = sums.setdefault((ind, into, key), [Decimal(0), 0])
                cell[0] += value
                cell[1] += 1
    averaged = {i.pk for i in indicators if i.aggregation == Indicator.Aggregation.AVERAGE}
    return {
        cell: (total / count).quantize(Decimal("0.01")) if cell[0] in averaged else total
        for cell, (total, count) in sums.items()
    }


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


def indicators_visible() -> QuerySet[Indicator]:
    """Indicators are the province's shared vocabulary: readable by every signed-in user."""
    return Indicator.objects.select_related("numerator", "denominator").order_by("position", "code")
