"""Issue 13: each step of a ceremony lands in the audit trail under its own kind."""

from __future__ import annotations

import datetime
import io
import uuid

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hocvuso.core.models import AuditLog
from hocvuso.events import services

START = datetime.datetime(2026, 12, 3, 1, 0, tzinfo=datetime.UTC)  # 08:00 in Vietnam
BEFORE = START - datetime.timedelta(days=2)


@pytest.fixture
def event(tree):
    return services.create_event(
        actor=None, organiser=tree.province, title="Lễ phát động", starts_at=START
    )


@pytest.fixture
def point(event, tree):
    (point,) = services.add_bridge_points(actor=None, event=event, hosts=[tree.hoalu])
    return point


def kinds(**filters) -> list[str]:
    return list(AuditLog.objects.filter(**filters).order_by("id").values_list("action", flat=True))


def test_inviting_bridge_points_is_its_own_kind(event, tree):
    services.add_bridge_points(actor=None, event=event, hosts=[tree.hoalu, tree.namhoalu])
    row = AuditLog.objects.get(action=AuditLog.Action.POINTS_INVITED)
    assert row.changes == {"bridge_points_added": 2}


def test_pressing_launch_writes_one_launch_row(client, event, coordinator):
    client.force_login(coordinator)
    url = reverse("events:control_launch", args=[event.pk])
    with time_machine.travel(START, tick=False):
        client.post(url, {"confirm": "yes"})
        client.post(url, {"confirm": "yes"})  # a double click
    row = AuditLog.objects.get(object_type="events.event", action=AuditLog.Action.LAUNCH)
    assert row.actor == coordinator
    assert list(row.changes) == ["launch_at"]


def test_revoking_a_link_is_recorded_without_the_secret(client, event, point, coordinator):
    client.force_login(coordinator)
    old = point.access_token
    client.post(reverse("events:point_revoke", args=[event.pk, point.pk]))
    point.refresh_from_db()
    row = AuditLog.objects.get(action=AuditLog.Action.LINK_REVOKED)
    assert (row.object_id, row.actor) == (str(point.pk), coordinator)
    assert old not in str(row.changes)
    assert point.access_token not in str(row.changes)


@time_machine.travel(BEFORE, tick=False)
def test_counts_from_the_secret_link_are_attendance_reported(client, point):
    url = reverse("events:point_attendance", args=[point.access_token])
    data = {"submission_id": str(uuid.uuid4()), "field": "expected", "residents": "40"}
    client.post(url, data, HTTP_ACCEPT="application/json")
    row = AuditLog.objects.get(action=AuditLog.Action.ATTENDANCE_REPORTED)
    assert row.changes == {"expected": {"residents": 40}}
    assert row.actor is None


@time_machine.travel(BEFORE, tick=False)
def test_a_delegates_own_answer_is_rsvp_answered(client, event, coordinator):
    delegate = services.invite_delegate(
        actor=coordinator, event=event, category="province", name="Bà Trần Thị B"
    )
    client.post(reverse("events:rsvp", args=[delegate.rsvp_token]), {"answer": "yes"})
    row = AuditLog.objects.get(action=AuditLog.Action.RSVP_ANSWERED)
    assert row.changes == {"rsvp": ["pending", "accepted"]}
    assert delegate.rsvp_token not in str(row.changes)


def test_a_list_of_names_from_a_file_is_an_import(client, event, point, coordinator):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Họ và tên"])
    workbook.active.append(["Nguyễn Thị Hoa"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(coordinator)
    client.post(
        reverse("events:attendee_names", args=[event.pk, point.pk]),
        {"file": SimpleUploadedFile("danh-sach.xlsx", buffer.getvalue())},
    )
    row = AuditLog.objects.get(action=AuditLog.Action.IMPORT)
    assert row.changes == {"attendee_names": 1, "file": "danh-sach.xlsx"}
