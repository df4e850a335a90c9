"""The forms a person reports or follows, a unit's form for a period, its reviews and history."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from hocvuso.core import roles as R
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import scope_for_user, scope_paths, user_can
from hocvuso.reports import periods as P
from hocvuso.reports.models import (
    DataSet,
    DataValue,
    Indicator,
    Report,
)
from hocvuso.reports.numbers import format_value

if TYPE_CHECKING:
    from hocvuso.accounts.models import User

from hocvuso.reports.selectors.figures import values_for

# --- Forms and what units report


def datasets_visible_to(user: User) -> list[DataSet]:
    """Active forms the user reports, reviews or manages: owned by one of the user's units,
    by an ancestor of one (a province's form, for a commune), or inside their subtree."""
    paths = scope_paths(user)
    forms = DataSet.objects.filter(is_active=True).select_related("owner_unit")
    if paths is None:
        return list(forms)
    return [
        d
        for d in forms
        if any(p.startswith(d.owner_unit.path) or d.owner_unit.path.startswith(p) for p in paths)
    ]


def get_dataset_for_user(user: User, pk: int, *, roles: Iterable[str] | None = None) -> DataSet:
    """A form the user reports or follows (else 404); with ``roles``, held on its owner unit
    (else 403): ``R.MANAGE_INDICATORS`` to change it."""
    for dataset in datasets_visible_to(user):
        if dataset.pk == pk:
            if roles is not None and not user_can(user, dataset.owner_unit, roles):
                raise PermissionDenied
            return dataset
    raise Http404


def assigned_units(dataset: DataSet, *, under: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    """The units that report ``dataset``: in its owner's subtree (and ``under``'s, when
    given), of an assigned kind or in an assigned group."""
    root = under if under is not None and under.path.startswith(dataset.owner_unit.path) else None
    qs = OrgUnit.objects.filter(path__startswith=(root or dataset.owner_unit).path)
    condition = Q(kind__in=dataset.assigned_kinds or [])
    group_ids = list(dataset.assigned_groups.values_list("pk", flat=True))
    if group_ids:
        condition |= Q(groups__in=group_ids)
    return qs.filter(condition).distinct().order_by("path")


def is_assigned(dataset: DataSet, unit: OrgUnit) -> bool:
    return assigned_units(dataset, under=unit).filter(pk=unit.pk).exists()


def entry_units_for(user: User, dataset: DataSet) -> QuerySet[OrgUnit]:
    """The units whose figures ``user`` may type for ``dataset``."""
    return scope_for_user(assigned_units(dataset), user, roles=R.ENTER_DATA)


def get_entry_unit(user: User, dataset: DataSet, pk: int) -> OrgUnit:
    """The unit whose form is opened: 404 outside the user's view or not assigned."""
    unit = scope_for_user(assigned_units(dataset), user).filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


@dataclass
class FormRow:
    indicator: Indicator
    is_required: bool
    value: DataValue | None
    display: str
    computed: Decimal | None = None  # for a computed indicator: its figure now
    problems: list[str] = field(default_factory=list)

    @property
    def is_typed(self) -> bool:
        return not self.indicator.is_computed


@dataclass
class EntryForm:
    dataset: DataSet
    unit: OrgUnit
    period: P.Period
    report: Report | None
    rows: list[FormRow]
    rule_problems: list[str]

    @property
    def deadline(self) -> datetime.date:
        return self.dataset.deadline(self.period)

    @property
    def missing(self) -> list[str]:
        from django.utils.translation import gettext as _

        return [
            _("Chưa nhập “%(name)s”.") % {"name": r.indicator.label}
            for r in self.rows
            if r.is_required and r.is_typed and r.value is None
        ]

    @property
    def blocking_problems(self) -> list[str]:
        return self.missing + self.rule_problems

    @property
    def is_locked(self) -> bool:
        return self.report is not None and self.report.is_locked


def form_for(dataset: DataSet, unit: OrgUnit, period: P.Period) -> EntryForm:
    """The form of ``unit`` for ``period``: each indicator with its value (typed or
    computed), and what the validation rules say. A constant number of queries."""
    from django.utils.translation import gettext as _

    members = list(dataset.members.select_related("indicator").order_by("position", "id"))
    stored = {
        v.indicator_id: v
        for v in DataValue.objects.filter(
            unit=unit, period=period.key, indicator_id__in=[m.indicator_id for m in members]
        )
    }
    report = Report.objects.filter(dataset=dataset, unit=unit, period=period.key).first()
    computed_indicators = [m.indicator for m in members if m.indicator.is_computed]
    computed = values_for(computed_indicators, [unit], [period]) if computed_indicators else {}
    rows: list[FormRow] = []
    numbers: dict[int, Decimal] = {}
    for m in members:
        ind, value = m.indicator, stored.get(m.indicator_id)
        row = FormRow(ind, m.is_required, value, "")
        if ind.is_computed:
            # A sent report shows what was sent; a draft, the figure as it stands now.
            kept = value.value if value is not None and report and report.is_locked else None
            row.computed = kept if kept is not None else computed.get((ind.pk, unit.pk, period.key))
            row.display = format_value(row.computed, ind)
            if row.computed is not None:
                numbers[ind.pk] = Decimal(row.computed)
        elif value is not None:
            row.display = value.text if ind.value_type == "text" else format_value(value.value, ind)
            if value.value is not None:
                numbers[ind.pk] = value.value
        rows.append(row)
    by_pk = {r.indicator.pk: r for r in rows}
    rule_problems: list[str] = []
    for rule in dataset.rules.select_related("left", "right"):
        left, right = numbers.get(rule.left_id), numbers.get(rule.right_id)
        if left is None or right is None or rule.holds(left, right):
            continue
        message = rule.message or _("“%(left)s” (%(lv)s) phải %(op)s “%(right)s” (%(rv)s).") % {
            "left": rule.left.label,
            "lv": format_value(left, rule.left),
            "op": rule.get_operator_display(),
            "right": rule.right.label,
            "rv": format_value(right, rule.right),
        }
        rule_problems.append(message)
        for pk in (rule.left_id, rule.right_id):
            if pk in by_pk:
                by_pk[pk].problems.append(message)
    return EntryForm(dataset, unit, period, report, rows, rule_problems)


def get_report_for_user(user: User, pk: int) -> Report:
    """A report its viewer may open (404 outside the user's units)."""
    qs = Report.objects.select_related("dataset", "unit", "awaiting_unit", "dataset__owner_unit")
    report = scope_for_user(qs, user, via="unit").filter(pk=pk).first()
    if report is None:
        # Reviewers of an ancestor see the reports awaiting them.
        report = qs.filter(pk=pk).first()
        if report is None or not (
            report.awaiting_unit and user_can(user, report.awaiting_unit, R.REVIEW_REPORTS)
        ):
            raise Http404
    return report


def pending_reviews(user: User) -> QuerySet[Report]:
    """Reports awaiting a unit where ``user`` reviews, oldest first."""
    qs = Report.objects.filter(status=Report.Status.SUBMITTED).select_related(
        "dataset", "unit", "awaiting_unit"
    )
    return scope_for_user(qs, user, via="awaiting_unit", roles=R.REVIEW_REPORTS).order_by(
        "submitted_at"
    )


def recent_periods(dataset: DataSet, today: datetime.date, n: int = 6) -> list[P.Period]:
    """The ``n`` latest periods of ``dataset``, newest first."""
    return P.last_n(dataset.period_type, n, today, dataset.window)[::-1]


def managed_units_for(user: User) -> QuerySet[OrgUnit]:
    """The provinces and communes where ``user`` sets targets and forms (MANAGE_INDICATORS)."""
    return (
        scope_for_user(OrgUnit.objects.all(), user, roles=R.MANAGE_INDICATORS)
        .filter(depth__lte=2)
        .order_by("path")
    )


@dataclass
class FormCell:
    period: P.Period
    deadline: datetime.date
    report: Report | None

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        sent = self.report is not None and self.report.status in (
            Report.Status.SUBMITTED,
            Report.Status.APPROVED,
        )
        return not sent and self.deadline < timezone.localdate()


@dataclass
class MyForm:
    dataset: DataSet
    periods: list[P.Period]
    rows: list[tuple[OrgUnit, list[FormCell]]]
    more_units: bool


def my_forms(user: User, *, today: datetime.date, periods: int = 3, units: int = 5) -> list[MyForm]:
    """For each form the user sees, the units whose figures they type (up to ``units``; who
    answers for more — a province's coordinator — follows them on the form's page instead)
    and where each of the latest ``periods`` periods stands. Two queries per form."""
    out = []
    for dataset in datasets_visible_to(user):
        recent = recent_periods(dataset, today, periods)
        mine = list(entry_units_for(user, dataset)[: units + 1])
        if len(mine) > units:
            out.append(MyForm(dataset, recent, [], True))
            continue
        reports = {
            (r.unit_id, r.period): r
            for r in Report.objects.filter(
                dataset=dataset,
                unit__in=mine,
                period__in=[p.key for p in recent],
            )
        }
        rows = [
            (
                unit,
                [FormCell(p, dataset.deadline(p), reports.get((unit.pk, p.key))) for p in recent],
            )
            for unit in mine
        ]
        out.append(MyForm(dataset, recent, rows, False))
    return out


@dataclass
class ValueChange:
    at: datetime.datetime
    actor: str
    indicator: str
    before: str | None
    after: str | None


def value_history(report: Report, *, limit: int = 200) -> list[ValueChange]:
    """Every change to the report's values, newest first, from the audit trail: who changed
    which figure from what to what. For whoever may open the report. One query."""
    from hocvuso.core.models import AuditLog

    labels = {
        m.indicator.code: m.indicator.label
        for m in report.dataset.members.select_related("indicator")
    }
    entries = (
        AuditLog.objects.filter(object_type="reports.report", object_id=str(report.pk))
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )

    def shown(text: str | None) -> str | None:
        # Numbers are logged as Decimal text ("1200.00"); show them as typed, 1.200.
        try:
            return format_value(Decimal(text)) if text is not None else None
        except ArithmeticError:
            return text

    changes = []
    for entry in entries:
        who = (entry.actor.get_full_name() or entry.actor.username) if entry.actor else ""
        for code, pair in entry.changes.items():
            if code in labels and isinstance(pair, list) and len(pair) == 2:
                before, after = (shown(v) for v in pair)
                changes.append(ValueChange(entry.created_at, who, labels[code], before, after))
    return changes
