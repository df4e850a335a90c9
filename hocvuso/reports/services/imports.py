"""Figures of many units from one Excel or CSV file: all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from hocvuso.core.models import AuditLog
from hocvuso.orgunits.models import OrgUnit
from hocvuso.reports.models import (
    DataSet,
    DataValue,
    Report,
)
from hocvuso.reports.periods import Period
from hocvuso.reports.services.values import Changes, stored, write_changes

if TYPE_CHECKING:
    from hocvuso.accounts.models import User


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
    changes: Changes = []
    for row, row_unit in matched:
        changed = [
            (pk, number, text)
            for pk, (number, text) in row.values.items()
            if stored(existing.get((row_unit.pk, pk))) != (number, text)
        ]
        if not changed:
            continue
        if (report := reports.get(row_unit.pk)) is not None and report.is_locked:
            errors.append(importers.RowError(row.line, _locked_row(row_unit)))
        changes.append((row_unit, changed))
    if errors:
        raise importers.reject(errors)
    _open_reports(dataset, period, [u for u, _c in changes], reports)
    write_changes(
        actor=actor,
        dataset=dataset,
        period=period,
        changes=changes,
        existing=existing,
        indicators=indicators,
        reports=reports,
        note={"file": filename[:100]},
        action=AuditLog.Action.IMPORT,
    )
    return ValuesImport(len(matched), sum(len(changed) for _u, changed in changes))


def _locked_row(unit: OrgUnit) -> str:
    return _("báo cáo của “%(unit)s” đã gửi hoặc đã duyệt: không sửa được số liệu.") % {
        "unit": unit.name
    }


def _open_reports(
    dataset: DataSet, period: Period, units: list[OrgUnit], reports: dict[int, Report]
) -> None:
    """A draft report for each of ``units`` that has none, added to ``reports``; refused
    (ImportRejected) if another request sent one of them meanwhile."""
    from hocvuso.core.tables import ImportRejected, RowError

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
