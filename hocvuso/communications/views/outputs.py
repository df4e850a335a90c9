"""Logging outputs on a phone (offline too), a unit's own outputs, editing them.

The phone form works as a plain form (POST, then a redirect back to an empty form that keeps
the unit, the day and the channel); with JavaScript (static/communications/log.js) every
output gets its id on the phone, waits in the phone's storage when there is no connection,
and is sent once to the API (``POST /api/communications/outputs``), idempotent by that id."""

from __future__ import annotations

import contextlib
import datetime
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hocvuso.communications import selectors
from hocvuso.communications.forms import OutputFilterForm, OutputForm
from hocvuso.communications.models import Campaign, Channel, Output
from hocvuso.communications.services import (
    default_kind,
    delete_output,
    set_output_hidden,
    update_output,
)
from hocvuso.communications.services import (
    log_output as log_one,
)
from hocvuso.communications.services.links import check_url, domain_table, recognise_channel
from hocvuso.core.forms import attach_errors
from hocvuso.core.http import AuthedRequest, render_page
from hocvuso.core.uploads import serve_upload
from hocvuso.orgunits.selectors import get_chosen_unit_for_user

PAGE_SIZE = 50
TODAY_SHOWN = 50


# --- Choosing a campaign


@require_GET
@login_required
def log(request: AuthedRequest) -> HttpResponse:
    """The campaigns the person logs outputs for, those running today first."""
    today = timezone.localdate()
    campaigns = list(selectors.campaigns_to_log(request.user).select_related("owner")[:100])
    # A stable sort: within each group the selector's order (latest end first) stays.
    campaigns.sort(key=lambda c: not c.starts_on <= today <= c.ends_on)
    context = {"campaigns": campaigns, "today": today}
    return render_page(request, "communications/log.html", context)


# --- The phone form


