from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from hocvuso.accounts import selectors
from hocvuso.core import roles as R
from hocvuso.core.http import AuthedRequest
from hocvuso.orgunits import selectors as unit_selectors


@require_GET
@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The start page: what the person's strongest role needs first, with next steps."""
    assignments = list(selectors.roles_of(request.user))
    year = timezone.localdate().year
    cards = [
        {
            "assignment": a,
            "kind_counts": unit_selectors.kind_counts_under(a.unit),
            "has_population": a.unit.populations.filter(year=year).exists(),
            "can_edit": unit_selectors.user_can(request.user, a.unit, R.EDIT_UNITS),
        }
        for a in assignments
    ]
    context = {
        "main_role": request.user.main_role(),
        "cards": cards,
        "year": year,
        "can_read_audit": selectors.can_read_audit(request.user),
        "Role": R.Role,
    }
    return render(request, "accounts/home.html", context)


@require_GET
@login_required
@vary_on_headers("HX-Request")  # the same URL answers a page or a fragment; Back must get the page
def audit_log(request: AuthedRequest) -> HttpResponse:
    if not selectors.can_read_audit(request.user):
        raise PermissionDenied
    entries = selectors.audit_log_for(request.user)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    template = "accounts/audit_log.html"
    if request.htmx:
        template += "#entries"
    return render(request, template, {"page": page})
