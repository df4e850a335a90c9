"""Signed-in management of courses, topics, classes and campaigns (issue 15, deliver 1 and 2)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hocvuso.core import roles as R
from hocvuso.core.forms import attach_errors
from hocvuso.core.http import AuthedRequest, id_param, render_page
from hocvuso.learning import services
from hocvuso.learning.forms import (
    CampaignForm,
    ClassFilterForm,
    ClassForm,
    CourseForm,
    EnrolForm,
    StatusForm,
    TopicEditForm,
    TopicForm,
)
from hocvuso.learning.models import Campaign, ClassSession, TargetGroup, Topic
from hocvuso.learning.selectors import (
    RUN_CLASSES,
    campaigns_visible_to,
    can_run,
    classes_visible_to,
    courses_visible_to,
    get_campaign_for_user,
    get_class_for_user,
    get_course_for_user,
    roll_of,
)
from hocvuso.learning.selectors import manage as sel
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import units_visible_to, user_can

PAGE_SIZE = 50

# --- Classes


@require_GET
@login_required
def class_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = ClassFilterForm(
        request.GET or None,
        initial={"when": "upcoming"},
        units=units_visible_to(user).exclude(kind=OrgUnit.Kind.VILLAGE).order_by("path"),
        campaigns=campaigns_visible_to(user).order_by("-starts_on"),
    )
    rows = _filtered(classes_visible_to(user), form.filters())
    page = Paginator(sel.class_rows(rows), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_create": sel.can_run_somewhere(user)}
    return render_page(request, "learning/class_list.html", context, fragment="rows")


def _filtered(rows: QuerySet[ClassSession], filters: dict[str, Any]) -> QuerySet[ClassSession]:
    now = timezone.now()
    when = filters.get("when")
    if when == "upcoming":
        rows = rows.filter(ends_at__gte=now).order_by("starts_at", "pk")
    elif when == "past":
        rows = rows.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        rows = rows.order_by("-starts_at", "-pk")
    if unit := filters.get("unit"):
        rows = rows.filter(
            Q(host__path__startswith=unit.path) | Q(organiser__path__startswith=unit.path)
        )
    if campaign := filters.get("campaign"):
        rows = rows.filter(campaign=campaign)
    if status := filters.get("status"):
        rows = rows.filter(status=status)
    return rows


def _class_choices(request: AuthedRequest, session: ClassSession | None = None) -> dict:
    """What the class form offers the person filling it; an existing class keeps its own
    values among them (a ward may edit a class the province organises in it)."""
    from hocvuso.accounts.models import User
    from hocvuso.events.selectors import events_visible_to
    from hocvuso.plans.models import Activity
    from hocvuso.plans.selectors import plans_visible_to

    user = request.user
    units = sel.class_units(user)
    mine = Q(pk__in=units.values("pk"))
    keep = [session.organiser_id, session.host_id] if session else []
    courses = courses_visible_to(user).filter(active=True)
    if session:
        courses = courses_visible_to(user).filter(Q(active=True) | Q(pk=session.course_id))
    return {
        "course": courses.order_by("title"),
        "campaign": sel.campaigns_for_classes(user).order_by("-starts_on"),
        "organiser": OrgUnit.objects.filter(mine | Q(pk__in=keep)).order_by("path"),
        "host": OrgUnit.objects.filter(
            (mine | Q(pk__in=keep)) & Q(kind__in=OrgUnit.TERRITORIAL)
        ).order_by("path"),
        "trainer_users": User.objects.filter(
            is_active=True, role_assignments__unit__in=units.values("pk")
        )
        .distinct()
        .order_by("full_name"),
        "activity": Activity.objects.filter(plan__in=plans_visible_to(user)).order_by(
            "plan", "position"
        ),
        "event": events_visible_to(user).order_by("-starts_at"),
    }


def _prefill(request: AuthedRequest) -> dict[str, Any]:
    """A new class from a ceremony ("the class that follows it") or a plan's activity."""
    from hocvuso.events.selectors import events_visible_to
    from hocvuso.plans.models import Activity
    from hocvuso.plans.selectors import plans_visible_to

    user, initial = request.user, {}
    units = sel.class_units(user)
    campaign_pk = id_param(request.GET.get("campaign"))
    if campaign_pk and sel.campaigns_for_classes(user).filter(pk=campaign_pk).exists():
        initial["campaign"] = campaign_pk
    event_pk, activity_pk = (
        id_param(request.GET.get("event")),
        id_param(request.GET.get("activity")),
    )
    if event_pk and (event := events_visible_to(user).filter(pk=event_pk).first()):
        starts = event.ends_at or (
            event.starts_at and event.starts_at + datetime.timedelta(hours=1)
        )
        initial.update(event=event.pk, for_bridge_points=True, venue=event.venue, mode=event.mode)
        if starts:
            initial.update(starts_at=starts, ends_at=starts + datetime.timedelta(hours=2))
        if units.filter(pk=event.organiser_id).exists():
            initial.update(organiser=event.organiser_id, host=event.organiser_id)
    if activity_pk and (
        activity := Activity.objects.filter(plan__in=plans_visible_to(user), pk=activity_pk)
        .select_related("lead_unit")
        .first()
    ):
        initial["activity"] = activity.pk
        if activity.lead_unit_id and units.filter(pk=activity.lead_unit_id).exists():
            initial.setdefault("organiser", activity.lead_unit_id)
            if activity.lead_unit.kind in OrgUnit.TERRITORIAL:
                initial.setdefault("host", activity.lead_unit_id)
        if activity.starts_on and "starts_at" not in initial:
            starts = timezone.make_aware(
                datetime.datetime.combine(activity.starts_on, datetime.time(8))
            )
            initial.update(starts_at=starts, ends_at=starts + datetime.timedelta(hours=2))
    # By default the class is the person's own unit's, held there.
    first = units.filter(kind__in=OrgUnit.TERRITORIAL).values_list("pk", flat=True).first()
    initial.setdefault("organiser", first)
    initial.setdefault("host", first)
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def class_create(request: AuthedRequest) -> HttpResponse:
    if not sel.can_run_somewhere(request.user):
        raise PermissionDenied
    form = ClassForm(
        request.POST or None, initial=_prefill(request), choices=_class_choices(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_class(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo lớp học. Hãy mở đăng ký khi sẵn sàng."))
            return redirect("learning:class", pk=session.pk)
    return render_page(request, "learning/class_form.html", {"form": form, "session": None})


def _editable_class(request: AuthedRequest, pk: int) -> ClassSession:
    """The class, if the person may change it: a role on its host or organiser (a trainer
    takes the roll, but does not move the class)."""
    session = get_class_for_user(request.user, pk)
    if not (
        user_can(request.user, session.host, RUN_CLASSES)
        or user_can(request.user, session.organiser, RUN_CLASSES)
    ):
        raise PermissionDenied
    return session


@require_http_methods(["GET", "POST"])
@login_required
def class_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _editable_class(request, pk)
    if session.status == ClassSession.Status.CANCELLED:
        messages.error(request, _("Lớp đã hủy: không thay đổi được nữa."))
        return redirect("learning:class", pk=session.pk)
    form = ClassForm(
        request.POST or None, instance=session, choices=_class_choices(request, session)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_class(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as exc:
            session.refresh_from_db()
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu lớp học."))
            return redirect("learning:class", pk=session.pk)
    return render_page(request, "learning/class_form.html", {"form": form, "session": session})


@require_GET
@login_required
def class_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    session = get_class_for_user(request.user, pk)
    return render_page(request, "learning/class_detail.html", _detail(request, session))


def _commune_of(unit: OrgUnit) -> OrgUnit | None:
    """The commune a class's roll lives in: the host itself, or the village's commune."""
    if unit.kind == OrgUnit.Kind.COMMUNE:
        return unit
    if unit.kind == OrgUnit.Kind.VILLAGE:
        return OrgUnit.objects.filter(
            path=unit.path[: -OrgUnit.steplen], kind=OrgUnit.Kind.COMMUNE
        ).first()
    return None


def _detail(
    request: AuthedRequest, session: ClassSession, enrol_form: EnrolForm | None = None
) -> dict[str, Any]:
    user = request.user
    roll = list(roll_of(session))
    runs = can_run(user, session)
    editable = user_can(user, session.host, RUN_CLASSES) or user_can(
        user, session.organiser, RUN_CLASSES
    )
    open_roll = session.status in (ClassSession.Status.PLANNED, ClassSession.Status.OPEN)
    if runs and open_roll and enrol_form is None:
        enrol_form = EnrolForm(commune=_commune_of(session.host), host=session.host)
    over = max(0, len(roll) - session.capacity) if session.capacity else 0
    next_statuses = [
        (value, label)
        for value, label in ClassSession.Status.choices
        if value in services.classes.TRANSITIONS[session.status]
    ]
    return {
        "session": session,
        "roll": roll,
        "attended": sum(1 for e in roll if e.attended),
        "over_capacity": over,
        "can_run": runs,
        "can_edit": editable and session.status != ClassSession.Status.CANCELLED,
        "next_statuses": next_statuses if editable else [],
        "enrol_form": enrol_form if runs and open_roll else None,
        "topics": session.course.topics.all(),
    }


@require_POST
@login_required
def class_enrol(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a person to the roll by hand; the class's runners and trainers may."""
    session = get_class_for_user(request.user, pk, roles=RUN_CLASSES)
    form = EnrolForm(request.POST, commune=_commune_of(session.host), host=session.host)
    if form.is_valid():
        try:
            done = services.enrol_learner(actor=request.user, session=session, person=form.person())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            _enrolled_messages(request, session, done)
            return redirect("learning:class", pk=session.pk)
    context = _detail(request, session, enrol_form=form)
    return render_page(request, "learning/class_detail.html", context, status=200)


def _enrolled_messages(
    request: AuthedRequest, session: ClassSession, done: services.Enrolled
) -> None:
    messages.success(
        request,
        _("Đã thêm %(name)s vào danh sách lớp.") % {"name": done.enrolment.learner.name},
    )
    if done.over_capacity:
        messages.warning(
            request,
            _("Lớp đã vượt số chỗ: %(over)d người quá %(capacity)d chỗ.")
            % {"over": done.over_capacity, "capacity": session.capacity},
        )


@require_POST
@login_required
def class_status(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _editable_class(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Trạng thái không hợp lệ."))
        return redirect("learning:class", pk=session.pk)
    try:
        services.set_class_status(
            actor=request.user, session=session, status=form.cleaned_data["status"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Lớp đã chuyển sang “%(status)s”.")
            % {"status": ClassSession.Status(form.cleaned_data["status"]).label},
        )
    return redirect("learning:class", pk=session.pk)


# --- Courses and topics


@require_GET
@login_required
def course_list(request: AuthedRequest) -> HttpResponse:
    courses = (
        courses_visible_to(request.user)
        .select_related("owner")
        .prefetch_related("topics")
        .annotate(classes=Count("sessions"))
        .order_by("-active", "title")
    )
    context = {
        "courses": courses,
        "can_create": sel.course_owner_units(request.user).exists(),
        "can_edit_topics": sel.can_edit_topics(request.user),
    }
    return render_page(request, "learning/course_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def course_create(request: AuthedRequest) -> HttpResponse:
    owners = sel.course_owner_units(request.user)
    if not owners.exists():
        raise PermissionDenied
    form = CourseForm(
        request.POST or None,
        initial={"owner": owners.first()},
        owners=owners,
        topics=sel.topics_for_forms(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            course = services.create_course(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo chương trình học."))
            return redirect("learning:course", pk=course.pk)
    return render_page(request, "learning/course_form.html", {"form": form, "course": None})


@require_http_methods(["GET", "POST"])
@login_required
def course_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A course's page: its form for its owner's editors, its facts for everyone else."""
    course = get_course_for_user(request.user, pk)
    can_edit = user_can(request.user, course.owner, R.EDIT_UNITS)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = None
    if can_edit:
        form = CourseForm(request.POST or None, instance=course, topics=sel.topics_for_forms())
    if request.method == "POST" and form.is_valid():
        try:
            services.update_course(actor=request.user, course=course, **form.cleaned_data)
        except ValidationError as exc:
            course.refresh_from_db()
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu chương trình học."))
            return redirect("learning:course", pk=course.pk)
    context = {
        "form": form,
        "course": course,
        "topics": course.topics.all(),
        "groups": [TargetGroup(g).label for g in course.target_groups if g in TargetGroup.values],
    }
    return render_page(request, "learning/course_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def topics(request: AuthedRequest) -> HttpResponse:
    """The editable list of skills; the province's editors add, rename and take off."""
    can_edit = sel.can_edit_topics(request.user)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = TopicForm(request.POST or None) if can_edit else None
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.add_topic(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm chủ đề “%(name)s”.") % {"name": topic.name})
            return redirect("learning:topics")
    rows = [
        (
            topic,
            TopicEditForm(initial={"name": topic.name, "active": topic.active}, prefix=topic.pk),
        )
        for topic in Topic.objects.all()
    ]
    context = {"form": form, "rows": rows, "can_edit": can_edit}
    return render_page(request, "learning/topics.html", context)


@require_POST
@login_required
def topic_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    if not sel.can_edit_topics(request.user):
        raise PermissionDenied
    topic = get_object_or_404(Topic, pk=pk)
    form = TopicEditForm(request.POST, prefix=topic.pk)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("learning:topics")
    try:
        services.update_topic(
            actor=request.user,
            topic=topic,
            name=form.cleaned_data["name"],
            active=form.cleaned_data["active"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã lưu chủ đề “%(name)s”.") % {"name": topic.name})
    return redirect("learning:topics")


# --- Campaigns


@require_GET
@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    campaigns = (
        campaigns_visible_to(request.user)
        .select_related("lead")
        .annotate(classes=Count("sessions"))
        .order_by("-starts_on", "title")
    )
    context = {
        "campaigns": campaigns,
        "can_create": sel.course_owner_units(request.user).exists(),
    }
    return render_page(request, "learning/campaign_list.html", context)


def _activities(request: AuthedRequest) -> QuerySet[Any]:
    from hocvuso.plans.models import Activity
    from hocvuso.plans.selectors import plans_visible_to

    return Activity.objects.filter(plan__in=plans_visible_to(request.user)).order_by(
        "plan", "position"
    )


@require_http_methods(["GET", "POST"])
@login_required
def campaign_create(request: AuthedRequest) -> HttpResponse:
    leads = sel.course_owner_units(request.user)
    if not leads.exists():
        raise PermissionDenied
    initial: dict[str, Any] = {"lead": leads.first()}
    activity_pk = id_param(request.GET.get("activity"))
    if activity_pk and (activity := _activities(request).filter(pk=activity_pk).first()):
        initial.update(
            activity=activity.pk,
            title=activity.title[:300],
            starts_on=activity.starts_on,
            ends_on=activity.ends_on,
        )
    form = CampaignForm(
        request.POST or None, initial=initial, leads=leads, activities=_activities(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo đợt học tập."))
            return redirect("learning:campaign", pk=campaign.pk)
    return render_page(request, "learning/campaign_form.html", {"form": form, "campaign": None})


@require_GET
@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk)
    rows = sel.campaign_classes(request.user, campaign)
    context = {
        "campaign": campaign,
        "rows": rows,
        "figures": sel.campaign_figures(request.user, campaign, rows),
        "can_edit": user_can(request.user, campaign.lead, R.EDIT_UNITS),
        "can_create_class": sel.can_run_somewhere(request.user),
    }
    return render_page(request, "learning/campaign_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def campaign_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign: Campaign = get_campaign_for_user(request.user, pk, roles=R.EDIT_UNITS)
    leads = OrgUnit.objects.filter(
        Q(pk__in=sel.course_owner_units(request.user).values("pk")) | Q(pk=campaign.lead_id)
    ).order_by("path")
    form = CampaignForm(
        request.POST or None, instance=campaign, leads=leads, activities=_activities(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_campaign(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            campaign.refresh_from_db()
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu đợt học tập."))
            return redirect("learning:campaign", pk=campaign.pk)
    context = {"form": form, "campaign": campaign}
    return render_page(request, "learning/campaign_form.html", context)
