"""Indicators, targets and periodic forms: what is asked of whom. Audited."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.orgunits.models import OrgUnit
from hocvuso.reports.models import (
    DataSet,
    DataSetIndicator,
    Indicator,
    Target,
)

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
