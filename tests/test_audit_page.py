"""Issue 13, deliverable 6: the audit page speaks Vietnamese — each row's kind, the fields'
labels, choices by their labels, moments in Vietnam's time the Vietnamese way, Có/Không,
people and units by name — filtered by kind, scoped by unit, in a flat number of queries."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_person
from hocvuso.core.audit import present
from hocvuso.core.models import AuditLog
from hocvuso.core.roles import Role
from hocvuso.events import services as events
from hocvuso.events.models import Delegate
from hocvuso.orgunits.services import update_unit

LAUNCH_PRESSED = datetime.datetime(2026, 12, 3, 14, 3, 15, tzinfo=datetime.UTC)  # 21:03:15 local
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@pytest.fixture
def event(tree):
    return events.create_event(
        actor=None,
        organiser=tree.province,
        title="Lễ phát động Bình dân học vụ số",
        starts_at=LAUNCH_PRESSED,
    )


def body_of(response) -> str:
    """The trail on the page, without the navigation and the filter's options around it."""
    text = response.content.decode()
    return text[text.index('<div id="entries">') : text.index("</main>")]


def test_the_page_shows_field_choice_and_moment_changes_in_vietnamese(
    client, tree, coordinator, event, settings
):
    settings.EVENT_LAUNCH_DELAY_SECONDS = 3
    update_unit(actor=coordinator, unit=tree.namhoalu, short_name="Nam Hoa Lư")
    delegate = events.invite_delegate(
        actor=coordinator, event=event, category="central", name="Ông Nguyễn Văn A"
    )
    events.update_delegate(actor=coordinator, delegate=delegate, rsvp=Delegate.Rsvp.ACCEPTED)
    with time_machine.travel(LAUNCH_PRESSED, tick=False):
        events.launch_event(actor=coordinator, event=event)
    client.force_login(coordinator)

    body = body_of(client.get("/audit/"))

    assert "Tên ngắn: — → Nam Hoa Lư" in body  # the field's verbose name
    assert "Trả lời: Chưa trả lời → Tham dự" in body  # choices by their labels
    assert "Thời điểm khai trương: — → 21:03 03/12/2026" in body  # Vietnam's time
    assert "Bấm nút khai trương" in body  # the kind's label
    assert not ISO_MOMENT.search(body)
    for raw in ("short_name", "launch_at", "rsvp", "pending", "accepted", ">update<", "+00:00"):
        assert raw not in body


def test_booleans_units_and_people_are_named(client, tree, coordinator, event):
    point = events.register_bridge_point(actor=coordinator, event=event, host=tree.hoalu)
    events.update_bridge_point(actor=coordinator, bridge_point=point, is_main=True)
    hoalu = make_person("hoalu2", Role.FOCAL_POINT, tree.hoalu_village)
    from hocvuso.accounts.services import assign_role

    assign_role(actor=coordinator, user=hoalu, unit=tree.hoalu, role=Role.VIEWER)
    client.force_login(coordinator)

    body = body_of(client.get("/audit/"))

    assert "Điểm cầu chính: Không → Có" in body
    assert "— → Phường Hoa Lư" in body  # the host by its name, not its id
    assert "Trao vai trò" in body
    assert "— → Hoalu2" in body  # the person by their full name
    assert "— → Người xem" in body  # the role by its label


def test_long_text_is_shortened(tree, coordinator):
    update_unit(actor=coordinator, unit=tree.hoalu, abbreviation="")
    row = AuditLog.objects.create(
        action=AuditLog.Action.UPDATE,
        object_type="orgunits.orgunit",
        object_id=str(tree.hoalu.pk),
        object_repr="Phường Hoa Lư",
        unit=tree.hoalu,
        changes={"name": ["Phường Hoa Lư", "Hoa Lư " * 100]},
    )
    (entry,) = present([row])
    assert entry.changes[0].label == "Tên đơn vị"
    assert len(entry.changes[0].after) <= 120


