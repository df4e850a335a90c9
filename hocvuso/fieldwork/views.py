from __future__ import annotations

import datetime
import json
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods

from hocvuso.core import roles as R
from hocvuso.core.forms import attach_errors
from hocvuso.core.http import AuthedRequest
from hocvuso.core.tables import ImportRejected
from hocvuso.core.tables.forms import ImportForm
from hocvuso.core.tables.writing import CSV_CONTENT_TYPE, csv_chunks
from hocvuso.fieldwork import selectors, services
from hocvuso.fieldwork.forms import MemberForm, PeriodForm, TeamForm, VisitFilterForm
from hocvuso.fieldwork.importers import TEMPLATE_HEADERS
from hocvuso.fieldwork.models import Service, Visit
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import (
    get_chosen_unit_for_user,
    scope_for_user,
    user_can,
    visible_ancestors,
)

# --- Coverage


@require_GET
@login_required
def coverage(request: AuthedRequest) -> HttpResponse:
    """Coverage of a unit for a period, drillable down the tree, with the places left behind
    and the follow-ups that are due."""
    unit = _unit_from(request)
    period = PeriodForm(request.GET)
    start, end = period.period()
    today = timezone.localdate()
    context = {
        "unit": unit,
        "ancestors": visible_ancestors(request.user, unit),
        "period": period,
        "coverage": selectors.coverage(unit, start=start, end=end),
        "left_behind": selectors.left_behind(unit, end=end),
        "follow_ups": selectors.follow_ups_due(unit, today=today)[:50],
        "can_log": selectors.teams_for_logging(request.user).exists(),
    }
    return render(request, "fieldwork/coverage.html", context)


# --- Teams


