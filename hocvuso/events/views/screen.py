"""Live: the bridge-point screen (opened by its secret link, no account) and the control
room.

The bridge point's secret link is its credential: a page on another site cannot know it, so
the screen's actions need no CSRF cookie (cheap phones clearing cookies still work)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from hocvuso.core import roles as R
from hocvuso.core.http import AuthedRequest, render_page
from hocvuso.events import live, selectors, services
from hocvuso.events.forms import (
    AttendanceForm,
    TroubleForm,
)
from hocvuso.events.models import BridgePoint, Event
from hocvuso.orgunits.selectors import user_can


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
    return render_page(request, "events/point_screen.html", context, fragment="actions")


def _registration_open(event: Event) -> bool:
    """Expected people are registered until the cut-off (or the day itself when there is
    none); from then on the screen asks for the actual count."""
    if event.registration_closes_at is not None:
        return timezone.now() <= event.registration_closes_at
    if event.starts_at is None:
        return True  # no day fixed yet: the day has not come
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


@require_GET
@login_required
def control_room(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk, roles=R.VIEW)
    context = {
        "event": event,
        "tally": selectors.event_tally(event),
        "state": live.screen_state(event),
        "programme": selectors.run_of_show(event),
        "can_run": user_can(request.user, event.organiser, R.MANAGE_PLANS),
    }
    # The page polls its tally alone with ?part=tally; any other htmx request gets the page.
    fragment = "tally" if request.GET.get("part") == "tally" else None
    return render_page(request, "events/control_room.html", context, fragment=fragment)


@require_POST
@login_required
def control_launch(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Hãy xác nhận trước khi bấm nút khai trương."))
    else:
        event = services.launch_event(actor=request.user, event=event)
        messages.success(request, _("Đã phát lệnh khai trương tới mọi điểm cầu."))
    return redirect("events:control_room", pk=event.pk)


@require_POST
@login_required
def control_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
    services.advance_programme(actor=request.user, event=event)
    return redirect("events:control_room", pk=event.pk)
