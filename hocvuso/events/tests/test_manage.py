"""Issue 4, before the day: organisers make a ceremony (by hand or from its plan), edit its
run-of-show and quotas, and invite bridge points one by one or in bulk — and only those who
organise it may."""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from hocvuso.core.models import AuditLog
from hocvuso.events import services
from hocvuso.events.models import BridgePoint, Event, ProgramItem, Quota
from hocvuso.orgunits.models import UnitGroup

START = datetime.datetime(2025, 11, 8, 1, 0, tzinfo=datetime.UTC)  # 08:00 in Vietnam
SEED = Path(__file__).resolve().parents[2] / "plans/tests/samples/000_ninh_binh_launch.txt"


@pytest.fixture
def event(tree):
    event = services.create_event(
        actor=None,
        organiser=tree.province,
        title="Lễ phát động",
        starts_at=START,
        ends_at=START + datetime.timedelta(minutes=90),
    )
    services.add_bridge_points(actor=None, event=event, hosts=[tree.hoalu])
    return event


def login(client, user):
    client.force_login(user)
    return client


# --- Who may do what


@pytest.mark.parametrize(
    ("persona", "sees", "manages"),
    [
        ("coordinator", 200, True),
        ("viewer", 200, False),
        ("hoalu_focal_point", 200, False),  # hosts a bridge point: sees the event
        ("other_commune_focal_point", 404, False),  # neither organises nor hosts
    ],
)
def test_permission_matrix(request, client, event, persona, sees, manages) -> None:
    login(client, request.getfixturevalue(persona))
    page = client.get(reverse("events:detail", args=[event.pk]))
    assert page.status_code == sees
    if sees == 200:
        assert ("Sửa thông tin sự kiện" in page.text) is manages
    add = client.post(
        reverse("events:program_add", args=[event.pk]),
        {"new-item-title": "Khai mạc", "new-item-duration_minutes": "5"},
    )
    assert add.status_code == (302 if manages else 403 if sees == 200 else 404)
    assert ProgramItem.objects.filter(event=event).exists() is manages
    bulk = client.post(
        reverse("events:bridge_points_bulk", args=[event.pk]), {"bulk-source": "agencies"}
    )
    assert BridgePoint.objects.filter(event=event).count() == (2 if manages else 1)
    assert bulk.status_code in ((302,) if manages else (403, 404))


@pytest.mark.parametrize(
    ("persona", "opens"),
    [("coordinator", 200), ("viewer", 200), ("hoalu_focal_point", 403)],
)
def test_the_control_room_button_is_shown_only_to_those_it_opens_for(
    request, client, event, persona, opens
) -> None:
    # Hoa Lư sees the event through its bridge point; its control room is the organiser's.
    login(client, request.getfixturevalue(persona))
    url = reverse("events:control_room", args=[event.pk])
    page = client.get(reverse("events:detail", args=[event.pk])).text
    assert (url in page) is (opens == 200)
    assert client.get(url).status_code == opens


def test_only_organisers_may_create(client, coordinator, hoalu_focal_point) -> None:
    login(client, hoalu_focal_point)
    assert client.get(reverse("events:create")).status_code == 403
    assert "Tạo sự kiện" not in client.get(reverse("events:list")).text
    login(client, coordinator)
    assert "Tạo sự kiện" in client.get(reverse("events:list")).text


# --- Making a ceremony


