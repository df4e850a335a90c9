"""Who has sent a form for a period, on time or late, and who is late."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hocvuso.orgunits.models import OrgUnit
from hocvuso.reports import periods as P
from hocvuso.reports.models import (
    DataSet,
    Report,
)

if TYPE_CHECKING:
    pass

from hocvuso.reports.selectors.forms import assigned_units

# --- Completeness and timeliness


@dataclass
class CompletenessRow:
    unit: OrgUnit
    assigned: int = 0
    on_time: int = 0
    late: int = 0
    approved: int = 0
    returned: int = 0
    report: Report | None = None  # when the row is a single assigned unit
    is_unit: bool = False  # the row is an assigned unit itself, not an area to drill into

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def missing(self) -> int:
        return self.assigned - self.submitted

    @property
    def percent(self) -> int | None:
        return round(100 * self.submitted / self.assigned) if self.assigned else None

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.assigned) if self.assigned else None


@dataclass
class Completeness:
    dataset: DataSet
    period: P.Period
    unit: OrgUnit
    total: CompletenessRow
    rows: list[CompletenessRow]
    missing_units: list[OrgUnit]
    deadline: datetime.date
    # (level, its figures) for each kind of unit that reports, top of the tree first
    by_level: list[tuple[str, CompletenessRow]] = field(default_factory=list)

    @property
    def areas(self) -> list[CompletenessRow]:
        """Rows that hold several reporting units: drill into them."""
        return [r for r in self.rows if not (r.is_unit and r.assigned == 1)]

    @property
    def by_status(self) -> list[tuple[str, list[CompletenessRow]]]:
        """The reporting units among the rows, grouped: not sent, sent late and waiting,
        waiting, approved."""
        from django.utils.translation import gettext as _

        groups: dict[str, list[CompletenessRow]] = {
            _("Chưa nộp"): [],
            _("Bị trả lại"): [],
            _("Nộp muộn"): [],
            _("Đã nộp, chờ duyệt"): [],
            _("Đã duyệt"): [],
        }
        labels = list(groups)
        for row in self.rows:
            if not (row.is_unit and row.assigned == 1):
                continue
            report = row.report
            if report is None or report.status == Report.Status.DRAFT:
                groups[labels[0]].append(row)
            elif report.status == Report.Status.RETURNED:
                groups[labels[1]].append(row)
            elif report.status == Report.Status.APPROVED:
                groups[labels[4]].append(row)
            elif report.is_late:
                groups[labels[2]].append(row)
            else:
                groups[labels[3]].append(row)
        return [(label, rows) for label, rows in groups.items() if rows]


def completeness(dataset: DataSet, period: P.Period, unit: OrgUnit) -> Completeness:
    """Who has sent ``dataset`` for ``period`` under ``unit``: per child of ``unit`` (drill
    down by calling again with a child), on time, late, approved or not yet; and the units
    still missing. Three queries at any size."""
    assigned = list(assigned_units(dataset, under=unit).only("pk", "path", "name", "kind"))
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(
            dataset=dataset, period=period.key, unit_id__in=[u.pk for u in assigned]
        )
    }
    children = {
        c.path: c for c in OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
    }
    step = OrgUnit.steplen
    total = CompletenessRow(unit)
    rows: dict[str, CompletenessRow] = {}
    # Per level of the tree, by kind (communes, villages …), keyed by the kind's label.
    levels: dict[str, CompletenessRow] = {}
    missing: list[OrgUnit] = []
    for u in assigned:
        key = u.path[: len(unit.path) + step] if len(u.path) > len(unit.path) else u.path
        row = rows.get(key)
        if row is None:
            row = rows[key] = CompletenessRow(children.get(key, u))
        report = reports.get(u.pk)
        level = levels.get(u.kind)
        if level is None:
            level = levels[u.kind] = CompletenessRow(u)
        for r in (row, total, level):
            r.assigned += 1
            if report is None or report.status in (Report.Status.DRAFT,):
                continue
            if report.status == Report.Status.RETURNED:
                r.returned += 1
                continue
            if report.is_late:
                r.late += 1
            else:
                r.on_time += 1
            if report.status == Report.Status.APPROVED:
                r.approved += 1
        if u.path == key:
            row.report, row.is_unit = report, True
        if report is None or report.status in (Report.Status.DRAFT, Report.Status.RETURNED):
            missing.append(u)
    ordered = sorted(rows.values(), key=lambda r: (r.percent or 0, r.unit.name))
    kinds = list(OrgUnit.Kind.values)
    by_level = [
        (OrgUnit.Kind(kind).label, levels[kind]) for kind in sorted(levels, key=kinds.index)
    ]
    return Completeness(
        dataset, period, unit, total, ordered, missing, dataset.deadline(period), by_level
    )


def late_units(dataset: DataSet, *, today: datetime.date) -> list[tuple[P.Period, list[OrgUnit]]]:
    """The latest period of ``dataset`` whose deadline has passed, with the assigned units
    that have not sent it."""
    period = dataset.period_of(today)
    while dataset.deadline(period) >= today:
        period = P.preceding(period, dataset.window)
    sent = set(
        Report.objects.filter(
            dataset=dataset,
            period=period.key,
            status__in=[Report.Status.SUBMITTED, Report.Status.APPROVED],
        ).values_list("unit_id", flat=True)
    )
    missing = [u for u in assigned_units(dataset) if u.pk not in sent]
    return [(period, missing)] if missing else []
