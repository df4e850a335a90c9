"""Writes to plans and duties. Each validates, writes and audits in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.plans.models import Activity, Evidence, Plan, Task, TaskUpdate

if TYPE_CHECKING:
    from hocvuso.accounts.models import User
    from hocvuso.orgunits.models import OrgUnit

PLAN_FIELDS = ("kind", "number", "place", "issued_on", "title", "status", "signer_name")
EVIDENCE_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".webp", ".docx", ".xlsx", ".mp4"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_FILES = 5


@transaction.atomic
def create_plan(
    *, actor: User | None, issuing_unit: OrgUnit, kind: str, title: str, **fields: Any
) -> Plan:
    """Create a draft plan. Caller holds MANAGE_PLANS on ``issuing_unit``. Audited."""
    plan = Plan(issuing_unit=issuing_unit, kind=kind, title=title.strip(), **fields)
    plan.full_clean(exclude=["source_file"])
    plan.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=plan,
        unit=issuing_unit,
        changes=diff({}, snapshot(plan, PLAN_FIELDS)),
    )
    return plan


def _require_draft(plan: Plan) -> None:
    if plan.status != Plan.Status.DRAFT:
        raise ValidationError(_("Kế hoạch đã ban hành; không sửa được nội dung."))


@transaction.atomic
def add_activity(
    *,
    actor: User | None,
    plan: Plan,
    title: str,
    lead_unit: OrgUnit | None = None,
    partner_units: Iterable[OrgUnit] = (),
    **fields: Any,
) -> Activity:
    """Add an activity to a draft plan. Audited against the plan's issuing unit."""
    _require_draft(plan)
    activity = Activity(plan=plan, title=title.strip(), lead_unit=lead_unit, **fields)
    activity.position = activity.position or plan.activities.count() + 1
    activity.full_clean()
    activity.save()
    activity.partner_units.set(list(partner_units))
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=activity,
        unit=plan.issuing_unit,
        changes=diff({}, snapshot(activity, ("title", "starts_on", "ends_on", "lead_unit"))),
    )
    return activity


@transaction.atomic
def add_task(
    *,
    actor: User | None,
    plan: Plan,
    unit: OrgUnit,
    text: str,
    activity: Activity | None = None,
    deadline: date | None = None,
) -> Task:
    """Give ``unit`` a duty in a draft plan. Audited against the plan's issuing unit."""
    _require_draft(plan)
    if activity is not None and activity.plan_id != plan.pk:
        raise ValidationError(_("Hoạt động không thuộc kế hoạch này."))
    task = Task(
        plan=plan,
        unit=unit,
        text=text.strip(),
        activity=activity,
        deadline=deadline,
        position=plan.tasks.count() + 1,
    )
    task.full_clean()
    task.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=task,
        unit=plan.issuing_unit,
        changes=diff({}, snapshot(task, ("unit", "text", "deadline"))),
    )
    return task


@transaction.atomic
def publish_plan(*, plan: Plan, actor: User | None) -> Plan:
    """Make a reviewed draft visible to every unit it gives a duty to.

    Caller holds MANAGE_PLANS on the issuing unit. Audited.
    """
    # Lock the row so two coordinators cannot publish the same draft twice.
    plan.status = Plan.objects.select_for_update().values_list("status", flat=True).get(pk=plan.pk)
    _require_draft(plan)
    if not plan.title.strip():
        raise ValidationError(_("Kế hoạch cần có trích yếu trước khi ban hành."))
    plan.status = Plan.Status.PUBLISHED
    plan.published_at = timezone.now()
    plan.save(update_fields=["status", "published_at", "updated_at"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=plan,
        unit=plan.issuing_unit,
        changes={"status": [Plan.Status.DRAFT, Plan.Status.PUBLISHED]},
    )
    return plan


def _check_evidence(files: Sequence[UploadedFile]) -> None:
    if len(files) > EVIDENCE_MAX_FILES:
        raise ValidationError(
            _("Tối đa %(n)d tệp minh chứng mỗi lần báo cáo.") % {"n": EVIDENCE_MAX_FILES}
        )
    for upload in files:
        name = upload.name or ""
        if PurePath(name).suffix.lower() not in EVIDENCE_SUFFIXES:
            raise ValidationError(
                _("Tệp “%(name)s” không được nhận: chỉ nhận PDF, ảnh, Word, Excel, MP4.")
                % {"name": name}
            )
        if upload.size > EVIDENCE_MAX_BYTES:
            raise ValidationError(
                _("Tệp “%(name)s” lớn quá %(mb)d MB.")
                % {"name": name, "mb": EVIDENCE_MAX_BYTES // (1024 * 1024)}
            )


@transaction.atomic
def report_task_progress(
    *,
    actor: User | None,
    task: Task,
    note: str,
    status: str,
    files: Sequence[UploadedFile] = (),
    today: date | None = None,
) -> TaskUpdate:
    """Record progress on a duty of a published plan, with evidence; marking it done sets
    the done date. Caller holds REPORT_TASKS on the duty's unit. Audited."""
    if task.plan.status != Plan.Status.PUBLISHED:
        raise ValidationError(_("Chỉ báo cáo tiến độ cho kế hoạch đang thực hiện."))
    if not note.strip():
        raise ValidationError({"note": _("Hãy ghi nội dung đã làm.")})
    if status not in Task.Status.values:
        raise ValidationError({"status": _("Trạng thái không hợp lệ.")})
    _check_evidence(files)
    update = TaskUpdate.objects.create(task=task, author=actor, note=note.strip(), status=status)
    for upload in files:
        Evidence.objects.create(
            update=update,
            file=upload,
            original_name=(upload.name or "")[:255],
            size=upload.size,
            content_type=(upload.content_type or "")[:100],
        )
    before = snapshot(task, ("status", "done_on"))
    task.status = status
    task.done_on = (today or timezone.localdate()) if status == Task.Status.DONE else None
    task.save(update_fields=["status", "done_on", "updated_at"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=task,
        unit=task.unit,
        changes={**diff(before, snapshot(task, ("status", "done_on"))), "evidence": len(files)},
    )
    return update
