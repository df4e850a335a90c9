"""Files in and out: the Excel template of a form and its import, the completeness table as
Excel, and the results report of a unit as Word and PDF."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hocvuso.core import roles as R
from hocvuso.core.documents import DOCX_CONTENT_TYPE, XLSX_CONTENT_TYPE, export_filename
from hocvuso.core.http import AuthedRequest, attachment, id_param
from hocvuso.core.tables import ImportRejected
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import children_of, get_unit_for_user, top_units_for
from hocvuso.reports import periods as P
from hocvuso.reports import selectors, services
from hocvuso.reports.forms import ResultsForm, ValuesImportForm
from hocvuso.reports.models import DataSet

if TYPE_CHECKING:
    from hocvuso.reports.results import ResultsReport

PDF_CONTENT_TYPE = "application/pdf"


def _form_unit_period(
    request: AuthedRequest, pk: int, *, roles: frozenset[str]
) -> tuple[DataSet, OrgUnit, P.Period]:
    """The form, the unit (``?unit=``, inside the form's owner; 404 out of the user's view,
    403 without ``roles`` on it) and the period (``?period=``, one of the form's) of a
    download or an import."""
    dataset = selectors.get_dataset_for_user(request.user, pk)
    unit_pk = id_param(request.GET.get("unit"))
    if unit_pk is None:
        raise Http404
    unit = get_unit_for_user(request.user, unit_pk, roles=roles)
    if not unit.path.startswith(dataset.owner_unit.path):
        raise Http404
    try:
        period = dataset.parse_period(request.GET.get("period", ""))
    except P.PeriodError:
        raise Http404 from None
    return dataset, unit, period


def _query(unit: OrgUnit, period: P.Period) -> str:
    return _encode({"unit": unit.pk, "period": period.key})


def _encode(data: dict[str, object]) -> str:
    query = QueryDict(mutable=True)
    query.update({k: str(v) for k, v in data.items()})
    return query.urlencode()


@require_GET
@login_required
def values_template(request: AuthedRequest, pk: int) -> HttpResponse:
    """The Excel template of a form for ``?unit=``'s subtree and ``?period=``, pre-filled with
    the figures as they stand."""
    from hocvuso.reports.importers import values_template_xlsx

    dataset, unit, period = _form_unit_period(request, pk, roles=R.ENTER_DATA)
    units = list(
        selectors.entry_units_for(request.user, dataset).filter(path__startswith=unit.path)
    )
    content = values_template_xlsx(dataset, period, unit, units)
    name = export_filename(dataset.pk, "mau-nhap-so-lieu", "xlsx", number=f"{unit.pk}-{period.key}")
    return attachment(content, XLSX_CONTENT_TYPE, name)


@require_http_methods(["GET", "POST"])
@login_required
def values_import(request: AuthedRequest, pk: int) -> HttpResponse:
    """Upload the filled template: every unit's figures saved, or none and every bad row
    named."""
    dataset, unit, period = _form_unit_period(request, pk, roles=R.ENTER_DATA)
    form = ValuesImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_values(
                actor=request.user,
                dataset=dataset,
                unit=unit,
                period=period,
                filename=upload.name,
                stream=upload,
            )
        except ImportRejected as exc:
            errors = [str(e) for e in exc.errors]
        else:
            messages.success(
                request,
                _("Đã nhập số liệu của %(units)d đơn vị: %(changed)d ô thay đổi.")
                % {"units": result.units, "changed": result.changed},
            )
            return redirect(
                f"{reverse('reports:dataset', args=[dataset.pk])}?{_query(unit, period)}"
            )
    context = {
        "dataset": dataset,
        "unit": unit,
        "period": period,
        "form": form,
        "errors": errors,
        "query": _query(unit, period),
    }
    return render(request, "reports/values_import.html", context, status=400 if errors else 200)


@require_GET
@login_required
def completeness_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    """Who has sent a form for ``?period=`` under ``?unit=``, as on the form's page."""
    from hocvuso.reports.exports import completeness_xlsx as build

    dataset, unit, period = _form_unit_period(request, pk, roles=R.VIEW)
    content = build(selectors.completeness(dataset, period, unit))
    name = export_filename(dataset.pk, "tinh-hinh-nop", "xlsx", number=f"{unit.pk}-{period.key}")
    return attachment(content, XLSX_CONTENT_TYPE, name)


# --- The results report


def _results_choices(
    request: AuthedRequest,
) -> tuple[list[tuple[int, str]], list[tuple[str, list[tuple[str, str]]]]]:
    """The units offered (the user's top units and their children) and the periods (the
    last twelve months, four quarters and two years)."""
    units: list[tuple[int, str]] = []
    for top in top_units_for(request.user)[:20]:
        units.append((top.pk, top.name))
        units += [(c.pk, f"— {c.name}") for c in children_of(top)[:300]]
    today = timezone.localdate()
    periods = [
        (_("Tháng"), P.last_n(P.PeriodType.MONTHLY, 12, today)),
        (_("Quý"), P.last_n(P.PeriodType.QUARTERLY, 4, today)),
        (_("Năm"), P.last_n(P.PeriodType.YEARLY, 2, today)),
    ]
    return units, [(group, [(p.key, p.label) for p in reversed(ps)]) for group, ps in periods]


def _results_unit_period(request: AuthedRequest) -> tuple[OrgUnit, P.Period] | None:
    """``?unit=`` (404 out of the user's view) and ``?period=``; None when either is
    missing."""
    unit_pk, key = request.GET.get("unit", ""), request.GET.get("period", "")
    if not unit_pk or not key:
        return None
    if id_param(unit_pk) is None:
        raise Http404
    unit = get_unit_for_user(request.user, id_param(unit_pk))
    try:
        period = P.parse(key)
    except P.PeriodError:
        raise Http404 from None
    return unit, period


@require_GET
@login_required
def results(request: AuthedRequest) -> HttpResponse:
    """Choose a unit and a period; read the results report and download it as Word or PDF."""
    from hocvuso.reports.results import results_report

    units, periods = _results_choices(request)
    chosen = _results_unit_period(request)
    if chosen is None:
        # Nothing chosen yet: the user's first unit and the current month.
        if not units:
            raise Http404
        today = timezone.localdate()
        data = {"unit": units[0][0], "period": P.containing(P.PeriodType.MONTHLY, today).key}
        return redirect(f"{reverse('reports:results')}?{_encode(data)}")
    unit, period = chosen
    if unit.pk not in {pk for pk, _name in units}:
        units.insert(0, (unit.pk, unit.name))
    if period.key not in {key for _g, ps in periods for key, _label in ps}:
        periods.insert(0, ("", [(period.key, period.label)]))
    form = ResultsForm({"unit": unit.pk, "period": period.key}, units=units, periods=periods)
    context = {
        "form": form,
        "unit": unit,
        "period": period,
        "report": results_report(unit, period, today=timezone.localdate()),
        "query": _query(unit, period),
    }
    return render(request, "reports/results.html", context)


def _results_file(request: AuthedRequest, suffix: str) -> tuple[ResultsReport, str]:
    """The report of ``?unit=`` for ``?period=`` and its file name."""
    from hocvuso.reports.results import results_report

    chosen = _results_unit_period(request)
    if chosen is None:
        raise Http404
    unit, period = chosen
    report = results_report(unit, period, today=timezone.localdate())
    return report, export_filename(unit.pk, "bao-cao-ket-qua", suffix, number=period.key)


@require_GET
@login_required
def results_docx(request: AuthedRequest) -> HttpResponse:
    from hocvuso.reports.exports import results_docx as build

    report, name = _results_file(request, "docx")
    return attachment(build(report), DOCX_CONTENT_TYPE, name)


@require_GET
@login_required
def results_pdf(request: AuthedRequest) -> HttpResponse:
    from hocvuso.reports.exports import results_pdf as build

    report, name = _results_file(request, "pdf")
    return attachment(build(report), PDF_CONTENT_TYPE, name)
