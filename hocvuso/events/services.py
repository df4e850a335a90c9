"""Writes to events and bridge points. Each validates, writes and audits in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction

from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.events.models import BridgePoint, Event

if TYPE_CHECKING:
    from hocvuso.accounts.models import User
    from hocvuso.orgunits.models import OrgUnit

EVENT_FIELDS = ("title", "starts_at", "ends_at", "venue", "mode", "registration_closes_at")


@transaction.atomic
def create_event(*, actor: User | None, organiser: OrgUnit, title: str, **fields: Any) -> Event:
    """Create a ceremony. Caller holds MANAGE_PLANS on ``organiser``. Audited."""
    event = Event(organiser=organiser, title=title.strip(), **fields)
    event.full_clean()
    event.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=event,
        unit=organiser,
        changes=diff({}, snapshot(event, EVENT_FIELDS)),
    )
    return event


@transaction.atomic
def add_bridge_points(
    *, actor: User | None, event: Event, hosts: Iterable[OrgUnit], is_main: bool = False
) -> list[BridgePoint]:
    """Invite every unit in ``hosts`` as a bridge point, in bulk; units already invited are
    left as they are, so "every commune" can be run again after new communes are added.
    One audit row for the whole batch."""
    existing = set(event.bridge_points.values_list("host_id", flat=True))
    new = [
        BridgePoint(event=event, host=host, is_main=is_main)
        for host in dict.fromkeys(hosts)
        if host.pk not in existing
    ]
    BridgePoint.objects.bulk_create(new, batch_size=1000)
    if new:
        record_audit(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=event,
            unit=event.organiser,
            changes={"bridge_points_added": len(new)},
        )
    return new
