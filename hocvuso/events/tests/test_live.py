"""Issue 4, the day itself: bridge-point screens opened from a secret link, the control room's
tally, the launch, and what happens when a link is revoked or Redis is down."""

from __future__ import annotations

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from hocvuso.events import selectors, services
from hocvuso.events.models import Attendance, BridgePoint
from hocvuso.events.selectors import communes_of, event_tally, villages_under

START = datetime.datetime(2025, 11, 8, 1, 0, tzinfo=datetime.UTC)  # 08:00 in Vietnam
CUT_OFF = START - datetime.timedelta(minutes=30)
BEFORE = START - datetime.timedelta(days=2)
ON_THE_DAY = CUT_OFF + datetime.timedelta(minutes=10)  # 07:40, registration closed


@pytest.fixture
def event(tree):
    event = services.create_event(
        actor=None,
        organiser=tree.province,
        title="Lễ phát động",
        starts_at=START,
        ends_at=START + datetime.timedelta(minutes=90),
        registration_closes_at=CUT_OFF,
    )
    services.add_bridge_points(actor=None, event=event, hosts=communes_of(tree.province))
    return event


@pytest.fixture
def point(event, tree):
    return event.bridge_points.get(host=tree.hoalu)


def screen(point: BridgePoint, name: str = "point_screen") -> str:
    return reverse(f"events:{name}", args=[point.access_token])


def send(client, point, *, field="expected", submission=None, **counts):
    data = {"submission_id": str(submission or uuid.uuid4()), "field": field, **counts}
    return client.post(screen(point, "point_attendance"), data, HTTP_ACCEPT="application/json")


@time_machine.travel(BEFORE, tick=False)
def test_the_secret_link_opens_the_screen_without_an_account(client, point) -> None:
    response = client.get(screen(point))
    assert response.status_code == 200
    assert "Phường Hoa Lư" in response.text
    assert "Đăng ký số người dự kiến" in response.text


@time_machine.travel(BEFORE, tick=False)
def test_a_double_click_or_a_retry_counts_once(client, point, event) -> None:
    submission = uuid.uuid4()
    first = send(client, point, submission=submission, officials=40, residents=60)
    again = send(client, point, submission=submission, officials=40, residents=60)
    assert first.json() == {"ok": True, "counted": True, "error": None}
    assert again.json() == {"ok": True, "counted": False, "error": None}
    assert event_tally(event).expected == 100
    point.refresh_from_db()
    assert point.status == BridgePoint.Status.REGISTERED


@time_machine.travel(BEFORE, tick=False)
def test_a_correction_replaces_the_figure_rather_than_adding_to_it(client, point, event) -> None:
    send(client, point, officials=40)
    send(client, point, officials=35)
    assert event_tally(event).expected == 35


def test_levels_and_parent_units_add_up_to_the_categories(client, tree, event) -> None:
    """The by-level and by-parent figures come from each point's kept totals: corrections
    and partial submissions must leave them equal to the sum of the attendance rows."""
    hoalu = event.bridge_points.get(host=tree.hoalu)
    services.add_bridge_points(actor=None, event=event, hosts=villages_under([tree.hoalu]))
    village = event.bridge_points.get(host=tree.hoalu_village)
    with time_machine.travel(BEFORE, tick=False):
        send(client, hoalu, officials=40, residents=60)
        send(client, hoalu, residents=10)  # a correction of one category
        send(client, village, students=7)
    with time_machine.travel(ON_THE_DAY, tick=False):
        send(client, village, field="actual", students=9)
    tally = event_tally(event)
    assert (tally.expected, tally.actual) == (57, 9)
    for rows in (tally.by_level, tally.by_parent):
        assert sum(r.expected for r in rows) == 57
        assert sum(r.actual for r in rows) == 9
    levels = {r.key: (r.points, r.expected, r.actual) for r in tally.by_level}
    assert levels == {"commune": (2, 50, 0), "village": (1, 7, 9)}
    parents = {r.label: (r.points, r.expected) for r in tally.by_parent}
    assert parents == {"Tỉnh Ninh Bình": (2, 50), "Phường Hoa Lư": (1, 7)}


@time_machine.travel(CUT_OFF + datetime.timedelta(minutes=1), tick=False)
def test_registration_after_the_cut_off_is_refused_and_nothing_saved(client, point) -> None:
    response = send(client, point, officials=10)
    assert response.status_code == 400
    assert "Đã hết hạn đăng ký lúc 07:30 08/11/2025" in response.json()["error"]
    assert not Attendance.objects.exists()