@require_GET
@login_required
def teams(request: AuthedRequest) -> HttpResponse:
    """The teams of a unit, ranked by their visits in the period (the leaderboard)."""
    unit = _unit_from(request)
    period = PeriodForm(request.GET)
    start, end = period.period()
    end_day = (end + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    context = {
        "unit": unit,
        "start": start,
        "end": end,
        "teams": selectors.leaderboard(unit, start=start, end=end_day)[:200],
        "can_manage": user_can(request.user, unit, R.MANAGE_TEAMS),
    }
    return render(request, "fieldwork/teams.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def team_create(request: AuthedRequest) -> HttpResponse:
    units = scope_for_user(
        OrgUnit.objects.filter(kind__in=(OrgUnit.Kind.COMMUNE, OrgUnit.Kind.VILLAGE)),
        request.user,
        roles=R.MANAGE_TEAMS,
    ).order_by("path")
    if not units.exists():
        raise PermissionDenied
    form = TeamForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.create_team(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã lập tổ. Hãy thêm thành viên."))
            return redirect("fieldwork:team", pk=team.pk)
    return render(request, "fieldwork/team_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def team_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A team's page: its members, its figures and its latest visits."""
    writing = request.method == "POST"
    team = selectors.get_team_for_user(request.user, pk, roles=R.MANAGE_TEAMS if writing else None)
    can_manage = user_can(request.user, team.unit, R.MANAGE_TEAMS)
    form = MemberForm(request.POST or None, team=team) if can_manage else None
    if writing and form.is_valid():
        try:
            services.add_member(actor=request.user, team=team, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm thành viên."))
            return redirect("fieldwork:team", pk=team.pk)
    context = {
        "team": team,
        "members": team.members.select_related("user"),
        "form": form,
        "figures": selectors.team_figures(team),
        "visits": team.visits.select_related("village").order_by("-visited_on", "-received_at")[
            :50
        ],
        "can_manage": can_manage,
    }
    return render(request, "fieldwork/team_detail.html", context)


def _unit_from(request: AuthedRequest) -> OrgUnit:
    unit = get_chosen_unit_for_user(request.user, request.GET.get("unit"))
    if unit is None:
        raise Http404
    return unit


# --- Visits: list, export, import


@require_GET
@login_required
def visits(request: AuthedRequest) -> HttpResponse:
    """The visits of a unit, filtered by period, team and outcome; exported as CSV."""
    unit = _unit_from(request)
    filters = VisitFilterForm(request.GET, unit=unit)
    rows = selectors.visits_of(unit, **filters.filters())
    if request.GET.get("format") == "csv":
        return _visits_csv(rows)
    context = {
        "unit": unit,
        "filters": filters,
        "page": Paginator(rows.select_related("team", "village"), 50).get_page(
            request.GET.get("page")
        ),
        "can_import": user_can(request.user, unit, R.MANAGE_TEAMS),
    }
    return render(request, "fieldwork/visits.html", context)


def _visits_csv(rows: QuerySet[Visit]) -> StreamingHttpResponse:
    """Streamed, in the import's columns, so an exported file can be corrected and imported
    elsewhere; household references, never names. Text that starts like a formula is
    written with an apostrophe (``core.tables``), which the import takes off again."""
    services_by_bit = {s.bit: s for s in Service.objects.all()}
    outcomes = dict(Visit.Outcome.choices)
    values = rows.values_list(
        "visited_on",
        "team__name",
        "village__name",
        "household",
        "people_guided",
        "services",
        "outcome",
        "follow_up_on",
        "aged_60_plus",
        "women",
        "ethnic_minority",
        "disability",
        "note",
        "id",
    )

    def lines() -> Iterator[list[object]]:
        for day, team, village, house, people, mask, outcome, follow, *rest in values.iterator(
            chunk_size=5000
        ):
            topics = "; ".join(s.name for s in services.services_of(mask, services_by_bit))
            yield [
                day.strftime("%d/%m/%Y"),
                team,
                village,
                house,
                people,
                topics,
                outcomes[outcome],
                follow.strftime("%d/%m/%Y") if follow else "",
                *("" if v is None else v for v in rest),
            ]

    response = StreamingHttpResponse(
        csv_chunks(TEMPLATE_HEADERS, lines()), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="luot-huong-dan.csv"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def visit_import(request: AuthedRequest) -> HttpResponse:
    """Visits from the CSV or Excel sheets teams keep, all or nothing."""
    unit = _unit_from(request)
    if not user_can(request.user, unit, R.MANAGE_TEAMS):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, kind="visits")
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_visits(
                actor=request.user, unit=unit, filename=upload.name, stream=upload.file
            )
        except ImportRejected as exc:
            errors = [str(e) for e in exc.errors]
        else:
            messages.success(
                request,
                _("Đã nhập %(rows)d lượt hướng dẫn ở %(villages)d thôn, tổ.")
                % {"rows": result.rows, "villages": result.villages},
            )
            return redirect(f"{reverse('fieldwork:visits')}?unit={unit.pk}")
    return render(
        request,
        "fieldwork/visit_import.html",
        {"unit": unit, "form": form, "errors": errors, "headers": TEMPLATE_HEADERS},
        status=400 if errors or form.errors else 200,
    )


# --- The offline phone form


@require_GET
@login_required
@never_cache  # the service worker keeps its own copy for offline use
def log_visits(request: AuthedRequest) -> HttpResponse:
    """The phone form a team member logs visits on, with or without a connection."""
    teams, team_data, services = selectors.logging_form_data(request.user)
    if not teams:
        raise Http404
    context = {
        "teams": team_data,
        "services": services,
        "today": timezone.localdate().isoformat(),
        "batch_url": reverse("api:sync_visits"),
        "sw_url": reverse("fieldwork:service_worker"),
    }
    return render(request, "fieldwork/log.html", context)


@require_GET
@cache_control(no_cache=True)  # browsers check for a new worker on every visit
def service_worker(request: AuthedRequest) -> HttpResponse:
    """The service worker, from /fieldwork/ so that it may control the phone form."""
    path = finders.find("fieldwork/sw.js")
    if path is None:
        raise Http404
    with open(path, encoding="utf-8") as source:
        script = source.read()
    return HttpResponse(script, content_type="text/javascript; charset=utf-8")


@require_GET
def manifest(request: AuthedRequest) -> HttpResponse:
    """What makes the phone form installable on a home screen."""
    data = {
        "name": _("Học vụ số — Ghi lượt hướng dẫn"),
        "short_name": _("Hướng dẫn tại nhà"),
        "start_url": reverse("fieldwork:log"),
        "scope": "/fieldwork/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3001b",
        "lang": request.LANGUAGE_CODE,
        "icons": [
            {"src": static(f"img/icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png"}
            for n in (192, 512)
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )
