from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hocvuso.core import roles as R
from hocvuso.core import uploads
from hocvuso.core.forms import attach_errors
from hocvuso.core.http import AuthedRequest, attachment, render_page
from hocvuso.orgunits.selectors import belongs_to, user_can
from hocvuso.plans import selectors, services
from hocvuso.plans.forms import (
    ActivityReviewForm,
    DraftTaskForm,
    DuplicateImportForm,
    NewTaskForm,
    PlanCreateForm,
    PlanImportForm,
    PlanReviewForm,
    ProgressForm,
    TaskFilterForm,
)
from hocvuso.plans.importer import PlanImportError, parse_text, read_plan
from hocvuso.plans.importer.extract import pasted_text
from hocvuso.plans.models import DEADLINE_ORDER, Plan, Task


@require_GET
@login_required
def plan_list(request: AuthedRequest) -> HttpResponse:
    plans = list(selectors.plans_visible_to(request.user).order_by("-created_at"))
    context = {
        "plans": plans,
        "can_import": selectors.issuing_units_for(request.user).exists(),
        # A draft opens on its review page for those who may edit it; a viewer of the
        # issuing unit sees it too, and would be refused there (no query per plan).
        "managed": {p.pk for p in plans if user_can(request.user, p.issuing_unit, R.MANAGE_PLANS)},
    }
    return render(request, "plans/plan_list.html", context)


@require_GET
@login_required
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    context = {
        "plan": plan,
        "activities": plan.activities.select_related("lead_unit").prefetch_related("partner_units"),
        "tasks": selectors.tasks_visible_to(request.user).filter(plan=plan).order_by("position"),
        "can_follow": user_can(request.user, plan.issuing_unit, R.MANAGE_PLANS),
    }
    return render(request, "plans/plan_detail.html", context)


@require_GET
@login_required
def plan_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    """The issuer's follow-up of a plan: progress at a glance, the matrix of units and
    activities, and the duties, filtered (htmx swaps only the list)."""
    plan = selectors.get_plan_for_user(request.user, pk, roles=R.MANAGE_PLANS)
    # A moment, not a day: a duty due at 07:30 is overdue from then (Task.deadline_time).
    now = timezone.now()
    progress = selectors.plan_progress(plan, today=now)
    form = TaskFilterForm(request.GET, activities=progress.activities)
    form.is_valid()  # a bad value is shown on the form and left out of the filter
    tasks = selectors.filter_plan_tasks(plan, today=now, **form.cleaned_data)
    context = {
        "plan": plan,
        "progress": progress,
        "form": form,
        "page": Paginator(tasks, 50).get_page(request.GET.get("page")),
    }
    return render_page(request, "plans/plan_progress.html", context, fragment="tasks")


