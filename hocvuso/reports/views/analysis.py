"""Reading the figures: the pivot (indicators by units by periods, drillable down the tree,
exported to Excel), a unit's dashboard with charts drawn on the server, and the public
statistics page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from hocvuso.core.documents import XLSX_CONTENT_TYPE
from hocvuso.core.forms import Form
from hocvuso.core.http import AuthedRequest, attachment, id_param, render_page
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import (
    get_chosen_unit_for_user,
    visible_ancestors,
)
from hocvuso.reports import charts, selectors
from hocvuso.reports import periods as P
from hocvuso.reports.exports import xlsx_table
from hocvuso.reports.models import Indicator

MAX_PERIODS = 60
DEFAULT_PERIODS = 12
DEFAULT_INDICATORS = 5
STATISTICS_CACHE_SECONDS = 300
PERIOD_TYPES = [(value, label) for value, label in P.PeriodType.choices if value != "campaign"]


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (``<input type="month">``) or MM/YYYY."""

    input_formats = ["%Y-%m", "%m/%Y"]


class PivotForm(Form):
    """What the pivot shows, read from the query string; a bad value falls back to its
    default rather than failing the page."""

    indicator = forms.TypedMultipleChoiceField(label=gettext_lazy("Chỉ tiêu"), coerce=int)
    period_type = forms.ChoiceField(label=gettext_lazy("Loại kỳ"), choices=PERIOD_TYPES)
    count = forms.IntegerField(
        label=gettext_lazy("Số kỳ"), min_value=1, max_value=MAX_PERIODS, initial=DEFAULT_PERIODS
    )
    end = MonthField(label=gettext_lazy("Đến tháng"))
    # Set by the page's form: an empty choice of indicators then means "none", not "default".
    shown = forms.BooleanField()

    def __init__(self, data: object, *, indicators: list[Indicator]) -> None:
        super().__init__(data)
        self.fields["indicator"].choices = [(i.pk, i.label) for i in indicators]
        for f in self.fields.values():
            f.required = False


@dataclass
class PivotQuery:
    indicators: list[Indicator]  # the chosen ones
    choices: list[Indicator]  # every one the user may choose
    unit: OrgUnit | None
    period_type: str
    count: int
    end: datetime.date
    periods: list[P.Period]

    @property
    def drill(self) -> str:
        """The query string of this pivot but its unit: links add ``&unit=``."""
        values = {
            # One comma-separated parameter: these links are repeated on every row.
            "indicator": ",".join(str(i.pk) for i in self.indicators),
            "period_type": self.period_type,
            "count": self.count,
            "end": self.end.strftime("%Y-%m"),
            "shown": 1,
        }
        return urlencode(values, safe=",")

    @property
    def chosen(self) -> set[int]:
        return {i.pk for i in self.indicators}


def _default_unit(request: AuthedRequest) -> OrgUnit | None:
    """``?unit=`` if the user sees it (else 404), or the top of the user's subtree."""
    return get_chosen_unit_for_user(request.user, request.GET.get("unit"))


def _pivot_query(request: AuthedRequest) -> PivotQuery:
    choices = [i for i in selectors.indicators_visible() if i.is_numeric]
    data = request.GET.copy()
    # The form's checkboxes send indicator=1&indicator=2; the page's links, indicator=1,2.
    data.setlist("indicator", [v for value in data.getlist("indicator") for v in value.split(",")])
    form = PivotForm(data, indicators=choices)
    form.is_valid()  # keeps the fields that are valid in cleaned_data
    cleaned = form.cleaned_data
    chosen = set(cleaned.get("indicator") or [])
    if chosen or cleaned.get("shown"):
        indicators = [i for i in choices if i.pk in chosen]
    else:
        indicators = choices[:DEFAULT_INDICATORS]
    period_type = cleaned.get("period_type") or P.PeriodType.MONTHLY
    count = cleaned.get("count") or DEFAULT_PERIODS
    end = cleaned.get("end") or timezone.localdate().replace(day=1)
    periods = P.last_n(period_type, count, end)
    return PivotQuery(indicators, choices, _default_unit(request), period_type, count, end, periods)


