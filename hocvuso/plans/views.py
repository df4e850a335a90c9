from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hocvuso.core import roles as R
from hocvuso.core.forms import attach_errors
from hocvuso.core.http import AuthedRequest
from hocvuso.orgunits.selectors import user_can
from hocvuso.plans import selectors, services
from hocvuso.plans.forms import ProgressForm


@require_GET
@login_required
def plan_list(request: AuthedRequest) -> HttpResponse:
    plans = selectors.plans_visible_to(request.user).order_by("-created_at")
    return render(request, "plans/plan_list.html", {"plans": plans})


@require_GET
@login_required
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    context = {
        "plan": plan,
        "activities": plan.activities.select_related("lead_unit").prefetch_related("partner_units"),
        "tasks": selectors.tasks_visible_to(request.user).filter(plan=plan).order_by("position"),
        "today": timezone.localdate(),
    }
    return render(request, "plans/plan_detail.html", context)


@require_GET
@login_required
def my_duties(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    overdue_only = request.GET.get("overdue") == "1"
    tasks = (
        selectors.overdue_tasks_for(request.user, today=today)
        if overdue_only
        else selectors.tasks_visible_to(request.user).exclude(plan__status="draft")
    )
    context = {
        "tasks": tasks.order_by("status", "deadline"),
        "today": today,
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
        "today": timezone.localdate(),
    }
    return render(request, "plans/task_detail.html", context)
