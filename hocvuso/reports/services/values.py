"""A unit's values: checked, stored, audited, and the figures up the tree recomputed in the
same transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from hocvuso.core.models import AuditLog
from hocvuso.core.services import record_audit
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