@require_GET
@login_required
def pivot(request: AuthedRequest) -> HttpResponse:
    """Chosen indicators for a unit (the total row) and each of its children, period by
    period, with the year's target. Clicking a child makes it the new parent; the breadcrumb
    goes back up. htmx swaps the table; without it the GET form and the links reload the
    page."""
    query = _pivot_query(request)
    unit = query.unit
    table = (
        selectors.pivot(query.indicators, unit, query.periods)
        if unit is not None and query.indicators
        else None
    )
    context = {
        "query": query,
        "unit": unit,
        "ancestors": visible_ancestors(request.user, unit) if unit else [],
        "pivot": table,
        "drill": query.drill,
        "period_types": PERIOD_TYPES,
        "max_periods": MAX_PERIODS,
    }
    return render_page(request, "reports/pivot.html", context, fragment="table")


def _pivot_sheet(table: selectors.Pivot) -> tuple[list[str], list[list[object]], list[int]]:
    """The pivot as one sheet: a row per indicator and unit (the total first), a column per
    period, then the year's figure, the target and the percent reached."""
    headers = [_("Chỉ tiêu"), _("Đơn vị tính"), _("Đơn vị")] + [p.label for p in table.periods]
    if table.has_targets:
        headers += [
            _("Cả năm %(year)s") % {"year": table.year},
            _("Chỉ tiêu giao năm %(year)s") % {"year": table.year},
            _("Tỷ lệ đạt (%)"),
        ]
    rows: list[list[object]] = []
    totals: list[int] = []
    for t in table.tables:
        for row in t.all_rows:
            if row.is_total:
                totals.append(len(rows))
            line: list[object] = [t.indicator.name, t.indicator.unit_of_measure, row.unit.name]
            line += [v if v is not None else "" for v in row.cells]
            if table.has_targets:
                line += [
                    row.year_value if row.year_value is not None else "",
                    row.target if row.target is not None else "",
                    row.progress if row.progress is not None else "",
                ]
            rows.append(line)
    return headers, rows, totals


@require_GET
@login_required
def pivot_xlsx(request: AuthedRequest) -> HttpResponse:
    """The pivot on screen, as an Excel sheet."""
    query = _pivot_query(request)
    if query.unit is None or not query.indicators:
        raise Http404
    table = selectors.pivot(query.indicators, query.unit, query.periods)
    headers, rows, totals = _pivot_sheet(table)
    title = _("Số liệu %(unit)s, %(first)s – %(last)s") % {
        "unit": query.unit.name,
        "first": table.periods[0].short_label,
        "last": table.periods[-1].short_label,
    }
    content = xlsx_table(title, headers, rows, bold_rows=totals)
    name = f"so-lieu-{query.unit.pk}-{query.period_type}-{query.end:%Y-%m}.xlsx"
    return attachment(content, XLSX_CONTENT_TYPE, name)


@require_GET
@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    """A unit's dashboard: progress towards the year's targets, twelve months of the key
    counts, and one indicator across the unit's children, as charts with their figures."""
    unit = _default_unit(request)
    if unit is None:
        return render(request, "reports/dashboard.html", {"unit": None})
    compared = request.GET.get("indicator", "")
    board = selectors.dashboard(
        unit,
        today=timezone.localdate(),
        indicators=list(selectors.indicators_visible()),
        compared_pk=id_param(compared),
    )
    labels = [p.short_label for p in board.periods]
    trends = [(t, charts.line_chart(t.indicator.label, labels, t.values)) for t in board.trends]
    bars = None
    if board.compared is not None and board.children:
        bars = charts.bar_chart(
            board.compared.label,
            [u.label for u, _v in board.children],
            [v for _u, v in board.children],
        )
    context = {
        "unit": unit,
        "ancestors": visible_ancestors(request.user, unit),
        "board": board,
        "trends": trends,
        "bars": bars,
    }
    return render(request, "reports/dashboard.html", context)


@require_GET
def public_statistics(request: HttpRequest) -> HttpResponse:
    """Open figures, no sign-in: public indicators for the province and its communes over
    the latest two years. Computed at most once every few minutes (Django's cache), since
    anyone may ask for it."""
    today = timezone.localdate()
    provinces = cache.get_or_set(
        "reports:statistics:provinces", selectors.public_provinces, STATISTICS_CACHE_SECONDS
    )
    pk = request.GET.get("province", "")
    province = None
    if pk:
        province = next((p for p in provinces if str(p.pk) == pk), None)
        if province is None:
            raise Http404
    key = f"reports:statistics:{province.pk if province else 0}:{today.isoformat()}"
    stats = cache.get(key)
    if stats is None:
        stats = selectors.public_statistics(province=province, today=today)
        cache.set(key, stats, STATISTICS_CACHE_SECONDS)
    return render(request, "reports/statistics.html", {"stats": stats})
