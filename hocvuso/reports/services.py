"""Writes to indicators, targets, forms, values and reports. Each validates, writes and
audits in one transaction; figures up the tree are recomputed in that same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.core import roles as R
from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import user_can
from hocvuso.reports.models import (
    DataSet,
    DataSetIndicator,
    DataValue,
    Indicator,
    Report,
    ReportStep,
    Rollup,
    Target,
)
from hocvuso.reports.numbers import format_value, parse_value
from hocvuso.reports.periods import Period

if TYPE_CHECKING:
    from hocvuso.accounts.models import User

INDICATOR_FIELDS = (
    "code",
    "name",
    "short_name",
    "value_type",
    "aggregation",
    "over_time",
    "unit_of_measure",
    "numerator",
    "denominator",
    "source",
    "is_public",
)


# --- Indicators, targets, forms


@transaction.atomic
def create_indicator(*, actor: User | None, code: str, name: str, **fields: Any) -> Indicator:
    """A new indicator. Caller holds MANAGE_INDICATORS. Audited."""
    indicator = Indicator(code=code, name=name, **fields)
    indicator.full_clean()
    indicator.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=indicator,
        changes=diff({}, snapshot(indicator, INDICATOR_FIELDS)),
    )
    return indicator


@transaction.atomic
def set_target(
    *, actor: User | None, indicator: Indicator, unit: OrgUnit, year: int, value: Decimal
) -> Target:
    """What ``unit`` must reach on ``indicator`` by the end of ``year``; replaces the old
    target. Caller holds MANAGE_INDICATORS on ``unit``. Audited."""
    target, created = Target.objects.get_or_create(
        indicator=indicator, unit=unit, year=year, defaults={"value": value}
    )
    before = None if created else target.value
    if not created and target.value != value:
        target.value = value
        target.save(update_fields=["value"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE if created else AuditLog.Action.UPDATE,
        obj=target,
        unit=unit,
        changes={"value": [str(before) if before is not None else None, str(value)]},
    )
    return target


@transaction.atomic
def create_dataset(
    *,
    actor: User | None,
    owner_unit: OrgUnit,
    code: str,
    name: str,
    indicators: Iterable[Indicator],
    assigned_kinds: Iterable[str] = (),
    required: Iterable[Indicator] = (),
    **fields: Any,
) -> DataSet:
    """A periodic form owned by ``owner_unit``, reported by the units of its subtree of
    ``assigned_kinds`` (and of the groups set afterwards). Caller holds MANAGE_INDICATORS on
    ``owner_unit``. Audited."""
    dataset = DataSet(
        owner_unit=owner_unit, code=code, name=name, assigned_kinds=list(assigned_kinds), **fields
    )
    dataset.full_clean()
    dataset.save()
    required_ids = {i.pk for i in required}
    DataSetIndicator.objects.bulk_create(
        DataSetIndicator(dataset=dataset, indicator=i, position=n, is_required=i.pk in required_ids)
        for n, i in enumerate(indicators)
    )
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=dataset,
        unit=owner_unit,
        changes={"name": [None, name], "period_type": [None, dataset.period_type]},
    )
    return dataset


# --- Values


@dataclass
class SaveResult:
    value: DataValue | None
    display: str
    problems: list[str] = field(default_factory=list)


def _locked_message(report: Report | None) -> str | None:
    if report is not None and report.is_locked:
        return _("Báo cáo đã gửi hoặc đã duyệt: không sửa được số liệu.")
    return None


def get_or_create_report(dataset: DataSet, unit: OrgUnit, period: Period) -> Report:
    report, _created = Report.objects.get_or_create(
        dataset=dataset,
        unit=unit,
        period=period.key,
        defaults={
            "period_start": period.start,
            "period_end": period.end,
            "deadline": dataset.deadline(period),
        },
    )
    return report


@transaction.atomic
def save_values(
    *,
    actor: User | None,
    dataset: DataSet,
    unit: OrgUnit,
    period: Period,
    values: Mapping[int, str],
) -> dict[int, SaveResult]:
    """Store what a unit typed for some of ``dataset``'s indicators (``{indicator pk: text}``;
    an empty text clears the value). Every cell is checked first and nothing is saved if one
    is wrong (ValidationError mapping indicator pk to its message). Refused while the report
    is submitted or approved. Caller holds ENTER_DATA on ``unit``. One audit row per changed
    value; the figures up the tree are recomputed in the same transaction."""
    report = (
        Report.objects.select_for_update()
        .filter(dataset=dataset, unit=unit, period=period.key)
        .first()
    )
    if locked := _locked_message(report):
        raise ValidationError(locked)
    members = {
        m.indicator_id: m.indicator
        for m in dataset.members.select_related("indicator").filter(indicator_id__in=values)
    }
    parsed: dict[int, tuple[Decimal | None, str]] = {}
    errors: dict[str, list[str]] = {}
    for pk, text in values.items():
        indicator = members.get(pk)
        if indicator is None or indicator.is_computed:
            errors[str(pk)] = [_("Chỉ tiêu này không nhập tay trong biểu mẫu.")]
            continue
        if indicator.value_type == Indicator.ValueType.TEXT:
            parsed[pk] = (None, (text or "").strip()[:2000])
            continue
        try:
            parsed[pk] = (parse_value(text, indicator), "")
        except ValidationError as exc:
            errors[str(pk)] = exc.messages
    if errors:
        raise ValidationError(errors)
    if report is None:
        report = get_or_create_report(dataset, unit, period)
    existing = {
        v.indicator_id: v
        for v in DataValue.objects.select_for_update().filter(
            unit=unit, period=period.key, indicator_id__in=parsed
        )
    }
    results: dict[int, SaveResult] = {}
    changed: set[int] = set()
    for pk, (number, text) in parsed.items():
        indicator = members[pk]
        current = existing.get(pk)
        old = (current.value, current.text) if current else (None, "")
        if old == (number, text):
            results[pk] = SaveResult(current, _display(current, indicator))
            continue
        if number is None and not text:
            if current is not None:
                current.delete()
            current = None
        elif current is None:
            current = DataValue.objects.create(
                indicator=indicator,
                unit=unit,
                period=period.key,
                period_start=period.start,
                period_end=period.end,
                value=number,
                text=text,
                updated_by=actor,
            )
        else:
            current.value, current.text, current.updated_by = number, text, actor
            current.save(update_fields=["value", "text", "updated_by", "updated_at"])
        changed.add(pk)
        record_audit(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=report,
            unit=unit,
            changes={
                indicator.code: [
                    old[1] or (str(old[0]) if old[0] is not None else None),
                    text or (str(number) if number is not None else None),
                ]
            },
        )
        results[pk] = SaveResult(current, _display(current, indicator))
    numeric = [pk for pk in changed if members[pk].is_numeric]
    if numeric:
        refresh_rollups(indicator_ids=numeric, periods=[period.key], units=[unit])
    return results


def _display(value: DataValue | None, indicator: Indicator) -> str:
    if value is None:
        return ""
    return (
        value.text
        if indicator.value_type == Indicator.ValueType.TEXT
        else format_value(value.value, indicator)
    )


def refresh_rollups(
    *,
    indicator_ids: Iterable[int],
    periods: Iterable[str],
    units: Iterable[OrgUnit] | None = None,
) -> None:
    """Recompute the subtree sums and counts of these indicators and periods for the
    ancestors of ``units`` (every unit, when None): set-based, one statement per depth, the
    same for one value or a province's million. Call inside the writing transaction."""
    indicator_ids, periods = sorted(set(indicator_ids)), sorted(set(periods))
    if not indicator_ids or not periods:
        return
    step = OrgUnit.steplen
    if units is None:
        ancestors = None
        depths = sorted(set(OrgUnit.objects.values_list("depth", flat=True).distinct().order_by()))
    else:
        ancestors = sorted(
            {u.path[:end] for u in units for end in range(step, len(u.path) + 1, step)}
        )
        depths = sorted({len(p) // step for p in ancestors})
    values, units_table = DataValue._meta.db_table, OrgUnit._meta.db_table
    rollups = Rollup._meta.db_table
    ind_marks = ", ".join(["%s"] * len(indicator_ids))
    per_marks = ", ".join(["%s"] * len(periods))
    cells = f"indicator_id IN ({ind_marks}) AND period IN ({per_marks})"
    with connection.cursor() as cursor:
        if ancestors is None:
            cursor.execute(f"DELETE FROM {rollups} WHERE {cells}", [*indicator_ids, *periods])  # noqa: S608
        else:
            anc_marks = ", ".join(["%s"] * len(ancestors))
            cursor.execute(
                f"DELETE FROM {rollups} WHERE {cells} AND unit_id IN "  # noqa: S608
                f"(SELECT id FROM {units_table} WHERE path IN ({anc_marks}))",
                [*indicator_ids, *periods, *ancestors],
            )
        for depth in depths:
            length = depth * step
            scope, params = "", []
            if ancestors is not None:
                at_depth = [p for p in ancestors if len(p) == length]
                scope = f" AND a.path IN ({', '.join(['%s'] * len(at_depth))})"
                params = at_depth
            cursor.execute(
                f"INSERT INTO {rollups} (indicator_id, unit_id, period, period_start, period_end, "  # noqa: S608
                f"total, count) SELECT v.indicator_id, a.id, v.period, MIN(v.period_start), "
                f"MIN(v.period_end), SUM(v.value), COUNT(v.value) "
                f"FROM {values} v JOIN {units_table} u ON u.id = v.unit_id "
                f"JOIN {units_table} a ON a.path = SUBSTR(u.path, 1, {length}) "
                f"WHERE v.indicator_id IN ({ind_marks}) AND v.period IN ({per_marks}) "
                f"AND v.value IS NOT NULL AND u.depth >= {depth}{scope} "
                f"GROUP BY v.indicator_id, a.id, v.period",
                [*indicator_ids, *periods, *params],
            )


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
        action=AuditLog.Action.UPDATE,
        obj=report,
        unit=report.unit,
        changes={"status": [Report.Status.DRAFT, report.status]},
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
    return (
        report.status == Report.Status.SUBMITTED
        and report.awaiting_unit is not None
        and user_can(user, report.awaiting_unit, R.REVIEW_REPORTS)
    )


@transaction.atomic
def approve_report(*, actor: User, report: Report, comment: str = "") -> Report:
    """Approve at the level awaiting: the report climbs to the next ancestor, or is final
    when that level is the form's owner. Caller must review the awaiting unit (else
    PermissionDenied). Audited; the unit is told after commit when it is final."""
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("awaiting_unit")
        .get(pk=report.pk)
    )
    if not may_review(actor, report):
        raise PermissionDenied
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
        action=AuditLog.Action.UPDATE,
        obj=report,
        unit=report.unit,
        changes={"approved_at": [None, level.name]},
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
        action=AuditLog.Action.UPDATE,
        obj=report,
        unit=report.unit,
        changes={"status": [before, report.status]},
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


@transaction.atomic
def set_plan01_targets(*, actor: User | None, unit: OrgUnit) -> list[Target]:
    """Give ``unit`` Plan 01-KH/BCĐTW's share targets (80 % in 2025, 100 % in 2026 …) for
    the built-in indicators; a target set by hand is replaced. Audited per target."""
    from hocvuso.reports.builtin import PLAN01_SHARE_TARGETS

    indicators = Indicator.objects.in_bulk(list(PLAN01_SHARE_TARGETS), field_name="code")
    return [
        set_target(actor=actor, indicator=indicators[code], unit=unit, year=year, value=Decimal(v))
        for code, by_year in PLAN01_SHARE_TARGETS.items()
        if code in indicators
        for year, v in by_year.items()
    ]


@transaction.atomic
def create_monthly_form(*, actor: User | None, owner_unit: OrgUnit, code: str) -> DataSet:
    """The built-in monthly form (MONTHLY_FORM) owned by ``owner_unit``, sent by every commune
    of its subtree five days after each month, with its rules across fields."""
    from hocvuso.reports.builtin import MONTHLY_FORM, MONTHLY_FORM_REQUIRED, MONTHLY_FORM_RULES
    from hocvuso.reports.models import ValidationRule

    by_code = Indicator.objects.in_bulk(MONTHLY_FORM, field_name="code")
    dataset = create_dataset(
        actor=actor,
        owner_unit=owner_unit,
        code=code,
        name=_("Báo cáo tháng phong trào “Bình dân học vụ số”"),
        indicators=[by_code[c] for c in MONTHLY_FORM],
        required=[by_code[c] for c in MONTHLY_FORM_REQUIRED],
        assigned_kinds=[OrgUnit.Kind.COMMUNE],
        deadline_days=5,
    )
    ValidationRule.objects.bulk_create(
        ValidationRule(dataset=dataset, left=by_code[a], operator=op, right=by_code[b])
        for a, op, b in MONTHLY_FORM_RULES
    )
    return dataset


# --- Figures of many units from a file

if TYPE_CHECKING:
    from typing import IO


@dataclass
class ValuesImport:
    units: int  # units named in the file
    changed: int  # values added, changed or cleared


@transaction.atomic
def import_values(
    *,
    actor: User,
    dataset: DataSet,
    unit: OrgUnit,
    period: Period,
    filename: str,
    stream: IO[bytes],
) -> ValuesImport:
    """Store the figures of many units for ``period`` from a filled template of ``dataset``
    (Excel or CSV, see ``reports.importers``): all rows or none. Each row's unit must report
    ``dataset`` inside ``unit``'s subtree, where ``actor`` holds ENTER_DATA; a unit whose
    report is submitted or approved keeps its figures (a row that would change them is
    refused). Raises ``ImportRejected`` naming every bad row by its line. As ``save_values``
    does: a draft report is opened for a unit whose figures change, each changed report gets
    one audit row (each indicator's old and new value, and the file's name), and the figures
    up the tree are recomputed once, in the same transaction. Caller checks ENTER_DATA on
    ``unit``."""
    from hocvuso.reports import importers

    content = stream.read(importers.MAX_BYTES + 1)
    values_file = importers.read_values(filename, content, dataset=dataset, period=period)
    matched, errors = importers.match_units(values_file, actor=actor, dataset=dataset, under=unit)
    unit_ids = [u.pk for _row, u in matched]
    indicators = {i.pk: i for i in importers.typed_indicators(dataset)}
    reports = {
        r.unit_id: r
        for r in Report.objects.select_for_update().filter(
            dataset=dataset, period=period.key, unit_id__in=unit_ids
        )
    }
    existing = {
        (v.unit_id, v.indicator_id): v
        for v in DataValue.objects.select_for_update().filter(
            unit_id__in=unit_ids, period=period.key, indicator_id__in=indicators
        )
    }
    changes: list[tuple[OrgUnit, list[tuple[int, Decimal | None, str]]]] = []
    for row, row_unit in matched:
        changed = [
            (pk, number, text)
            for pk, (number, text) in row.values.items()
            if _stored(existing.get((row_unit.pk, pk))) != (number, text)
        ]
        if not changed:
            continue
        if (report := reports.get(row_unit.pk)) is not None and report.is_locked:
            errors.append(importers.RowError(row.line, _locked_row(row_unit)))
        changes.append((row_unit, changed))
    if errors:
        raise importers.reject(errors)
    _open_reports(dataset, period, [u for u, _c in changes], reports)
    _write_imported(actor, period, changes, existing, indicators)
    _audit_imported(actor, dataset, changes, existing, indicators, reports, filename)
    numeric = {pk for _u, changed in changes for pk, _n, _t in changed if indicators[pk].is_numeric}
    if numeric:
        refresh_rollups(indicator_ids=numeric, periods=[period.key], units=[u for u, _c in changes])
    return ValuesImport(len(matched), sum(len(changed) for _u, changed in changes))


def _stored(value: DataValue | None) -> tuple[Decimal | None, str]:
    return (value.value, value.text) if value is not None else (None, "")


def _locked_row(unit: OrgUnit) -> str:
    return _("báo cáo của “%(unit)s” đã gửi hoặc đã duyệt: không sửa được số liệu.") % {
        "unit": unit.name
    }


def _open_reports(
    dataset: DataSet, period: Period, units: list[OrgUnit], reports: dict[int, Report]
) -> None:
    """A draft report for each of ``units`` that has none, added to ``reports``; refused
    (ImportRejected) if another request sent one of them meanwhile."""
    from hocvuso.orgunits.importers import ImportRejected, RowError

    missing = [u for u in units if u.pk not in reports]
    if not missing:
        return
    Report.objects.bulk_create(
        [
            Report(
                dataset=dataset,
                unit=u,
                period=period.key,
                period_start=period.start,
                period_end=period.end,
                deadline=dataset.deadline(period),
            )
            for u in missing
        ],
        ignore_conflicts=True,  # opened by another request meanwhile: locked and read below
    )
    opened = Report.objects.select_for_update().filter(
        dataset=dataset, period=period.key, unit_id__in=[u.pk for u in missing]
    )
    for report in opened:
        reports[report.unit_id] = report
        if report.is_locked:
            unit = next(u for u in missing if u.pk == report.unit_id)
            raise ImportRejected([RowError(0, _locked_row(unit))])


def _write_imported(
    actor: User,
    period: Period,
    changes: list[tuple[OrgUnit, list[tuple[int, Decimal | None, str]]]],
    existing: dict[tuple[int, int], DataValue],
    indicators: dict[int, Indicator],
) -> None:
    now = timezone.now()
    new, updated, cleared = [], [], []
    for unit, changed in changes:
        for pk, number, text in changed:
            current = existing.get((unit.pk, pk))
            if number is None and not text:
                cleared.append(current.pk)
            elif current is None:
                new.append(
                    DataValue(
                        indicator=indicators[pk],
                        unit=unit,
                        period=period.key,
                        period_start=period.start,
                        period_end=period.end,
                        value=number,
                        text=text,
                        updated_by=actor,
                    )
                )
            else:
                updated.append(
                    DataValue(
                        pk=current.pk, value=number, text=text, updated_by=actor, updated_at=now
                    )
                )
    DataValue.objects.filter(pk__in=cleared).delete()
    DataValue.objects.bulk_create(new, batch_size=1000)
    DataValue.objects.bulk_update(
        updated, ["value", "text", "updated_by", "updated_at"], batch_size=1000
    )


def _audit_imported(
    actor: User,
    dataset: DataSet,
    changes: list[tuple[OrgUnit, list[tuple[int, Decimal | None, str]]]],
    existing: dict[tuple[int, int], DataValue],
    indicators: dict[int, Indicator],
    reports: dict[int, Report],
    filename: str,
) -> None:
    """One audit row per changed report, as ``record_audit`` writes it, in one statement."""

    def shown(number: Decimal | None, text: str) -> str | None:
        return text or (str(number) if number is not None else None)

    rows = []
    for unit, changed in changes:
        report = reports[unit.pk]
        report.dataset, report.unit = dataset, unit  # for its name, without a query
        change_set: dict[str, list[str | None]] = {
            indicators[pk].code: [
                shown(*_stored(existing.get((unit.pk, pk)))),
                shown(number, text),
            ]
            for pk, number, text in changed
        }
        change_set["file"] = [None, filename[:100]]
        rows.append(
            AuditLog(
                actor=actor,
                action=AuditLog.Action.UPDATE,
                object_type=Report._meta.label_lower,
                object_id=str(report.pk),
                object_repr=str(report)[:255],
                unit_id=unit.pk,
                changes=change_set,
            )
        )
    AuditLog.objects.bulk_create(rows, batch_size=1000)
