from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from hocvuso.core import roles as R
from hocvuso.core.forms import attach_errors
from hocvuso.core.http import AuthedRequest, attachment
from hocvuso.core.tables import ImportRejected, RowError
from hocvuso.core.tables.forms import ImportForm
from hocvuso.events import live, selectors, services
from hocvuso.events.forms import (
    BridgePointDetailsForm,
    BridgePointFilterForm,
    BridgePointForm,
    BulkBridgePointsForm,
    DelegateForm,
    EventForm,
    ProgramItemForm,
    QuotaForm,
    RegistryEntryForm,
)
from hocvuso.events.models import AttendanceCategory, BridgePoint, Delegate, Event, RegistryEntry
from hocvuso.orgunits.selectors import user_can
from hocvuso.plans.selectors import get_plan_for_user, plans_visible_to

if TYPE_CHECKING:
    from hocvuso.plans.models import Plan

# --- Managing events (list, create, bridge points, quotas, delegates, registries)

# A list of names in Excel is a few hundred kilobytes at most.
ATTENDEE_FILE_MAX_BYTES = 5 * 1024 * 1024


def _manage_context(request: AuthedRequest, event: Event) -> bool:
    return user_can(request.user, event.organiser, R.MANAGE_PLANS)


def _plans_for(request: AuthedRequest) -> QuerySet[Plan]:
    return plans_visible_to(request.user).order_by("-created_at")


def _form_failed(request: AuthedRequest, form: forms.BaseForm) -> None:
    """Report a small inline form's errors as a message: the page it sits on is redirected to,
    so its other forms keep their values."""
    problems = [
        f"{form.fields[name].label}: {' '.join(errors)}"
        if name in form.fields
        else " ".join(errors)
        for name, errors in form.errors.items()
    ]
    messages.error(request, _("Chưa lưu được: %(problems)s") % {"problems": "; ".join(problems)})


def _run(request: AuthedRequest, form: forms.BaseForm, call: Callable[[], object]) -> bool:
    """Validate ``form``, then call the service; errors become a message. True when saved."""
    if form.is_valid():
        try:
            call()
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return True
    _form_failed(request, form)
    return False


