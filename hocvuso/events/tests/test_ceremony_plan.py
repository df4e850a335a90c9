"""Issue 14 (4): the event made from a ceremony plan takes everything the plan says — the
registration cut-off, the slot's end, the invitee groups, each level's chair and attendees,
quotas shared by unit and their units of count, minimum and maximum durations — and a date
that is only a window gives an event with no start that the coordinator is told to fix.
A quota's fulfilment counts what its responsible unit registered for it."""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hocvuso.events import selectors, services
from hocvuso.events.models import Event, Quota
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.services import create_unit
from hocvuso.plans.importer import parse_text
from hocvuso.plans.services import create_plan_from_draft

SAMPLES = Path(__file__).resolve().parents[2] / "plans/tests/samples"


@pytest.fixture(autouse=True)
def before_the_cut_off():
    # Seed 000's registration closes on 05/11/2025.
    with time_machine.travel(datetime.datetime(2025, 10, 20, 2, tzinfo=datetime.UTC)):
        yield


def event_from(tree, name: str, *, replace: tuple[str, str] | None = None) -> Event:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    if replace:
        assert replace[0] in text
        text = text.replace(*replace)
    plan = create_plan_from_draft(actor=None, issuing_unit=tree.province, draft=parse_text(text))
    return services.create_event_from_plan(actor=None, plan=plan)


def local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


# --- What the event takes from the plan


def test_a_week_gives_an_event_without_a_start_flagged_for_the_coordinator(
    client, tree, coordinator
) -> None:
    event = event_from(tree, "002_binh_phuoc_launch.txt")
    assert event.starts_at is None
    assert (event.window_start, event.window_end) == (
        datetime.date(2025, 4, 14),
        datetime.date(2025, 4, 18),
    )
    client.force_login(coordinator)
    page = client.get(reverse("events:detail", args=[event.pk])).text
    assert "Kế hoạch chưa ấn định ngày tổ chức (“01 buổi trong tuần làm việc thứ 16/2025" in page
    assert "dự kiến trong khoảng từ 14/04/2025 đến 18/04/2025" in page
    # Once the coordinator sets the day, the warning goes.
    services.update_event(
        actor=coordinator,
        event=event,
        starts_at=datetime.datetime(2025, 4, 16, 1, tzinfo=datetime.UTC),
    )
    page = client.get(reverse("events:detail", args=[event.pk])).text
    assert "chưa ấn định ngày" not in page


def test_an_event_without_a_day_takes_no_check_in_and_no_actual_count(tree) -> None:
    event = event_from(tree, "002_binh_phuoc_launch.txt")
    (point,) = services.add_bridge_points(actor=None, event=event, hosts=[tree.hoalu])
    with pytest.raises(ValidationError, match="ngày diễn ra"):
        services.check_in_bridge_point(bridge_point=point)
    with pytest.raises(ValidationError, match="từ ngày diễn ra"):
        services.report_attendance(
            bridge_point=point, submission_id=uuid.uuid4(), counts={"residents": 5}, field="actual"
        )
    # Registering who will come is open.
    assert services.report_attendance(
        bridge_point=point, submission_id=uuid.uuid4(), counts={"residents": 5}
    )


def test_the_closing_cut_off_closes_registration_at_the_end_of_that_day(tree) -> None:
    event = event_from(tree, "000_ninh_binh_launch.txt")
    assert local(event.registration_closes_at) == "23:59 05/11/2025"


def test_a_cut_off_with_a_time_of_day_keeps_it(tree) -> None:
    event = event_from(tree, "001_thanh_hoa_launch.txt")
    assert local(event.starts_at) == "08:00 08/05/2025"
    assert local(event.registration_closes_at) == "07:30 08/05/2025"


def test_the_slot_end_lets_the_run_of_show_check_work(client, tree, coordinator) -> None:
    # Seed 000 with its day fixed: "từ 8 giờ 00’ đến 9 giờ 30’" is the slot.
    event = event_from(
        tree,
        "000_ninh_binh_launch.txt",
        replace=(
            "Dự kiến trong khoảng thời gian từ 01/11/2025 đến \n\n10/11/2025.",
            "8 giờ 00, ngày 08 tháng 11 năm 2025.",
        ),
    )
    assert (local(event.starts_at), local(event.ends_at)) == (
        "08:00 08/11/2025",
        "09:30 08/11/2025",
    )
    for item in event.program.all():
        services.update_program_item(actor=None, item=item, duration_minutes=15)
    assert selectors.programme_overrun(event) == 8 * 15 - 90
    client.force_login(coordinator)
    page = client.get(reverse("events:detail", args=[event.pk])).text
    assert "Chương trình vượt khung giờ 30 phút" in page


