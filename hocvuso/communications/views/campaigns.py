"""Campaigns: the list, writing one, whom it addresses and what they should produce,
resources, publishing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from hocvuso.communications.selectors import can_manage, get_campaign_for_user
from hocvuso.core.http import AuthedRequest, render_page


@require_GET
@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk)
    context = {
        "campaign": campaign,
        "targets": campaign.targets.select_related("group", "unit").prefetch_related(
            "expectations__channel"
        ),
        "resources": campaign.resources.all(),
        "can_manage": can_manage(request.user, campaign),
    }
    return render_page(request, "communications/campaign_detail.html", context)
