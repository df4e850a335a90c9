"""Writes to plans and duties. Each validates, writes and audits in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hocvuso.accounts.selectors import focal_points_by_unit
from hocvuso.accounts.services import notify
from hocvuso.core import uploads
from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.plans.models import Activity, Evidence, Plan, Task, TaskReminder, TaskUpdate

if TYPE_CHECKING:
    from hocvuso.accounts.models import User
    from hocvuso.core.uploads import CheckedUpload
    from hocvuso.orgunits.models import OrgUnit

PLAN_FIELDS = ("kind", "number", "place", "issued_on", "title", "status", "signer_name")
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
        action=AuditLog.Action.TASK_ASSIGNED,
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
    unassigned = list(plan.tasks.filter(unit__isnull=True).values_list("unit_name", flat=True))
    if unassigned:
        raise ValidationError(
            _("Còn %(n)d nhiệm vụ chưa gắn đơn vị (%(names)s); hãy chọn đơn vị hoặc xoá.")
            % {"n": len(unassigned), "names": ", ".join(sorted(set(unassigned))[:5])}
        )
    plan.status = Plan.Status.PUBLISHED
    plan.published_at = timezone.now()
    plan.save(update_fields=["status", "published_at", "updated_at"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.PLAN_PUBLISHED,
        obj=plan,
        unit=plan.issuing_unit,
        changes={"status": [Plan.Status.DRAFT, Plan.Status.PUBLISHED]},
    )
    _notify_new_duties(plan=plan, actor=actor)
    return plan


def _notify_new_duties(*, plan: Plan, actor: User | None) -> None:
    """Tell the focal points of every unit the plan gives duties to (the unit's own, else its
    nearest ancestor's) how many: one notification per person, e-mailed after commit."""
    from hocvuso.orgunits.models import OrgUnit

    counts = dict(
        plan.tasks.filter(unit__isnull=False)
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("id"))
    )
    holders = focal_points_by_unit(OrgUnit.objects.filter(pk__in=counts))
    duties: dict[int, int] = {}
    people: dict[int, User] = {}
    for unit_id, users in holders.items():
        for user in users:
            people[user.pk] = user
            duties[user.pk] = duties.get(user.pk, 0) + counts[unit_id]
    # Stored text is read later by people with any language chosen: write it in the
    # site's language, not the publisher's.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Nhiệm vụ mới: %(plan)s") % {"plan": plan.title}
        for n in sorted(set(duties.values())):
            body = ngettext(
                "Kế hoạch “%(plan)s” của %(issuer)s vừa ban hành, giao %(n)d nhiệm vụ cho "
                "đơn vị bạn phụ trách. Hãy xem và báo cáo tiến độ trong mục Nhiệm vụ.",
                "Kế hoạch “%(plan)s” của %(issuer)s vừa ban hành, giao %(n)d nhiệm vụ cho "
                "đơn vị bạn phụ trách. Hãy xem và báo cáo tiến độ trong mục Nhiệm vụ.",
                n,
            ) % {"plan": plan.title, "issuer": plan.issuing_unit.name, "n": n}
            recipients = [people[pk] for pk, count in duties.items() if count == n]
            notify(
                users=recipients,
                subject=subject,
                body=body,
                url=reverse("plans:duties"),
                actor=actor,
            )


