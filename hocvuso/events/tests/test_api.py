"""Issue 6: events and bridge points through the API, and attendance reported from an
account through the same service as the bridge-point screen."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest

from hocvuso.core.models import AuditLog
from hocvuso.events.models import Attendance, BridgePoint
from hocvuso.events.services import add_bridge_points, check_in_bridge_point, create_event

START = datetime.datetime(2025, 11, 8, 1, 0, tzinfo=datetime.UTC)  # 08:00 in Vietnam
BEFORE = datetime.datetime(2025, 11, 1, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture
def event(tree):
    event = create_event(
        actor=None,
        organiser=tree.province,
        title="Lễ phát động",
        starts_at=START,
        registration_closes_at=START - datetime.timedelta(days=2),
    )
    add_bridge_points(actor=None, event=event, hosts=[tree.hoalu, tree.namhoalu])
    return event


@pytest.fixture
def hoalu_point(event, tree):
    return event.bridge_points.get(host=tree.hoalu)


def items(response):
    assert response.status_code == 200, response.content
    return response.json()["items"]


def report(client, event, point, counts, **fields):
    body = {"submission_id": str(uuid.uuid4()), "counts": counts, **fields}
    url = f"/api/events/{event.pk}/bridge-points/{point.pk}/attendance"
    return client.post(url, json.dumps(body), content_type="application/json"), body


def test_events_are_listed_and_filtered_in_scope(client, event, hoalu_focal_point, tree):
    other = create_event(actor=None, organiser=tree.namhoalu, title="Ngày hội", starts_at=START)
    client.force_login(hoalu_focal_point)
    [listed] = items(client.get("/api/events/"))
    assert listed["title"] == "Lễ phát động"
    assert listed["organiser_name"] == "Tỉnh Ninh Bình"
    assert listed["point_count"] == 2
    assert client.get(f"/api/events/{other.pk}").status_code == 404
    assert client.get(f"/api/events/{event.pk}").json()["mode"] == "hybrid"
    assert items(client.get("/api/events/", {"starts_from": "2025-11-09"})) == []
    assert len(items(client.get("/api/events/", {"starts_to": "2025-11-08"}))) == 1
    assert items(client.get("/api/events/", {"organiser": tree.hoalu.pk})) == []


def test_bridge_points_filtered_by_status_without_their_secret(
    client, event, hoalu_point, coordinator, time_machine
):
    time_machine.move_to(START)
    check_in_bridge_point(bridge_point=hoalu_point)
    client.force_login(coordinator)
    points = items(client.get(f"/api/events/{event.pk}/bridge-points"))
    assert {p["host_name"] for p in points} == {"Phường Hoa Lư", "Phường Nam Hoa Lư"}
    assert not any("token" in key or "link" in key for key in points[0])
    assert hoalu_point.access_token not in json.dumps(points)
    checked = items(client.get(f"/api/events/{event.pk}/bridge-points", {"status": "checked_in"}))
    assert [p["host_name"] for p in checked] == ["Phường Hoa Lư"]
    by_name = items(client.get(f"/api/events/{event.pk}/bridge-points", {"host": "nam hoa lu"}))
    assert [p["host_name"] for p in by_name] == ["Phường Nam Hoa Lư"]


def test_the_hosts_focal_point_reports_attendance_once_per_submission(
    client, event, hoalu_point, hoalu_focal_point, time_machine
):
    time_machine.move_to(BEFORE)
    client.force_login(hoalu_focal_point)
    answer, body = report(client, event, hoalu_point, {"leaders": 5, "residents": 40})
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"counted": True, "expected_total": 45, "actual_total": 0}
    url = f"/api/events/{event.pk}/bridge-points/{hoalu_point.pk}/attendance"
    again = client.post(url, json.dumps(body), content_type="application/json")
    assert again.json() == {"counted": False, "expected_total": 45, "actual_total": 0}
    assert Attendance.objects.filter(bridge_point=hoalu_point).count() == 2
    hoalu_point.refresh_from_db()
    assert hoalu_point.status == BridgePoint.Status.REGISTERED
    entry = AuditLog.objects.filter(object_type="events.bridgepoint").latest("pk")
    assert entry.actor == hoalu_focal_point
    assert entry.changes == {"expected": {"leaders": 5, "residents": 40}}


def test_after_the_cut_off_the_reason_comes_back_in_vietnamese(
    client, event, hoalu_point, hoalu_focal_point, time_machine
):
    time_machine.move_to(START - datetime.timedelta(days=1))
    client.force_login(hoalu_focal_point)
    answer, _body = report(client, event, hoalu_point, {"leaders": 5})
    assert answer.status_code == 400
    assert "Đã hết hạn đăng ký" in answer.json()["detail"]
    on_the_day, _body = report(client, event, hoalu_point, {"leaders": 4}, field="actual")
    assert on_the_day.status_code == 400
    time_machine.move_to(START)
    on_the_day, _body = report(client, event, hoalu_point, {"leaders": 4}, field="actual")
    assert on_the_day.json()["actual_total"] == 4


def test_bad_counts_are_refused_before_the_service(client, event, hoalu_point, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    for counts in ({}, {"aliens": 3}, {"leaders": -1}, {"leaders": 100_001}):
        answer, _body = report(client, event, hoalu_point, counts)
        assert answer.status_code == 422, counts
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),  # manages the organiser
        ("other_commune_focal_point", 403),  # sees the event through its own point
        ("viewer", 403),
        ("team_member", 404),  # a village's member does not see the event at all
    ],
)
def test_only_the_host_or_the_organiser_reports(
    client, request, event, hoalu_point, persona, status, time_machine
):
    time_machine.move_to(BEFORE)
    client.force_login(request.getfixturevalue(persona))
    answer, _body = report(client, event, hoalu_point, {"leaders": 1})
    assert answer.status_code == status
    if status == 403:
        assert "Vai trò của bạn" in answer.json()["detail"]
        assert not Attendance.objects.exists()


def test_an_event_out_of_scope_is_not_found(client, tree, other_commune_focal_point):
    event = create_event(actor=None, organiser=tree.hoalu, title="Ngày hội", starts_at=START)
    [point] = add_bridge_points(actor=None, event=event, hosts=[tree.hoalu_village])
    client.force_login(other_commune_focal_point)
    answer, _body = report(client, event, point, {"leaders": 1})
    assert answer.status_code == 404
    assert client.get(f"/api/events/{event.pk}/bridge-points").status_code == 404
