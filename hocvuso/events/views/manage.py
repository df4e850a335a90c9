"""Managing events: the list, creating one (also from a plan), its page with the
run-of-show, quotas and side registries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hocvuso.core import roles as R
from hocvuso.core.forms import attach_errors
from hocvuso.core.http import AuthedRequest
from hocvuso.events import selectors, services
from hocvuso.events.forms import (
    EventForm,
    ProgramItemForm,
    QuotaForm,
    QuotaRegistrationForm,
    RegistryEntryForm,
)
from hocvuso.events.models import Event, RegistryEntry
from hocvuso.events.views.base import _back_to, _manage_context, _plans_for, _run
from hocvuso.orgunits.selectors import user_can
from hocvuso.plans.selectors import get_plan_for_user, plans_visible_to


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
    return render(
        request, "events/event_detail.html", _detail_context(request, event, can_manage, form)
    )


def _detail_context(
    request: AuthedRequest, event: Event, can_manage: bool, form: EventForm | None
) -> dict[str, object]:
    """The event page: summary, run-of-show and quotas; with managers' forms on each row."""
    programme = selectors.run_of_show(event)
    quotas = selectors.quota_fulfilment(event, viewer=request.user)
    context: dict[str, object] = {
        "event": event,
        "quota_warnings": selectors.quota_warnings(quotas),
        "point_defaults": _point_defaults(event),
        "can_manage": can_manage,
        # As on the events list: the control room is for roles on the organiser; a unit that
        # sees the event through its bridge point or quota would get 403 there.
        "can_control": user_can(request.user, event.organiser, R.VIEW),
        # The plan is linked for those who may open it: a ward with a quota but no duty in it
        # would get 404.
        "plan": plans_visible_to(request.user).filter(pk=event.plan_id).first()
        if event.plan_id
        else None,
        "form": form,
        "overrun": selectors.programme_overrun(event),
        "planned_minutes": sum(row.planned_minutes for row in programme),
        "slot_minutes": event.slot_minutes,
        "point_count": event.bridge_points.count(),
        "program_rows": [(row, None) for row in programme],
        "quota_rows": [(row, None) for row in quotas],
        # After the cut-off a registration is refused: the form is not offered.
        "registration_closed": event.registration_closed(timezone.now()),
        **_registries_context(request, event, can_manage),
    }
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


def _point_defaults(event: Event) -> list[tuple[str, dict[str, str]]]:
    """The plan's chair and attendees per level of bridge point, labelled by level."""
    from hocvuso.orgunits.models import OrgUnit

    labels = dict(OrgUnit.Kind.choices)
    return [
        (str(labels.get(level, level)), defaults)
        for level, defaults in (event.point_defaults or {}).items()
    ]


def _registries_context(
    request: AuthedRequest, event: Event, can_manage: bool
) -> dict[str, object]:
    """The delegates' figures and the side registries, for the event page."""
    registry = selectors.registry_of(event, viewer=request.user)
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


@require_POST
@login_required
def program_add(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
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
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
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
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
    item = get_object_or_404(event.program, pk=item_pk)
    services.move_program_item(
        actor=request.user, item=item, up=request.POST.get("direction") == "up"
    )
    return _back_to(event, "programme")


@require_POST
@login_required
def program_delete(request: AuthedRequest, pk: int, item_pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
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
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
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
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
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
def quota_register(request: AuthedRequest, pk: int, quota_pk: int) -> HttpResponse:
    """The responsible unit (or the organiser) says how many it brings for a quota."""
    event = selectors.get_event_for_user(request.user, pk)
    quota = selectors.get_quota_for_registrar(request.user, event, quota_pk)
    form = QuotaRegistrationForm(request.POST)
    if _run(
        request,
        form,
        lambda: services.register_for_quota(
            actor=request.user, quota=quota, count=form.cleaned_data["registered"]
        ),
    ):
        messages.success(request, _("Đã ghi nhận số đăng ký cho chỉ tiêu."))
    return _back_to(event, "quotas")


@require_POST
@login_required
def quota_delete(request: AuthedRequest, pk: int, quota_pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
    quota = get_object_or_404(event.quotas, pk=quota_pk)
    services.delete_quota(actor=request.user, quota=quota)
    messages.success(request, _("Đã xoá chỉ tiêu."))
    return _back_to(event, "quotas")


@require_POST
@login_required
def registry_add(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
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
    event = selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)
    entry = get_object_or_404(event.registry, pk=entry_pk)
    services.remove_registry_entry(actor=request.user, entry=entry)
    messages.success(request, _("Đã xoá khỏi danh sách."))
    return _back_to(event, "registries")
