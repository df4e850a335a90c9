"""Writes to events and bridge points. Each validates, writes and audits in one transaction."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.core.models import AuditLog
from hocvuso.core.ordering import swap_with_neighbour
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.events import live
from hocvuso.events.models import (
    Attendance,
    AttendanceCategory,
    AttendanceSubmission,
    AttendeeName,
    BridgePoint,
    Delegate,
    Event,
    ProgramItem,
    Quota,
    RegistryEntry,
    new_access_token,
)

if TYPE_CHECKING:
    from hocvuso.accounts.models import User
    from hocvuso.orgunits.models import OrgUnit
    from hocvuso.plans.models import Plan

POINT_LIVE_FIELDS = ("status", "trouble_note", "checked_in_at")
# A sanity bound that catches a typo (an extra zero) before it reaches the province's tally.
MAX_PEOPLE_PER_CATEGORY = 100_000
EVENT_FIELDS = ("title", "starts_at", "ends_at", "venue", "mode", "registration_closes_at")
# Written by create_event_from_plan from the plan, not edited with the event.
PLAN_FACT_FIELDS = ("date_text", "window_start", "window_end")


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
        changes=diff({}, snapshot(event, (*EVENT_FIELDS, *PLAN_FACT_FIELDS))),
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
        BridgePoint(event=event, host=host, is_main=is_main, **_point_defaults(event, host))
        for host in dict.fromkeys(hosts)
        if host.pk not in existing
    ]
    BridgePoint.objects.bulk_create(new, batch_size=1000)
    if new:
        record_audit(
            actor=actor,
            action=AuditLog.Action.POINTS_INVITED,
            obj=event,
            unit=event.organiser,
            changes={"bridge_points_added": len(new)},
        )
    return new


def _point_defaults(event: Event, host: OrgUnit) -> dict[str, str]:
    """The chair and attendees the plan sets for points at the host's level ("Đồng chí Bí
    thư chi bộ thôn chủ trì" for every village)."""
    defaults = (event.point_defaults or {}).get(host.kind) or {}
    return {
        "chair": (defaults.get("chair") or "")[:200],
        "attendees": defaults.get("attendees") or "",
    }


@transaction.atomic
def report_attendance(
    *,
    bridge_point: BridgePoint,
    submission_id: uuid.UUID,
    counts: Mapping[str, int],
    field: str = "expected",
    actor: User | None = None,
) -> bool:
    """Set a bridge point's counts by category: "expected" until the registration cut-off,
    "actual" from the day of the ceremony. Returns False, changing nothing, when this
    submission was already received. Reported from the bridge point's secret link, with no
    user, or through the API by ``actor`` (who holds REPORT_TASKS on the host or MANAGE_PLANS
    on the organiser: ``selectors.get_point_for_reporter``); audited either way. A few short
    statements whatever the number of categories: thousands of bridge points report in the
    same minutes."""
    if field not in ("expected", "actual"):
        raise ValueError(field)
    _check_counts(counts)
    event = bridge_point.event
    now = timezone.now()
    if field == "expected":
        _check_registration_open(event, now)
    if field == "actual" and not _on_or_after_the_day(event, now):
        raise ValidationError(_("Số người dự thực tế chỉ báo cáo từ ngày diễn ra buổi lễ."))
    created = AttendanceSubmission.objects.get_or_create(
        id=submission_id, defaults={"bridge_point": bridge_point}
    )[1]
    if not created:
        return False
    # Two phones of one point submitting at once take turns, so each point's totals are
    # summed over what the other committed.
    BridgePoint.objects.select_for_update().filter(pk=bridge_point.pk).values_list("pk").get()
    Attendance.objects.bulk_create(
        [
            Attendance(bridge_point=bridge_point, category=category, **{field: count})
            for category, count in counts.items()
        ],
        update_conflicts=True,
        unique_fields=["bridge_point", "category"],
        update_fields=[field],
    )
    if bridge_point.status == BridgePoint.Status.INVITED:
        bridge_point.status = BridgePoint.Status.REGISTERED
    bridge_point.reported_at = now
    BridgePoint.objects.filter(pk=bridge_point.pk).update(
        status=bridge_point.status,
        reported_at=now,
        **{f"{field}_total": attendance_total(field)},
    )
    record_audit(
        actor=actor,
        action=AuditLog.Action.ATTENDANCE_REPORTED,
        obj=bridge_point,
        unit_id=bridge_point.host_id,
        changes={field: dict(counts)},
    )
    live.announce(live.control_group(event.pk), {"kind": "tally"})
    return True