@transaction.atomic
def send_task_reminders(*, today: date, actor: User | None = None) -> dict[str, int]:
    """Remind focal points of open duties in published plans: once when the deadline is
    ``PLAN_REMINDER_DAYS_BEFORE`` days away or nearer, and every
    ``PLAN_REMINDER_OVERDUE_EVERY_DAYS`` days while it is past. One notification per person
    and kind, listing their duties; returns how many duties were reminded, by kind.

    Writes one TaskReminder per duty reminded; their unique constraint (duty, kind, day) makes
    a second run the same day remind nobody, and a concurrent one fail whole. Run daily by
    ``plans.jobs.send_task_reminders`` (``actor`` None). Not audited: TaskReminder is the record.
    """
    open_tasks = (
        Task.objects.filter(plan__status=Plan.Status.PUBLISHED, unit__isnull=False)
        .exclude(status=Task.Status.DONE)
        .select_related("unit")
        .order_by("deadline", "unit__name", "id")
    )
    days_before = settings.PLAN_REMINDER_DAYS_BEFORE
    every = max(settings.PLAN_REMINDER_OVERDUE_EVERY_DAYS, 1)
    recent_overdue = TaskReminder.objects.filter(
        task=OuterRef("pk"),
        kind=TaskReminder.Kind.OVERDUE,
        sent_on__gt=today - timedelta(days=every),
    )
    due_soon = open_tasks.filter(
        deadline__gte=today, deadline__lte=today + timedelta(days=days_before)
    ).exclude(reminders__kind=TaskReminder.Kind.DUE_SOON)
    overdue = open_tasks.filter(deadline__lt=today).exclude(Exists(recent_overdue))
    return {
        TaskReminder.Kind.DUE_SOON: _remind(
            kind=TaskReminder.Kind.DUE_SOON, tasks=list(due_soon), today=today, actor=actor
        ),
        TaskReminder.Kind.OVERDUE: _remind(
            kind=TaskReminder.Kind.OVERDUE, tasks=list(overdue), today=today, actor=actor
        ),
    }


REMINDER_LIST_LIMIT = 10


def _remind(*, kind: str, tasks: list[Task], today: date, actor: User | None) -> int:
    holders = focal_points_by_unit({task.unit for task in tasks})
    duties: dict[int, list[Task]] = {}
    people: dict[int, User] = {}
    reminded = [task for task in tasks if holders[task.unit_id]]
    for task in reminded:
        for user in holders[task.unit_id]:
            people[user.pk] = user
            duties.setdefault(user.pk, []).append(task)
    TaskReminder.objects.bulk_create(
        TaskReminder(task=task, kind=kind, sent_on=today) for task in reminded
    )
    url = reverse("plans:duties")
    with translation.override(settings.LANGUAGE_CODE):
        for pk, own in duties.items():
            n = len(own)
            if kind == TaskReminder.Kind.DUE_SOON:
                subject = ngettext("%(n)d nhiệm vụ sắp đến hạn", "%(n)d nhiệm vụ sắp đến hạn", n)
                intro = _("Các nhiệm vụ sau của đơn vị bạn phụ trách sắp đến hạn:")
                link = url
            else:
                subject = ngettext("%(n)d nhiệm vụ đã quá hạn", "%(n)d nhiệm vụ đã quá hạn", n)
                intro = _("Các nhiệm vụ sau của đơn vị bạn phụ trách đã quá hạn, chưa hoàn thành:")
                link = url + "?overdue=1"
            subject %= {"n": n}
            lines = [intro, *(_reminder_line(task) for task in own[:REMINDER_LIST_LIMIT])]
            if n > REMINDER_LIST_LIMIT:
                lines.append(_("… và %(n)d nhiệm vụ khác.") % {"n": n - REMINDER_LIST_LIMIT})
            body = "\n".join(lines)
            notify(users=[people[pk]], subject=subject, body=body, url=link, actor=actor)
    return len(reminded)


def _reminder_line(task: Task) -> str:
    return _("• %(unit)s: %(text)s (hạn %(deadline)s)") % {
        "unit": task.unit.name,
        "text": Truncator(task.text).chars(120),
        "deadline": task.deadline.strftime("%d/%m/%Y"),
    }