def test_the_page_filters_by_kind(client, tree, coordinator, event):
    update_unit(actor=coordinator, unit=tree.namhoalu, short_name="Nam Hoa Lư")
    point = events.register_bridge_point(actor=coordinator, event=event, host=tree.hoalu)
    events.revoke_point_link(actor=coordinator, bridge_point=point)
    client.force_login(coordinator)

    body = body_of(client.get("/audit/", {"action": "link_revoked"}))
    assert "Thu hồi đường liên kết" in body
    assert "Nam Hoa Lư" not in body
    assert point.access_token not in body

    fragment = client.get("/audit/", {"action": "link_revoked"}, HTTP_HX_REQUEST="true")
    assert "<main" not in fragment.content.decode()
    assert "Thu hồi đường liên kết" in fragment.content.decode()
    assert client.get("/audit/", {"action": "nonsense"}).status_code == 200


def test_the_filter_keeps_the_scope(client, tree, coordinator):
    make_person("communeadmin", Role.ADMINISTRATOR, tree.hoalu)
    update_unit(actor=coordinator, unit=tree.namhoalu, short_name="Nam Hoa Lư")
    update_unit(actor=coordinator, unit=tree.hoalu, short_name="Hoa Lư")
    client.force_login(make_person("hlcoord", Role.COORDINATOR, tree.hoalu))
    body = body_of(client.get("/audit/", {"action": "update"}))
    assert "Nam Hoa Lư" not in body
    assert "Hoa Lư" in body


def _fill(tree, coordinator, event, n: int) -> None:
    """``n`` rows of each kind of reference the page names: units, people, groups, choices."""
    from hocvuso.accounts.services import assign_role
    from hocvuso.orgunits.services import create_unit, ensure_group

    group = ensure_group(actor=coordinator, name=f"Đoàn thể {n}", slug=f"doan-the-{n}")
    for i in range(n):
        unit = create_unit(actor=coordinator, parent=tree.hoalu, name=f"Tổ {n}-{i}", kind="village")
        update_unit(actor=coordinator, unit=unit, groups=[group], short_name=f"T{i}")
        person = make_person(f"p{n}x{i}", Role.VIEWER, unit)
        assign_role(actor=coordinator, user=person, unit=tree.hoalu, role=Role.VIEWER)
        point = events.register_bridge_point(actor=coordinator, event=event, host=unit)
        events.update_bridge_point(actor=coordinator, bridge_point=point, is_main=True)


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/audit/").status_code == 200
    return len(ctx.captured_queries)


def test_the_page_costs_the_same_queries_at_two_sizes(client, tree, coordinator, event):
    client.force_login(coordinator)
    _fill(tree, coordinator, event, 2)
    small = _queries(client)
    _fill(tree, coordinator, event, 8)  # 50 rows a page: a full page now
    assert AuditLog.objects.count() > 50
    assert _queries(client) == small
    assert small <= 12


def test_a_deleted_object_is_named_as_such(tree, coordinator):
    from hocvuso.orgunits.services import create_unit, delete_unit

    unit = create_unit(actor=coordinator, parent=tree.hoalu, name="Thôn Tạm", kind="village")
    person = make_person("temp", Role.VIEWER, unit)
    row = AuditLog.objects.filter(object_type="accounts.roleassignment").latest("id")
    person.role_assignments.all().delete()
    delete_unit(actor=coordinator, unit=unit)
    (entry,) = present([row])
    # PostgreSQL's jsonb keeps keys in its own order: look changes up by label.
    assert {c.label: c.after for c in entry.changes}["Người dùng"] == "Temp"
    deleted = AuditLog.objects.filter(action="delete", object_type="orgunits.orgunit").get()
    (entry,) = present([deleted])
    shown = {c.label: (c.before, c.after) for c in entry.changes}
    assert shown["Tên đơn vị"] == ("Thôn Tạm", "—")
    assert shown["Loại đơn vị"] == ("Thôn/Bản/Tổ dân phố", "—")
