"""Reports up the tree: sent, approved level by level or returned, and the late reminded."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.core import roles as R
from hocvuso.core.approvals import SelfApproval, ensure_four_eyes, is_author
from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import user_can
from hocvuso.reports.models import (
    DataSet,
    DataValue,
    Report,
    ReportStep,
)
from hocvuso.reports.services.values import refresh_rollups

if TYPE_CHECKING:
    from hocvuso.accounts.models import User


# --- Reports up the tree


def _notify(users: Iterable[User], subject: str, url: str, actor: User | None) -> None:
    """Inbox rows in the caller's transaction (gone if it rolls back); notify() sends the
    e-mail after commit."""
    from hocvuso.accounts.services import notify

    notify(users=users, subject=subject, body=subject, url=url, actor=actor)


def _reviewers_of(unit: OrgUnit) -> list[User]:
    from hocvuso.accounts.selectors import focal_points_by_unit

    return focal_points_by_unit([unit]).get(unit.pk, [])


def check_report(report: Report) -> list[str]:
    """What stops ``report`` from being sent: required figures missing, validation rules
    broken. Empty when it may be sent."""
    from hocvuso.reports.selectors import form_for

    form = form_for(report.dataset, report.unit, report.period_obj)
    return form.blocking_problems


@transaction.atomic
def submit_report(*, actor: User | None, report: Report) -> Report:
    """Send a unit's figures up: refused while a required figure is missing or a rule is
    broken. Computed figures are kept as they stand now, the values lock, the report awaits
    the parent unit (or is final at the form's owner). Caller holds ENTER_DATA on the unit.
    Audited; the reviewers are told (e-mail after commit)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.is_locked:
        raise ValidationError(_("Báo cáo đã được gửi."))
    problems = check_report(report)
    if problems:
        raise ValidationError(problems)
    _keep_computed(report)
    sent_from = report.status  # a draft, or a report returned for correction
    today = timezone.localdate()
    report.status = Report.Status.SUBMITTED
    report.submitted_at, report.submitted_by = timezone.now(), actor
    report.is_late = today > report.deadline
    owner = report.dataset.owner_unit
    if report.unit.pk == owner.pk or len(report.unit.path) <= len(owner.path):
        report.status, report.awaiting_unit = Report.Status.APPROVED, None
    else:
        report.awaiting_unit = OrgUnit.objects.get_parent(report.unit)
    report.save(
        update_fields=[
            "status",
            "submitted_at",
            "submitted_by",
            "is_late",
            "awaiting_unit",
            "updated_at",
        ]
    )
    ReportStep.objects.create(
        report=report, action=ReportStep.Action.SUBMIT, at_unit=report.unit, actor=actor
    )
    record_audit(
        actor=actor,
        action=AuditLog.Action.REPORT_SUBMITTED,
        obj=report,
        unit=report.unit,
        changes={"status": [sent_from, report.status]},
    )
    if report.awaiting_unit is not None:
        subject = _("%(unit)s gửi báo cáo “%(form)s” kỳ %(period)s: chờ duyệt.") % {
            "unit": report.unit,
            "form": report.dataset,
            "period": report.period_label,
        }
        url = reverse("reports:review", args=[report.pk])
        reviewers = _reviewers_of(report.awaiting_unit)
        _notify(reviewers, subject, url, actor)
    return report


def _keep_computed(report: Report) -> None:
    """Store the computed figures of the report as they stand, so the approved report keeps
    what was sent even after the records change."""
    from hocvuso.reports.selectors import form_for

    form = form_for(report.dataset, report.unit, report.period_obj)
    kept = []
    for row in form.rows:
        if row.indicator.source and row.computed is not None:
            kept.append(row.indicator.pk)
            DataValue.objects.update_or_create(
                indicator=row.indicator,
                unit=report.unit,
                period=report.period,
                defaults={
                    "period_start": report.period_start,
                    "period_end": report.period_end,
                    "value": row.computed,
                },
            )
    if kept:
        refresh_rollups(indicator_ids=kept, periods=[report.period], units=[report.unit])


def may_review(user: User, report: Report) -> bool:
    """Whether ``user`` acts on ``report`` now: it awaits a unit they review. An author of the
    report may still return it, never approve it (:func:`may_approve`)."""
    return (
        report.status == Report.Status.SUBMITTED
        and report.awaiting_unit is not None
        and user_can(user, report.awaiting_unit, R.REVIEW_REPORTS)
    )


def report_authors(report: Report) -> set[int]:
    """The ids of who wrote ``report``: whoever submitted it at any step, and whoever wrote
    any of its values — through the form, the Excel import or the API, which all write
    through ``values.write_changes``. Read from the report's steps, from each value's last
    writer, and from the audit trail, which keeps the writers of values since overwritten
    or cleared. Three queries."""
    authors = {report.submitted_by_id}
    authors |= set(
        ReportStep.objects.filter(report=report, action=ReportStep.Action.SUBMIT).values_list(
            "actor_id", flat=True
        )
    )
    members = dict(report.dataset.members.values_list("indicator_id", "indicator__code"))
    authors |= set(
        DataValue.objects.filter(
            unit_id=report.unit_id, period=report.period, indicator_id__in=members
        ).values_list("updated_by_id", flat=True)
    )
    codes = set(members.values())
    entries = AuditLog.objects.filter(
        object_type=Report._meta.label_lower, object_id=str(report.pk)
    ).values_list("actor_id", "changes")
    # A row naming an indicator's code is a write of values (what value_history shows).
    authors |= {actor_id for actor_id, changes in entries if codes & set(changes or {})}
    authors.discard(None)
    return authors


def may_approve(user: User, report: Report) -> bool:
    """Whether ``user`` may approve ``report`` now: they review it and did not write it."""
    return may_review(user, report) and not is_author(user, report_authors(report))


@transaction.atomic
def approve_report(*, actor: User, report: Report, comment: str = "") -> Report:
    """Approve at the level awaiting: the report climbs to the next ancestor, or is final
    when that level is the form's owner. Caller must review the awaiting unit (else
    PermissionDenied) and must not be one of its authors — four eyes, whatever roles they
    hold (else ``SelfApproval``, a Vietnamese refusal). Audited; the unit is told after
    commit when it is final."""
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("awaiting_unit")
        .get(pk=report.pk)
    )
    if not may_review(actor, report):
        raise PermissionDenied
    ensure_four_eyes(actor=actor, authors=report_authors(report))
    level = report.awaiting_unit
    owner = report.dataset.owner_unit
    if len(level.path) <= len(owner.path):
        report.status, report.awaiting_unit = Report.Status.APPROVED, None
    else:
        report.awaiting_unit = OrgUnit.objects.get_parent(level)
    report.save(update_fields=["status", "awaiting_unit", "updated_at"])
    ReportStep.objects.create(
        report=report,
        action=ReportStep.Action.APPROVE,
        at_unit=level,
        actor=actor,
        comment=comment.strip(),
    )
    record_audit(
        actor=actor,
        action=AuditLog.Action.REPORT_APPROVED,
        obj=report,
        unit=report.unit,
        # The status changes only at the last level; below it the report climbs a level.
        changes={
            "level": level.name,
            **diff({"status": Report.Status.SUBMITTED}, {"status": report.status}),
        },
    )
    url = reverse("reports:review", args=[report.pk])
    if report.status == Report.Status.APPROVED:
        subject = _("Báo cáo “%(form)s” kỳ %(period)s đã được duyệt.") % {
            "form": report.dataset,
            "period": report.period_label,
        }
        people = _reviewers_of(report.unit)
    else:
        subject = _("%(unit)s gửi báo cáo “%(form)s” kỳ %(period)s: chờ duyệt.") % {
            "unit": report.unit,
            "form": report.dataset,
            "period": report.period_label,
        }
        people = _reviewers_of(report.awaiting_unit)
    _notify(people, subject, url, actor)
    return report


