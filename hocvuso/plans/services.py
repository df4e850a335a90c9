"""Writes to plans and duties. Each validates, writes and audits in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hocvuso.accounts.selectors import focal_points_by_unit
from hocvuso.accounts.services import notify
from hocvuso.core import uploads
from hocvuso.core.models import AuditLog
from hocvuso.core.ordering import swap_with_neighbour
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.core.tables import fold
from hocvuso.plans.models import (
    DEADLINE_ORDER,
    Activity,
    Evidence,
    Plan,
    Task,
    TaskReminder,
    TaskUpdate,
    deadline_passed,
    local_moment,
)

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


def _require_editable(plan: Plan) -> None:
    """Drafts and published plans are edited by hand; a closed plan is the record of what
    was done and stays as it is."""
    if plan.status == Plan.Status.CLOSED:
        raise ValidationError(_("Kế hoạch đã kết thúc; không sửa được nội dung."))


def _require_in_scope(plan: Plan, unit: OrgUnit) -> None:
    """A plan gives duties inside its issuing unit's province: the units the review screen
    offers and ``selectors.unit_by_name`` finds."""
    from hocvuso.orgunits.models import OrgUnit

    if not unit.path.startswith(plan.issuing_unit.path[: OrgUnit.steplen]):
        raise ValidationError(
            {"unit": _("Đơn vị “%(name)s” không thuộc tỉnh ban hành kế hoạch.") % {"name": unit}}
        )


def _next_position(items: Any) -> int:
    return (items.aggregate(last=Max("position"))["last"] or 0) + 1


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
    """Add an activity to a draft or published plan, last. Audited against the plan's issuing
    unit; nobody is notified (the units concerned are told of the duties it gives them)."""
    _require_editable(plan)
    if lead_unit is not None:
        _require_in_scope(plan, lead_unit)
        fields.setdefault("lead_unit_name", lead_unit.name)
    activity = Activity(plan=plan, title=title.strip(), lead_unit=lead_unit, **fields)
    activity.position = activity.position or _next_position(plan.activities)
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
    deadline_time: time | None = None,
) -> Task:
    """Give ``unit`` (a unit of the plan's province) a duty in a draft or published plan,
    last, due on ``deadline`` (at ``deadline_time``, local, when the plan gives a time of day).
    Audited against the plan's issuing unit; on a published plan the unit's focal points are
    told."""
    _require_editable(plan)
    _require_in_scope(plan, unit)
    if activity is not None and activity.plan_id != plan.pk:
        raise ValidationError(_("Hoạt động không thuộc kế hoạch này."))
    task = Task(
        plan=plan,
        unit=unit,
        text=text.strip(),
        activity=activity,
        deadline=deadline,
        deadline_time=deadline_time,
        position=_next_position(plan.tasks),
    )
    task.full_clean()
    task.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.TASK_ASSIGNED,
        obj=task,
        unit=plan.issuing_unit,
        changes=diff({}, snapshot(task, ("unit", "text", "deadline", "deadline_time"))),
    )
    if plan.status == Plan.Status.PUBLISHED:
        _notify_duty_change(task=task, change=ADDED, actor=actor)
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
    """Tell the focal points of every unit the plan gives duties to how many: one
    notification per person, e-mailed after commit."""
    counts = dict(
        plan.tasks.filter(unit__isnull=False)
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("id"))
    )

    def body(n: int) -> str:
        return ngettext(
            "Kế hoạch “%(plan)s” của %(issuer)s vừa ban hành, giao %(n)d nhiệm vụ cho "
            "đơn vị bạn phụ trách. Hãy xem và báo cáo tiến độ trong mục Nhiệm vụ.",
            "Kế hoạch “%(plan)s” của %(issuer)s vừa ban hành, giao %(n)d nhiệm vụ cho "
            "đơn vị bạn phụ trách. Hãy xem và báo cáo tiến độ trong mục Nhiệm vụ.",
            n,
        ) % {"plan": plan.title, "issuer": plan.issuing_unit.name, "n": n}

    _notify_units(
        counts=counts,
        subject=lambda: _("Nhiệm vụ mới: %(plan)s") % {"plan": plan.title},
        body=body,
        url=reverse("plans:duties"),
        actor=actor,
    )


def _notify_units(
    *,
    counts: dict[int, int],
    subject: Callable[[], str],
    body: Callable[[int], str],
    url: str,
    actor: User | None,
) -> None:
    """Tell the focal points of the units in ``counts`` (unit pk → how many of its duties
    the news is about; the unit's own focal points, else its nearest ancestor's): one
    notification per person, whose ``body`` gets the sum over that person's units."""
    from hocvuso.orgunits.models import OrgUnit

    holders = focal_points_by_unit(OrgUnit.objects.filter(pk__in=counts))
    duties: dict[int, int] = {}
    people: dict[int, User] = {}
    for unit_id, users in holders.items():
        for user in users:
            people[user.pk] = user
            duties[user.pk] = duties.get(user.pk, 0) + counts[unit_id]
    # Stored text is read later by people with any language chosen: write it in the
    # site's language, not the actor's.
    with translation.override(settings.LANGUAGE_CODE):
        for n in sorted(set(duties.values())):
            recipients = [people[pk] for pk, count in duties.items() if count == n]
            notify(users=recipients, subject=subject(), body=body(n), url=url, actor=actor)


# What happened to a duty of a published plan, for the units concerned (_notify_duty_change).
ADDED, CHANGED, MOVED_AWAY, REMOVED = "added", "changed", "moved_away", "removed"


def _notify_duty_change(
    *,
    task: Task,
    change: str,
    actor: User | None,
    unit: OrgUnit | None = None,
    other_unit: OrgUnit | None = None,
) -> None:
    """Tell the focal points of ``unit`` (the duty's unit by default) what a hand edit of a
    published plan did to one of its duties: ``other_unit`` is where a reassigned duty came
    from (ADDED) or went (MOVED_AWAY). Sent after the change is audited, in its transaction."""
    unit = unit or task.unit
    if unit is None:
        return
    plan = task.plan
    values = {
        "plan": plan.title,
        "issuer": plan.issuing_unit.name,
        "text": Truncator(task.text).chars(200),
        "other": other_unit.name if other_unit else "",
    }

    def subject() -> str:
        return {
            ADDED: _("Nhiệm vụ mới: %(plan)s"),
            CHANGED: _("Nhiệm vụ thay đổi: %(plan)s"),
            MOVED_AWAY: _("Nhiệm vụ chuyển sang đơn vị khác: %(plan)s"),
            REMOVED: _("Nhiệm vụ đã được rút lại: %(plan)s"),
        }[change] % values

    def body(n: int) -> str:
        if change == ADDED and other_unit:
            text = _(
                "Kế hoạch “%(plan)s” của %(issuer)s chuyển cho đơn vị bạn phụ trách nhiệm vụ "
                "trước đây của %(other)s: %(text)s (hạn %(deadline)s)."
            )
        elif change == ADDED:
            text = _(
                "Kế hoạch “%(plan)s” của %(issuer)s giao thêm cho đơn vị bạn phụ trách nhiệm "
                "vụ: %(text)s (hạn %(deadline)s)."
            )
        elif change == CHANGED:
            text = _(
                "Kế hoạch “%(plan)s” của %(issuer)s vừa sửa một nhiệm vụ của đơn vị bạn phụ "
                "trách. Nay là: %(text)s (hạn %(deadline)s)."
            )
        elif change == MOVED_AWAY:
            text = _(
                "Kế hoạch “%(plan)s” của %(issuer)s chuyển nhiệm vụ “%(text)s” của đơn vị bạn "
                "phụ trách sang %(other)s; đơn vị bạn không còn phải báo cáo nhiệm vụ này."
            )
        else:
            text = _(
                "Kế hoạch “%(plan)s” của %(issuer)s bỏ nhiệm vụ “%(text)s” của đơn vị bạn phụ "
                "trách; đơn vị bạn không còn phải báo cáo nhiệm vụ này."
            )
        # Here, in the site's language (_notify_units), with the time of day when there is one.
        return text % {**values, "deadline": task.deadline_display() or "—"}

    gone = change in {MOVED_AWAY, REMOVED}
    _notify_units(
        counts={unit.pk: 1},
        subject=subject,
        body=body,
        url=reverse("plans:duties") if gone else reverse("plans:task", args=[task.pk]),
        actor=actor,
    )


@transaction.atomic
def send_task_reminders(*, now: datetime, actor: User | None = None) -> dict[str, int]:
    """Remind focal points of open duties in published plans: once when the deadline is
    ``PLAN_REMINDER_DAYS_BEFORE`` days away or nearer, and every
    ``PLAN_REMINDER_OVERDUE_EVERY_DAYS`` days while it is past. A deadline with a time of
    day has passed from that time (a duty due at 07:30 is overdue in a run at 07:31, and
    due soon in one at 07:00). One notification per person and kind, listing their duties;
    returns how many duties were reminded, by kind.

    Writes one TaskReminder per duty reminded; their unique constraint (duty, kind, day) makes
    a second run the same day remind nobody of the same kind, and a concurrent one fail whole.
    Run daily by ``plans.jobs.send_task_reminders`` (``actor`` None), and again just after a
    deadline with a time of day. Not audited: TaskReminder is the record.
    """
    today = local_moment(now)[0]
    open_tasks = (
        Task.objects.filter(plan__status=Plan.Status.PUBLISHED, unit__isnull=False)
        .exclude(status=Task.Status.DONE)
        .select_related("unit")
        .order_by(*DEADLINE_ORDER, "unit__name", "id")
    )
    days_before = settings.PLAN_REMINDER_DAYS_BEFORE
    every = max(settings.PLAN_REMINDER_OVERDUE_EVERY_DAYS, 1)
    recent_overdue = TaskReminder.objects.filter(
        task=OuterRef("pk"),
        kind=TaskReminder.Kind.OVERDUE,
        sent_on__gt=today - timedelta(days=every),
    )
    passed = deadline_passed(now)
    due_soon = (
        open_tasks.filter(deadline__gte=today, deadline__lte=today + timedelta(days=days_before))
        .exclude(passed)
        .exclude(reminders__kind=TaskReminder.Kind.DUE_SOON)
    )
    overdue = open_tasks.filter(passed).exclude(Exists(recent_overdue))
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
            lines = [
                intro,
                *(_reminder_line(task, today) for task in own[:REMINDER_LIST_LIMIT]),
            ]
            if n > REMINDER_LIST_LIMIT:
                lines.append(_("… và %(n)d nhiệm vụ khác.") % {"n": n - REMINDER_LIST_LIMIT})
            body = "\n".join(lines)
            notify(users=[people[pk]], subject=subject, body=body, url=link, actor=actor)
    return len(reminded)


def _reminder_line(task: Task, today: date) -> str:
    values = {
        "unit": task.unit.name,
        "text": Truncator(task.text).chars(120),
        "deadline": task.deadline_display(),
    }
    if task.deadline == today:
        return _("• %(unit)s: %(text)s (hạn %(deadline)s — hôm nay)") % values
    return _("• %(unit)s: %(text)s (hạn %(deadline)s)") % values


def next_timed_deadline(*, now: datetime) -> datetime | None:
    """The next moment today, after ``now``, at which an open duty of a published plan falls
    due (a deadline with a time of day), for the reminder job to run again just after it."""
    day, moment = local_moment(now)
    later = (
        Task.objects.filter(
            plan__status=Plan.Status.PUBLISHED,
            unit__isnull=False,
            deadline=day,
            deadline_time__gte=moment,
        )
        .exclude(status=Task.Status.DONE)
        .order_by("deadline_time")
        .values_list("deadline_time", flat=True)
        .first()
    )
    if later is None:
        return None
    return timezone.make_aware(datetime.combine(day, later))


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
    """An ISO date, or the day of an ISO date-time."""
    return datetime.fromisoformat(value).date() if value else None


def _deadline(value: str | None) -> tuple[date | None, time | None]:
    """A draft's deadline: an ISO date ("2025-05-08"), or a local ISO date-time
    ("2025-05-08T07:30") when the plan gives a time of day."""
    if not value:
        return None, None
    moment = datetime.fromisoformat(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    has_time = "T" in value or " " in value.strip()
    return moment.date(), (moment.time() if has_time else None)


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
    activity_duties: list[tuple[Activity, list, list]] = []
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
        activity_duties.append((activity, leads, partners))
    default_deadline = _date(period.get("end"))
    for item in draft.get("tasks") or []:
        deadline, deadline_time = _deadline(item.get("deadline"))
        if deadline is None:
            deadline = default_deadline
        for name, units in resolve(split_names(item.get("unit") or "") or [""]):
            for unit in units or [None]:
                tasks.append(
                    Task(
                        plan=plan,
                        unit=unit,
                        unit_name=name[:300],
                        text=item.get("text") or "",
                        deadline=deadline,
                        deadline_time=deadline_time,
                    )
                )
    # The activities' duties come first, as the document lists the activities first.
    given: dict[str, set[int]] = {}
    for task in tasks:
        if task.unit is not None:
            given.setdefault(_text_key(task.text), set()).add(task.unit.pk)
    derived: list[Task] = []
    for activity, leads, partners in activity_duties:
        derived += _activity_duties(activity, leads=leads, partners=partners, given=given)
    tasks = derived + tasks
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


def _activity_duties(
    activity: Activity,
    *,
    leads: list[tuple[str, list[OrgUnit]]],
    partners: list[tuple[str, list[OrgUnit]]],
    given: dict[str, set[int]],
) -> list[Task]:
    """The duties an activity gives its lead and partner units ("Chủ trì: …", "Phối hợp: …"),
    due at the end of its window (else its first day), linked to it.

    A lead name no unit matched still gets a duty, unassigned, for the review screen (the
    activity needs its lead); an unmatched partner name gets none: it stays in the activity's
    ``unmatched_units`` ("các doanh nghiệp công nghệ số" is not a unit to follow up). A unit
    gets one duty per activity (lead before partner), and none where the implementation
    section already gives it the same text (``given``: the units given each text, by
    :func:`_text_key`).
    """
    # Stored in the site's language whoever imports: the export recognises these duties
    # by their text (exports._implementation).
    with translation.override(settings.LANGUAGE_CODE):
        lead_text = _("Chủ trì: %(activity)s") % {"activity": activity.description}
        partner_text = _("Phối hợp: %(activity)s") % {"activity": activity.description}
    same = {_text_key(activity.description), _text_key(lead_text), _text_key(partner_text)}
    taken = set().union(*(given.get(key, set()) for key in same))
    deadline = activity.ends_on or activity.starts_on
    duties: list[Task] = []
    for role, text, names in (("lead", lead_text, leads), ("partner", partner_text, partners)):
        for name, units in names:
            for unit in units or ([None] if role == "lead" else []):
                if unit is not None and unit.pk in taken:
                    continue
                if unit is not None:
                    taken.add(unit.pk)
                duties.append(
                    Task(
                        plan=activity.plan,
                        activity=activity,
                        unit=unit,
                        unit_name=name[:300],
                        text=text,
                        deadline=deadline,
                    )
                )
    return duties


def _text_key(text: str) -> str:
    """A duty's text compared as the same words, whatever the case, spacing or final stop."""
    return " ".join(fold(text).split()).rstrip(".;:")


@transaction.atomic
def assign_task_unit(*, actor: User | None, task: Task, unit: OrgUnit) -> Task:
    """Give a duty a unit: the one the importer could not match, or another one (a
    reassignment). As :func:`update_draft_task` with the text and deadline kept."""
    return update_draft_task(
        actor=actor, task=task, text=task.text, deadline=task.deadline, unit=unit
    )


def _stored(obj: Any) -> Any:
    """The row as stored: a ModelForm has already written the new values on the instance the
    view passes, and the audit needs the old ones."""
    return type(obj)._default_manager.get(pk=obj.pk)


# What the plan page edits beside the model's own fields: the period, kept in ``details``.
PERIOD_KEYS = ("text", "start", "end")


@transaction.atomic
def update_draft(
    *, actor: User | None, plan: Plan, period: dict[str, str] | None = None, **fields: Any
) -> Plan:
    """Change a plan's own fields (and ``period``: text, start and end as ISO dates, kept in
    ``details``), in a draft or a published plan. Audited with the changes; on a published
    plan the units it gives duties to are told what changed."""
    _require_editable(plan)
    names = tuple(fields)
    stored = _stored(plan)
    before = snapshot(stored, names)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean(exclude=["source_file"])
    changes = diff(before, snapshot(plan, names))
    updated = [*names]
    if period is not None:
        kept = stored.details.get("period") or {}
        old = {k: kept[k] for k in PERIOD_KEYS if kept.get(k)}
        new = {k: period[k] for k in PERIOD_KEYS if period.get(k)}
        if old != new:
            # Keys the reader adds beside these (a vague window's flag) are kept.
            merged = {**kept, **{k: period.get(k) or None for k in PERIOD_KEYS}}
            plan.details = {**stored.details, "period": merged if new else None}
            changes["period"] = [old.get("text"), new.get("text")]
            updated.append("details")
    if not changes:
        return plan
    plan.save(update_fields=[*updated, "updated_at"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=plan,
        unit=plan.issuing_unit,
        changes=changes,
    )
    if plan.status == Plan.Status.PUBLISHED:
        _notify_plan_change(plan=plan, tasks=plan.tasks, what=_labels(Plan, changes), actor=actor)
    return plan


def _labels(model: type[Any], changes: dict[str, Any]) -> str:
    names = []
    for name in changes:
        if name == "period":
            names.append(_("thời gian thực hiện"))
        else:
            names.append(str(model._meta.get_field(name).verbose_name))
    return ", ".join(names)


def _notify_plan_change(*, plan: Plan, tasks: Any, what: str, actor: User | None) -> None:
    """Tell the units of ``tasks`` (duties of a published plan) that the plan, or the
    activity their duties belong to, changed, and what."""
    counts = dict(
        tasks.filter(unit__isnull=False).order_by().values_list("unit_id").annotate(n=Count("id"))
    )

    def body(n: int) -> str:
        return ngettext(
            "Kế hoạch “%(plan)s” của %(issuer)s, có %(n)d nhiệm vụ của đơn vị bạn phụ trách, "
            "vừa được điều chỉnh: %(what)s. Hãy xem lại kế hoạch.",
            "Kế hoạch “%(plan)s” của %(issuer)s, có %(n)d nhiệm vụ của đơn vị bạn phụ trách, "
            "vừa được điều chỉnh: %(what)s. Hãy xem lại kế hoạch.",
            n,
        ) % {"plan": plan.title, "issuer": plan.issuing_unit.name, "n": n, "what": what}

    _notify_units(
        counts=counts,
        subject=lambda: _("Kế hoạch được điều chỉnh: %(plan)s") % {"plan": plan.title},
        body=body,
        url=reverse("plans:detail", args=[plan.pk]),
        actor=actor,
    )


TASK_FIELDS = ("text", "deadline", "deadline_time", "unit")


@transaction.atomic
def update_draft_task(
    *,
    actor: User | None,
    task: Task,
    text: str,
    deadline: date | None,
    unit: OrgUnit | None,
    deadline_time: time | None = None,
) -> Task:
    """Change a duty's text, deadline (a day, and a time of day on it when the plan gives
    one) and unit, in a draft or a published plan; a new unit
    must be of the plan's province, and a published duty keeps one. Audited (a change of
    unit as an assignment, or a reassignment when it had one); on a published plan the units
    concerned are told: the duty's unit of a change, or on reassignment the old unit that it
    no longer has the duty and the new one that it has."""
    plan = task.plan
    _require_editable(plan)
    if unit is None and plan.status != Plan.Status.DRAFT:
        raise ValidationError({"unit": _("Nhiệm vụ của kế hoạch đã ban hành phải có đơn vị.")})
    if unit is not None and unit.pk != task.unit_id:
        _require_in_scope(plan, unit)
    old_unit = task.unit
    before = snapshot(task, TASK_FIELDS)
    if unit is not None and task.unit_id != unit.pk:
        task.unit_name = unit.name
    task.text, task.deadline, task.deadline_time, task.unit = (
        text.strip(),
        deadline,
        deadline_time,
        unit,
    )
    task.full_clean()
    changes = diff(before, snapshot(task, TASK_FIELDS))
    if not changes:
        return task
    task.save(update_fields=[*TASK_FIELDS, "unit_name", "updated_at"])
    moved = "unit" in changes
    if moved and old_unit is not None:
        action = AuditLog.Action.TASK_REASSIGNED
    elif moved:
        action = AuditLog.Action.TASK_ASSIGNED
    else:
        action = AuditLog.Action.UPDATE
    record_audit(actor=actor, action=action, obj=task, unit=plan.issuing_unit, changes=changes)
    if plan.status == Plan.Status.PUBLISHED:
        if moved:
            _notify_duty_change(
                task=task, change=MOVED_AWAY, unit=old_unit, other_unit=unit, actor=actor
            )
            _notify_duty_change(task=task, change=ADDED, other_unit=old_unit, actor=actor)
        else:
            _notify_duty_change(task=task, change=CHANGED, actor=actor)
    return task


TASK_RECORD = ("unit", "unit_name", "text", "deadline", "status", "activity")


@transaction.atomic
def delete_draft_tasks(*, actor: User | None, tasks: Iterable[Task]) -> None:
    """Remove duties from a draft or a published plan. A duty whose unit has reported
    progress is refused, whole request with it: its reports and evidence are the unit's
    record (change its text or unit instead). Each removal is audited with what the duty
    was, so its history stays; on a published plan its unit is told."""
    tasks = list(tasks)
    reported = set(
        TaskUpdate.objects.filter(task__in=[t.pk for t in tasks]).values_list("task_id", flat=True)
    )
    refused = [t for t in tasks if t.pk in reported or t.status != Task.Status.NOT_STARTED]
    if refused:
        names = sorted({str(t.unit or t.unit_name) for t in refused})
        raise ValidationError(
            _(
                "Nhiệm vụ của %(units)s đã có báo cáo tiến độ nên không xoá được (để giữ lịch "
                "sử và minh chứng). Hãy sửa nội dung hoặc chuyển nhiệm vụ sang đơn vị khác."
            )
            % {"units": ", ".join(names[:5])}
        )
    for task in tasks:
        _require_editable(task.plan)
        record_audit(
            actor=actor,
            action=AuditLog.Action.DELETE,
            obj=task,
            unit=task.plan.issuing_unit,
            changes=snapshot(task, TASK_RECORD),
        )
        if task.plan.status == Plan.Status.PUBLISHED:
            _notify_duty_change(task=task, change=REMOVED, actor=actor)
        task.delete()


@transaction.atomic
def move_task(*, actor: User | None, task: Task, up: bool) -> Task:
    """Swap a duty's row (a collective duty moves with all its copies) with the one before
    (``up``) or after it; positions are renumbered 1…n. Audited; nobody is notified (the
    order is how the plan reads, not what a unit must do)."""
    from hocvuso.plans.selectors import duty_row_key

    _require_editable(task.plan)
    tasks = list(task.plan.tasks.order_by("position", "id"))
    was = {each.pk: each.position for each in tasks}
    moved = swap_with_neighbour(tasks, task, up=up, row_of=duty_row_key)
    if moved is None:
        return task
    index, target = moved
    Task.objects.bulk_update([t for t in tasks if t.position != was[t.pk]], ["position"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=task,
        unit=task.plan.issuing_unit,
        changes={"position": [index + 1, target + 1]},
    )
    return task


ACTIVITY_FIELDS = ("title", "description", "window_text", "starts_on", "ends_on", "lead_unit")


@transaction.atomic
def update_draft_activity(
    *, actor: User | None, activity: Activity, lead_unit: OrgUnit | None, **fields: Any
) -> Activity:
    """Correct an activity, in a draft or a published plan; a new lead must be of the plan's
    province. Audited with the changes; on a published plan the units with duties under the
    activity are told."""
    plan = activity.plan
    _require_editable(plan)
    before = snapshot(_stored(activity), ACTIVITY_FIELDS)
    for name, value in fields.items():
        setattr(activity, name, value)
    if lead_unit is not None and lead_unit.pk != before["lead_unit"]:
        _require_in_scope(plan, lead_unit)
        activity.lead_unit = lead_unit
        activity.lead_unit_name = lead_unit.name
        activity.unmatched_units = [
            n for n in activity.unmatched_units if n not in activity.lead_unit_name
        ]
        # The exported document names leads as the plan wrote them: the new one now.
        written = plan.details.get("activity_units", {}).get(str(activity.pk))
        if written is not None:
            written["lead"] = [lead_unit.name]
            plan.save(update_fields=["details"])
    activity.full_clean()
    changes = diff(before, snapshot(activity, ACTIVITY_FIELDS))
    if not changes:
        return activity
    activity.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=activity,
        unit=plan.issuing_unit,
        changes=changes,
    )
    if plan.status == Plan.Status.PUBLISHED:
        what = _("hoạt động “%(title)s” (%(fields)s)") % {
            "title": Truncator(activity.title).chars(120),
            "fields": _labels(Activity, changes),
        }
        _notify_plan_change(plan=plan, tasks=activity.tasks, what=what, actor=actor)
    return activity


@transaction.atomic
def move_activity(*, actor: User | None, activity: Activity, up: bool) -> Activity:
    """Swap an activity with the one before (``up``) or after it; positions are renumbered
    1…n first, so imported activities with equal positions still move. Audited; nobody is
    notified."""
    _require_editable(activity.plan)
    items = list(activity.plan.activities.order_by("position", "pk"))
    moved = swap_with_neighbour(items, activity, up=up)
    if moved is None:
        return activity
    index, target = moved
    Activity.objects.bulk_update(items, ["position"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=activity,
        unit=activity.plan.issuing_unit,
        changes={"position": [index + 1, target + 1]},
    )
    return activity


@transaction.atomic
def delete_activity(*, actor: User | None, activity: Activity) -> None:
    """Remove an activity with its duties from a draft or a published plan; refused, and
    nothing removed, when one of its duties has reported progress (:func:`delete_draft_tasks`,
    which audits each duty and tells its unit). The activity's removal is audited with what
    it was; the activities after it move up one."""
    plan = activity.plan
    _require_editable(plan)
    delete_draft_tasks(actor=actor, tasks=activity.tasks.select_related("plan", "unit"))
    record_audit(
        actor=actor,
        action=AuditLog.Action.DELETE,
        obj=activity,
        unit=plan.issuing_unit,
        changes=snapshot(activity, ACTIVITY_FIELDS),
    )
    if plan.details.get("activity_units", {}).pop(str(activity.pk), None) is not None:
        plan.save(update_fields=["details"])
    activity.delete()
    rest = list(plan.activities.order_by("position", "pk"))
    for position, other in enumerate(rest, start=1):
        other.position = position
    Activity.objects.bulk_update(rest, ["position"])
