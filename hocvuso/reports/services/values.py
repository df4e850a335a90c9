"""A unit's values: checked, stored, audited, and the figures up the tree recomputed in the
same transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.core.models import AuditLog
from hocvuso.core.tables.text import clean_typed
from hocvuso.orgunits.models import OrgUnit
from hocvuso.reports.models import (
    DataSet,
    DataValue,
    Indicator,
    Report,
    Rollup,
)
from hocvuso.reports.numbers import format_value, parse_value
from hocvuso.reports.periods import Period

if TYPE_CHECKING:
    from hocvuso.accounts.models import User


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
    is submitted or approved. Caller holds ENTER_DATA on ``unit``. Written by
    :func:`write_changes`: one audit row for the changed values, the figures up the tree
    recomputed in the same transaction."""
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
            if "\x00" in (text or ""):
                errors[str(pk)] = [_("Không được chứa ký tự rỗng (NUL).")]
            else:
                parsed[pk] = (None, clean_typed(text or "")[:2000])
            continue
        try:
            parsed[pk] = (parse_value(text, indicator), "")
        except ValidationError as exc:
            errors[str(pk)] = exc.messages
    if errors:
        raise ValidationError(errors)
    existing = {
        (unit.pk, v.indicator_id): v
        for v in DataValue.objects.select_for_update().filter(
            unit=unit, period=period.key, indicator_id__in=parsed
        )
    }
    changed = [
        (pk, number, text)
        for pk, (number, text) in parsed.items()
        if stored(existing.get((unit.pk, pk))) != (number, text)
    ]
    if changed:
        if report is None:
            report = get_or_create_report(dataset, unit, period)
        write_changes(
            actor=actor,
            dataset=dataset,
            period=period,
            changes=[(unit, changed)],
            existing=existing,
            indicators=members,
            reports={unit.pk: report},
        )
    now = {
        v.indicator_id: v
        for v in DataValue.objects.filter(unit=unit, period=period.key, indicator_id__in=parsed)
    }
    return {pk: SaveResult(now.get(pk), _display(now.get(pk), members[pk])) for pk in parsed}


# (unit, [(indicator pk, number, text)]) for each unit whose values change
Changes = list[tuple[OrgUnit, list[tuple[int, Decimal | None, str]]]]


def stored(value: DataValue | None) -> tuple[Decimal | None, str]:
    """A stored value as (number, text), as the parsers answer; (None, "") when absent."""
    return (value.value, value.text) if value is not None else (None, "")


def write_changes(
    *,
    actor: User | None,
    dataset: DataSet,
    period: Period,
    changes: Changes,
    existing: Mapping[tuple[int, int], DataValue],
    indicators: Mapping[int, Indicator],
    reports: Mapping[int, Report],
    note: Mapping[str, str] | None = None,
    action: str = AuditLog.Action.UPDATE,
) -> None:
    """Write the changed values of one or many units — the form and the import alike — in
    bulk: an empty value deletes the stored one; one audit row per changed report (each
    indicator's code: [old, new], plus ``note``); then the figures up the tree. ``existing``
    maps (unit pk, indicator pk) to the stored values, locked by the caller; ``reports``
    holds each changed unit's report. Call inside the caller's transaction."""
    now = timezone.now()
    new, updated, cleared, audits = [], [], [], []

    def shown(number: Decimal | None, text: str) -> str | None:
        return text or (str(number) if number is not None else None)

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
        report = reports[unit.pk]
        report.dataset, report.unit = dataset, unit  # for its name, without a query
        change_set = {
            indicators[pk].code: [
                shown(*stored(existing.get((unit.pk, pk)))),
                shown(number, text),
            ]
            for pk, number, text in changed
        }
        for key, value in (note or {}).items():
            change_set[key] = [None, value]
        audits.append(
            AuditLog(
                actor=actor,
                action=action,
                object_type=Report._meta.label_lower,
                object_id=str(report.pk),
                object_repr=str(report)[:255],
                unit_id=unit.pk,
                changes=change_set,
            )
        )
    DataValue.objects.filter(pk__in=cleared).delete()
    DataValue.objects.bulk_create(new, batch_size=1000)
    DataValue.objects.bulk_update(
        updated, ["value", "text", "updated_by", "updated_at"], batch_size=1000
    )
    # The audit rows record_audit() would write, in one statement for a province's file.
    AuditLog.objects.bulk_create(audits, batch_size=1000)
    numeric = {pk for _u, changed in changes for pk, _n, _t in changed if indicators[pk].is_numeric}
    if numeric:
        refresh_rollups(indicator_ids=numeric, periods=[period.key], units=[u for u, _c in changes])


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