@dataclass
class BulkApproval:
    """What :func:`approve_reports` did: how many it approved, and the reports it left
    waiting because ``actor`` wrote them (four eyes)."""

    approved: int = 0
    authored: list[Report] = field(default_factory=list)


@transaction.atomic
def approve_reports(*, actor: User, reports: Iterable[Report]) -> BulkApproval:
    """Approve, at the level awaiting, every one of ``reports`` that ``actor`` reviews and
    did not write (the others are left as they are): what a province does with the month's
    75 reports that raise no question. A report ``actor`` submitted or typed stays waiting
    for someone else and is named in the answer. Each step is audited as ``approve_report``
    does."""
    result = BulkApproval()
    for report in reports:
        if not may_review(actor, report):
            continue
        try:
            approve_report(actor=actor, report=report)
        except SelfApproval:
            result.authored.append(report)
        else:
            result.approved += 1
    return result


@transaction.atomic
def return_report(*, actor: User, report: Report, comment: str) -> Report:
    """Send a report back to its unit with a comment (required): its values unlock. Caller
    must review the awaiting unit, or — for an approved report — manage the form's owner.
    Audited; the unit is told after commit."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì."))
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("awaiting_unit")
        .get(pk=report.pk)
    )
    if report.status == Report.Status.APPROVED:
        if not user_can(actor, report.dataset.owner_unit, R.MANAGE_INDICATORS):
            raise PermissionDenied
        level = report.dataset.owner_unit
    elif may_review(actor, report):
        level = report.awaiting_unit
    else:
        raise PermissionDenied
    before = report.status
    report.status, report.awaiting_unit = Report.Status.RETURNED, None
    report.save(update_fields=["status", "awaiting_unit", "updated_at"])
    ReportStep.objects.create(
        report=report, action=ReportStep.Action.RETURN, at_unit=level, actor=actor, comment=comment
    )
    record_audit(
        actor=actor,
        action=AuditLog.Action.REPORT_RETURNED,
        obj=report,
        unit=report.unit,
        changes={"level": level.name, "status": [before, report.status]},
    )
    subject = _("Báo cáo “%(form)s” kỳ %(period)s bị trả lại: %(comment)s") % {
        "form": report.dataset,
        "period": report.period_label,
        "comment": comment[:200],
    }
    url = reverse("reports:entry", args=[report.dataset_id, report.unit_id, report.period])
    people = _reviewers_of(report.unit)
    _notify(people, subject, url, actor)
    return report


# --- Reminders


@transaction.atomic
def send_report_reminders(*, today: datetime.date, actor: User | None = None) -> int:
    """Tell the focal points of every unit late with a form — past its deadline, not sent —
    the day after the deadline, then every REPORT_REMINDER_EVERY_DAYS days; running it
    twice a day reminds nobody twice. In-app, and by e-mail when configured, after commit.
    Returns how many units were reminded."""
    from django.conf import settings

    from hocvuso.accounts.selectors import focal_points_by_unit
    from hocvuso.reports.models import Reminder
    from hocvuso.reports.selectors import late_units

    quiet = datetime.timedelta(days=max(1, settings.REPORT_REMINDER_EVERY_DAYS))
    reminded = 0
    for dataset in DataSet.objects.filter(is_active=True).select_related("owner_unit"):
        for period, units in late_units(dataset, today=today):
            recent = set(
                Reminder.objects.filter(
                    dataset=dataset, period=period.key, sent_on__gt=today - quiet
                ).values_list("unit_id", flat=True)
            )
            units = [u for u in units if u.pk not in recent]
            if not units:
                continue
            Reminder.objects.bulk_create(
                Reminder(dataset=dataset, unit=u, period=period.key, sent_on=today) for u in units
            )
            # One message per person, naming every late unit they answer for.
            late_by_user: dict[int, tuple[User, list[OrgUnit]]] = {}
            for unit_pk, users in focal_points_by_unit(units).items():
                for user in users:
                    late_by_user.setdefault(user.pk, (user, []))[1].append(
                        next(u for u in units if u.pk == unit_pk)
                    )
            for user, late in late_by_user.values():
                subject = _(
                    "Quá hạn nộp báo cáo “%(form)s” kỳ %(period)s (hạn %(deadline)s): %(units)s."
                ) % {
                    "form": dataset,
                    "period": period.label,
                    "deadline": dataset.deadline(period).strftime("%d/%m/%Y"),
                    "units": ", ".join(u.name for u in late[:10]) + ("…" if len(late) > 10 else ""),
                }
                url = (
                    reverse("reports:entry", args=[dataset.pk, late[0].pk, period.key])
                    if len(late) == 1
                    else reverse("reports:dataset", args=[dataset.pk]) + f"?period={period.key}"
                )
                _notify([user], subject, url, actor)
            reminded += len(units)
    return reminded