def _check_evidence(files: Sequence[UploadedFile]) -> list[CheckedUpload]:
    """Every file checked (size, type by content) before any is stored."""
    if len(files) > EVIDENCE_MAX_FILES:
        raise ValidationError(
            _("Tối đa %(n)d tệp minh chứng mỗi lần báo cáo.") % {"n": EVIDENCE_MAX_FILES}
        )
    return [uploads.check_upload(upload, uploads.EVIDENCE) for upload in files]


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
    checked = _check_evidence(files)
    update = TaskUpdate.objects.create(task=task, author=actor, note=note.strip(), status=status)
    for upload in checked:
        evidence = Evidence(
            update=update,
            original_name=upload.original_name,
            size=upload.size,
            content_type=upload.content_type,
        )
        evidence.file.save(upload.storage_name, upload.file, save=False)
        evidence.save()
    before = snapshot(task, ("status", "done_on"))
    task.status = status
    task.done_on = (today or timezone.localdate()) if status == Task.Status.DONE else None
    task.save(update_fields=["status", "done_on", "updated_at"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.PROGRESS_REPORTED,
        obj=task,
        unit=task.unit,
        changes={**diff(before, snapshot(task, ("status", "done_on"))), "evidence": len(files)},
    )
    return update


def _province_of(unit: OrgUnit) -> OrgUnit:
    from hocvuso.orgunits.models import OrgUnit

    return OrgUnit.objects.get(path=unit.path[: OrgUnit.steplen])


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _short_title(text: str, limit: int = 300) -> str:
    first = text.split(". ")[0]
    if len(first) <= limit:
        return first
    return first[: first.rfind(" ", 0, limit)] + "…"


@transaction.atomic
def create_plan_from_draft(
    *,
    actor: User | None,
    issuing_unit: OrgUnit,
    draft: dict[str, Any],
    source_file: UploadedFile | None = None,
    source_name: str = "",
) -> Plan:
    """Save an imported draft (docs/plan-import.md) as a draft plan with its activities and
    duties. ``source_name`` names a source that is no file (pasted text); a stored
    ``source_file`` is named by its own. Unit names are matched to units under the issuing
    unit's province; a duty whose unit cannot be matched keeps the name as written and no
    unit, for the review screen.
    Caller holds MANAGE_PLANS on ``issuing_unit``. Audited."""
    from hocvuso.plans.importer.grammar import split_names
    from hocvuso.plans.importer.matching import UnitIndex

    index = UnitIndex(_province_of(issuing_unit))
    period = draft.get("period") or {}
    matches: dict[str, Any] = {}

    def resolve(names: list[str]) -> list[tuple[str, list[OrgUnit]]]:
        resolved = []
        for name in names:
            found = index.match(name)
            matches[name] = found.as_json()
            resolved.append((name, found.units))
        return resolved

    plan = create_plan(
        actor=actor,
        issuing_unit=issuing_unit,
        kind=draft.get("kind") or Plan.Kind.OTHER,
        title=(draft.get("title") or _("Kế hoạch chưa có trích yếu"))[:500],
        issuer_name=(draft.get("issuer") or "")[:300],
        number=(draft.get("number") or "")[:60],
        place=(draft.get("place") or "")[:100],
        issued_on=_date(draft.get("issued_on")),
        legal_bases=draft.get("legal_bases") or [],
        purposes=draft.get("purposes") or [],
        requirements=draft.get("requirements") or [],
        budget_source=draft.get("budget_source") or "",
        recipients=draft.get("recipients") or [],
        signer_name=(draft.get("signer_name") or "")[:150],
        signer_title=(draft.get("signer_title") or "")[:200],
        source_text=draft.get("source_text") or "",
        source_name=source_name[:255],
        details={
            key: draft.get(key)
            for key in ("doc_type", "period", "addressees", "event", "warnings")
            if draft.get(key)
        },
    )
    if source_file is not None:
        # Checked again here, whoever calls: only a checked file is ever stored.
        checked = uploads.check_upload(source_file, uploads.PLAN_SOURCE)
        plan.source_file.save(checked.storage_name, checked.file, save=False)
        plan.source_name = checked.original_name
        plan.save(update_fields=["source_file", "source_name"])
    tasks: list[Task] = []
    for position, item in enumerate(draft.get("activities") or [], start=1):
        leads = resolve(item.get("lead") or [])
        partners = resolve(item.get("partners") or [])
        single_leads = [units[0] for _name, units in leads if len(units) == 1]
        activity = Activity.objects.create(
            plan=plan,
            position=position,
            title=_short_title(item.get("text") or ""),
            description=item.get("text") or "",
            starts_on=_date(item.get("starts_on")),
            ends_on=_date(item.get("ends_on")),
            window_text=(item.get("window_text") or "")[:300],
            lead_unit=single_leads[0] if single_leads else None,
            lead_unit_name="; ".join(item.get("lead") or [])[:300],
            unmatched_units=[name for name, units in leads + partners if not units],
        )
        activity.partner_units.set([u for _name, units in partners for u in units])
        # The names as written, so the exported document says "UBND các xã, phường" rather
        # than listing every commune.
        plan.details.setdefault("activity_units", {})[str(activity.pk)] = {
            "lead": item.get("lead") or [],
            "partners": item.get("partners") or [],
        }
        for name, units in leads:
            for unit in units or [None]:
                tasks.append(
                    Task(
                        plan=plan,
                        activity=activity,
                        unit=unit,
                        unit_name=name[:300],
                        # Fixed Vietnamese: the export recognises these derived duties by it.
                        text=f"Chủ trì: {activity.description}",
                        deadline=activity.ends_on,
                    )
                )
    default_deadline = _date(period.get("end"))
    for item in draft.get("tasks") or []:
        deadline = _date(item.get("deadline")) or default_deadline
        for name, units in resolve(split_names(item.get("unit") or "") or [""]):
            for unit in units or [None]:
                tasks.append(
                    Task(
                        plan=plan,
                        unit=unit,
                        unit_name=name[:300],
                        text=item.get("text") or "",
                        deadline=deadline,
                    )
                )
    for position, task in enumerate(tasks, start=1):
        task.position = position
    Task.objects.bulk_create(tasks, batch_size=500)
    plan.details["units"] = list(matches.values())
    plan.save(update_fields=["details"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.IMPORT,
        obj=plan,
        unit=issuing_unit,
        changes={
            "imported": {"activities": plan.activities.count(), "tasks": len(tasks)},
            **({"file": plan.source_name[:100]} if plan.source_name else {}),
        },
    )
    return plan


@transaction.atomic
def assign_task_unit(*, actor: User | None, task: Task, unit: OrgUnit) -> Task:
    """Give a draft duty the unit the importer could not match. Audited."""
    _require_draft(task.plan)
    before = snapshot(task, ("unit",))
    task.unit = unit
    task.save(update_fields=["unit", "updated_at"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.TASK_ASSIGNED,
        obj=task,
        unit=task.plan.issuing_unit,
        changes=diff(before, snapshot(task, ("unit",))),
    )
    return task


@transaction.atomic
def update_draft(*, actor: User | None, plan: Plan, **fields: Any) -> Plan:
    """Change a draft's fields from the review screen. Audited with the changes."""
    _require_draft(plan)
    names = tuple(fields)
    before = snapshot(plan, names)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean(exclude=["source_file"])
    plan.save(update_fields=[*names, "updated_at"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=plan,
        unit=plan.issuing_unit,
        changes=diff(before, snapshot(plan, names)),
    )
    return plan


@transaction.atomic
def update_draft_task(
    *, actor: User | None, task: Task, text: str, deadline: date | None, unit: OrgUnit | None
) -> Task:
    _require_draft(task.plan)
    fields = ("text", "deadline", "unit")
    before = snapshot(task, fields)
    if unit is not None and task.unit_id != unit.pk:
        task.unit_name = unit.name
    task.text, task.deadline, task.unit = text.strip(), deadline, unit
    task.full_clean()
    task.save(update_fields=[*fields, "unit_name", "updated_at"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=task,
        unit=task.plan.issuing_unit,
        changes=diff(before, snapshot(task, fields)),
    )
    return task


@transaction.atomic
def delete_draft_tasks(*, actor: User | None, tasks: Iterable[Task]) -> None:
    for task in tasks:
        _require_draft(task.plan)
        record_audit(
            actor=actor,
            action=AuditLog.Action.DELETE,
            obj=task,
            unit=task.plan.issuing_unit,
            changes=snapshot(task, ("unit", "unit_name", "text")),
        )
        task.delete()


ACTIVITY_FIELDS = ("title", "description", "window_text", "starts_on", "ends_on", "lead_unit")


@transaction.atomic
def update_draft_activity(
    *, actor: User | None, activity: Activity, lead_unit: OrgUnit | None, **fields: Any
) -> Activity:
    """Correct an imported activity on the review screen. Audited with the changes."""
    _require_draft(activity.plan)
    before = snapshot(activity, ACTIVITY_FIELDS)
    for name, value in fields.items():
        setattr(activity, name, value)
    if lead_unit is not None:
        activity.lead_unit = lead_unit
        activity.lead_unit_name = lead_unit.name
        activity.unmatched_units = [
            n for n in activity.unmatched_units if n not in activity.lead_unit_name
        ]
    activity.full_clean()
    activity.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=activity,
        unit=activity.plan.issuing_unit,
        changes=diff(before, snapshot(activity, ACTIVITY_FIELDS)),
    )
    return activity
