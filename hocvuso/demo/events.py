"""Seed 000's launch ceremony, made from the imported plan the demo already has: bridge points
at the province's hall, every commune and the provincial agencies; its quotas and run-of-show;
two thirds registered before the cut-off, the rest late; on the day, a few checked in and one
with a connection problem — so the control room has something real to show."""

from __future__ import annotations

import datetime
import random
import uuid

from django.core.exceptions import ValidationError
from django.utils import timezone

from hocvuso.events.models import AttendanceCategory, BridgePoint, Delegate, Event, RegistryEntry
from hocvuso.events.selectors import communes_of
from hocvuso.events.services import (
    add_bridge_points,
    add_registry_entry,
    check_in_bridge_point,
    create_event_from_plan,
    invite_delegate,
    report_attendance,
    report_trouble,
    update_delegate,
    update_program_item,
)
from hocvuso.orgunits.models import OrgUnit
from hocvuso.plans.importer.matching import UnitIndex
from hocvuso.plans.models import Plan

HASHTAG = "#BinhDanHocVuSo"
REGISTERED_SHARE = 0.66


def load_demo_event(province: OrgUnit, plan_title: str) -> Event | None:
    plan = Plan.objects.filter(issuing_unit=province, title=plan_title).first()
    if plan is None or plan.events.exists():
        return None
    event = create_event_from_plan(actor=None, plan=plan)
    # The demo's ceremony is today, a little ahead, so its day can be tried out live.
    now = timezone.localtime()
    starts = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=2)
    event.starts_at = starts
    event.ends_at = starts + datetime.timedelta(minutes=90)
    event.hashtag = HASHTAG
    # The plan's cut-off (05/11/2025) is long past: registration is open until _register.
    event.registration_closes_at = None
    event.save(update_fields=["starts_at", "ends_at", "hashtag", "registration_closes_at"])
    _quota_units(event, province)
    _programme(event)

    add_bridge_points(actor=None, event=event, hosts=[province], is_main=True)
    agencies = OrgUnit.objects.filter(path__startswith=province.path, kind=OrgUnit.Kind.AGENCY)
    add_bridge_points(actor=None, event=event, hosts=[*communes_of(province), *agencies])
    _register(event)
    # Registration then closed half an hour ago: the points that did not register are late.
    event.registration_closes_at = now - datetime.timedelta(minutes=30)
    event.save(update_fields=["registration_closes_at"])
    _on_the_day(event)
    _delegates(event)
    _side_activities(event)
    return event


def _quota_units(event: Event, province: OrgUnit) -> None:
    """The unit responsible for each quota, where the group names one ("Sở Nội vụ: 20")."""
    index = UnitIndex(province)
    for quota in event.quotas.all():
        units = index.match(quota.group.split(":")[0]).units
        if len(units) == 1:
            quota.responsible = units[0]
            quota.save(update_fields=["responsible"])


# Seed 000 lists the items without times; the demo's lengths fill its 08:00–09:30 slot.
PROGRAMME = [
    (15, "Đoàn nghệ thuật tỉnh"),
    (5, "Lãnh đạo Sở Khoa học và Công nghệ"),
    (5, ""),
    (15, "Lãnh đạo tỉnh"),
    (15, "Đại diện Tỉnh đoàn, doanh nghiệp"),
    (5, "Lãnh đạo tỉnh, đại biểu Trung ương"),
    (25, "Chuyên gia về trí tuệ nhân tạo"),
    (5, "Ban tổ chức"),
]


def _programme(event: Event) -> None:
    for item, (minutes, presenter) in zip(
        event.program.order_by("position"), PROGRAMME, strict=False
    ):
        update_program_item(actor=None, item=item, duration_minutes=minutes, presenter=presenter)


def _register(event: Event) -> None:
    rng = random.Random(37)  # noqa: S311 — demo figures, not secrets
    points = list(event.bridge_points.select_related("event").order_by("host__path"))
    for point in points:
        if not point.is_main and rng.random() > REGISTERED_SHARE:
            continue
        counts = {
            AttendanceCategory.LEADERS: rng.randint(2, 5),
            AttendanceCategory.OFFICIALS: rng.randint(10, 40),
            AttendanceCategory.UNION_MEMBERS: rng.randint(5, 30),
            AttendanceCategory.RESIDENTS: rng.randint(20, 80),
            AttendanceCategory.TEAM_MEMBERS: rng.randint(3, 12),
        }
        if point.is_main:
            counts[AttendanceCategory.STUDENTS] = 200
        report_attendance(bridge_point=point, submission_id=uuid.uuid4(), counts=counts)