@time_machine.travel(BEFORE, tick=False)
def test_a_bad_count_is_refused_with_a_message(client, point) -> None:
    response = client.post(
        screen(point, "point_attendance"),
        {"submission_id": str(uuid.uuid4()), "field": "expected", "officials": "-3"},
    )
    assert response.status_code == 200
    assert "Số liệu chưa hợp lệ" in response.text
    assert not Attendance.objects.exists()


@time_machine.travel(ON_THE_DAY, tick=False)
def test_on_the_day_a_point_checks_in_reports_actual_people_and_trouble(
    client, point, event
) -> None:
    client.post(screen(point, "point_check_in"))
    point.refresh_from_db()
    assert point.status == BridgePoint.Status.CHECKED_IN
    assert point.checked_in_at == ON_THE_DAY
    assert "Báo cáo số người dự thực tế" in client.get(screen(point)).text
    send(client, point, field="actual", leaders=3, residents=120)
    client.post(screen(point, "point_trouble"), {"note": "Mất   tiếng"})
    tally = event_tally(event)
    assert tally.actual == 123
    assert [(p.host.name, p.trouble_note) for p in tally.trouble] == [
        ("Phường Hoa Lư", "Mất tiếng")
    ]
    client.post(screen(point, "point_connected"))
    assert event_tally(event).trouble == []


@time_machine.travel(BEFORE, tick=False)
def test_checking_in_before_the_day_is_refused(client, point) -> None:
    response = client.post(screen(point, "point_check_in"), follow=True)
    assert "Chỉ xác nhận có mặt vào ngày diễn ra buổi lễ." in response.text
    point.refresh_from_db()
    assert point.status == BridgePoint.Status.INVITED


@time_machine.travel(BEFORE, tick=False)
def test_a_revoked_link_stops_working_at_once(client, coordinator, point, event) -> None:
    old = screen(point)
    client.force_login(coordinator)
    response = client.post(reverse("events:point_revoke", args=[event.pk, point.pk]))
    assert response.status_code == 302
    client.logout()
    gone = client.get(old)
    assert gone.status_code == 404
    assert "Đường dẫn không còn hiệu lực" in gone.text
    assert client.get(old.replace("/p/", "/p/") + "state/").status_code == 404
    assert send(client, point).status_code == 404  # the old token, still in `point`
    point.refresh_from_db()
    assert client.get(screen(point)).status_code == 200


def test_the_link_page_shows_a_qr_code_to_managers_only(
    client, coordinator, hoalu_focal_point, point, event
) -> None:
    url = reverse("events:point_link", args=[event.pk, point.pk])
    client.force_login(coordinator)
    page = client.get(url)
    assert "<svg" in page.text
    assert point.access_token in page.text
    client.force_login(hoalu_focal_point)
    assert client.get(url).status_code in (403, 404)


@time_machine.travel(BEFORE, tick=False)
def test_the_tally_by_status_level_and_parent(client, tree, event) -> None:
    services.add_bridge_points(
        actor=None, event=event, hosts=villages_under(communes_of(tree.province))
    )
    village = event.bridge_points.get(host=tree.hoalu_village)
    send(client, village, officials=5, residents=20)
    tally = event_tally(event)
    assert tally.points == 4
    assert {v: n for v, _label, n in tally.by_status}["registered"] == 1
    assert {r.key: (r.points, r.expected) for r in tally.by_level} == {
        "commune": (2, 0),
        "village": (2, 25),
    }
    parents = {r.label: (r.points, r.expected) for r in tally.by_parent}
    assert parents == {
        "Tỉnh Ninh Bình": (2, 0),
        "Phường Hoa Lư": (1, 25),
        "Phường Nam Hoa Lư": (1, 0),
    }
    assert tally.not_registered == 3


def test_the_tally_takes_the_same_queries_for_3_or_30_points(
    tree, event, django_assert_num_queries
) -> None:
    from hocvuso.orgunits.services import create_unit

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            event_tally(event)
        return len(captured.captured_queries)

    few = count_queries()
    units = [
        create_unit(actor=None, parent=tree.hoalu, name=f"Thôn {n}", kind="village")
        for n in range(27)
    ]
    services.add_bridge_points(actor=None, event=event, hosts=units)
    assert count_queries() == few <= 10


