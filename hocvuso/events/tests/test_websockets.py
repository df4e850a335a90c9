"""The live screens' WebSockets, through the real ASGI application and channel layer: the
current state on connect, the launch pushed to every screen, a revoked link closed."""

from __future__ import annotations

import datetime

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from hocvuso.asgi import application
from hocvuso.events import services
from hocvuso.events.selectors import communes_of

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime.datetime(2025, 11, 8, 1, 0, tzinfo=datetime.UTC)


@pytest.fixture
def event(tree):
    event = services.create_event(
        actor=None, organiser=tree.province, title="Lễ phát động", starts_at=START
    )
    services.add_bridge_points(actor=None, event=event, hosts=communes_of(tree.province))
    return event


def screen(token: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        application, f"/ws/events/p/{token}/", headers=[(b"origin", b"http://localhost")]
    )


def test_every_open_screen_gets_the_launch(event, coordinator) -> None:
    tokens = list(event.bridge_points.values_list("access_token", flat=True))

    async def scenario() -> list[dict]:
        screens = [screen(t) for t in tokens]
        for s in screens:
            connected, _ = await s.connect()
            assert connected
            first = await s.receive_json_from()
            assert first["kind"] == "state"
            assert first["launch_at"] is None
        await database_sync_to_async(services.launch_event)(actor=coordinator, event=event)
        got = [await s.receive_json_from(timeout=2) for s in screens]
        for s in screens:
            await s.disconnect()
        return got

    got = async_to_sync(scenario)()
    event.refresh_from_db()
    assert [g["launch_at"] for g in got] == [event.launch_at.isoformat()] * 2


def test_a_screen_that_joins_late_catches_up(event, coordinator) -> None:
    services.launch_event(actor=coordinator, event=event)
    token = event.bridge_points.first().access_token

    async def scenario() -> dict:
        s = screen(token)
        await s.connect()
        state = await s.receive_json_from()
        await s.disconnect()
        return state

    event.refresh_from_db()
    assert async_to_sync(scenario)()["launch_at"] == event.launch_at.isoformat()


def test_a_revoked_link_closes_the_open_screen(event, coordinator) -> None:
    point = event.bridge_points.first()

    async def scenario() -> tuple[dict, dict, bool]:
        s = screen(point.access_token)
        await s.connect()
        await s.receive_json_from()
        await database_sync_to_async(services.revoke_point_link)(
            actor=coordinator, bridge_point=point
        )
        told = await s.receive_json_from(timeout=2)
        closed = await s.receive_output(timeout=2)
        again = screen("the-old-token-" + "x" * 20)
        connected, _code = await again.connect()
        return told, closed, connected

    told, closed, connected = async_to_sync(scenario)()
    assert told == {"kind": "revoked"}
    assert closed == {"type": "websocket.close", "code": 4403}
    assert connected is False


def test_the_control_room_needs_a_signed_in_organiser(event) -> None:
    async def scenario() -> bool:
        room = WebsocketCommunicator(
            application, f"/ws/events/{event.pk}/", headers=[(b"origin", b"http://localhost")]
        )
        connected, _ = await room.connect()
        return connected

    assert async_to_sync(scenario)() is False


def test_a_page_on_another_site_cannot_open_a_socket(event) -> None:
    token = event.bridge_points.first().access_token

    async def scenario() -> bool:
        s = WebsocketCommunicator(
            application, f"/ws/events/p/{token}/", headers=[(b"origin", b"http://evil.example")]
        )
        connected, _ = await s.connect()
        return connected

    assert async_to_sync(scenario)() is False


def test_with_redis_down_the_socket_closes_and_the_screen_polls(event, settings) -> None:
    """The screen's script treats a refused socket like any drop: it polls the state URL."""
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},  # nothing listens there
        }
    }
    channel_layers.backends.clear()
    token = event.bridge_points.first().access_token

    async def scenario() -> bool:
        s = screen(token)
        connected, _ = await s.connect(timeout=5)
        return connected

    try:
        assert async_to_sync(scenario)() is False
    finally:
        channel_layers.backends.clear()
