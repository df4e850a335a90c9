"""The in-memory channel layer sweeps expired messages at most once a second."""

from __future__ import annotations

import asyncio
from unittest import mock

from channels.layers import InMemoryChannelLayer as Upstream

from hocvuso.core import layers
from hocvuso.core.layers import InMemoryChannelLayer


def test_a_broadcast_to_many_screens_sweeps_once_not_once_per_screen() -> None:
    async def broadcast() -> None:
        layer = InMemoryChannelLayer()
        names = [await layer.new_channel() for _ in range(200)]
        for name in names:
            await layer.group_add("event", name)
        await layer.group_send("event", {"type": "launch"})
        received = [await layer.receive(name) for name in names]
        assert all(m == {"type": "launch"} for m in received)

    with mock.patch.object(Upstream, "_clean_expired", autospec=True) as sweep:
        asyncio.run(broadcast())
    assert sweep.call_count == 1


def test_expired_messages_are_still_swept_a_second_later() -> None:
    async def run() -> None:
        layer = InMemoryChannelLayer(expiry=0)
        await layer.send("screen.inmemory!a", {"type": "old"})
        layer._clean_expired()  # swept just now: nothing else happens for a second
        await layer.send("screen.inmemory!b", {"type": "old"})
        await asyncio.sleep(0.01)
        layer._clean_expired()
        assert "screen.inmemory!b" in layer.channels
        with mock.patch.object(layers.time, "monotonic", return_value=layer._swept_at + 1.5):
            layer._clean_expired()
        assert "screen.inmemory!b" not in layer.channels

    asyncio.run(run())
