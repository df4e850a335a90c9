"""Issue 13, defect 11: a bridge point's chair, room, link and contact phone (and a side
registry's contact) are shown only to the event's managers and to the host unit's own people
— not to another commune that merely hosts a point of the same ceremony."""

from __future__ import annotations

import datetime

import pytest

from hocvuso.events import services

START = datetime.datetime(2025, 11, 8, 1, 0, tzinfo=datetime.UTC)
HOALU_CONTACTS = ("Chủ tịch Trần Văn Hoa", "Phòng họp tầng 2 Hoa Lư", "0912 345 678")


@pytest.fixture
def event(tree):
    event = services.create_event(
        actor=None, organiser=tree.province, title="Lễ phát động", starts_at=START
    )
    chair, room, contact = HOALU_CONTACTS
    services.register_bridge_point(
        actor=None, event=event, host=tree.hoalu, chair=chair, room=room, contact=contact
    )
    services.register_bridge_point(
        actor=None, event=event, host=tree.namhoalu, chair="Chủ tịch Nam", contact="0987 000 111"
    )
    services.add_registry_entry(
        actor=None,
        event=event,
        kind="booth",
        participant="Hợp tác xã Hoa Lư",
        unit=tree.hoalu,
        contact="0933 222 444",
    )
    return event


PAGES = [
    "/events/{pk}/bridge-points/",
    "/events/{pk}/bridge-points/?host=hoa+lu",
    "/events/{pk}/bridge-points/?host=Ph%C6%B0%E1%BB%9Dng+Hoa+L%C6%B0&status=invited",
]


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("page", PAGES)
def test_another_commune_sees_the_point_but_not_its_people(
    client, event, other_commune_focal_point, page, htmx
):
    client.force_login(other_commune_focal_point)
    headers = {"HX-Request": "true"} if htmx else {}
    body = client.get(page.format(pk=event.pk), headers=headers).content.decode()
    assert "Phường Hoa Lư" in body
    for secret in HOALU_CONTACTS:
        assert secret not in body
    if "host=" not in page:
        assert "Chủ tịch Nam" in body, "its own point's chair it sees"


def test_another_commune_does_not_see_a_registry_entrys_contact(
    client, event, other_commune_focal_point
):
    client.force_login(other_commune_focal_point)
    body = client.get(f"/events/{event.pk}/").content.decode()
    assert "Hợp tác xã Hoa Lư" in body
    assert "0933 222 444" not in body


@pytest.mark.parametrize("persona", ["coordinator", "hoalu_focal_point"])
def test_managers_and_the_host_see_the_contacts(request, client, event, persona):
    client.force_login(request.getfixturevalue(persona))
    body = client.get(f"/events/{event.pk}/bridge-points/?host=hoa+lu").content.decode()
    for detail in HOALU_CONTACTS:
        assert detail in body
    assert "0933 222 444" in client.get(f"/events/{event.pk}/").content.decode()
