"""The channel list: what outputs are logged on, and the web addresses that recognise a
pasted link's channel. The province's editors keep it; everyone signed in reads it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hocvuso.communications.forms import ChannelEditForm, ChannelForm
from hocvuso.communications.models import Channel
from hocvuso.communications.selectors import can_edit_channels
from hocvuso.communications.services.channels import add_channel, update_channel
from hocvuso.core.forms import attach_errors
from hocvuso.core.http import AuthedRequest, render_page


@require_http_methods(["GET", "POST"])
@login_required
def channels(request: AuthedRequest) -> HttpResponse:
    can_edit = can_edit_channels(request.user)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = ChannelForm(request.POST or None, prefix="new") if can_edit else None
    if request.method == "POST" and form.is_valid():
        try:
            channel = add_channel(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm kênh “%(name)s”.") % {"name": channel.name})
            return redirect("communications:channels")
    rows = [
        (
            channel,
            ChannelEditForm(
                initial={
                    "name": channel.name,
                    "family": channel.family,
                    "domains": channel.domains,
                    "active": channel.active,
                },
                prefix=channel.pk,
            )
            if can_edit
            else None,
        )
        for channel in Channel.objects.all()
    ]
    context = {"form": form, "rows": rows, "can_edit": can_edit}
    return render_page(request, "communications/channels.html", context)


@require_POST
@login_required
def channel_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    if not can_edit_channels(request.user):
        raise PermissionDenied
    channel = get_object_or_404(Channel, pk=pk)
    form = ChannelEditForm(request.POST, prefix=channel.pk)
    if form.is_valid():
        try:
            update_channel(actor=request.user, channel=channel, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu kênh “%(name)s”.") % {"name": channel.name})
            return redirect("communications:channels")
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("communications:channels")
