"""The channel layer used when no Redis is configured (one process)."""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer as UpstreamInMemoryChannelLayer

SWEEP_EVERY_SECONDS = 1.0


class InMemoryChannelLayer(UpstreamInMemoryChannelLayer):
    """Channels' in-memory layer, sweeping expired messages and group memberships at most
    once a second. Upstream sweeps every channel and group on each send and receive, so a
    broadcast to N screens, each of which then waits for its next message, costs N² steps on
    the server's one event loop: 3.5 s for 2,000 screens (bench/event_launch.py). Messages
    expire after a minute; a second's delay in forgetting them changes nothing."""

    _swept_at = float("-inf")

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._swept_at < SWEEP_EVERY_SECONDS:
            return
        self._swept_at = now
        super()._clean_expired()
