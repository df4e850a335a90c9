"""Cross-cutting writes: the audit trail every service records into."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models

from hocvuso.core.models import AuditLog

if TYPE_CHECKING:
    from hocvuso.accounts.models import User
    from hocvuso.orgunits.models import OrgUnit

_NEVER_LOGGED = {"password"}


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The loggable values of ``fields`` on ``obj``: foreign keys by id, m2m by sorted ids."""
    values: dict[str, Any] = {}
    for name in fields:
        if name in _NEVER_LOGGED:
            continue
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
        elif field.is_relation:
            values[name] = getattr(obj, field.attname)
        else:
            value = getattr(obj, name)
            values[name] = (
                value if isinstance(value, str | int | float | bool | None) else str(value)
            )
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def record_audit(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    unit: OrgUnit | None = None,
    unit_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditLog:
    """Append one row to the audit trail. Call it inside the writing service's transaction.
    ``unit_id`` instead of ``unit`` saves fetching the unit on hot paths."""
    if unit is not None:
        unit_id = unit.pk
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        unit_id=unit_id,
        changes=changes or {},
    )