def _on_or_after_the_day(event: Event, now: datetime.datetime | None = None) -> bool:
    """Whether the ceremony's day has come (never while it has no day)."""
    if event.starts_at is None:
        return False
    return timezone.localdate(now or timezone.now()) >= timezone.localdate(event.starts_at)


def attendance_total(field: str) -> Coalesce:
    """The sum of ``field`` over the point's attendance rows, for an UPDATE of the point."""
    rows = (
        Attendance.objects.filter(bridge_point=OuterRef("pk"))
        .values("bridge_point")
        .annotate(total=Sum(field))
        .values("total")
    )
    return Coalesce(Subquery(rows), 0)


def _check_counts(counts: Mapping[str, int]) -> None:
    if not counts:
        raise ValidationError(_("Chưa nhập số người nào."))
    for category, count in counts.items():
        if category not in AttendanceCategory.values:
            raise ValidationError(_("Thành phần “%(c)s” không có.") % {"c": category})
        _check_count(count)


def _check_count(count: int) -> None:
    if count < 0:
        raise ValidationError(_("Số người không được âm."))
    if count > MAX_PEOPLE_PER_CATEGORY:
        raise ValidationError(
            _("%(n)s người là quá lớn cho một điểm cầu; xin kiểm tra lại.") % {"n": count}
        )


