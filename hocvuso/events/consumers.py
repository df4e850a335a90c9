"""WebSockets of the live screens. A screen is sent the whole current state when it connects
(so one that joins late or reconnects catches up), then relayed whatever the services announce.
Nothing is received from screens: every action is an ordinary HTTP request, which also works
where WebSockets do not."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from hocvuso.core import roles as R
from hocvuso.events import live, selectors
from hocvuso.orgunits.selectors import user_can

# Close codes the screens' script understands: stop, do not reconnect.
CLOSE_NOT_FOUND = 4404
CLOSE_REVOKED = 4403
# Try again later; meanwhile poll.
CLOSE_UNAVAILABLE = 1013

logger = logging.getLogger(__name__)


class EventConsumer(AsyncJsonWebsocketConsumer):
    joined: list[str]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """A channel layer that fails (Redis down) ends this socket, not the server's day:
        the screen is told to try later and polls meanwhile."""
        try:
            await super().__call__(scope, receive, send)
        except Exception as exc:
            logger.warning("Live screen closed, channel layer unavailable (%s)", exc)
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": CLOSE_UNAVAILABLE})

    async def connect(self) -> None:
        self.joined = []
        found = await database_sync_to_async(self._find)(self.scope["url_route"]["kwargs"])
        if found is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        groups, state = found
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.joined.append(group)
        await self.accept()
        await self.send_json(state)

    def _find(self, kwargs: dict[str, Any]) -> tuple[list[str], dict[str, Any]] | None:
        if "token" in kwargs:
            point = selectors.get_point_by_token(kwargs["token"])
            if point is None:
                return None
            groups = [live.event_group(point.event_id), live.point_group(point.pk)]
            return groups, live.screen_state(point.event, point)
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        event = selectors.events_visible_to(user).filter(pk=kwargs["pk"]).first()
        if event is None or not user_can(user, event.organiser, R.VIEW):
            return None
        groups = [live.event_group(event.pk), live.control_group(event.pk)]
        return groups, live.screen_state(event)

    async def disconnect(self, code: int) -> None:
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def relay(self, message: dict[str, Any]) -> None:
        await self.send_json(message["payload"])

    async def revoked(self, message: dict[str, Any]) -> None:
        await self.send_json({"kind": "revoked"})
        await self.close(code=CLOSE_REVOKED)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Screens have nothing to say over the socket; a ping keeps proxies from closing it."""
