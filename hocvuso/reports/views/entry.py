"""Typing a unit's figures (saved as they are typed), sending them up, approving and
returning them, and who has sent what."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hocvuso.core import roles as R
from hocvuso.core.approvals import four_eyes_reason
from hocvuso.core.http import AuthedRequest, id_param, render_page
from hocvuso.orgunits.selectors import get_chosen_unit_for_user, get_unit_for_user, user_can
from hocvuso.reports import periods as P
from hocvuso.reports import selectors, services


@require_GET
@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """The forms the user reports or follows — for each of their units, where the latest
    periods stand — and the reports awaiting their approval."""
    today = timezone.localdate()
    reviews = selectors.pending_reviews(request.user)
    context = {
        "forms": selectors.my_forms(request.user, today=today),
        "reviews": reviews[:10],
        "reviews_count": reviews.count(),
        "can_manage": selectors.managed_units_for(request.user).exists(),
        "today": today,
    }
    return render(request, "reports/index.html", context)


@require_GET
@login_required
def dataset_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """Completeness and timeliness of a form for one period, under one unit, drillable."""
    dataset = selectors.get_dataset_for_user(request.user, pk)
    today = timezone.localdate()
    try:
        period = dataset.parse_period(request.GET["period"]) if "period" in request.GET else None
    except P.PeriodError:
        period = None
    period = period or P.preceding(dataset.period_of(today), dataset.window)
    unit = get_chosen_unit_for_user(
        request.user, request.GET.get("unit"), default=dataset.owner_unit
    )
    if not unit.path.startswith(dataset.owner_unit.path):
        raise Http404
    if not user_can(request.user, unit, R.VIEW):
        # A commune's focal point follows their own subtree of a province's form.
        units = list(selectors.entry_units_for(request.user, dataset)[:1])
        if not units:
            raise Http404
        unit = units[0]
    completeness = selectors.completeness(dataset, period, unit)
    awaiting = selectors.pending_reviews(request.user).filter(
        dataset=dataset, period=period.key, unit__path__startswith=unit.path
    )
    context = {
        "dataset": dataset,
        "period": period,
        "periods": selectors.recent_periods(dataset, today, 12),
        "awaiting_me": awaiting.count(),
        "unit": unit,
        "completeness": completeness,
        "can_enter": user_can(request.user, unit, R.ENTER_DATA),
        "today": today,
    }
    return render_page(request, "reports/dataset_detail.html", context, fragment="completeness")


def _open_form(request: AuthedRequest, pk: int, unit_pk: int, period_key: str):
    dataset = selectors.get_dataset_for_user(request.user, pk)
    unit = selectors.get_entry_unit(request.user, dataset, unit_pk)
    try:
        period = dataset.parse_period(period_key)
    except P.PeriodError:
        raise Http404 from None
    return dataset, unit, period


@require_http_methods(["GET", "POST"])
@login_required
def entry(request: AuthedRequest, pk: int, unit_pk: int, period: str) -> HttpResponse:
    """A unit's form for one period. Each field is saved as it is typed (htmx posts the one
    field and gets its row back); without JavaScript the whole form is posted at once."""
    dataset, unit, period_ = _open_form(request, pk, unit_pk, period)
    can_enter = user_can(request.user, unit, R.ENTER_DATA)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied
        typed = {
            int(name.removeprefix("v")): request.POST[name]
            for name in request.POST
            if name.startswith("v") and id_param(name[1:]) is not None
        }
        try:
            services.save_values(
                actor=request.user, dataset=dataset, unit=unit, period=period_, values=typed
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        else:
            if not request.htmx:
                messages.success(request, _("Đã lưu số liệu."))
                return redirect(request.path)
    form = selectors.form_for(dataset, unit, period_)
    for row in form.rows:
        # A refused value stays as typed, with the reason beside it.
        if str(row.indicator.pk) in errors:
            row.display = request.POST.get(f"v{row.indicator.pk}", row.display)
            row.problems = errors[str(row.indicator.pk)] + row.problems
    context = {
        "form": form,
        "dataset": dataset,
        "unit": unit,
        "period": period_,
        "can_enter": can_enter and not form.is_locked,
        "may_review": form.report is not None and services.may_review(request.user, form.report),
        "errors": errors.get("", []),
        "steps": form.report.steps.select_related("actor", "at_unit") if form.report else [],
    }
    if request.htmx and request.method == "POST":
        # The posted field's row, the form's checks and the status, swapped out of band; a
        # refused value answers 200 too, so htmx shows the reason in place.
        response = render(request, "reports/entry.html#saved", context)
        if not errors:
            response["HX-Trigger"] = json.dumps({"saved": [f"v{pk}" for pk in typed]})
        return response
    return render(request, "reports/entry.html", context)


@require_POST
@login_required
def submit(request: AuthedRequest, pk: int, unit_pk: int, period: str) -> HttpResponse:
    dataset, unit, period_ = _open_form(request, pk, unit_pk, period)
    if not user_can(request.user, unit, R.ENTER_DATA):
        raise PermissionDenied
    report = services.get_or_create_report(dataset, unit, period_)
    try:
        services.submit_report(actor=request.user, report=report)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã gửi báo cáo lên cấp trên."))
    return redirect("reports:entry", pk=dataset.pk, unit_pk=unit.pk, period=period_.key)


@require_GET
@login_required
def review(request: AuthedRequest, pk: int) -> HttpResponse:
    """A sent report, its history, and — for its reviewers — approve or return."""
    report = selectors.get_report_for_user(request.user, pk)
    may_review = services.may_review(request.user, report)
    may_approve = may_review and services.may_approve(request.user, report)
    context = {
        "report": report,
        "form": selectors.form_for(report.dataset, report.unit, report.period_obj),
        "steps": report.steps.select_related("actor", "at_unit"),
        "history": selectors.value_history(report),
        "may_review": may_review,
        "may_approve": may_approve,
        # Why the approve button is missing for an author of the report (four eyes).
        "not_approvable": four_eyes_reason() if may_review and not may_approve else "",
        "may_reopen": report.status == report.Status.APPROVED
        and user_can(request.user, report.dataset.owner_unit, R.MANAGE_INDICATORS),
    }
    return render(request, "reports/review.html", context)


@require_POST
@login_required
def approve_all(request: AuthedRequest, pk: int) -> HttpResponse:
    """Approve every report of the form, period and area shown that awaits the user."""
    dataset = selectors.get_dataset_for_user(request.user, pk)
    try:
        period = dataset.parse_period(request.POST.get("period", ""))
    except P.PeriodError:
        raise Http404 from None
    unit_pk = id_param(request.POST.get("unit"))
    unit = get_unit_for_user(request.user, unit_pk) if unit_pk is not None else None
    waiting = selectors.pending_reviews(request.user).filter(dataset=dataset, period=period.key)
    if unit is not None:
        waiting = waiting.filter(unit__path__startswith=unit.path)
    result = services.approve_reports(actor=request.user, reports=waiting)
    messages.success(request, _("Đã duyệt %(n)d báo cáo.") % {"n": result.approved})
    if result.authored:
        messages.warning(
            request,
            _(
                "Chưa duyệt %(n)d báo cáo do chính bạn gửi hoặc sửa số liệu (%(units)s): "
                "cần một người khác duyệt."
            )
            % {
                "n": len(result.authored),
                "units": ", ".join(r.unit.name for r in result.authored),
            },
        )
    query = f"?period={period.key}" + (f"&unit={unit.pk}" if unit else "")
    return redirect(reverse("reports:dataset", args=[dataset.pk]) + query)


@require_POST
@login_required
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for_user(request.user, pk)
    comment = request.POST.get("comment", "")
    try:
        if request.POST.get("decision") == "approve":
            services.approve_report(actor=request.user, report=report, comment=comment)
            messages.success(request, _("Đã duyệt báo cáo."))
        else:
            services.return_report(actor=request.user, report=report, comment=comment)
            messages.success(request, _("Đã trả lại báo cáo cho đơn vị."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("reports:review", pk=report.pk)