def _check_registration_open(event: Event, now: datetime.datetime) -> None:
    """Who comes (a bridge point's expected people, a quota's registration) is told until the
    event's registration cut-off."""
    if event.registration_closed(now):
        raise ValidationError(
            _("Đã hết hạn đăng ký lúc %(at)s. Xin liên hệ Ban tổ chức.")
            % {"at": _local(event.registration_closes_at)}
        )


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def _set_status(
    point: BridgePoint, status: str, *, actor: User | None = None, **fields: Any
) -> BridgePoint:
    before = snapshot(point, POINT_LIVE_FIELDS)
    point.status = status
    for name, value in fields.items():
        setattr(point, name, value)
    point.save(update_fields=["status", *fields, "updated_at"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=point,
        unit_id=point.host_id,
        changes=diff(before, snapshot(point, POINT_LIVE_FIELDS)),
    )
    live.announce(live.control_group(point.event_id), {"kind": "tally"})
    live.announce(live.point_group(point.pk), live.screen_state(point.event, point))
    return point


@transaction.atomic
def check_in_bridge_point(*, bridge_point: BridgePoint) -> BridgePoint:
    """The bridge point says it is in place, on the day."""
    if not _on_or_after_the_day(bridge_point.event):
        raise ValidationError(_("Chỉ xác nhận có mặt vào ngày diễn ra buổi lễ."))
    at = bridge_point.checked_in_at or timezone.now()
    return _set_status(bridge_point, BridgePoint.Status.CHECKED_IN, checked_in_at=at)


@transaction.atomic
def report_connected(*, bridge_point: BridgePoint) -> BridgePoint:
    """The link to the main hall works (again): clears a reported trouble."""
    return _set_status(bridge_point, BridgePoint.Status.ONLINE, trouble_note="")


@transaction.atomic
def report_trouble(*, bridge_point: BridgePoint, note: str) -> BridgePoint:
    note = " ".join(note.split())[:300]
    if not note:
        raise ValidationError(_("Xin mô tả ngắn sự cố (ví dụ: mất tiếng, mất hình, mất mạng)."))
    return _set_status(bridge_point, BridgePoint.Status.TROUBLE, trouble_note=note)


@transaction.atomic
def revoke_point_link(*, actor: User, bridge_point: BridgePoint) -> BridgePoint:
    """Give the bridge point a new secret: the old link and QR code stop working at once and
    screens open on it are closed."""
    bridge_point.access_token = new_access_token()
    bridge_point.save(update_fields=["access_token", "updated_at"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.LINK_REVOKED,
        obj=bridge_point,
        unit_id=bridge_point.host_id,
        changes={"access_link": "revoked"},
    )
    live.announce_revoked(bridge_point.pk)
    return bridge_point


@transaction.atomic
def launch_event(*, actor: User, event: Event) -> Event:
    """The chair pressed the launch button. Every screen flips at the same server time, a few
    seconds from now. Pressing again (a double click, a second chair) changes nothing."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.launch_at is not None:
        return event
    delay = datetime.timedelta(seconds=settings.EVENT_LAUNCH_DELAY_SECONDS)
    event.launch_at = timezone.now() + delay
    event.launched_by = actor
    event.save(update_fields=["launch_at", "launched_by", "updated_at"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.LAUNCH,
        obj=event,
        unit=event.organiser,
        changes={"launch_at": [None, event.launch_at.isoformat()]},
    )
    live.announce(live.event_group(event.pk), live.screen_state(event))
    return event


@transaction.atomic
def advance_programme(*, actor: User, event: Event) -> ProgramItem | None:
    """Close the current run-of-show item and start the next one (the first, at the start).
    Returns the item now running, None after the last."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    now = timezone.now()
    items = list(event.program.order_by("position", "pk"))
    current = event.current_item
    if current is not None:
        ProgramItem.objects.filter(pk=current.pk).update(ended_at=now)
        following = [i for i in items if (i.position, i.pk) > (current.position, current.pk)]
    else:
        following = [i for i in items if i.started_at is None]
    nxt = following[0] if following else None
    if nxt is not None:
        nxt.started_at = now
        nxt.save(update_fields=["started_at"])
    event.current_item = nxt
    event.save(update_fields=["current_item", "updated_at"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.PROGRAMME_ADVANCED,
        obj=event,
        unit=event.organiser,
        changes={"current_item": [str(current or ""), str(nxt or "")]},
    )
    live.announce(live.event_group(event.pk), live.screen_state(event))
    return nxt


def _starts_at(details: dict[str, Any]) -> datetime.datetime | None:
    """The ceremony's start: the moment the plan gives, or a single day at the programme's
    start (08:00 unless written). A window ("trong tuần làm việc thứ 16/2025") is no start."""
    event = details.get("event") or {}
    if event.get("starts_at"):
        moment = datetime.datetime.fromisoformat(event["starts_at"])
    elif event.get("date_is_vague"):
        return None
    elif (details.get("period") or {}).get("start"):
        at = datetime.time.fromisoformat(event.get("program_start") or "08:00")
        moment = datetime.datetime.combine(
            datetime.date.fromisoformat(details["period"]["start"]), at
        )
    else:
        return None
    return timezone.make_aware(moment)


def _ends_at(
    starts_at: datetime.datetime | None, event: dict[str, Any]
) -> datetime.datetime | None:
    """The slot's end ("từ 8 giờ 00 đến 9 giờ 30") on the ceremony's day."""
    if starts_at is None or not event.get("program_end"):
        return None
    day = timezone.localtime(starts_at).date()
    end = timezone.make_aware(
        datetime.datetime.combine(day, datetime.time.fromisoformat(event["program_end"]))
    )
    return end if end > starts_at else None


def _closes_at(event: dict[str, Any]) -> datetime.datetime | None:
    """The registration cut-off: "trước 16 giờ ngày …" at that time, "trước ngày 05/11" at
    the end of that day (the day itself is the deadline, as for a duty)."""
    written = event.get("registration_deadline")
    if not written:
        return None
    if "T" in written:
        return timezone.make_aware(datetime.datetime.fromisoformat(written))
    day = datetime.date.fromisoformat(written)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@transaction.atomic
def create_event_from_plan(*, actor: User | None, plan: Plan) -> Event:
    """The ceremony a plan organises, from what the plan reader took from it: venue, mode,
    start and the slot's end, the registration cut-off, the invitee groups, each level's
    chair and attendees (the defaults of the bridge points invited at that level), quotas
    with their sub-quotas (or their shares by named unit) and units of count, and the
    run-of-show with minimum and maximum durations.

    A plan that names no day (only a window, or nothing) gives an event without a start:
    the event page asks the coordinator to set it. Caller holds MANAGE_PLANS on the plan's
    issuing unit. Audited."""
    details = (plan.details or {}).get("event")
    if not details:
        raise ValidationError(_("Kế hoạch này không tổ chức buổi lễ nào."))
    starts_at = _starts_at(plan.details)
    event = create_event(
        actor=actor,
        organiser=plan.issuing_unit,
        plan=plan,
        title=plan.title,
        starts_at=starts_at,
        ends_at=_ends_at(starts_at, details),
        date_text=(details.get("date_text") or "")[:300],
        window_start=_date(details.get("window_start")),
        window_end=_date(details.get("window_end")),
        venue=(details.get("venue") or "")[:300],
        mode=details.get("mode") or Event.Mode.HYBRID,
        registration_closes_at=_closes_at(details),
        delegate_categories=details.get("delegate_categories") or [],
        point_defaults={
            c["level"]: {"chair": c.get("chair") or "", "attendees": c.get("attendees") or ""}
            for c in details.get("chairs") or []
        },
    )
    _quotas_from_plan(event, details)
    ProgramItem.objects.bulk_create(
        ProgramItem(
            event=event,
            position=n,
            title=p["title"][:500],
            min_minutes=p.get("min_minutes"),
            cap_minutes=p.get("cap_minutes"),
        )
        for n, p in enumerate(details.get("program") or [], start=1)
    )
    return event


def _quotas_from_plan(event: Event, details: dict[str, Any]) -> None:
    """Quotas and sub-quotas as read; a quota without sub-quotas but shared by named unit
    ("mỗi phường 25 người") gets one sub-quota per unit, that unit responsible for it."""
    from hocvuso.events.selectors import province_of
    from hocvuso.plans.importer.matching import UnitIndex

    units = details.get("count_units") or {}
    shares = {s["group"]: s for s in details.get("quota_shares") or []}
    index = UnitIndex(province_of(event.organiser)) if shares else None

    def unit_of(group: str) -> str:
        return units.get(group) or Quota.CountUnit.PEOPLE

    for position, item in enumerate(details.get("quotas") or [], start=1):
        quota = Quota.objects.create(
            event=event,
            position=position,
            group=item["group"][:300],
            count=item["count"],
            count_unit=unit_of(item["group"]),
        )
        children = [
            Quota(event=event, parent=quota, group=s["group"][:300], count=s["count"])
            for s in item.get("sub") or []
        ]
        for child in children:
            child.count_unit = unit_of(child.group)
        share = shares.get(item["group"])
        if not children and share and index is not None:
            for part in share["shares"]:
                found = index.match(part["unit"]).units
                children.append(
                    Quota(
                        event=event,
                        parent=quota,
                        group=part["unit"][:300],
                        count=part["count"],
                        count_unit=share.get("count_unit") or Quota.CountUnit.PEOPLE,
                        responsible=found[0] if len(found) == 1 else None,
                    )
                )
        for n, child in enumerate(children, start=1):
            child.position = n
        Quota.objects.bulk_create(children)


# --- Managing events

EDITABLE_EVENT_FIELDS = (*EVENT_FIELDS, "hashtag", "plan")
POINT_DETAIL_FIELDS = ("chair", "attendees", "room", "link", "contact", "is_main")
PROGRAM_ITEM_FIELDS = ("title", "presenter", "duration_minutes", "min_minutes", "cap_minutes")
QUOTA_FIELDS = ("group", "count", "count_unit", "responsible", "parent")


def _audit_change(
    actor: User | None,
    obj: Any,
    event: Event,
    before: dict[str, Any],
    fields: Iterable[str],
    action: str = AuditLog.Action.UPDATE,
) -> None:
    record_audit(
        actor=actor,
        action=action,
        obj=obj,
        unit_id=event.organiser_id,
        changes=diff(before, snapshot(obj, fields)),
    )


@transaction.atomic
def update_event(*, actor: User | None, event: Event, **fields: Any) -> Event:
    """Change an event's title, times, venue, mode, cut-off, hashtag or plan. Caller holds
    MANAGE_PLANS on the organiser. Audited with the changes."""
    unknown = set(fields) - set(EDITABLE_EVENT_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    before = snapshot(event, EDITABLE_EVENT_FIELDS)
    for name, value in fields.items():
        setattr(event, name, value.strip() if isinstance(value, str) else value)
    event.full_clean()
    event.save(update_fields=[*fields, "updated_at"])
    _audit_change(actor, event, event, before, EDITABLE_EVENT_FIELDS)
    return event


@transaction.atomic
def register_bridge_point(
    *, actor: User | None, event: Event, host: OrgUnit, **details: Any
) -> BridgePoint:
    """Invite one unit as a bridge point with its chair, room, link and contact. A unit is a
    bridge point of an event at most once. Audited."""
    if event.bridge_points.filter(host=host).exists():
        raise ValidationError(
            {"host": _("%(unit)s đã là điểm cầu của sự kiện này.") % {"unit": host.name}}
        )
    point = BridgePoint(event=event, host=host, **{**_point_defaults(event, host), **details})
    point.full_clean(validate_unique=False)
    point.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=point,
        unit_id=event.organiser_id,
        changes=diff({}, snapshot(point, ("host", *POINT_DETAIL_FIELDS))),
    )
    return point


@transaction.atomic
def update_bridge_point(
    *, actor: User | None, bridge_point: BridgePoint, **details: Any
) -> BridgePoint:
    """Change a bridge point's chair, room, link, contact or whether it is the main hall.
    Its status and secret link are not touched here. Audited with the changes."""
    unknown = set(details) - set(POINT_DETAIL_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    before = snapshot(bridge_point, POINT_DETAIL_FIELDS)
    for name, value in details.items():
        setattr(bridge_point, name, value.strip() if isinstance(value, str) else value)
    bridge_point.full_clean(validate_unique=False)
    bridge_point.save(update_fields=[*details, "updated_at"])
    _audit_change(actor, bridge_point, bridge_point.event, before, POINT_DETAIL_FIELDS)
    return bridge_point


@transaction.atomic
def add_program_item(*, actor: User | None, event: Event, **fields: Any) -> ProgramItem:
    """Append an item to the run-of-show. Audited."""
    last = event.program.order_by("-position").values_list("position", flat=True).first()
    item = ProgramItem(event=event, position=(last or 0) + 1, **fields)
    item.full_clean()
    item.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=item,
        unit_id=event.organiser_id,
        changes=diff({}, snapshot(item, PROGRAM_ITEM_FIELDS)),
    )
    return item


@transaction.atomic
def update_program_item(*, actor: User | None, item: ProgramItem, **fields: Any) -> ProgramItem:
    """Change a run-of-show item's title, presenter, duration or cap. Audited."""
    before = snapshot(item, PROGRAM_ITEM_FIELDS)
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save(update_fields=list(fields))
    _audit_change(actor, item, item.event, before, PROGRAM_ITEM_FIELDS)
    return item


@transaction.atomic
def move_program_item(*, actor: User | None, item: ProgramItem, up: bool) -> ProgramItem:
    """Swap an item with the one before (``up``) or after it. Positions are renumbered 1…n
    first, so items imported with equal positions still move. Audited."""
    items = list(item.event.program.order_by("position", "pk"))
    moved = swap_with_neighbour(items, item, up=up)
    if moved is None:
        return item
    index, target = moved
    ProgramItem.objects.bulk_update(items, ["position"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=item,
        unit_id=item.event.organiser_id,
        changes={"position": [index + 1, target + 1]},
    )
    return items[target]


@transaction.atomic
def delete_program_item(*, actor: User | None, item: ProgramItem) -> None:
    """Remove an item from the run-of-show. Refused once the item has started. Audited."""
    if item.started_at is not None:
        raise ValidationError(_("Mục này đã bắt đầu trong buổi lễ, không xoá được."))
    record_audit(
        actor=actor,
        action=AuditLog.Action.DELETE,
        obj=item,
        unit_id=item.event.organiser_id,
        changes=snapshot(item, PROGRAM_ITEM_FIELDS),
    )
    item.delete()


def _check_quota_parent(event: Event, quota: Quota | None, parent: Quota | None) -> None:
    if parent is None:
        return
    if parent.event_id != event.pk:
        raise ValidationError({"parent": _("Nhóm cha phải thuộc cùng sự kiện.")})
    ancestor: Quota | None = parent
    while ancestor is not None:
        if quota is not None and ancestor.pk == quota.pk:
            raise ValidationError({"parent": _("Một nhóm không thể nằm trong chính nó.")})
        ancestor = ancestor.parent


@transaction.atomic
def add_quota(
    *, actor: User | None, event: Event, parent: Quota | None = None, **fields: Any
) -> Quota:
    """Add a mobilised group (under ``parent`` for a sub-group). Audited."""
    _check_quota_parent(event, None, parent)
    siblings = event.quotas.filter(parent=parent)
    last = siblings.order_by("-position").values_list("position", flat=True).first()
    quota = Quota(event=event, parent=parent, position=(last or 0) + 1, **fields)
    quota.full_clean()
    quota.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=quota,
        unit_id=event.organiser_id,
        changes=diff({}, snapshot(quota, QUOTA_FIELDS)),
    )
    return quota


@transaction.atomic
def update_quota(*, actor: User | None, quota: Quota, **fields: Any) -> Quota:
    """Change a quota's group, count, responsible unit or parent. Audited with the changes."""
    if "parent" in fields:
        _check_quota_parent(quota.event, quota, fields["parent"])
    before = snapshot(quota, QUOTA_FIELDS)
    for name, value in fields.items():
        setattr(quota, name, value)
    quota.full_clean()
    quota.save(update_fields=list(fields))
    _audit_change(actor, quota, quota.event, before, QUOTA_FIELDS)
    return quota


@transaction.atomic
def register_for_quota(*, actor: User | None, quota: Quota, count: int) -> Quota:
    """Record how many people (or teams) the quota's responsible unit brings for it: what its
    fulfilment counts. Caller holds REPORT_TASKS on the responsible unit or MANAGE_PLANS on
    the organiser (``selectors.get_quota_for_registrar``). Refused after the registration
    cut-off. Audited."""
    _check_count(count)
    event = quota.event
    _check_registration_open(event, timezone.now())
    before = snapshot(quota, ("registered",))
    quota.registered = count
    quota.registered_at = timezone.now()
    quota.save(update_fields=["registered", "registered_at"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=quota,
        unit_id=quota.responsible_id or event.organiser_id,
        changes=diff(before, snapshot(quota, ("registered",))),
    )
    return quota


@transaction.atomic
def delete_quota(*, actor: User | None, quota: Quota) -> None:
    """Remove a quota and its sub-groups. Audited."""
    record_audit(
        actor=actor,
        action=AuditLog.Action.DELETE,
        obj=quota,
        unit_id=quota.event.organiser_id,
        changes={**snapshot(quota, QUOTA_FIELDS), "sub_groups": quota.children.count()},
    )
    quota.delete()


# --- Delegates, attendee names and side registries

DELEGATE_FIELDS = ("category", "name", "position", "unit", "rsvp")
REGISTRY_FIELDS = ("kind", "participant", "unit", "description", "partner", "quantity", "contact")


@transaction.atomic
def invite_delegate(*, actor: User | None, event: Event, **fields: Any) -> Delegate:
    """Invite a delegate by name and category; their answer starts as pending. Audited."""
    delegate = Delegate(event=event, **fields)
    delegate.full_clean()
    delegate.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=delegate,
        unit_id=event.organiser_id,
        changes=diff({}, snapshot(delegate, DELEGATE_FIELDS)),
    )
    return delegate


@transaction.atomic
def update_delegate(*, actor: User | None, delegate: Delegate, **fields: Any) -> Delegate:
    """Change a delegate's details, or record the answer they gave the organiser by phone.
    Audited with the changes."""
    unknown = set(fields) - set(DELEGATE_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    before = snapshot(delegate, DELEGATE_FIELDS)
    for name, value in fields.items():
        setattr(delegate, name, value.strip() if isinstance(value, str) else value)
    if delegate.rsvp != before["rsvp"]:
        delegate.responded_at = timezone.now() if delegate.rsvp != Delegate.Rsvp.PENDING else None
    delegate.full_clean()
    delegate.save()
    _audit_change(actor, delegate, delegate.event, before, DELEGATE_FIELDS)
    return delegate


@transaction.atomic
def answer_invitation(*, delegate: Delegate, accepted: bool) -> Delegate:
    """The delegate's own answer, from their secret link (no account). They may change their
    mind until the ceremony starts. Audited without an actor."""
    if delegate.event.starts_at is not None and timezone.now() >= delegate.event.starts_at:
        raise ValidationError(_("Buổi lễ đã bắt đầu, không thay đổi được câu trả lời."))
    answer = Delegate.Rsvp.ACCEPTED if accepted else Delegate.Rsvp.DECLINED
    if delegate.rsvp == answer:
        return delegate  # a double tap changes nothing
    before = snapshot(delegate, DELEGATE_FIELDS)
    delegate.rsvp = answer
    delegate.responded_at = timezone.now()
    delegate.save(update_fields=["rsvp", "responded_at", "updated_at"])
    _audit_change(
        None, delegate, delegate.event, before, DELEGATE_FIELDS, AuditLog.Action.RSVP_ANSWERED
    )
    return delegate


@transaction.atomic
def remove_delegate(*, actor: User | None, delegate: Delegate) -> None:
    record_audit(
        actor=actor,
        action=AuditLog.Action.DELETE,
        obj=delegate,
        unit_id=delegate.event.organiser_id,
        changes=snapshot(delegate, DELEGATE_FIELDS),
    )
    delegate.delete()


@transaction.atomic
def import_attendee_names(
    *, actor: User | None, bridge_point: BridgePoint, filename: str, content: bytes
) -> int:
    """Replace a bridge point's list of attendees with the names in an Excel or CSV file
    (columns "Họ và tên", "Thành phần", "Chức vụ, đơn vị"). All or nothing: any bad line
    rejects the file with every problem named by line (``ImportRejected``). Returns the number
    of names. The audit records how many, never the names."""
    from hocvuso.events.importers import read_attendee_names

    rows = read_attendee_names(filename, content)
    bridge_point.attendee_names.all().delete()
    AttendeeName.objects.bulk_create(AttendeeName(bridge_point=bridge_point, **row) for row in rows)
    record_audit(
        actor=actor,
        action=AuditLog.Action.IMPORT,
        obj=bridge_point,
        unit_id=bridge_point.event.organiser_id,
        changes={"attendee_names": len(rows), "file": filename[:100]},
    )
    return len(rows)


@transaction.atomic
def add_registry_entry(*, actor: User | None, event: Event, **fields: Any) -> RegistryEntry:
    """Register a booth, a unit's parade vehicles or an agreement to sign. Audited."""
    entry = RegistryEntry(event=event, **fields)
    entry.full_clean()
    entry.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=entry,
        unit_id=event.organiser_id,
        changes=diff({}, snapshot(entry, REGISTRY_FIELDS)),
    )
    return entry


@transaction.atomic
def remove_registry_entry(*, actor: User | None, entry: RegistryEntry) -> None:
    record_audit(
        actor=actor,
        action=AuditLog.Action.DELETE,
        obj=entry,
        unit_id=entry.event.organiser_id,
        changes=snapshot(entry, REGISTRY_FIELDS),
    )
    entry.delete()
