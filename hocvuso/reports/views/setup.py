"""Setting reports up: the indicators and the targets of a unit, and new periodic forms —
by coordinators and administrators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hocvuso.core import roles as R
from hocvuso.core.forms import attach_errors
from hocvuso.core.http import AuthedRequest, id_param
from hocvuso.orgunits.selectors import (
    get_chosen_unit_for_user,
    user_can,
)
from hocvuso.reports import selectors, services
from hocvuso.reports.forms import DataSetForm, TargetForm


@require_http_methods(["GET", "POST"])
@login_required
def indicators(request: AuthedRequest) -> HttpResponse:
    """Every indicator with how it is computed, and a unit's targets for a year; who manages
    the unit sets a target here."""
    unit = get_chosen_unit_for_user(request.user, request.GET.get("unit"))
    year = timezone.localdate().year
    asked = id_param(request.GET.get("year"))
    if asked is not None and 2000 <= asked <= 2100:
        year = asked
    can_manage = unit is not None and user_can(request.user, unit, R.MANAGE_INDICATORS)
    all_indicators = selectors.indicators_visible()
    form = TargetForm(request.POST or None, indicators=all_indicators, initial={"year": year})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.set_target(actor=request.user, unit=unit, **form.cleaned_data)
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu chỉ tiêu giao."))
                return redirect(f"{request.path}?unit={unit.pk}&year={form.cleaned_data['year']}")
    listed = list(all_indicators)
    targets = selectors.targets_for(listed, [unit], year) if unit else {}
    rows = [(i, targets.get((i.pk, unit.pk)) if unit else None) for i in listed]
    context = {
        "rows": rows,
        "unit": unit,
        "year": year,
        "form": form if can_manage else None,
    }
    return render(request, "reports/indicators.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def dataset_create(request: AuthedRequest) -> HttpResponse:
    """A new periodic form, for a unit the user manages."""
    units = selectors.managed_units_for(request.user)
    if not units.exists():
        raise PermissionDenied
    form = DataSetForm(request.POST or None, units=units, indicators=selectors.indicators_visible())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        groups = data.pop("assigned_groups")
        try:
            dataset = services.create_dataset(actor=request.user, code=form.code(), **data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            dataset.assigned_groups.set(groups)
            messages.success(request, _("Đã tạo biểu mẫu báo cáo."))
            return redirect(dataset)
    return render(request, "reports/dataset_form.html", {"form": form})