@require_GET
@login_required
def my_duties(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    overdue_only = request.GET.get("overdue") == "1"
    tasks = (
        selectors.overdue_tasks_for(request.user, today=now)
        if overdue_only
        else selectors.tasks_visible_to(request.user).exclude(plan__status="draft")
    )
    context = {
        "tasks": tasks.order_by("status", *DEADLINE_ORDER),
        "overdue_only": overdue_only,
    }
    return render(request, "plans/my_duties.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def task_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk)
    can_report = user_can(request.user, task.unit, R.REPORT_TASKS)
    form = ProgressForm(
        request.POST or None, request.FILES or None, initial={"status": task.status}
    )
    if request.method == "POST":
        task = selectors.get_task_for_user(request.user, pk, roles=R.REPORT_TASKS)
        if form.is_valid():
            try:
                services.report_task_progress(actor=request.user, task=task, **form.cleaned_data)
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Đã ghi báo cáo tiến độ."))
                return redirect("plans:task", pk=task.pk)
    context = {
        "task": task,
        "updates": task.updates.select_related("author").prefetch_related("evidence"),
        "form": form,
        "can_report": can_report,
    }
    return render(request, "plans/task_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def plan_import(request: AuthedRequest) -> HttpResponse:
    units = selectors.issuing_units_for(request.user)
    if not units.exists():
        raise PermissionDenied
    form = PlanImportForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        read = _read_import(form)
        if read is not None:
            draft, upload, source_name = read
            # The same document imported twice is two plans to follow: ask first.
            duplicates = selectors.find_duplicates_of_draft(
                request.user, issuing_unit=form.cleaned_data["issuing_unit"], draft=draft
            )
            confirm = DuplicateImportForm(request.POST)
            confirmed = confirm.is_valid() and confirm.cleaned_data["confirm_duplicate"]
            if duplicates and not confirmed:
                context = {"form": form, "duplicates": duplicates}
                return render(request, "plans/plan_import.html", context)
            plan = services.create_plan_from_draft(
                actor=request.user,
                issuing_unit=form.cleaned_data["issuing_unit"],
                draft=draft,
                source_file=upload,
                source_name=source_name,
            )
            messages.success(request, _("Đã đọc văn bản. Hãy rà soát bản nháp trước khi ban hành."))
            return redirect("plans:review", pk=plan.pk)
    return render(request, "plans/plan_import.html", {"form": form})


def _read_import(form: PlanImportForm) -> tuple[dict, UploadedFile | None, str] | None:
    """The draft of the uploaded file, or else of the pasted text, with the file to store
    and the name of a source that is no file; None with the error on the form."""
    upload = form.cleaned_data["file"]
    field = "file" if upload else "text"
    try:
        if upload:
            checked = uploads.check_upload(upload, uploads.PLAN_SOURCE)
            draft = read_plan(upload.read(), checked.original_name)
            upload.seek(0)
            return draft, upload, ""
        draft = parse_text(pasted_text(form.cleaned_data["text"]))
    except uploads.UploadRefused as exc:
        form.add_error(field, exc.messages[0])
    except PlanImportError as exc:
        form.add_error(field, str(exc))
    else:
        return draft, None, _("Văn bản dán")
    return None


@require_http_methods(["GET", "POST"])
@login_required
def plan_review(request: AuthedRequest, pk: int) -> HttpResponse:
    """A plan's editing page: a draft's review before publishing, and a published plan's
    hand edits (each audited and told to the units concerned). A closed plan is read only."""
    plan = selectors.get_plan_for_user(request.user, pk, roles=R.MANAGE_PLANS)
    if plan.status == plan.Status.CLOSED:
        return redirect("plans:detail", pk=plan.pk)
    form = PlanReviewForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu kế hoạch."))
            return redirect("plans:review", pk=plan.pk)
    return render(request, "plans/plan_review.html", _review_context(plan, form=form))


def _review_context(plan: Plan, *, form: PlanReviewForm | None = None) -> dict[str, object]:
    groups = selectors.draft_task_groups(plan)
    activities = list(plan.activities.select_related("lead_unit"))
    return {
        "plan": plan,
        "form": form or PlanReviewForm(instance=plan),
        "activities": [
            (
                a,
                ActivityReviewForm(
                    instance=a,
                    prefix=f"a{a.pk}",
                    initial={"lead_name": a.lead_unit.name if a.lead_unit else a.lead_unit_name},
                ),
            )
            for a in activities
        ],
        "groups": [
            (group, DraftTaskForm(initial=_task_initial(group.first), prefix=f"t{group.first.pk}"))
            for group in groups
        ],
        "new_activity_form": ActivityReviewForm(prefix=NEW_ACTIVITY),
        "new_task_form": NewTaskForm(prefix=NEW_TASK, activities=activities),
        "task_count": sum(group.count for group in groups),
        "unassigned": sum(group.count for group in groups if group.first.unit_id is None),
        "unit_names": selectors.unit_names_for_review(plan),
    }


def _task_initial(task: Task) -> dict[str, object]:
    return {
        "unit_name": task.unit.name if task.unit else task.unit_name,
        "text": task.text,
        "deadline": task.deadline,
        "deadline_time": task.deadline_time,
    }


@require_POST
@login_required
def draft_task_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk)
    selectors.get_plan_for_user(request.user, task.plan_id, roles=R.MANAGE_PLANS)
    # A collective duty ("UBND các xã, phường") is one row on the review screen.
    tasks = selectors.same_draft_duty(task) if request.POST.get("group") else [task]
    back = redirect(f"{reverse('plans:review', args=[task.plan_id])}#task-{task.pk}")
    if request.POST.get("delete"):
        try:
            services.delete_draft_tasks(actor=request.user, tasks=tasks)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã xoá nhiệm vụ."))
        return back
    form = DraftTaskForm(request.POST, prefix=f"t{task.pk}")
    if not form.is_valid():
        if form.has_error("text") or form.has_error("unit_name"):
            messages.error(request, _("Nhiệm vụ cần có nội dung và đơn vị."))
        else:  # a bad deadline, or a time of day without its day: say which
            _form_failed(request, form)
        return back
    unit = None
    if len(tasks) == 1:
        unit = selectors.unit_by_name(task.plan, form.cleaned_data["unit_name"])
        if unit is None:
            messages.error(request, _unknown_unit(form.cleaned_data["unit_name"]))
            return back
    try:
        with transaction.atomic():
            for each in tasks:
                services.update_draft_task(
                    actor=request.user,
                    task=each,
                    text=form.cleaned_data["text"],
                    deadline=form.cleaned_data["deadline"],
                    deadline_time=form.cleaned_data["deadline_time"],
                    unit=unit or each.unit,
                )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return back
    messages.success(request, _("Đã lưu nhiệm vụ."))
    return back


@require_POST
@login_required
def draft_activity_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.get_draft_activity_for_user(request.user, pk)
    form = ActivityReviewForm(request.POST, instance=activity, prefix=f"a{activity.pk}")
    back = redirect(f"{reverse('plans:review', args=[activity.plan_id])}#activity-{activity.pk}")
    if not form.is_valid():
        _form_failed(request, form)
        return back
    fields = {k: v for k, v in form.cleaned_data.items() if k != "lead_name"}
    lead_name = form.cleaned_data["lead_name"].strip()
    lead = selectors.unit_by_name(activity.plan, lead_name) if lead_name else None
    if lead_name and lead is None and lead_name != activity.lead_unit_name:
        messages.error(request, _unknown_unit(lead_name))
        return back
    try:
        services.update_draft_activity(
            actor=request.user, activity=activity, lead_unit=lead, **fields
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã lưu hoạt động."))
    return back


NEW_ACTIVITY, NEW_TASK = "new-activity", "new-task"


@require_http_methods(["GET", "POST"])
@login_required
def plan_create(request: AuthedRequest) -> HttpResponse:
    """A plan typed by hand, without a document, for a unit the user issues plans for: it
    starts as a draft, edited on the review page."""
    units = selectors.issuing_units_for(request.user)
    if not units.exists():
        raise PermissionDenied
    form = PlanCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        period = {k: v for k, v in fields.pop("period").items() if v}
        try:
            plan = services.create_plan(
                actor=request.user,
                **fields,
                details={"period": period} if period else {},
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo bản nháp. Hãy thêm hoạt động và nhiệm vụ."))
            return redirect("plans:review", pk=plan.pk)
    return render(request, "plans/plan_create.html", {"form": form})


def _back_to_review(plan_id: int, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('plans:review', args=[plan_id])}#{anchor}")


def _form_failed(request: AuthedRequest, form: forms.BaseForm) -> None:
    """A small form of the review page failed: say why in a message, the page is redirected
    to so its other forms keep their values."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@require_POST
@login_required
def activity_add(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk, roles=R.MANAGE_PLANS)
    form = ActivityReviewForm(request.POST, prefix=NEW_ACTIVITY)
    if not form.is_valid():
        _form_failed(request, form)
        return _back_to_review(plan.pk, "activities")
    fields = {k: v for k, v in form.cleaned_data.items() if k != "lead_name"}
    lead_name = form.cleaned_data["lead_name"].strip()
    lead = selectors.unit_by_name(plan, lead_name) if lead_name else None
    if lead_name and lead is None:
        messages.error(request, _unknown_unit(lead_name))
        return _back_to_review(plan.pk, "activities")
    try:
        activity = services.add_activity(actor=request.user, plan=plan, lead_unit=lead, **fields)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back_to_review(plan.pk, "activities")
    messages.success(request, _("Đã thêm hoạt động."))
    return _back_to_review(plan.pk, f"activity-{activity.pk}")


def _unknown_unit(name: str) -> str:
    return _("Không tìm thấy đơn vị “%(name)s”; hãy chọn một tên trong danh sách.") % {"name": name}


@require_POST
@login_required
def activity_move(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.get_draft_activity_for_user(request.user, pk)
    try:
        services.move_activity(
            actor=request.user, activity=activity, up=request.POST.get("direction") == "up"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _moved(request, activity.plan, "activities", f"activity-{activity.pk}")


def _moved(request: AuthedRequest, plan: Plan, fragment: str, anchor: str) -> HttpResponse:
    """After a move: htmx swaps the list in place; without it, the page reloads at the row."""
    if request.htmx:
        return render_page(
            request, "plans/plan_review.html", _review_context(plan), fragment=fragment
        )
    return _back_to_review(plan.pk, anchor)


@require_POST
@login_required
def activity_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.get_draft_activity_for_user(request.user, pk)
    try:
        services.delete_activity(actor=request.user, activity=activity)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back_to_review(activity.plan_id, f"activity-{activity.pk}")
    messages.success(request, _("Đã xoá hoạt động."))
    return _back_to_review(activity.plan_id, "activities")


@require_POST
@login_required
def task_add(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk, roles=R.MANAGE_PLANS)
    form = NewTaskForm(request.POST, prefix=NEW_TASK, activities=plan.activities.all())
    if not form.is_valid():
        _form_failed(request, form)
        return _back_to_review(plan.pk, "duties")
    unit = selectors.unit_by_name(plan, form.cleaned_data["unit_name"])
    if unit is None:
        messages.error(request, _unknown_unit(form.cleaned_data["unit_name"]))
        return _back_to_review(plan.pk, "duties")
    activity = form.cleaned_data["activity"]
    try:
        task = services.add_task(
            actor=request.user,
            plan=plan,
            unit=unit,
            text=form.cleaned_data["text"],
            deadline=form.cleaned_data["deadline"],
            deadline_time=form.cleaned_data["deadline_time"],
            activity=plan.activities.get(pk=activity) if activity else None,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back_to_review(plan.pk, "duties")
    messages.success(request, _("Đã giao nhiệm vụ cho %(unit)s.") % {"unit": unit.name})
    return _back_to_review(plan.pk, f"task-{task.pk}")


@require_POST
@login_required
def task_move(request: AuthedRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk)
    plan = selectors.get_plan_for_user(request.user, task.plan_id, roles=R.MANAGE_PLANS)
    try:
        services.move_task(actor=request.user, task=task, up=request.POST.get("direction") == "up")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _moved(request, plan, "duties", f"task-{task.pk}")


@require_POST
@login_required
def plan_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk, roles=R.MANAGE_PLANS)
    try:
        services.publish_plan(plan=plan, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("plans:review", pk=plan.pk)
    messages.success(request, _("Đã ban hành kế hoạch; các đơn vị đã được báo."))
    return redirect("plans:detail", pk=plan.pk)


@require_GET
@login_required
def plan_export_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    # Imported here: python-docx and openpyxl are loaded only by the requests that use them.
    from hocvuso.plans import exports

    plan = selectors.get_plan_for_user(request.user, pk)
    filename = exports.export_filename(plan, "ke-hoach", "docx")
    return attachment(exports.plan_docx(plan), exports.DOCX_CONTENT_TYPE, filename)


@require_GET
@login_required
def plan_progress_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    from hocvuso.plans import exports

    plan = selectors.get_plan_for_user(request.user, pk)
    tasks = selectors.tasks_visible_to(request.user).filter(plan=plan)
    filename = exports.export_filename(plan, "tien-do", "xlsx")
    return attachment(exports.progress_xlsx(plan, tasks), exports.XLSX_CONTENT_TYPE, filename)


@require_GET
@login_required
def evidence_download(request: AuthedRequest, pk: int) -> HttpResponse:
    """A duty's evidence file, for whoever may see the duty; audited when opened from outside
    the duty's unit."""
    evidence = selectors.get_evidence_for_user(request.user, pk)
    unit = evidence.update.task.unit
    outside = unit is None or not belongs_to(request.user, unit)
    return uploads.serve_upload(
        request,
        evidence.file,
        evidence.original_name,
        audit_obj=evidence if outside else None,
        audit_unit=unit,
    )


@require_GET
@login_required
def plan_source_file(request: AuthedRequest, pk: int) -> HttpResponse:
    """The document a plan was imported from, for whoever may see the plan; audited when
    opened from outside the issuing unit."""
    plan = selectors.get_plan_for_user(request.user, pk)
    outside = not belongs_to(request.user, plan.issuing_unit)
    return uploads.serve_upload(
        request,
        plan.source_file,
        plan.source_name,
        audit_obj=plan if outside else None,
        audit_unit=plan.issuing_unit,
    )
