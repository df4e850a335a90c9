from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hocvuso.core import roles as R
from hocvuso.core.forms import attach_errors
from hocvuso.core.http import AuthedRequest, render_page
from hocvuso.core.tables import ImportRejected
from hocvuso.core.tables.forms import ImportForm
from hocvuso.orgunits import selectors, services
from hocvuso.orgunits.forms import PopulationForm, UnitForm
from hocvuso.orgunits.models import OrgUnit


@require_GET
@login_required
def unit_browser(request: AuthedRequest) -> HttpResponse:
    roots = list(selectors.top_units_for(request.user))
    if len(roots) == 1:
        return redirect(roots[0])
    return render(request, "orgunits/unit_browser.html", {"roots": roots})


@require_GET
@login_required
def unit_search(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    results = selectors.search_units(request.user, query) if query else []
    context = {"query": query, "results": results}
    return render_page(request, "orgunits/unit_search.html", context, fragment="results")


@require_GET
@login_required
def unit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = selectors.get_unit_for_user(request.user, pk)
    context = {
        "unit": unit,
        "ancestors": selectors.visible_ancestors(request.user, unit),
        "children": selectors.children_of(unit),
        "kind_counts": selectors.kind_counts_under(unit),
        "populations": unit.populations.all(),
        "groups": unit.groups.all(),
        "people": selectors.people_on_unit(unit),
        "can_manage_people": selectors.user_can(request.user, unit, R.MANAGE_PEOPLE),
        "can_edit": selectors.user_can(request.user, unit, R.EDIT_UNITS),
        "can_add_child": bool(services.kinds_for_new_unit(request.user, unit)),
    }
    return render(request, "orgunits/unit_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def unit_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = selectors.get_unit_for_user(request.user, pk, roles=R.EDIT_UNITS)
    form = UnitForm.for_unit(
        unit,
        request.POST or None,
        kinds=services.kinds_for_unit(request.user, unit),
        with_groups=services.may_shape(request.user, unit),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        groups = data.pop("groups", None)  # None: not offered, so left as they are
        try:
            services.update_unit(actor=request.user, unit=unit, groups=groups, **data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(unit)
    return render(request, "orgunits/unit_form.html", {"unit": unit, "form": form, "editing": True})


@require_http_methods(["GET", "POST"])
@login_required
def unit_add_child(request: AuthedRequest, pk: int) -> HttpResponse:
    parent = selectors.get_unit_for_user(request.user, pk, roles=R.EDIT_UNITS)
    kinds = services.kinds_for_new_unit(request.user, parent)
    if not kinds:
        # A focal point's village: nothing they may add fits under it.
        raise PermissionDenied
    default_kind = OrgUnit.Kind.VILLAGE if parent.kind == OrgUnit.Kind.COMMUNE else ""
    form = UnitForm(
        request.POST or None,
        initial={"kind": default_kind},
        kinds=kinds,
        with_groups=services.may_shape(request.user, parent),
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.create_unit(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": unit.name})
            return redirect(parent)
    return render(request, "orgunits/unit_form.html", {"unit": parent, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def unit_population(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = selectors.get_unit_for_user(request.user, pk, roles=R.EDIT_UNITS)
    form = PopulationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_population(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu số liệu dân số."))
            return redirect(unit)
    return render(request, "orgunits/unit_population.html", {"unit": unit, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def unit_import(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = selectors.get_unit_for_user(request.user, pk, roles=R.EDIT_UNITS)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_units(
                actor=request.user,
                under=unit,
                filename=upload.name,
                content=upload.read(settings.UNIT_IMPORT_MAX_BYTES + 1),
            )
        except ImportRejected as exc:
            errors = [str(e) for e in exc.errors]
        else:
            messages.success(
                request,
                _("Đã nhập %(rows)d dòng: thêm mới %(created)d, cập nhật %(updated)d đơn vị.")
                % result,
            )
            return redirect(unit)
    status = 400 if errors else 200
    return render(
        request,
        "orgunits/unit_import.html",
        {"unit": unit, "form": form, "errors": errors},
        status=status,
    )


@require_GET
@login_required
def import_template(request: AuthedRequest) -> HttpResponse:
    from hocvuso.orgunits.exports import import_template_xlsx

    response = HttpResponse(
        import_template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-don-vi.xlsx"'
    return response
