"""Writes to events and bridge points. Each validates, writes and audits in one transaction."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.events.models import (
    Attendance,
    AttendanceCategory,
    AttendanceSubmission,
    BridgePoint,
    Event,
    ProgramItem,
    Quota,
)

if TYPE_CHECKING:
    from hocvuso.accounts.models import User
    from hocvuso.orgunits.models import OrgUnit
    from hocvuso.plans.models import Plan

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


@transaction.atomic
def report_attendance(
    *,
    bridge_point: BridgePoint,
    submission_id: uuid.UUID,
    counts: Mapping[str, int],
    field: str = "expected",
) -> bool:
    """Set a bridge point's counts by category ("expected" before the cut-off, "actual" on
    the day). Returns False, changing nothing, when this submission was already received.
    Reported from the bridge point's secret link, so there is no user; audited all the same."""
    if field not in ("expected", "actual"):
        raise ValueError(field)
    for category, count in counts.items():
        if category not in AttendanceCategory.values:
            raise ValidationError(_("Thành phần “%(c)s” không có.") % {"c": category})
        if count < 0:
            raise ValidationError(_("Số người không được âm."))
    created = AttendanceSubmission.objects.get_or_create(
        id=submission_id, defaults={"bridge_point": bridge_point}
    )[1]
    if not created:
        return False
    for category, count in counts.items():
        Attendance.objects.update_or_create(
            bridge_point=bridge_point, category=category, defaults={field: count}
        )
    record_audit(
        actor=None,
        action=AuditLog.Action.UPDATE,
        obj=bridge_point,
        unit=bridge_point.host,
        changes={field: dict(counts)},
    )
    return True


def _starts_at(plan: Plan) -> datetime.datetime | None:
    details = plan.details or {}
    event = details.get("event") or {}
    if event.get("starts_at"):
        moment = datetime.datetime.fromisoformat(event["starts_at"])
    elif (details.get("period") or {}).get("start"):
        at = datetime.time.fromisoformat(event.get("program_start") or "08:00")
        moment = datetime.datetime.combine(
            datetime.date.fromisoformat(details["period"]["start"]), at
        )
    else:
        return None
    return timezone.make_aware(moment)


@transaction.atomic
def create_event_from_plan(*, actor: User | None, plan: Plan) -> Event:
    """The ceremony a plan organises, from what the plan reader took from it: venue, mode,
    start, quotas with their sub-quotas, and the run-of-show with its caps."""
    details = (plan.details or {}).get("event")
    if not details:
        raise ValidationError(_("Kế hoạch này không tổ chức buổi lễ nào."))
    starts_at = _starts_at(plan)
    if starts_at is None:
        raise ValidationError(_("Kế hoạch chưa ghi thời gian tổ chức buổi lễ."))
    event = create_event(
        actor=actor,
        organiser=plan.issuing_unit,
        plan=plan,
        title=plan.title,
        starts_at=starts_at,
        venue=(details.get("venue") or "")[:300],
        mode=details.get("mode") or Event.Mode.HYBRID,
    )
    for position, item in enumerate(details.get("quotas") or [], start=1):
        quota = Quota.objects.create(
            event=event, position=position, group=item["group"][:300], count=item["count"]
        )
        Quota.objects.bulk_create(
            Quota(event=event, parent=quota, position=n, group=s["group"][:300], count=s["count"])
            for n, s in enumerate(item.get("sub") or [], start=1)
        )
    ProgramItem.objects.bulk_create(
        ProgramItem(event=event, position=n, title=p["title"][:500], cap_minutes=p["cap_minutes"])
        for n, p in enumerate(details.get("program") or [], start=1)
    )
    return event
