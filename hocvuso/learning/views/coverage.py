"""Who has been trained (issue 15, deliver 7): /learning/coverage/."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hocvuso.core.http import AuthedRequest, render_page
from hocvuso.learning.selectors import coverage as selectors
from hocvuso.orgunits.selectors import get_chosen_unit_for_user, visible_ancestors
from hocvuso.reports import periods
from hocvuso.reports.charts import line_chart

MAX_MONTHS_BEHIND = 36


def parse_period(raw: str | None) -> tuple[periods.Period, str]:
    """The period a query string names (``2026``, ``2026-Q3``, ``2026-11``, a campaign window
    ``2026-10-01_2026-11-30``), else this year, with the reason it was not taken."""
    today = timezone.localdate()
    default = periods.year(today.year)
    if not raw:
        return default, ""
    try:
        period = periods.parse(raw[:40])
    except periods.PeriodError as exc:
        return default, str(exc)
    if period.type == periods.PeriodType.WEEKLY:
        return default, _("Số liệu học tập tính theo tháng: chọn tháng, quý, năm hoặc một đợt.")
    if period.start.year < 2000 or period.end.year > today.year + 1:
        return default, _("Kỳ “%(key)s” nằm ngoài khoảng có số liệu.") % {"key": raw[:40]}
    return period, ""


def parse_months(raw: str | None) -> tuple[int, str]:
    if not raw:
        return selectors.LEFT_BEHIND_MONTHS, ""
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_MONTHS_BEHIND:
        return int(raw), ""
    return selectors.LEFT_BEHIND_MONTHS, _(
        "Số tháng chưa có lớp phải là số nguyên từ 1 đến %(n)d."
    ) % {"n": MAX_MONTHS_BEHIND}


@require_GET
@login_required
def coverage(request: AuthedRequest) -> HttpResponse:
    """Who has been trained in a unit by the end of a period, by group against each group's
    size, with each child unit (to drill down), the villages no class reached and the trend."""
    unit = get_chosen_unit_for_user(request.user, request.GET.get("unit"))
    if unit is None:
        raise Http404
    period, period_problem = parse_period(request.GET.get("period"))
    months, months_problem = parse_months(request.GET.get("months"))
    today = timezone.localdate()
    figures = selectors.coverage(unit, start=period.start, end=period.end, today=today)
    trend = figures.trend
    chart = (
        line_chart(
            _("Người đã được học (cộng dồn)"),
            [f"{p.month:%m/%y}" + ("*" if p.partial else "") for p in trend],
            [p.trained for p in trend],
            from_zero=True,
        )
        if trend
        else ""
    )
    choices = [
        *periods.last_n(periods.PeriodType.YEARLY, 3, today)[::-1],
        *periods.last_n(periods.PeriodType.QUARTERLY, 4, today)[::-1],
        *periods.last_n(periods.PeriodType.MONTHLY, 6, today)[::-1],
    ]
    context = {
        "unit": unit,
        "ancestors": visible_ancestors(request.user, unit),
        "period": period,
        "period_key": period.key,
        "months": months,
        "problems": [p for p in (period_problem, months_problem) if p],
        "coverage": figures,
        "chart": chart,
        "partial": any(p.partial for p in trend),
        "left_behind": selectors.left_behind(
            unit, end=period.end, months=months, sizes=figures.sizes
        ),
        "choices": choices,
        "period_listed": any(p.key == period.key for p in choices),
    }
    return render_page(request, "learning/coverage.html", context, fragment="figures")