@require_http_methods(["GET", "POST"])
@login_required
@never_cache  # the service worker keeps its own copy for offline use
def log_output(request: AuthedRequest, pk: int) -> HttpResponse:
    """One short form per output, ready for the next one as soon as one is saved; today's
    outputs below it (``#today``, refreshed by the page after each send)."""
    campaign = selectors.get_campaign_for_user(request.user, pk)
    units = selectors.units_logging_for(request.user, campaign)
    if not units.exists():
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = OutputForm(request.POST, request.FILES, campaign=campaign, units=units)
        if form.is_valid():
            try:
                output, _created = log_one(
                    actor=request.user,
                    campaign=campaign,
                    unit=form.cleaned_data["unit"],
                    data=form.output_input(),
                    output_id=form.cleaned_data["output_id"],
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                return redirect(_next_output_url(campaign, output))
        status = 400
    else:
        form = OutputForm(initial=_next_initial(request, units), campaign=campaign, units=units)
        form.initial.setdefault("published_on", form.default_day())
    context = _form_context(request, campaign, units, form)
    return render_page(
        request, "communications/log_output.html", context, fragment="today", status=status
    )


def _next_output_url(campaign: Campaign, output: Output) -> str:
    """Back to an empty form keeping what the next output most likely shares."""
    query = {
        "unit": output.unit_id,
        "day": output.published_on.isoformat(),
        "channel": output.channel.code,
        "saved": str(output.pk),
    }
    return f"{reverse('communications:log_output', args=[campaign.pk])}?{urlencode(query)}"


def _next_initial(request: AuthedRequest, units: object) -> dict[str, object]:
    initial: dict[str, object] = {}
    unit = request.GET.get("unit", "")
    if unit.isdigit() and units.filter(pk=int(unit)).exists():
        initial["unit"] = int(unit)
    elif units.count() >= 1:
        initial["unit"] = units.first().pk
    with contextlib.suppress(ValueError):  # no day, or not one: today's
        initial["published_on"] = datetime.date.fromisoformat(request.GET.get("day", ""))
    code = request.GET.get("channel", "")[:40].replace("\x00", "")
    channel = Channel.objects.filter(active=True, code=code).first()
    if channel is not None:
        initial["channel"] = channel.pk
    return initial


def _form_context(
    request: AuthedRequest, campaign: Campaign, units: object, form: OutputForm
) -> dict[str, object]:
    channels = list(Channel.objects.filter(active=True))
    return {
        "campaign": campaign,
        "form": form,
        "several_units": units.count() > 1,
        "saved": _saved(request),
        "today_outputs": _today_outputs(request, campaign, units),
        "channels": [
            {
                "id": c.pk,
                "code": c.code,
                "kind": default_kind(c),
                "visual": c.is_visual,
                "grassroots": c.family in (Channel.Family.GRASSROOTS, Channel.Family.MEETING),
            }
            for c in channels
        ],
        "domains": domain_table(),
        "api_url": reverse("api:create_output"),
        "sw_url": reverse("communications:service_worker"),
        "today": timezone.localdate().isoformat(),
    }


def _saved(request: AuthedRequest) -> Output | None:
    try:
        pk = uuid.UUID(request.GET.get("saved", ""))
    except ValueError:
        return None
    return selectors.outputs_visible_to(request.user).filter(pk=pk).first()


def _today_outputs(request: AuthedRequest, campaign: Campaign, units: object) -> list[Output]:
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    return list(
        selectors.outputs_visible_to(request.user)
        .filter(campaign=campaign, unit__in=units, created_at__gte=start)
        .select_related("channel", "unit")
        .order_by("-created_at")[:TODAY_SHOWN]
    )


@require_GET
@login_required
def recognise(request: AuthedRequest) -> HttpResponse:
    """The channel and kind a pasted link names (htmx, ``#recognised``): the server's answer
    when the page's own table (embedded in it) did not know the address. Its own small
    template, the one the form includes: the same answer whoever asks, htmx or not."""
    problem, channel = "", None
    try:
        url = check_url(request.GET.get("url", "")[:600])
    except ValidationError as exc:
        url, problem = "", exc.messages[0]
    if url:
        channel = recognise_channel(url)
    context = {
        "recognised": channel,
        "recognised_kind": default_kind(channel) if channel else "",
        "problem": problem,
        "asked": bool(url),
    }
    return render(request, "communications/_recognised.html", context)


@require_GET
@cache_control(no_cache=True)  # browsers check for a new worker on every visit
def service_worker(request: AuthedRequest) -> HttpResponse:
    """The phone form's service worker, from /communications/ so it may keep the form."""
    path = finders.find("communications/log-sw.js")
    if path is None:
        raise Http404
    with open(path, encoding="utf-8") as source:
        return HttpResponse(source.read(), content_type="text/javascript; charset=utf-8")


# --- A unit's outputs


@require_GET
@login_required
def outputs(request: AuthedRequest) -> HttpResponse:
    """The outputs of a unit and the units under it, filtered, newest first, 50 a page."""
    unit = get_chosen_unit_for_user(request.user, request.GET.get("unit"))
    if unit is None:
        raise Http404
    filters = OutputFilterForm(
        request.GET, campaigns=selectors.campaigns_visible_to(request.user).order_by("title")
    )
    rows = selectors.outputs_visible_to(request.user).filter(unit__path__startswith=unit.path)
    chosen = filters.filters()
    if chosen.get("campaign"):
        rows = rows.filter(campaign=chosen["campaign"])
    if chosen.get("channel"):
        rows = rows.filter(channel=chosen["channel"])
    if chosen.get("date_from"):
        rows = rows.filter(published_on__gte=chosen["date_from"])
    if chosen.get("date_to"):
        rows = rows.filter(published_on__lte=chosen["date_to"])
    rows = rows.select_related("campaign__owner", "channel", "unit").prefetch_related("photos")
    page = Paginator(rows.order_by("-published_on", "-created_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "unit": unit,
        "filters": filters,
        "page": page,
        "editable": {o.pk for o in page if selectors.can_edit_output(request.user, o)},
        "manageable": {o.pk for o in page if selectors.can_manage(request.user, o.campaign)},
    }
    return render_page(request, "communications/outputs.html", context)


def _back_to_list(output: Output) -> str:
    query = urlencode({"unit": output.unit_id, "campaign": output.campaign_id})
    return f"{reverse('communications:outputs')}?{query}"


@require_http_methods(["GET", "POST"])
@login_required
def output_edit(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    """Correct a logged output (its unit's focal point, or the campaign's owner); photos
    chosen here are added to those it has."""
    output = selectors.get_output_for_user(request.user, pk, edit=True)
    posted = request.method == "POST"
    form = OutputForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        campaign=output.campaign,
        initial=OutputForm.initial_of(output),
    )
    if posted and form.is_valid():
        try:
            update_output(actor=request.user, output=output, data=form.output_input())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(_back_to_list(output))
    context = {"output": output, "form": form, "photos": output.photos.all()}
    return render(
        request, "communications/output_form.html", context, status=400 if posted else 200
    )


@require_http_methods(["GET", "POST"])
@login_required
def output_delete(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    """Remove an output logged by mistake, after a confirmation page."""
    output = selectors.get_output_for_user(request.user, pk, edit=True)
    if request.method == "POST":
        back = _back_to_list(output)
        delete_output(actor=request.user, output=output)
        messages.success(request, _("Đã xóa sản phẩm."))
        return redirect(back)
    return render(request, "communications/output_delete.html", {"output": output})


@require_GET
@login_required
def output_photo(request: AuthedRequest, pk: uuid.UUID, photo_pk: int) -> HttpResponse:
    """A photo of an output (``?size=small``: its thumbnail), for whoever sees the output."""
    output = selectors.get_output_for_user(request.user, pk)
    photo = output.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    if request.GET.get("size") == "small" and photo.thumbnail:
        return serve_upload(request, photo.thumbnail, f"nho-{photo.original_name}")
    return serve_upload(request, photo.file, photo.original_name)


@require_POST
@login_required
def output_hide(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    """The campaign's owner hides an output from the public page (or shows it again)."""
    output = selectors.get_output_for_user(request.user, pk)
    if not selectors.can_manage(request.user, output.campaign):
        raise PermissionDenied
    hidden = request.POST.get("hidden", "1") == "1"
    set_output_hidden(actor=request.user, output=output, hidden=hidden)
    messages.success(
        request,
        _("Đã ẩn khỏi trang công khai.") if hidden else _("Đã hiện lại trên trang công khai."),
    )
    return redirect(_back_to_list(output))
