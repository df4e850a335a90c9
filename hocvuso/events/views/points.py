"""An event's bridge points: the list, adding them one by one or in bulk, a point's
details and attendee names, its secret link and QR code."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hocvuso.core import roles as R
from hocvuso.core.forms import attach_errors
from hocvuso.core.http import AuthedRequest, render_page
from hocvuso.core.tables import ImportRejected, RowError
from hocvuso.core.tables.forms import ImportForm
from hocvuso.events import selectors, services
from hocvuso.events.forms import (
    BridgePointDetailsForm,
    BridgePointFilterForm,
    BridgePointForm,
    BulkBridgePointsForm,
)
from hocvuso.events.models import BridgePoint, Event
from hocvuso.events.views.base import _manage_context

# A list of names in Excel is a few hundred kilobytes at most.
ATTENDEE_FILE_MAX_BYTES = 5 * 1024 * 1024


@require_GET
@login_required
def bridge_points(request: AuthedRequest, pk: int) -> HttpResponse:
    """An event's bridge points, filtered and paginated (htmx swaps only the list); managers
    add them one by one or in bulk."""
    event = selectors.get_event_for_user(request.user, pk)
    return _bridge_points_page(request, event)


def _bridge_points_page(
    request: AuthedRequest,
    event: Event,
    *,
    add_form: BridgePointForm | None = None,
    bulk_form: BulkBridgePointsForm | None = None,
) -> HttpResponse:
    can_manage = _manage_context(request, event)
    filters = BridgePointFilterForm(request.GET)
    filters.is_valid()  # a bad value is shown on the form and left out of the filter
    points = selectors.bridge_points_of(event, viewer=request.user, **filters.cleaned_data)
    context: dict[str, object] = {
        "event": event,
        "can_manage": can_manage,
        "filters": filters,
        "page": Paginator(points, 50).get_page(request.GET.get("page")),
    }
    if can_manage:
        province = selectors.province_of(event.organiser)
        context["add_form"] = add_form or BridgePointForm(province=province, prefix="one")
        context["bulk_form"] = bulk_form or BulkBridgePointsForm(province=province, prefix="bulk")
    return render_page(request, "events/bridge_points.html", context, fragment="points")


@require_POST
@login_required
def bridge_point_add(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
    province = selectors.province_of(event.organiser)
    form = BridgePointForm(request.POST, province=province, prefix="one")
    if form.is_valid():
        try:
            point = services.register_bridge_point(
                actor=request.user, event=event, **form.cleaned_data
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm điểm cầu %(unit)s.") % {"unit": point.host.name})
            return redirect("events:bridge_points", pk=event.pk)
    return _bridge_points_page(request, event, add_form=form)


@require_POST
@login_required
def bridge_points_bulk(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
    province = selectors.province_of(event.organiser)
    form = BulkBridgePointsForm(request.POST, province=province, prefix="bulk")
    if not form.is_valid():
        return _bridge_points_page(request, event, bulk_form=form)
    added = services.add_bridge_points(actor=request.user, event=event, hosts=form.hosts())
    if added:
        text = ngettext("Đã thêm %(n)s điểm cầu.", "Đã thêm %(n)s điểm cầu.", len(added)) % {
            "n": len(added)
        }
        messages.success(request, text)
    else:
        messages.info(request, _("Không có điểm cầu mới: các đơn vị này đều đã được mời."))
    return redirect("events:bridge_points", pk=event.pk)


@require_http_methods(["GET", "POST"])
@login_required
def bridge_point_edit(request: AuthedRequest, pk: int, point_pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
    point = selectors.get_point_for_user(request.user, event, point_pk, roles=R.MANAGE_PLANS)
    form = BridgePointDetailsForm(request.POST or None, instance=point)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_bridge_point(
                actor=request.user, bridge_point=point, **form.cleaned_data
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu điểm cầu %(unit)s.") % {"unit": point.host.name})
            return redirect("events:bridge_points", pk=event.pk)
    return _point_form_page(request, event, point, form, ImportForm(), [])


def _point_form_page(
    request: AuthedRequest,
    event: Event,
    point: BridgePoint,
    form: BridgePointDetailsForm,
    upload_form: ImportForm,
    errors: list[str],
) -> HttpResponse:
    """A bridge point's details, and its list of attendees with the form that replaces it."""
    context = {
        "event": event,
        "point": point,
        "form": form,
        "upload_form": upload_form,
        "import_errors": errors,
        "names": point.attendee_names.all(),
    }
    bad = errors or form.errors or upload_form.errors
    return render(request, "events/bridge_point_form.html", context, status=400 if bad else 200)


@require_GET
@login_required
def point_link(request: AuthedRequest, pk: int, point_pk: int) -> HttpResponse:
    """The secret link of a bridge point and its QR code, for the organiser to send."""
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
    point = selectors.get_point_for_user(request.user, event, point_pk, roles=R.MANAGE_PLANS)
    url = request.build_absolute_uri(reverse("events:point_screen", args=[point.access_token]))
    qr = segno.make(url, error="m").svg_inline(scale=5, title=_("Mã QR của điểm cầu"))
    return render(
        request, "events/point_link.html", {"event": event, "point": point, "url": url, "qr": qr}
    )


@require_POST
@login_required
def point_revoke(request: AuthedRequest, pk: int, point_pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
    point = selectors.get_point_for_user(request.user, event, point_pk, roles=R.MANAGE_PLANS)
    services.revoke_point_link(actor=request.user, bridge_point=point)
    messages.success(request, _("Đường dẫn cũ đã bị thu hồi. Hãy gửi đường dẫn mới cho điểm cầu."))
    return redirect("events:point_link", pk=event.pk, point_pk=point.pk)


@require_POST
@login_required
def attendee_names(request: AuthedRequest, pk: int, point_pk: int) -> HttpResponse:
    """Replace a bridge point's list of attendees from its Excel sheet, all or nothing."""
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
    point = selectors.get_point_for_user(request.user, event, point_pk, roles=R.MANAGE_PLANS)
    upload_form = ImportForm(request.POST, request.FILES)
    errors: list[str] = []
    if upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        try:
            content = upload.read(ATTENDEE_FILE_MAX_BYTES + 1)
            if len(content) > ATTENDEE_FILE_MAX_BYTES:
                raise ImportRejected(
                    [RowError(0, _("Tệp lớn quá 5 MB: đây không phải danh sách tên."))]
                )
            n = services.import_attendee_names(
                actor=request.user, bridge_point=point, filename=upload.name, content=content
            )
        except ImportRejected as exc:
            errors = [str(e) for e in exc.errors]
        else:
            messages.success(request, _("Đã nhập danh sách %(n)d người dự.") % {"n": n})
            return redirect("events:bridge_point_edit", pk=event.pk, point_pk=point.pk)
    form = BridgePointDetailsForm(instance=point)
    return _point_form_page(request, event, point, form, upload_form, errors)
