"""Delegates by name (for the organiser's managers) and their answers from their own
secret link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hocvuso.core import roles as R
from hocvuso.core.forms import attach_errors
from hocvuso.core.http import AuthedRequest
from hocvuso.events import selectors, services
from hocvuso.events.forms import (
    DelegateForm,
)
from hocvuso.events.models import Delegate, Event
from hocvuso.events.views.base import _run


@require_GET
@login_required
def delegates(request: AuthedRequest, pk: int) -> HttpResponse:
    """The delegates by name, with their answers: for the organiser's managers only, as the
    names are personal data."""
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
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
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
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
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
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
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
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
