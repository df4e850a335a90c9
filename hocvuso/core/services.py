"""Cross-cutting writes: the audit trail every service records into."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models

from hocvuso.core.models import AuditLog
from hocvuso.core.tables.text import clean_typed

if TYPE_CHECKING:
    from hocvuso.accounts.models import User
    from hocvuso.orgunits.models import OrgUnit

# Secrets never reach the trail, whoever passes them: a password (even hashed), the secret
# links of bridge points and delegates, an API token's hash.
_NEVER_LOGGED = {"password", "access_token", "rsvp_token", "secret_hash"}


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
    """``{field: [old, new]}`` for what changed; a field only in ``before`` (a deleted
    object's, ``diff(snapshot(obj, fields), {})``) is kept as ``[old, None]``."""
    changed = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    gone = {k: [v, None] for k, v in before.items() if k not in after and v is not None}
    return {**changed, **gone}


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

    ``action`` is one of ``AuditLog.Action``: the most specific kind that fits (a report
    approved, a role granted), plain create/update/delete otherwise. ``unit_id`` instead of
    ``unit`` saves fetching the unit on hot paths. Secret fields are dropped from ``changes``
    whoever passes them."""
    if action not in AuditLog.Action.values:
        raise ValueError(f"Unknown audit action {action!r}")
    if unit is not None:
        unit_id = unit.pk
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=clean_typed(str(obj))[:255],
        unit_id=unit_id,
        changes={k: v for k, v in (changes or {}).items() if k not in _NEVER_LOGGED},
    )
