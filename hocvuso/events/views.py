from __future__ import annotations

import uuid

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from hocvuso.core import roles as R
from hocvuso.core.http import AuthedRequest, attachment
from hocvuso.events import live, selectors, services
from hocvuso.events.models import AttendanceCategory, BridgePoint, Event
from hocvuso.orgunits.selectors import user_can

# --- Managing events (list, create, bridge points, quotas, delegates, registries)

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