def _on_the_day(event: Event) -> None:
    registered = list(
        event.bridge_points.filter(status=BridgePoint.Status.REGISTERED)
        .select_related("event")
        .order_by("host__path")[:6]
    )
    try:
        for point in registered[:5]:
            check_in_bridge_point(bridge_point=point)
        if len(registered) > 5:
            report_trouble(bridge_point=registered[5], note="Mất tiếng từ điểm cầu chính")
    except ValidationError:
        pass  # loaded just before midnight: the ceremony is tomorrow, nobody is in place yet


# Section 4.1 of seed 000 invites by office, not by name: the demo keeps it so (no one's name).
DELEGATES = [
    (Delegate.Category.CENTRAL, "Đại diện Lãnh đạo Bộ Khoa học và Công nghệ", "accepted"),
    (Delegate.Category.CENTRAL, "Đại diện Cục Chuyển đổi số quốc gia", "accepted"),
    (Delegate.Category.PROVINCE, "Thường trực Tỉnh ủy", "accepted"),
    (Delegate.Category.PROVINCE, "Lãnh đạo Hội đồng nhân dân tỉnh", "accepted"),
    (Delegate.Category.PROVINCE, "Lãnh đạo Ủy ban nhân dân tỉnh", "accepted"),
    (Delegate.Category.PROVINCE, "Lãnh đạo Ủy ban MTTQ Việt Nam tỉnh", "pending"),
    (Delegate.Category.PROVINCE, "Lãnh đạo Công an tỉnh", "accepted"),
    (Delegate.Category.PROVINCE, "Lãnh đạo Bộ Chỉ huy quân sự tỉnh", "declined"),
    (Delegate.Category.AGENCY, "Lãnh đạo Sở Khoa học và Công nghệ", "accepted"),
    (Delegate.Category.AGENCY, "Lãnh đạo Sở Nội vụ", "pending"),
    (Delegate.Category.AGENCY, "Lãnh đạo Trường Đại học Hoa Lư", "pending"),
    (Delegate.Category.ENTERPRISE, "Giám đốc Viettel Ninh Bình", "accepted"),
    (Delegate.Category.ENTERPRISE, "Giám đốc VNPT Ninh Bình", "accepted"),
    (Delegate.Category.PRESS, "Báo và Phát thanh, Truyền hình Ninh Bình", "accepted"),
]

# Section 6 and parts 12–13 of seed 000: booths of the telecoms, the parade's units (one car
# each), the cooperation signing chaired by the Department of Science and Technology.
BOOTHS = [
    ("Viettel Ninh Bình", "Trải nghiệm VNeID mức 2, chữ ký số, gói cước ưu đãi", 2),
    ("VNPT Ninh Bình", "Dịch vụ công trực tuyến, thanh toán không dùng tiền mặt", 2),
    ("Ngân hàng thương mại trên địa bàn", "Mở tài khoản trực tuyến, thanh toán QR", 1),
]
PARADE = [
    "Sở Khoa học và Công nghệ",
    "Trung tâm Phục vụ Hành chính công tỉnh",
    "Tỉnh đoàn",
    "Phường Hoa Lư",
    "Phường Nam Hoa Lư",
    "Phường Đông Hoa Lư",
    "Phường Tây Hoa Lư",
]


def _delegates(event: Event) -> None:
    for category, name, answer in DELEGATES:
        delegate = invite_delegate(actor=None, event=event, category=category, name=name)
        if answer != "pending":
            update_delegate(actor=None, delegate=delegate, rsvp=answer)


def _side_activities(event: Event) -> None:
    Kind = RegistryEntry.Kind
    for participant, products, booths in BOOTHS:
        add_registry_entry(
            actor=None,
            event=event,
            kind=Kind.BOOTH,
            participant=participant,
            description=products,
            quantity=booths,
        )
    units = {
        u.name: u
        for u in OrgUnit.objects.filter(path__startswith=event.organiser.path, name__in=PARADE)
    }
    for name in PARADE:
        add_registry_entry(
            actor=None,
            event=event,
            kind=Kind.PARADE,
            participant=name,
            unit=units.get(name),
            description="Xe ô tô trang trí băng rôn, khẩu hiệu hưởng ứng Phong trào",
            quantity=1,
        )
    add_registry_entry(
        actor=None,
        event=event,
        kind=Kind.SIGNING,
        participant="Sở Khoa học và Công nghệ tỉnh Ninh Bình",
        partner="Viettel Ninh Bình, VNPT Ninh Bình",
        description="Hợp tác triển khai phong trào Bình dân học vụ số",
    )
