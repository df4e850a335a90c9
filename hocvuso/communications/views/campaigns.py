"""Campaigns: the list, writing one, whom it addresses and what they should produce,
resources, publishing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hocvuso.communications import services
from hocvuso.communications.forms import (
    CampaignForm,
    ResourceForm,
    TargetsForm,
    UnitSearchForm,
    posted_shape,
)
from hocvuso.communications.models import Campaign, CampaignTarget, Channel
from hocvuso.communications.selectors import (
    MANAGE_CAMPAIGNS,
    campaigns_visible_to,
    can_manage,
    get_campaign_for_user,
)
from hocvuso.communications.selectors.targets import (
    addressable_by_pk,
    addressable_units,
    import_units,
)
from hocvuso.core.forms import attach_errors
from hocvuso.core.http import AuthedRequest, id_param, render_page
from hocvuso.core.uploads import check_upload, serve_upload
from hocvuso.orgunits.models import OrgUnit, UnitGroup
from hocvuso.orgunits.selectors import scope_for_user

LIST_LIMIT = 300

# --- The list


@require_GET
@login_required
def campaigns(request: AuthedRequest) -> HttpResponse:
    """The campaigns the person sees, running ones first, then upcoming, then ended."""
    today = timezone.localdate()
    rows = list(
        campaigns_visible_to(request.user)
        .select_related("owner")
        .annotate(units=Count("assigned"))
        .order_by("-starts_on", "title")[:LIST_LIMIT]
    )
    sections = [
        (_("Đang diễn ra"), [c for c in rows if c.starts_on <= today <= c.ends_on]),
        (_("Sắp diễn ra"), [c for c in rows if c.starts_on > today]),
        (_("Đã kết thúc"), [c for c in rows if c.ends_on < today]),
    ]
    context = {
        "sections": sections,
        "any_rows": bool(rows),
        "can_create": _owners(request).exists(),
    }
    return render_page(request, "communications/campaign_list.html", context)


# --- Writing a campaign


def _owners(request: AuthedRequest) -> QuerySet[OrgUnit]:
    """The units the person may run a campaign for (a village runs none of its own)."""
    units = OrgUnit.objects.exclude(kind=OrgUnit.Kind.VILLAGE)
    return scope_for_user(units, request.user, roles=MANAGE_CAMPAIGNS).order_by("path")


def _links(request: AuthedRequest, campaign: Campaign | None = None) -> dict[str, QuerySet[Any]]:
    """The plan activities and events the person sees; a campaign keeps its own links."""
    from hocvuso.events.selectors import events_visible_to
    from hocvuso.plans.models import Activity
    from hocvuso.plans.selectors import plans_visible_to

    activities = Q(plan__in=plans_visible_to(request.user))
    events = Q(pk__in=events_visible_to(request.user).values("pk"))
    if campaign is not None:
        activities |= Q(pk=campaign.activity_id)
        events |= Q(pk=campaign.event_id)
    from hocvuso.events.models import Event

    return {
        "activities": Activity.objects.filter(activities).order_by("plan", "position"),
        "events": Event.objects.filter(events).order_by("-starts_at"),
    }


def _prefill(request: AuthedRequest, owners: QuerySet[OrgUnit], links: dict) -> dict[str, Any]:
    """A new campaign from a plan's activity (its title and dates) or an event."""
    initial: dict[str, Any] = {"owner": owners.values_list("pk", flat=True).first()}
    activity_pk, event_pk = (
        id_param(request.GET.get("activity")),
        id_param(request.GET.get("event")),
    )
    if activity_pk and (activity := links["activities"].filter(pk=activity_pk).first()):
        initial.update(
            activity=activity.pk,
            title=activity.title[:300],
            starts_on=activity.starts_on,
            ends_on=activity.ends_on,
        )
    if event_pk and (event := links["events"].filter(pk=event_pk).first()):
        initial.update(event=event.pk, title=initial.get("title") or event.title[:300])
        if event.starts_at and "starts_on" not in initial:
            initial["starts_on"] = timezone.localdate(event.starts_at)
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def campaign_create(request: AuthedRequest) -> HttpResponse:
    owners = _owners(request)
    if not owners.exists():
        raise PermissionDenied
    links = _links(request)
    form = CampaignForm(
        request.POST or None, initial=_prefill(request, owners, links), owners=owners, **links
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("Đã tạo chiến dịch. Hãy giao cho các đơn vị, rồi ban hành.")
            )
            return redirect("communications:campaign_targets", pk=campaign.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "campaign": None}
    return render_page(request, "communications/campaign_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def campaign_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk, manage=True)
    form = CampaignForm(
        request.POST or None, instance=campaign, owners=None, **_links(request, campaign)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_campaign(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            campaign.refresh_from_db()
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu chiến dịch."))
            return redirect("communications:campaign", pk=campaign.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "campaign": campaign}
    return render_page(request, "communications/campaign_form.html", context, status=status)


# --- The page


def _detail(
    request: AuthedRequest, campaign: Campaign, resource_form: ResourceForm | None = None
) -> dict[str, Any]:
    manages = can_manage(request.user, campaign)
    if manages and resource_form is None:
        resource_form = ResourceForm()
    # Whoever may import a unit's monthly report may log its outputs one by one.
    logs = campaign.is_published and import_units(request.user, campaign).exists()
    return {
        "campaign": campaign,
        "targets": campaign.targets.select_related("group", "unit").prefetch_related(
            "expectations__channel"
        ),
        "assigned": campaign.assigned.count(),
        "resources": campaign.resources.all(),
        "can_manage": manages,
        "can_import": logs,
        "can_log": logs,
        "resource_form": resource_form if manages else None,
        "key_messages": _lines(campaign.key_messages),
        "slogans": _lines(campaign.slogans),
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@require_GET
@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A campaign: its window, hashtags, messages, slogans, resources and whom it addresses
    with what; the buttons for its managers, read-only for the units it addresses."""
    campaign = get_campaign_for_user(request.user, pk)
    return render_page(request, "communications/campaign_detail.html", _detail(request, campaign))


# --- Whom it addresses


def _initial_targets(targets: list[CampaignTarget]) -> tuple[list[int], dict[str, Any]]:
    """The editor's blocks for the stored targets (a free channel row under each) and a
    blank block to add one."""
    shape, initial = [], {}
    for i, target in enumerate(targets):
        if target.unit_id:
            initial[f"t{i}_whom"] = f"unit:{target.unit_id}"
        elif target.group_id:
            initial[f"t{i}_whom"] = f"group:{target.group_id}"
        else:
            initial[f"t{i}_whom"] = f"kind:{target.unit_kind}"
        expectations = list(target.expectations.all())
        for j, e in enumerate(expectations):
            initial.update(
                {
                    f"t{i}_e{j}_channel": str(e.channel_id),
                    f"t{i}_e{j}_quantity": e.quantity,
                    f"t{i}_e{j}_per": e.per,
                }
            )
        shape.append(len(expectations) + 1)
    shape.append(3)
    initial["blocks"] = len(shape)
    return shape, initial


def _posted_units(data: Any) -> list[int]:
    pks = []
    for name, value in data.items():
        if name.endswith("_whom") and isinstance(value, str) and value.startswith("unit:"):
            pk = id_param(value[5:])
            if pk is not None:
                pks.append(pk)
    return pks[:60]


def _target_inputs(
    form: TargetsForm, channels: dict[int, Channel], units: dict[int, OrgUnit]
) -> list[services.TargetInput]:
    groups = UnitGroup.objects.in_bulk()
    targets = []
    for whom, rows in form.chosen():
        kind, _sep, value = whom.partition(":")
        expectations = [
            services.ExpectationInput(channels[channel], quantity, per)
            for channel, quantity, per in rows
        ]
        if kind == "kind":
            targets.append(services.TargetInput(unit_kind=value, expectations=expectations))
        elif kind == "group":
            targets.append(
                services.TargetInput(group=groups[int(value)], expectations=expectations)
            )
        else:
            targets.append(services.TargetInput(unit=units[int(value)], expectations=expectations))
    return targets


def _targets_form(
    request: AuthedRequest, campaign: Campaign, found: list[OrgUnit]
) -> tuple[TargetsForm, dict[int, Channel], dict[int, OrgUnit]]:
    """The editor over the stored targets (or what was posted), with the channels and the
    units it may name: those addressed already, found by the search, or posted."""
    targets = list(
        campaign.targets.select_related("group", "unit").prefetch_related("expectations")
    )
    shape, initial = _initial_targets(targets)
    if request.method == "POST":
        shape = posted_shape(request.POST) or shape
    wanted = [t.unit_id for t in targets if t.unit_id] + _posted_units(request.POST)
    units = addressable_by_pk(campaign, wanted)
    units.update({u.pk: u for u in found})
    channels = Channel.objects.filter(
        Q(active=True) | Q(pk__in=campaign.expectations.values("channel"))
    ).in_bulk()
    form = TargetsForm(
        request.POST or None,
        initial=initial,
        shape=shape,
        groups=UnitGroup.objects.order_by("name"),
        units=sorted(units.values(), key=lambda u: u.path),
        channels=sorted(channels.values(), key=lambda c: (c.position, c.name)),
    )
    return form, channels, units


@require_http_methods(["GET", "POST"])
@login_required
def campaign_targets(request: AuthedRequest, pk: int) -> HttpResponse:
    """Whom the campaign addresses — every unit of a kind, a group, one unit found by name —
    and what each should produce per channel. Saved whole through ``set_targets``; on htmx
    (the unit search) only the editor is sent."""
    campaign = get_campaign_for_user(request.user, pk, manage=True)
    search = UnitSearchForm(request.GET or None)
    found = addressable_units(campaign, search.cleaned_data["q"]) if search.is_valid() else []
    form, channels, units = _targets_form(request, campaign, found)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_targets(
                actor=request.user,
                campaign=campaign,
                targets=_target_inputs(form, channels, units),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("Đã lưu: chiến dịch giao cho %(n)d đơn vị.") % {"n": campaign.assigned.count()},
            )
            name = "campaign_targets" if "more" in request.POST else "campaign"
            return redirect(f"communications:{name}", pk=campaign.pk)
    context = {"campaign": campaign, "form": form, "search": search, "found": found}
    status = 400 if form.errors else 200
    return render_page(
        request, "communications/campaign_targets.html", context, fragment="editor", status=status
    )


# --- Publishing


@require_POST
@login_required
def campaign_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    """Issue the campaign: the focal points of the units it addresses are told."""
    campaign = get_campaign_for_user(request.user, pk, manage=True)
    try:
        services.publish_campaign(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Đã ban hành chiến dịch và báo cho đầu mối của %(n)d đơn vị.")
            % {"n": campaign.assigned.count()},
        )
    return redirect("communications:campaign", pk=campaign.pk)


# --- Resources


@require_POST
@login_required
def campaign_resource_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """A link or a file units should use (a poster's artwork, a video)."""
    campaign = get_campaign_for_user(request.user, pk, manage=True)
    form = ResourceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = check_upload(upload, "evidence") if upload else None
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            try:
                services.add_resource(
                    actor=request.user,
                    campaign=campaign,
                    title=form.cleaned_data["title"],
                    url=form.cleaned_data["url"],
                    upload=checked,
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Đã thêm tài liệu."))
                return redirect("communications:campaign", pk=campaign.pk)
    context = _detail(request, campaign, resource_form=form)
    return render_page(request, "communications/campaign_detail.html", context, status=400)


@require_POST
@login_required
def campaign_resource_delete(request: AuthedRequest, pk: int, resource_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk, manage=True)
    resource = get_object_or_404(campaign.resources, pk=resource_pk)
    services.remove_resource(actor=request.user, resource=resource)
    messages.success(request, _("Đã xóa tài liệu “%(title)s”.") % {"title": resource.title})
    return redirect("communications:campaign", pk=campaign.pk)


@require_GET
@login_required
def campaign_resource_file(request: AuthedRequest, pk: int, resource_pk: int) -> HttpResponse:
    """A resource's file, to whoever sees the campaign."""
    campaign = get_campaign_for_user(request.user, pk)
    resource = get_object_or_404(campaign.resources.exclude(file=""), pk=resource_pk)
    return serve_upload(request, resource.file, resource.original_name)