@require_GET
@login_required
def event_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.event_list_for(request.user), 50).get_page(request.GET.get("page"))
    # The control room is for people with a role on the organiser; others see the event
    # because they host a bridge point, and get its page only.
    rows = [(event, user_can(request.user, event.organiser, R.VIEW)) for event in page]
    context = {
        "page": page,
        "rows": rows,
        "can_create": selectors.organiser_units_for(request.user).exists(),
    }
    return render(request, "events/event_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def event_create(request: AuthedRequest) -> HttpResponse:
    organisers = selectors.organiser_units_for(request.user)
    if not organisers.exists():
        raise PermissionDenied
    form = EventForm(request.POST or None, organisers=organisers, plans=_plans_for(request))
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo sự kiện. Hãy thêm chương trình và điểm cầu."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form})


@require_POST
@login_required
def event_from_plan(request: AuthedRequest, plan_pk: int) -> HttpResponse:
    """The ceremony a plan organises, made from what the plan reader found in it."""
    plan = get_plan_for_user(request.user, plan_pk, roles=R.MANAGE_PLANS)
    existing = plan.events.order_by("pk").first()
    if existing is not None:
        messages.info(request, _("Kế hoạch này đã có sự kiện."))
        return redirect("events:detail", pk=existing.pk)
    try:
        event = services.create_event_from_plan(actor=request.user, plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("plans:detail", pk=plan.pk)
    messages.success(
        request, _("Đã tạo sự kiện từ kế hoạch. Hãy rà soát chương trình và chỉ tiêu.")
    )
    return redirect("events:detail", pk=event.pk)


@require_http_methods(["GET", "POST"])
@login_required
def event_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk)
    can_manage = _manage_context(request, event)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = None
    if can_manage:
        form = EventForm(request.POST or None, instance=event, plans=_plans_for(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as exc:
            event.refresh_from_db()  # the failed change was rolled back; show what is saved
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin sự kiện."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_detail.html", _detail_context(event, can_manage, form))


def _detail_context(event: Event, can_manage: bool, form: EventForm | None) -> dict[str, object]:
    """The event page: summary, run-of-show and quotas; with managers' forms on each row."""
    programme = selectors.run_of_show(event)
    quotas = selectors.quota_fulfilment(event)
    context: dict[str, object] = {
        "event": event,
        "can_manage": can_manage,
        "form": form,
        "overrun": selectors.programme_overrun(event),
        "planned_minutes": sum(row.planned_minutes for row in programme),
        "point_count": event.bridge_points.count(),
        "program_rows": [(row, None) for row in programme],
        "quota_rows": [(row, None) for row in quotas],
        **_registries_context(event, can_manage),
    }
    if event.ends_at is not None:
        context["slot_minutes"] = int((event.ends_at - event.starts_at).total_seconds() // 60)
    if can_manage:
        province = selectors.province_of(event.organiser)
        quota_list = [row.quota for row in quotas]
        context["program_rows"] = [
            (row, ProgramItemForm(instance=row.item, prefix=f"p{row.item.pk}")) for row in programme
        ]
        context["new_item_form"] = ProgramItemForm(prefix="new-item")
        context["quota_rows"] = [
            (
                row,
                QuotaForm(
                    instance=row.quota,
                    quotas=quota_list,
                    province=province,
                    prefix=f"q{row.quota.pk}",
                ),
            )
            for row in quotas
        ]
        context["new_quota_form"] = QuotaForm(
            quotas=quota_list, province=province, prefix="new-quota"
        )
    return context


def _back_to(event: Event, section: str) -> HttpResponse:
    return redirect(f"{reverse('events:detail', args=[event.pk])}#{section}")


@require_POST
@login_required
def program_add(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _event_for(request, pk, R.MANAGE_PLANS)
    form = ProgramItemForm(request.POST, prefix="new-item")
    if _run(
        request,
        form,
        lambda: services.add_program_item(actor=request.user, event=event, **form.cleaned_data),
    ):
        messages.success(request, _("Đã thêm mục vào chương trình."))
    return _back_to(event, "programme")


@require_POST
@login_required
def program_edit(request: AuthedRequest, pk: int, item_pk: int) -> HttpResponse:
    event = _event_for(request, pk, R.MANAGE_PLANS)
    item = get_object_or_404(event.program, pk=item_pk)
    form = ProgramItemForm(request.POST, instance=item, prefix=f"p{item.pk}")
    if _run(
        request,
        form,
        lambda: services.update_program_item(actor=request.user, item=item, **form.cleaned_data),
    ):
        messages.success(request, _("Đã lưu mục chương trình."))
    return _back_to(event, "programme")


@require_POST
@login_required
def program_move(request: AuthedRequest, pk: int, item_pk: int) -> HttpResponse:
    event = _event_for(request, pk, R.MANAGE_PLANS)
    item = get_object_or_404(event.program, pk=item_pk)
    services.move_program_item(
        actor=request.user, item=item, up=request.POST.get("direction") == "up"
    )
    return _back_to(event, "programme")


@require_POST
@login_required
def program_delete(request: AuthedRequest, pk: int, item_pk: int) -> HttpResponse:
    event = _event_for(request, pk, R.MANAGE_PLANS)
    item = get_object_or_404(event.program, pk=item_pk)
    try:
        services.delete_program_item(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã xoá mục chương trình."))
    return _back_to(event, "programme")


def _quota_form(event: Event, data: object, prefix: str, **kwargs: object) -> QuotaForm:
    province = selectors.province_of(event.organiser)
    quotas = list(event.quotas.all())
    return QuotaForm(data, quotas=quotas, province=province, prefix=prefix, **kwargs)


@require_POST
@login_required
def quota_add(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _event_for(request, pk, R.MANAGE_PLANS)
    form = _quota_form(event, request.POST, "new-quota")
    if _run(
        request,
        form,
        lambda: services.add_quota(actor=request.user, event=event, **form.cleaned_data),
    ):
        messages.success(request, _("Đã thêm chỉ tiêu."))
    return _back_to(event, "quotas")


@require_POST
@login_required
def quota_edit(request: AuthedRequest, pk: int, quota_pk: int) -> HttpResponse:
    event = _event_for(request, pk, R.MANAGE_PLANS)
    quota = get_object_or_404(event.quotas.select_related("responsible"), pk=quota_pk)
    form = _quota_form(event, request.POST, f"q{quota.pk}", instance=quota)
    if _run(
        request,
        form,
        lambda: services.update_quota(actor=request.user, quota=quota, **form.cleaned_data),
    ):
        messages.success(request, _("Đã lưu chỉ tiêu."))
    return _back_to(event, "quotas")


@require_POST
@login_required
def quota_delete(request: AuthedRequest, pk: int, quota_pk: int) -> HttpResponse:
    event = _event_for(request, pk, R.MANAGE_PLANS)
    quota = get_object_or_404(event.quotas, pk=quota_pk)
    services.delete_quota(actor=request.user, quota=quota)
    messages.success(request, _("Đã xoá chỉ tiêu."))
    return _back_to(event, "quotas")


@require_GET
@login_required
@vary_on_headers("HX-Request")  # the same URL answers a page or a fragment; Back must get the page
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
    points = selectors.bridge_points_of(event, **filters.cleaned_data)
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
    template = "events/bridge_points.html"
    if request.htmx:
        template += "#points"
    return render(request, template, context)


@require_POST
@login_required
def bridge_point_add(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _event_for(request, pk, R.MANAGE_PLANS)
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
    event = _event_for(request, pk, R.MANAGE_PLANS)
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
    event = _event_for(request, pk, R.MANAGE_PLANS)
    point = selectors.get_point_for_manager(request.user, event, point_pk)
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


# --- Live: the bridge-point screen (secret link, no account) and the control room
# The bridge point's secret link is its credential: a page on another site cannot know it, so
# the screen's actions need no CSRF cookie (cheap phones clearing cookies still work).


class AttendanceForm(forms.Form):
    """People at a bridge point by category. ``submission_id`` is made when the form is shown,
    so a double click or a resend after a timeout counts once."""

    submission_id = forms.UUIDField(widget=forms.HiddenInput)
    field = forms.ChoiceField(
        choices=[("expected", "expected"), ("actual", "actual")], widget=forms.HiddenInput
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for value, label in AttendanceCategory.choices:
            self.fields[value] = forms.IntegerField(
                label=label,
                min_value=0,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            )

    def counts(self) -> dict[str, int]:
        return {
            value: self.cleaned_data[value]
            for value in AttendanceCategory.values
            if self.cleaned_data.get(value) is not None
        }


class TroubleForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Sự cố"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Mất tiếng, mất hình, …")}),
    )


def _point_or_gone(request: HttpRequest, token: str) -> BridgePoint | HttpResponse:
    """The bridge point, or the page saying its link no longer works (revoked or mistyped)."""
    point = selectors.get_point_by_token(token)
    if point is None:
        return render(request, "events/point_gone.html", status=404)
    return point


def _attendance_form(point: BridgePoint, field: str) -> AttendanceForm:
    values = dict(point.attendance.values_list("category", field))
    return AttendanceForm(initial={"submission_id": uuid.uuid4(), "field": field, **values})


def _screen(request: HttpRequest, point: BridgePoint, **extra: object) -> HttpResponse:
    event = point.event
    field = "expected" if _registration_open(event) else "actual"
    context = {
        "point": point,
        "event": event,
        "state": live.screen_state(event, point),
        "field": field,
        "form": extra.pop("form", None) or _attendance_form(point, field),
        "trouble_form": extra.pop("trouble_form", None) or TroubleForm(),
        **extra,
    }
    template = "events/point_screen.html"
    if getattr(request, "htmx", False):
        template += "#actions"
    return render(request, template, context)


def _registration_open(event: Event) -> bool:
    """Expected people are registered until the cut-off (or the day itself when there is
    none); from then on the screen asks for the actual count."""
    if event.registration_closes_at is not None:
        return timezone.now() <= event.registration_closes_at
    return timezone.localdate() < timezone.localdate(event.starts_at)


@require_GET
def point_screen(request: HttpRequest, token: str) -> HttpResponse:
    point = _point_or_gone(request, token)
    if isinstance(point, HttpResponse):
        return point
    if request.GET.get("sent"):  # the screen's script sent the figures and reloaded
        messages.success(request, _("Đã ghi nhận số người dự. Cảm ơn!"))
    return _screen(request, point)


@require_GET
def point_state(request: HttpRequest, token: str) -> HttpResponse:
    """The state a screen polls when WebSockets are unavailable."""
    point = _point_or_gone(request, token)
    if isinstance(point, HttpResponse):
        return JsonResponse({"kind": "revoked"}, status=404)
    return JsonResponse(live.screen_state(point.event, point))


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@csrf_exempt
@require_POST
def point_attendance(request: HttpRequest, token: str) -> HttpResponse:
    point = _point_or_gone(request, token)
    if isinstance(point, HttpResponse):
        return point
    form = AttendanceForm(request.POST)
    error = None
    counted = False
    if form.is_valid():
        try:
            counted = services.report_attendance(
                bridge_point=point,
                submission_id=form.cleaned_data["submission_id"],
                counts=form.counts(),
                field=form.cleaned_data["field"],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Số liệu chưa hợp lệ: xin kiểm tra các ô được đánh dấu.")
    if _wants_json(request):
        status = 200 if error is None else 400
        return JsonResponse(
            {"ok": error is None, "counted": counted, "error": error}, status=status
        )
    if error is not None:
        form.add_error(None, error)
        return _screen(request, point, form=form)
    messages.success(request, _("Đã ghi nhận số người dự. Cảm ơn!"))
    return redirect("events:point_screen", token=token)


def _point_action(request: HttpRequest, token: str, action: str) -> HttpResponse:
    point = _point_or_gone(request, token)
    if isinstance(point, HttpResponse):
        return point
    trouble_form = TroubleForm(request.POST if action == "trouble" else None)
    try:
        if action == "check_in":
            services.check_in_bridge_point(bridge_point=point)
        elif action == "connected":
            services.report_connected(bridge_point=point)
        elif trouble_form.is_valid():
            services.report_trouble(bridge_point=point, note=trouble_form.cleaned_data["note"])
        else:
            return _screen(request, point, trouble_form=trouble_form)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("events:point_screen", token=token)


@csrf_exempt
@require_POST
def point_check_in(request: HttpRequest, token: str) -> HttpResponse:
    return _point_action(request, token, "check_in")


@csrf_exempt
@require_POST
def point_connected(request: HttpRequest, token: str) -> HttpResponse:
    return _point_action(request, token, "connected")


@csrf_exempt
@require_POST
def point_trouble(request: HttpRequest, token: str) -> HttpResponse:
    return _point_action(request, token, "trouble")


def _event_for(request: AuthedRequest, pk: int, roles: frozenset[str] = R.VIEW) -> Event:
    event = selectors.get_event_for_user(request.user, pk)
    if not user_can(request.user, event.organiser, roles):
        raise PermissionDenied
    return event


@require_GET
@login_required
def control_room(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _event_for(request, pk)
    context = {
        "event": event,
        "tally": selectors.event_tally(event),
        "state": live.screen_state(event),
        "programme": selectors.run_of_show(event),
        "can_run": user_can(request.user, event.organiser, R.MANAGE_PLANS),
    }
    template = "events/control_room.html"
    if request.htmx and request.GET.get("part") == "tally":
        template += "#tally"
    return render(request, template, context)


@require_POST
@login_required
def control_launch(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _event_for(request, pk, R.MANAGE_PLANS)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Hãy xác nhận trước khi bấm nút khai trương."))
    else:
        event = services.launch_event(actor=request.user, event=event)
        messages.success(request, _("Đã phát lệnh khai trương tới mọi điểm cầu."))
    return redirect("events:control_room", pk=event.pk)


@require_POST
@login_required
def control_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _event_for(request, pk, R.MANAGE_PLANS)
    services.advance_programme(actor=request.user, event=event)
    return redirect("events:control_room", pk=event.pk)


@require_GET
@login_required
def point_link(request: AuthedRequest, pk: int, point_pk: int) -> HttpResponse:
    """The secret link of a bridge point and its QR code, for the organiser to send."""
    event = _event_for(request, pk, R.MANAGE_PLANS)
    point = selectors.get_point_for_manager(request.user, event, point_pk)
    url = request.build_absolute_uri(reverse("events:point_screen", args=[point.access_token]))
    qr = segno.make(url, error="m").svg_inline(scale=5, title=_("Mã QR của điểm cầu"))
    return render(
        request, "events/point_link.html", {"event": event, "point": point, "url": url, "qr": qr}
    )


@require_POST
@login_required
def point_revoke(request: AuthedRequest, pk: int, point_pk: int) -> HttpResponse:
    event = _event_for(request, pk, R.MANAGE_PLANS)
    point = selectors.get_point_for_manager(request.user, event, point_pk)
    services.revoke_point_link(actor=request.user, bridge_point=point)
    messages.success(request, _("Đường dẫn cũ đã bị thu hồi. Hãy gửi đường dẫn mới cho điểm cầu."))
    return redirect("events:point_link", pk=event.pk, point_pk=point.pk)


# --- Delegates, attendee names and side registries


def _registries_context(event: Event, can_manage: bool) -> dict[str, object]:
    """The delegates' figures and the side registries, for the event page."""
    registry = selectors.registry_of(event)
    province = selectors.province_of(event.organiser) if can_manage else None
    sections = [
        (
            kind,
            label,
            registry[kind],
            RegistryEntryForm(kind=kind, province=province, prefix=f"reg-{kind}")
            if can_manage
            else None,
        )
        for kind, label in RegistryEntry.Kind.choices
    ]
    return {"delegates": selectors.delegate_summary(event), "registry_sections": sections}


@require_GET
@login_required
def delegates(request: AuthedRequest, pk: int) -> HttpResponse:
    """The delegates by name, with their answers: for the organiser's managers only, as the
    names are personal data."""
    event = _event_for(request, pk, R.MANAGE_PLANS)
    return _delegates_page(request, event)


def _delegates_page(
    request: AuthedRequest, event: Event, *, add_form: DelegateForm | None = None
) -> HttpResponse:
    province = selectors.province_of(event.organiser)
    rsvp = request.GET.get("rsvp", "")
    if rsvp not in Delegate.Rsvp.values:
        rsvp = ""
    rows = [
        (delegate, DelegateForm(instance=delegate, province=province, prefix=f"d{delegate.pk}"))
        for delegate in selectors.delegates_of(event, rsvp=rsvp)
    ]
    context = {
        "event": event,
        "rows": rows,
        "rsvp": rsvp,
        "rsvp_choices": Delegate.Rsvp.choices,
        "summary": selectors.delegate_summary(event),
        "add_form": add_form or DelegateForm(province=province, prefix="new"),
    }
    return render(request, "events/delegates.html", context, status=400 if add_form else 200)


@require_POST
@login_required
def delegate_add(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _event_for(request, pk, R.MANAGE_PLANS)
    province = selectors.province_of(event.organiser)
    form = DelegateForm(request.POST, province=province, prefix="new")
    if form.is_valid():
        try:
            delegate = services.invite_delegate(
                actor=request.user, event=event, **form.cleaned_data
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm đại biểu %(name)s.") % {"name": delegate.name})
            return redirect("events:delegates", pk=event.pk)
    return _delegates_page(request, event, add_form=form)


@require_POST
@login_required
def delegate_edit(request: AuthedRequest, pk: int, delegate_pk: int) -> HttpResponse:
    event = _event_for(request, pk, R.MANAGE_PLANS)
    delegate = get_object_or_404(event.delegates.select_related("unit"), pk=delegate_pk)
    province = selectors.province_of(event.organiser)
    form = DelegateForm(
        request.POST, instance=delegate, province=province, prefix=f"d{delegate.pk}"
    )
    if _run(
        request,
        form,
        lambda: services.update_delegate(
            actor=request.user, delegate=delegate, **form.cleaned_data
        ),
    ):
        messages.success(request, _("Đã lưu đại biểu %(name)s.") % {"name": delegate.name})
    return redirect("events:delegates", pk=event.pk)


@require_POST
@login_required
def delegate_delete(request: AuthedRequest, pk: int, delegate_pk: int) -> HttpResponse:
    event = _event_for(request, pk, R.MANAGE_PLANS)
    delegate = get_object_or_404(event.delegates, pk=delegate_pk)
    services.remove_delegate(actor=request.user, delegate=delegate)
    messages.success(request, _("Đã xoá đại biểu."))
    return redirect("events:delegates", pk=event.pk)


# The delegate's secret link is their credential, as for bridge points: no CSRF cookie needed.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def rsvp(request: HttpRequest, token: str) -> HttpResponse:
    """A delegate answers their invitation from the link sent to them, without an account."""
    delegate = selectors.get_delegate_by_token(token)
    if delegate is None:
        return render(request, "events/rsvp.html", {"gone": True}, status=404)
    error = ""
    if request.method == "POST":
        try:
            services.answer_invitation(
                delegate=delegate, accepted=request.POST.get("answer") == "yes"
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect(f"{reverse('events:rsvp', args=[token])}?sent=1")
    return render(
        request,
        "events/rsvp.html",
        {
            "delegate": delegate,
            "event": delegate.event,
            "error": error,
            "sent": request.GET.get("sent") == "1",
        },
        status=400 if error else 200,
    )


@require_POST
@login_required
def attendee_names(request: AuthedRequest, pk: int, point_pk: int) -> HttpResponse:
    """Replace a bridge point's list of attendees from its Excel sheet, all or nothing."""
    event = _event_for(request, pk, R.MANAGE_PLANS)
    point = selectors.get_point_for_manager(request.user, event, point_pk)
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


@require_POST
@login_required
def registry_add(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    event = _event_for(request, pk, R.MANAGE_PLANS)
    if kind not in RegistryEntry.Kind.values:
        raise Http404
    province = selectors.province_of(event.organiser)
    form = RegistryEntryForm(request.POST, kind=kind, province=province, prefix=f"reg-{kind}")
    if _run(
        request,
        form,
        lambda: services.add_registry_entry(
            actor=request.user, event=event, kind=kind, **form.cleaned_data
        ),
    ):
        messages.success(request, _("Đã đăng ký."))
    return _back_to(event, "registries")


@require_POST
@login_required
def registry_delete(request: AuthedRequest, pk: int, entry_pk: int) -> HttpResponse:
    event = _event_for(request, pk, R.MANAGE_PLANS)
    entry = get_object_or_404(event.registry, pk=entry_pk)
    services.remove_registry_entry(actor=request.user, entry=entry)
    messages.success(request, _("Đã xoá khỏi danh sách."))
    return _back_to(event, "registries")


# --- Reports


def _report_event(request: AuthedRequest, pk: int) -> Event:
    # The reports name every bridge point and its contact: the organiser's managers only.
    return _event_for(request, pk, R.MANAGE_PLANS)


def _report_filename(event: Event, stem: str, suffix: str) -> str:
    from hocvuso.core.documents import export_filename

    day = timezone.localtime(event.starts_at)
    return export_filename(event.pk, stem, suffix, number=f"{day:%Y-%m-%d}")


@require_GET
@login_required
def event_report_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The consolidated report at the cut-off, as a spreadsheet."""
    # Imported here: python-docx and openpyxl are loaded only by the requests that use them.
    from hocvuso.core.documents import XLSX_CONTENT_TYPE
    from hocvuso.events import exports

    event = _report_event(request, pk)
    content = exports.consolidated_xlsx(event, selectors.consolidated_report(event))
    filename = _report_filename(event, "tong-hop-diem-cau", "xlsx")
    return attachment(content, XLSX_CONTENT_TYPE, filename)


@require_GET
@login_required
def event_report_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The consolidated report at the cut-off, as a document to sign."""
    from hocvuso.core.documents import DOCX_CONTENT_TYPE
    from hocvuso.events import exports

    event = _report_event(request, pk)
    content = exports.consolidated_docx(event, selectors.consolidated_report(event))
    filename = _report_filename(event, "tong-hop-diem-cau", "docx")
    return attachment(content, DOCX_CONTENT_TYPE, filename)


@require_GET
@login_required
def event_results_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The results summary after the ceremony, as a document to sign."""
    from hocvuso.core.documents import DOCX_CONTENT_TYPE
    from hocvuso.events import exports

    event = _report_event(request, pk)
    content = exports.results_docx(event, selectors.consolidated_report(event))
    filename = _report_filename(event, "ket-qua", "docx")
    return attachment(content, DOCX_CONTENT_TYPE, filename)