def test_durations_and_units_of_count_come_with_the_programme_and_quotas(
    client, tree, coordinator
) -> None:
    event = event_from(tree, "002_binh_phuoc_launch.txt")
    documentary = event.program.get(title="Chiếu phóng sự tổng quan về Chuyển đổi số")
    assert (documentary.min_minutes, documentary.cap_minutes) == (8, 10)
    teams = event.quotas.get(group="tổ cấp xã")
    assert (teams.count, teams.count_unit) == (10, Quota.CountUnit.TEAMS)
    client.force_login(coordinator)
    page = client.get(reverse("events:detail", args=[event.pk])).text
    assert "(8–10 phút)" in page
    assert "10 tổ" in page
    assert (
        "Chỉ tiêu “Tổ Công nghệ số cộng đồng và Đề án 06” tính bằng người, nhưng nhóm con "
        "“tổ cấp xã” tính bằng tổ" in page
    )


def test_invitee_groups_are_the_events_delegate_categories(client, tree, coordinator) -> None:
    event = event_from(tree, "000_ninh_binh_launch.txt")
    assert [(g["name"], g["category"]) for g in event.delegate_categories] == [
        ("Đại biểu Trung ương", "central"),
        ("Đại biểu cấp tỉnh", "province"),
    ]
    client.force_login(coordinator)
    page = client.get(reverse("events:detail", args=[event.pk])).text
    assert "Đại biểu cấp tỉnh" in page
    assert "Các đồng chí Thường trực Tỉnh ủy" in page


def test_bridge_points_take_their_levels_chair_and_attendees(client, tree, coordinator) -> None:
    event = event_from(tree, "001_thanh_hoa_launch.txt")
    village, commune = tree.hoalu_village, tree.hoalu
    services.add_bridge_points(actor=None, event=event, hosts=[village])
    services.register_bridge_point(actor=None, event=event, host=commune, room="Hội trường")
    at_village = event.bridge_points.get(host=village)
    assert at_village.chair == "Đồng chí Bí thư chi bộ thôn"
    assert at_village.attendees.startswith("Ban Công tác mặt trận, Chi hội Nông dân")
    at_commune = event.bridge_points.get(host=commune)
    assert (at_commune.chair, at_commune.room) == ("Đồng chí Bí thư đảng ủy xã", "Hội trường")
    # A level the plan says nothing of gets no default; a chair typed in wins.
    agency = services.register_bridge_point(
        actor=None, event=event, host=tree.agency, chair="Giám đốc Sở"
    )
    assert agency.chair == "Giám đốc Sở"
    client.force_login(coordinator)
    page = client.get(reverse("events:detail", args=[event.pk])).text
    assert "Chủ trì: Đồng chí Bí thư chi bộ thôn." in page


def test_a_per_ward_quota_is_shared_among_the_named_wards(tree) -> None:
    event = event_from(tree, "000_ninh_binh_launch.txt")
    top = event.quotas.get(group="Tổ công nghệ số cộng đồng tiêu biểu")
    shares = list(top.children.order_by("position"))
    assert [(q.group, q.count) for q in shares] == [
        ("Phường Hoa Lư", 25),
        ("Phường Đông Hoa Lư", 25),
        ("Phường Tây Hoa Lư", 25),
        ("Phường Nam Hoa Lư", 25),
    ]
    # The wards the province has are responsible for their share.
    assert [q.responsible for q in shares] == [tree.hoalu, None, None, tree.namhoalu]
    assert not selectors.quota_warnings(selectors.quota_fulfilment(event))


# --- Quota fulfilment


def test_a_quota_counts_what_its_unit_registered_for_it_not_its_bridge_points_people(
    client, tree, coordinator
) -> None:
    police = create_unit(
        actor=None, parent=tree.province, name="Công an tỉnh", kind=OrgUnit.Kind.AGENCY
    )
    event = event_from(tree, "000_ninh_binh_launch.txt")
    quota = event.quotas.get(group="Công an tỉnh")
    services.update_quota(actor=None, quota=quota, responsible=police)
    (point,) = services.add_bridge_points(actor=None, event=event, hosts=[police])
    # The police's own bridge point: 100 officers follow the ceremony there.
    services.report_attendance(
        bridge_point=point, submission_id=uuid.uuid4(), counts={"officials": 100}
    )
    rows = {row.quota.group: row for row in selectors.quota_fulfilment(event)}
    assert (rows["Công an tỉnh"].registered, rows["Công an tỉnh"].percent) == (0, 0)  # not 200 %
    services.register_for_quota(actor=None, quota=quota, count=50)
    rows = {row.quota.group: row for row in selectors.quota_fulfilment(event)}
    assert (rows["Công an tỉnh"].registered, rows["Công an tỉnh"].percent) == (50, 100)
    # The armed forces' quota (100) sums its sub-quotas: the police's 50, none yet from the army.
    assert (
        rows["Khối lực lượng vũ trang"].registered,
        rows["Khối lực lượng vũ trang"].percent,
    ) == (
        50,
        50,
    )
    client.force_login(coordinator)
    page = client.get(reverse("events:detail", args=[event.pk])).text
    assert "50/50 (100%)" in page
    assert "200%" not in page


