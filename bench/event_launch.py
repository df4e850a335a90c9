"""The launch broadcast: N bridge-point screens open on WebSockets, a coordinator presses
"launch", how long until the last screen knows when to flip.

    .venv/bin/python bench/event_launch.py --clients 2000
    .venv/bin/python bench/event_launch.py --clients 2000 --redis

Creates a fresh PostgreSQL database with a province of N units and an event with a bridge
point at each, starts uvicorn (in-memory channel layer, or Redis's pub/sub layer with
``--redis``), opens one screen per bridge point (``/ws/events/p/<token>/``) and waits until
every screen has its initial state. Then posts the launch over HTTP as a signed-in
coordinator and measures, for each screen, the time from the request until the screen has
the state carrying ``launch_at``. Target: last screen under 2 s. Checks every screen got the
launch with the same ``launch_at`` as the database; exits non-zero otherwise. Prints one JSON
line last.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import resource
import sys
import time

import _events_setup as setup
import aiohttp
from websockets.asyncio.client import connect

from hocvuso.events.models import Event

TARGET_S = 2.0
OPENING = 100  # screens opening at the same time


def raise_open_files(clients: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, 2 * clients + 1024))
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


async def run(
    base: str, pid: int, event_pk: int, tokens: list[str], cookies: dict[str, str]
) -> dict:
    ws_base = base.replace("http://", "ws://")
    origin = base
    ready = asyncio.Event()
    launched = asyncio.Event()
    opened = 0
    gate = asyncio.Semaphore(OPENING)
    received: dict[int, tuple[float, str]] = {}
    errors: list[str] = []

    async def screen(i: int, token: str) -> None:
        nonlocal opened
        try:
            async with gate:
                ws = await connect(
                    f"{ws_base}/ws/events/p/{token}/",
                    origin=origin,
                    open_timeout=60,
                    ping_interval=None,
                    max_queue=None,
                )
                first = json.loads(await ws.recv())
            if first.get("kind") != "state" or first.get("launch_at") is not None:
                errors.append(f"screen {i}: unexpected first message {first}")
            opened += 1
            if opened == len(tokens):
                ready.set()
            async with ws:
                while True:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 120))
                    if message.get("kind") == "state" and message.get("launch_at"):
                        received[i] = (time.perf_counter(), message["launch_at"])
                        if len(received) == len(tokens):
                            launched.set()
                        return
        except Exception as exc:
            errors.append(f"screen {i}: {exc!r}")
            ready.set() if opened + len(errors) >= len(tokens) else None
            launched.set() if len(received) + len(errors) >= len(tokens) else None

    started = time.perf_counter()
    screens = [asyncio.create_task(screen(i, token)) for i, token in enumerate(tokens)]
    await ready.wait()
    connect_s = time.perf_counter() - started
    await asyncio.sleep(1)  # let the server settle
    rss_connected = setup.rss_mib(pid)

    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        session.cookie_jar.update_cookies(cookies)
        headers = {"X-CSRFToken": cookies["csrftoken"]}
        pressed = time.perf_counter()
        async with session.post(
            f"{base}/events/{event_pk}/control/launch/",
            data={"confirm": "yes"},
            headers=headers,
            allow_redirects=False,
        ) as response:
            answered = time.perf_counter()
            status, location = response.status, response.headers.get("Location", "")
    if status != 302 or "/control/" not in location:
        errors.append(f"launch answered {status} {location}")
    try:
        await asyncio.wait_for(launched.wait(), 30)
    except TimeoutError:
        errors.append("not every screen had the launch after 30 s")
    for task in screens:
        task.cancel()
    await asyncio.gather(*screens, return_exceptions=True)
    delivery = [(at - pressed) * 1000 for at, _ in received.values()]
    return {
        "connect_all_s": round(connect_s, 2),
        "server_rss_mib_connected": rss_connected,
        "launch_request_ms": round((answered - pressed) * 1000, 1),
        "delivery": setup.percentiles(delivery),
        "last_screen_s": round(max(delivery, default=0) / 1000, 3),
        "screens_launched": len(received),
        "launch_at_values": sorted({launch_at for _, launch_at in received.values()}),
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--redis", action="store_true")
    args = parser.parse_args()
    raise_open_files(args.clients)

    with setup.fresh_database():
        event = setup.build_event(args.clients)
        tokens = setup.tokens(event)
        cookies = setup.coordinator_cookies(event)
        with setup.server(redis=args.redis) as server:
            rss_before = setup.rss_mib(server.pid)
            figures = asyncio.run(run(server.base, server.pid, event.pk, tokens, cookies))
        launch_at = Event.objects.get(pk=event.pk).launch_at

    errors = figures.pop("errors")
    values = figures.pop("launch_at_values")
    same = len(values) == 1 and datetime.datetime.fromisoformat(values[0]) == launch_at
    ok = not errors and figures["screens_launched"] == args.clients and same
    results = {
        "clients": args.clients,
        "channel_layer": "redis-pubsub" if args.redis else "in-memory",
        "workers": 1,
        **figures,
        "target_s": TARGET_S,
        "target_met": figures["last_screen_s"] < TARGET_S,
        "same_launch_at": same,
        "server_rss_mib_idle": rss_before,
        "errors": len(errors),
        "ok": ok,
    }
    for error in errors[:5]:
        setup.log(f"error: {error}")
    setup.log(
        f"last screen {figures['last_screen_s']} s after the press, "
        f"p50 {figures['delivery']['p50_ms']} ms; {figures['screens_launched']} launched; ok {ok}"
    )
    print(json.dumps(results))
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
