"""What the live screens are told, and how: a state every screen can rebuild itself from, and
broadcasts that are only hints to fetch it again.

A broadcast is sent after the transaction commits and never fails the write that caused it:
when the channel layer (Redis) is down the write still succeeds and screens catch up by
polling the same state.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from hocvuso.events.models import BridgePoint, Event

logger = logging.getLogger(__name__)

# A broadcast waits at most this long for the channel layer; a slow or dead Redis must not
# hold up the submission that triggered it.
SEND_TIMEOUT_SECONDS = 1.0


def event_group(event_id: int) -> str:
    """Every open screen of the event: bridge points and control rooms."""
    return f"event-{event_id}"


def control_group(event_id: int) -> str:
    """Control rooms only: told when the tally changed."""
    return f"event-{event_id}-control"


def point_group(point_id: int) -> str:
    return f"bridge-point-{point_id}"


def screen_state(event: Event, point: BridgePoint | None = None) -> dict[str, Any]:
    """Everything a screen shows that can change during the ceremony. No personal data: it is
    sent to screens opened without an account."""
    item = event.current_item
    state: dict[str, Any] = {
        "kind": "state",
        "event": event.pk,
        "server_time": timezone.now().isoformat(),
        "launch_at": event.launch_at.isoformat() if event.launch_at else None,
        "current_item": None,
    }
    if item is not None:
        state["current_item"] = {
            "title": item.title,
            "started_at": item.started_at.isoformat() if item.started_at else None,
            "minutes": item.duration_minutes or item.cap_minutes,
        }
    if point is not None:
        state["point"] = {"status": point.status, "status_label": str(point.get_status_display())}
    return state


async def _send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    await asyncio.wait_for(layer.group_send(group, message), SEND_TIMEOUT_SECONDS)


def send_now(group: str, message: dict[str, Any]) -> None:
    try:
        async_to_sync(_send)(group, message)
    except Exception as exc:  # any layer failure means "screens will poll"
        logger.warning("Live update to %s not sent (%s); screens catch up by polling", group, exc)


def announce(group: str, payload: dict[str, Any]) -> None:
    """Relay ``payload`` to every screen in ``group`` once the current transaction commits."""
    message = {"type": "relay", "payload": payload}
    transaction.on_commit(lambda: send_now(group, message))


def announce_revoked(point_id: int) -> None:
    """Close the screens still open on a link that was just revoked."""
    transaction.on_commit(lambda: send_now(point_group(point_id), {"type": "revoked"}))