def test_a_coordinator_creates_an_event_from_the_form(client, tree, coordinator) -> None:
    login(client, coordinator)
    response = client.post(
        reverse("events:create"),
        {
            "organiser": tree.province.pk,
            "title": "Lễ phát động Ngày Chuyển đổi số",
            "starts_at": "2025-11-08T08:00",
            "ends_at": "2025-11-08T09:30",
            "mode": "hybrid",
            "registration_closes_at": "2025-11-08T07:30",
            "hashtag": "#BinhDanHocVuSo",
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("events:detail", args=[event.pk])
    assert timezone.localtime(event.starts_at).strftime("%H:%M %d/%m/%Y") == "08:00 08/11/2025"
    assert AuditLog.objects.filter(action="create", object_id=str(event.pk)).exists()


def test_an_event_that_ends_before_it_starts_is_refused_in_vietnamese(
    client, tree, coordinator
) -> None:
    login(client, coordinator)
    response = client.post(
        reverse("events:create"),
        {
            "organiser": tree.province.pk,
            "title": "Sai giờ",
            "starts_at": "2025-11-08T08:00",
            "ends_at": "2025-11-08T07:00",
            "mode": "hybrid",
        },
    )
    assert response.status_code == 200
    assert "Giờ kết thúc phải sau giờ bắt đầu." in response.text
    assert not Event.objects.exists()


def test_an_end_without_a_start_is_refused_in_vietnamese(client, tree, coordinator) -> None:
    # The start may be left empty until the day is fixed, but not with an end alone.
    login(client, coordinator)
    data = {"organiser": tree.province.pk, "title": "Chưa có ngày", "mode": "hybrid"}
    response = client.post(reverse("events:create"), {**data, "ends_at": "2025-11-08T09:30"})
    assert response.status_code == 200
    assert "Hãy nhập giờ bắt đầu trước khi nhập giờ kết thúc." in response.text
    assert not Event.objects.exists()
    assert client.post(reverse("events:create"), data).status_code == 302
    assert Event.objects.get().starts_at is None


def test_the_plan_page_makes_its_ceremony_once(client, tree, coordinator) -> None:
    from hocvuso.plans.importer import read_plan
    from hocvuso.plans.services import create_plan_from_draft

    draft = read_plan(SEED.read_bytes(), SEED.name)
    plan = create_plan_from_draft(actor=None, issuing_unit=tree.province, draft=draft)
    login(client, coordinator)
    assert "Tạo sự kiện từ kế hoạch" in client.get(reverse("plans:detail", args=[plan.pk])).text
    first = client.post(reverse("events:from_plan", args=[plan.pk]))
    event = Event.objects.get()
    assert first.url == reverse("events:detail", args=[event.pk])
    page = client.get(first.url)
    assert "Khối học sinh, sinh viên" in page.text
    again = client.post(reverse("events:from_plan", args=[plan.pk]))
    assert again.url == first.url
    assert Event.objects.count() == 1


def test_editing_the_event_is_audited_with_the_change(client, event, coordinator) -> None:
    login(client, coordinator)
    client.post(
        reverse("events:detail", args=[event.pk]),
        {
            "title": "Lễ phát động (sửa)",
            "starts_at": "2025-11-08T08:00",
            "ends_at": "2025-11-08T09:30",
            "mode": "online",
            "venue": "Nhà hát Phạm Thị Trân",
        },
    )
    event.refresh_from_db()
    assert (event.title, event.mode) == ("Lễ phát động (sửa)", "online")
    log = AuditLog.objects.filter(action="update", object_id=str(event.pk)).latest("pk")
    assert log.changes["mode"] == ["hybrid", "online"]


# --- Run-of-show


def test_a_programme_that_does_not_fit_its_slot_is_flagged(client, event, coordinator) -> None:
    login(client, coordinator)
    for title, minutes in [("Khai mạc", "10"), ("Văn nghệ", "20"), ("Phát biểu", "70")]:
        client.post(
            reverse("events:program_add", args=[event.pk]),
            {
                "new-item-title": title,
                "new-item-duration_minutes": minutes,
                "new-item-cap_minutes": "",
            },
        )
    page = client.get(reverse("events:detail", args=[event.pk])).text
    assert "Chương trình vượt khung giờ 10 phút" in page
    assert "08:30" in page  # the third item's planned start
    item = ProgramItem.objects.get(title="Văn nghệ")
    client.post(
        reverse("events:program_edit", args=[event.pk, item.pk]),
        {
            f"p{item.pk}-title": "Văn nghệ",
            f"p{item.pk}-duration_minutes": "20",
            f"p{item.pk}-cap_minutes": "15",
        },
    )
    page = client.get(reverse("events:detail", args=[event.pk])).text
    assert "Thời lượng 20 phút vượt mức tối đa 15 phút" in page


def test_a_minimum_above_the_cap_is_refused_in_vietnamese(client, event, coordinator) -> None:
    login(client, coordinator)
    response = client.post(
        reverse("events:program_add", args=[event.pk]),
        {"new-item-title": "Phóng sự", "new-item-min_minutes": "15", "new-item-cap_minutes": "10"},
        follow=True,
    )
    assert "Thời lượng tối thiểu không được lớn hơn tối đa." in response.text
    assert not event.program.exists()


def test_items_move_up_and_down(client, event, coordinator) -> None:
    _first, second = (
        services.add_program_item(actor=None, event=event, title=t) for t in ("Một", "Hai")
    )
    login(client, coordinator)
    client.post(reverse("events:program_move", args=[event.pk, second.pk]), {"direction": "up"})
    assert list(event.program.order_by("position").values_list("title", flat=True)) == [
        "Hai",
        "Một",
    ]


def test_an_item_already_started_cannot_be_deleted(client, event, coordinator) -> None:
    item = services.add_program_item(actor=None, event=event, title="Khai mạc")
    ProgramItem.objects.filter(pk=item.pk).update(started_at=START)
    login(client, coordinator)
    response = client.post(reverse("events:program_delete", args=[event.pk, item.pk]), follow=True)
    assert "đã bắt đầu" in response.text
    assert ProgramItem.objects.filter(pk=item.pk).exists()


# --- Quotas


def test_quota_fulfilment_counts_what_the_responsible_unit_registered_for_it(
    client, tree, event, coordinator, hoalu_focal_point
) -> None:
    login(client, coordinator)
    client.post(
        reverse("events:quota_add", args=[event.pk]),
        {
            "new-quota-group": "Phường Hoa Lư",
            "new-quota-count": "200",
            "new-quota-responsible": "14329",
        },
    )
    top = Quota.objects.get()
    client.post(
        reverse("events:quota_add", args=[event.pk]),
        {"new-quota-group": "Thanh niên", "new-quota-count": "50", "new-quota-parent": top.pk},
    )
    assert Quota.objects.get(group="Thanh niên").parent == top
    # People following the ceremony at Hoa Lư's own bridge point are not the quota's people.
    point = event.bridge_points.get(host=tree.hoalu)
    services.report_attendance(
        bridge_point=point,
        submission_id=uuid.uuid4(),
        counts={"residents": 120, "students": 30},
    )
    page = client.get(reverse("events:detail", args=[event.pk])).text
    assert "0/200 (0%)" in page
    assert "150/200" not in page
    # The sub-quota is 50 of 200: the coordinator is warned, nothing is refused.
    assert "Các nhóm con của chỉ tiêu “Phường Hoa Lư” cộng lại 50, khác 200." in page
    login(client, hoalu_focal_point)
    response = client.post(
        reverse("events:quota_register", args=[event.pk, top.pk]), {"registered": "120"}
    )
    assert response.status_code == 302
    page = client.get(reverse("events:detail", args=[event.pk])).text
    assert "120/200 (60%)" in page
    log = AuditLog.objects.filter(object_id=str(top.pk)).latest("pk")
    assert log.changes["registered"] == [None, 120]


def test_an_unknown_responsible_unit_is_named_and_nothing_saved(client, event, coordinator) -> None:
    login(client, coordinator)
    response = client.post(
        reverse("events:quota_add", args=[event.pk]),
        {
            "new-quota-group": "Khối doanh nghiệp",
            "new-quota-count": "50",
            "new-quota-responsible": "Xã Không Có",
        },
        follow=True,
    )
    assert "Không tìm thấy đơn vị “Xã Không Có”" in response.text
    assert not Quota.objects.exists()


# --- Bridge points


def test_bulk_invitations_for_each_kind_of_set(client, tree, event, coordinator) -> None:
    group = UnitGroup.objects.create(name="Doanh nghiệp viễn thông", slug="vien-thong")
    tree.agency.groups.add(group)
    login(client, coordinator)
    url = reverse("events:bridge_points_bulk", args=[event.pk])

    def hosts():
        return set(event.bridge_points.values_list("host__name", flat=True))

    response = client.post(url, {"bulk-source": "communes"}, follow=True)
    assert "Đã thêm 1 điểm cầu." in response.text  # Hoa Lư was already invited
    assert hosts() == {"Phường Hoa Lư", "Phường Nam Hoa Lư"}
    client.post(url, {"bulk-source": "villages", "bulk-communes": [tree.hoalu.pk]})
    assert "Tổ dân phố số 1" in hosts()
    assert "Thôn Đông" not in hosts()
    client.post(url, {"bulk-source": "group", "bulk-group": group.pk})
    assert "Sở Khoa học và Công nghệ" in hosts()
    again = client.post(url, {"bulk-source": "agencies"}, follow=True)
    assert "Không có điểm cầu mới" in again.text
    missing_group = client.post(url, {"bulk-source": "group"})
    assert "Hãy chọn nhóm đơn vị." in missing_group.text
    assert event.bridge_points.count() == 4


def test_one_bridge_point_by_code_or_name(client, tree, event, coordinator) -> None:
    login(client, coordinator)
    url = reverse("events:bridge_point_add", args=[event.pk])
    client.post(
        url,
        {
            "one-host": "Phường Nam Hoa Lư",
            "one-chair": "Chủ tịch UBND phường",
            "one-link": "meet.example.vn/nhl",
        },
    )
    point = event.bridge_points.get(host=tree.namhoalu)
    assert point.chair == "Chủ tịch UBND phường"
    assert point.link == "https://meet.example.vn/nhl"
    duplicate = client.post(url, {"one-host": "14359"})
    assert "đã là điểm cầu của sự kiện này" in duplicate.text
    unknown = client.post(url, {"one-host": "Xã Không Có"})
    assert "Không tìm thấy đơn vị" in unknown.text
    assert event.bridge_points.count() == 2


def test_editing_a_bridge_point_keeps_its_secret_link(client, tree, event, coordinator) -> None:
    point = event.bridge_points.get()
    token = point.access_token
    login(client, coordinator)
    client.post(
        reverse("events:bridge_point_edit", args=[event.pk, point.pk]),
        {"room": "Hội trường UBND phường", "contact": "0912 345 678"},
    )
    point.refresh_from_db()
    assert (point.room, point.access_token) == ("Hội trường UBND phường", token)


def test_the_list_filters_by_status_and_by_name_without_diacritics(
    client, tree, event, coordinator
) -> None:
    services.add_bridge_points(actor=None, event=event, hosts=[tree.namhoalu, tree.agency])
    login(client, coordinator)
    url = reverse("events:bridge_points", args=[event.pk])
    page = client.get(url, {"host": "nam hoa lu"}).text
    assert "Phường Nam Hoa Lư" in page
    assert "Sở Khoa học" not in page
    fragment = client.get(url, {"status": "invited"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.text
    assert "Sở Khoa học" in fragment.text


# --- Query counts on list pages


def _many_points(tree, event, n):
    from hocvuso.orgunits.services import create_unit

    units = [
        create_unit(actor=None, parent=tree.province, name=f"Xã Thử {i}", kind="commune")
        for i in range(n)
    ]
    services.add_bridge_points(actor=None, event=event, hosts=units)


def test_list_pages_take_the_same_queries_whatever_their_length(
    client, tree, event, coordinator, django_assert_max_num_queries
) -> None:
    login(client, coordinator)
    for i in range(3):
        services.add_quota(
            actor=None, event=event, group=f"Nhóm {i}", count=10, responsible=tree.hoalu
        )
        services.add_program_item(actor=None, event=event, title=f"Mục {i}")
    urls = [
        reverse("events:list"),
        reverse("events:detail", args=[event.pk]),
        reverse("events:bridge_points", args=[event.pk]),
    ]
    before = {}
    for url in urls:
        with django_assert_max_num_queries(40) as ctx:
            assert client.get(url).status_code == 200
        before[url] = len(ctx.captured_queries)
    _many_points(tree, event, 12)
    for i in range(3, 15):
        services.add_quota(
            actor=None, event=event, group=f"Nhóm {i}", count=10, responsible=tree.hoalu
        )
        services.add_program_item(actor=None, event=event, title=f"Mục {i}")
        services.create_event(
            actor=None, organiser=tree.province, title=f"Sự kiện {i}", starts_at=START
        )
    for url in urls:
        with django_assert_max_num_queries(before[url]):
            assert client.get(url).status_code == 200