def test_only_the_responsible_unit_or_the_organiser_registers_for_a_quota(
    client, tree, hoalu_focal_point, other_commune_focal_point
) -> None:
    event = event_from(tree, "000_ninh_binh_launch.txt")
    ward = event.quotas.get(group="Phường Hoa Lư")
    other = event.quotas.get(group="Phường Nam Hoa Lư")
    client.force_login(hoalu_focal_point)
    # Hoa Lư sees the event through its quota and may register for it only.
    page = client.get(reverse("events:detail", args=[event.pk])).text
    assert reverse("events:quota_register", args=[event.pk, ward.pk]) in page
    assert reverse("events:quota_register", args=[event.pk, other.pk]) not in page
    url = reverse("events:quota_register", args=[event.pk, other.pk])
    assert client.post(url, {"registered": "25"}).status_code == 403
    client.post(reverse("events:quota_register", args=[event.pk, ward.pk]), {"registered": "25"})
    ward.refresh_from_db()
    other.refresh_from_db()
    assert (ward.registered, other.registered) == (25, None)
    # Nam Hoa Lư hosts no bridge point: its share of the quota is what shows it the event.
    client.force_login(other_commune_focal_point)
    page = client.get(reverse("events:detail", args=[event.pk]))
    assert page.status_code == 200
    assert reverse("events:quota_register", args=[event.pk, other.pk]) in page.text


def test_registering_for_a_quota_closes_with_registration(tree) -> None:
    event = event_from(tree, "000_ninh_binh_launch.txt")
    quota = event.quotas.get(group="Phường Hoa Lư")
    event.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    event.save(update_fields=["registration_closes_at"])
    quota.refresh_from_db()
    with pytest.raises(ValidationError, match="hết hạn đăng ký"):
        services.register_for_quota(actor=None, quota=quota, count=25)


def test_the_plan_is_linked_only_for_those_who_may_open_it(
    client, tree, coordinator, other_commune_focal_point
) -> None:
    event = event_from(tree, "000_ninh_binh_launch.txt")
    plan_url = reverse("plans:detail", args=[event.plan_id])
    client.force_login(coordinator)
    assert plan_url in client.get(reverse("events:detail", args=[event.pk])).text
    # Nam Hoa Lư sees the event through its share of a quota, but has no duty in the plan.
    client.force_login(other_commune_focal_point)
    page = client.get(reverse("events:detail", args=[event.pk]))
    assert page.status_code == 200
    assert plan_url not in page.text
    assert client.get(plan_url).status_code == 404


def test_every_page_giving_the_time_says_an_undated_event_is_not_fixed_yet(
    client, tree, coordinator
) -> None:
    event = event_from(tree, "002_binh_phuoc_launch.txt")
    (point,) = services.add_bridge_points(actor=None, event=event, hosts=[tree.hoalu])
    delegate = services.invite_delegate(
        actor=None, event=event, category="province", name="Nguyễn Văn A"
    )
    # Pages without an account: the bridge point's screen and the delegate's invitation.
    for url in (
        reverse("events:point_screen", args=[point.access_token]),
        reverse("events:rsvp", args=[delegate.rsvp_token]),
    ):
        assert "Chưa ấn định" in client.get(url).text, url
    client.force_login(coordinator)
    for url in (reverse("events:list"), reverse("events:control_room", args=[event.pk])):
        assert "Chưa ấn định" in client.get(url).text, url


def test_an_event_whose_day_is_not_fixed_heads_the_events_list(client, tree, coordinator) -> None:
    undated = event_from(tree, "002_binh_phuoc_launch.txt")
    dated = services.create_event(
        actor=None,
        organiser=tree.province,
        title="Lễ đã có ngày",
        starts_at=datetime.datetime(2025, 11, 8, 1, tzinfo=datetime.UTC),
    )
    assert list(selectors.event_list_for(coordinator)) == [undated, dated]
    client.force_login(coordinator)
    page = client.get(reverse("events:list")).text
    assert page.index(undated.title) < page.index(dated.title)


def test_the_quota_form_is_not_offered_after_the_cut_off(client, tree, hoalu_focal_point) -> None:
    event = event_from(tree, "000_ninh_binh_launch.txt")
    ward = event.quotas.get(group="Phường Hoa Lư")
    url = reverse("events:quota_register", args=[event.pk, ward.pk])
    client.force_login(hoalu_focal_point)
    assert url in client.get(reverse("events:detail", args=[event.pk])).text
    # Registration closes at the end of 05/11/2025.
    with time_machine.travel(datetime.datetime(2025, 11, 5, 17, 30, tzinfo=datetime.UTC)):
        client.force_login(hoalu_focal_point)
        page = client.get(reverse("events:detail", args=[event.pk]))
        assert page.status_code == 200
        assert "Phường Hoa Lư" in page.text
        assert url not in page.text