def test_control_room_permissions(
    client, coordinator, hoalu_focal_point, other_commune_focal_point, event
) -> None:
    url = reverse("events:control_room", args=[event.pk])
    assert client.get(url).status_code == 302
    client.force_login(coordinator)
    page = client.get(url)
    assert page.status_code == 200
    assert "Tổng hợp toàn tỉnh" in page.text
    assert "Bấm nút khai trương" in page.text
    client.force_login(hoalu_focal_point)  # hosts a bridge point, does not run the ceremony
    assert client.get(url).status_code == 403
    assert client.post(reverse("events:control_launch", args=[event.pk])).status_code == 403


@time_machine.travel(ON_THE_DAY, tick=False)
def test_the_launch_needs_a_confirmation_and_happens_once(client, coordinator, event) -> None:
    client.force_login(coordinator)
    url = reverse("events:control_launch", args=[event.pk])
    client.post(url)
    event.refresh_from_db()
    assert event.launch_at is None
    client.post(url, {"confirm": "yes"})
    event.refresh_from_db()
    first = event.launch_at
    assert first == ON_THE_DAY + datetime.timedelta(seconds=5)
    with time_machine.travel(ON_THE_DAY + datetime.timedelta(seconds=3), tick=False):
        client.post(url, {"confirm": "yes"})
    event.refresh_from_db()
    assert event.launch_at == first


@time_machine.travel(ON_THE_DAY, tick=False)
def test_a_screen_opened_after_the_launch_shows_it(client, coordinator, point, event) -> None:
    services.launch_event(actor=coordinator, event=event)
    state = client.get(screen(point, "point_state")).json()
    assert state["launch_at"] == (ON_THE_DAY + datetime.timedelta(seconds=5)).isoformat()
    assert state["server_time"] == ON_THE_DAY.isoformat()
    page = client.get(screen(point))
    assert 'data-launch-at="2025-11-08T00:40:05+00:00"' in page.text


def test_the_programme_runs_item_by_item_with_actual_times(coordinator, event) -> None:
    items = [
        event.program.create(position=n, title=title, duration_minutes=minutes)
        for n, (title, minutes) in enumerate([("Văn nghệ", 15), ("Phát biểu", 10)], start=1)
    ]
    with time_machine.travel(START, tick=False):
        assert services.advance_programme(actor=coordinator, event=event) == items[0]
    with time_machine.travel(START + datetime.timedelta(minutes=18), tick=False):
        assert services.advance_programme(actor=coordinator, event=event) == items[1]
    with time_machine.travel(START + datetime.timedelta(minutes=25), tick=False):
        assert services.advance_programme(actor=coordinator, event=event) is None
    items[0].refresh_from_db()
    assert items[0].ended_at - items[0].started_at == datetime.timedelta(minutes=18)
    event.refresh_from_db()
    assert event.current_item is None


@time_machine.travel(BEFORE, tick=False)
def test_submissions_succeed_when_redis_is_down(
    client, settings, point, event, django_capture_on_commit_callbacks, caplog
) -> None:
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},  # nothing listens there
        }
    }
    channel_layers.backends.clear()
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = send(client, point, officials=7)
        assert callbacks  # the broadcast was attempted, and failed without failing the write
        assert "screens catch up by polling" in caplog.text
        assert response.json()["counted"] is True
        assert event_tally(event).expected == 7
        state = client.get(screen(point, "point_state"))  # what a polling screen reads
        assert state.status_code == 200
    finally:
        channel_layers.backends.clear()


def test_selectors_find_points_only_by_their_current_token(point) -> None:
    assert selectors.get_point_by_token(point.access_token) == point
    assert selectors.get_point_by_token("nope") is None
    assert timezone.now()


def test_the_control_room_shows_planned_starts_and_overruns(client, coordinator, event) -> None:
    event.program.create(position=1, title="Văn nghệ chào mừng", cap_minutes=15)
    event.program.create(position=2, title="Phát biểu khai mạc", duration_minutes=10)
    with time_machine.travel(START, tick=False):
        services.advance_programme(actor=coordinator, event=event)
    with time_machine.travel(START + datetime.timedelta(minutes=21), tick=False):
        rows = selectors.run_of_show(event)
        client.force_login(coordinator)
        page = client.get(reverse("events:control_room", args=[event.pk])).text
    assert [(r.planned_start.minute, r.actual_minutes, r.overrun_minutes) for r in rows] == [
        (0, 21, 6),
        (15, None, 0),
    ]
    assert "vượt 6 phút" in page
    assert "08:15" in page
