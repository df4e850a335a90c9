"""Bridge points sending their expected attendance, all in the same minutes, through the real
ASGI server.

    .venv/bin/python bench/event_attendance.py --bridge-points 10000 --concurrency 64

Creates a fresh PostgreSQL database with a province of N units and an event with a bridge
point at each (registration open), starts uvicorn, and sends one submission per bridge point
(form-encoded, Accept: application/json) from an aiohttp client holding ``--concurrency``
requests in flight; a share ``--duplicates`` of them is sent a second time with the same
submission id, as a phone does after a timeout. Measures submissions per second over the
run and the latency of each. Checks at the end that the control room's tally equals the sum
of the counts sent (duplicates not counted) and that every bridge point is registered; exits
non-zero otherwise. Prints one JSON line last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid

import _events_setup as setup
import aiohttp

from hocvuso.events.models import AttendanceCategory, AttendanceSubmission, BridgePoint
from hocvuso.events.selectors import event_tally


def submissions(tokens: list[str], duplicates: float, rng: random.Random) -> list[dict]:
    """One submission per bridge point, and resends of a share of them, shuffled: a resend may
    overlap its original or even arrive first, as after a timeout."""
    firsts = []
    for token in tokens:
        categories = rng.sample(AttendanceCategory.values, rng.randint(1, 7))
        counts = {category: rng.randint(0, 300) for category in categories}
        form = {"submission_id": str(uuid.uuid4()), "field": "expected", **counts}
        firsts.append({"token": token, "form": form, "people": sum(counts.values())})
    resends = [dict(s, resend=True) for s in rng.sample(firsts, int(len(firsts) * duplicates))]
    queue = firsts + resends
    rng.shuffle(queue)
    return queue


async def send_all(base: str, queue: list[dict], concurrency: int) -> dict:
    latencies: list[float] = []
    counted_by_id: dict[str, int] = {}
    not_counted = 0
    errors: list[str] = []
    pending = iter(queue)
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def worker() -> None:
            nonlocal not_counted
            for item in pending:
                url = f"{base}/events/p/{item['token']}/attendance/"
                started = time.perf_counter()
                try:
                    async with session.post(
                        url, data=item["form"], headers={"Accept": "application/json"}
                    ) as response:
                        status, body = response.status, await response.json(content_type=None)
                except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
                    status, body = 0, {"error": repr(exc)}
                latencies.append((time.perf_counter() - started) * 1000)
                if status != 200 or not body.get("ok"):
                    errors.append(f"{status} {body}")
                elif body["counted"]:
                    sid = item["form"]["submission_id"]
                    counted_by_id[sid] = counted_by_id.get(sid, 0) + 1
                else:
                    not_counted += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    # Each submission counted exactly once, by its first or its resend, whichever came first.
    errors += [f"{sid} counted {n} times" for sid, n in counted_by_id.items() if n != 1]
    return {
        "elapsed_s": round(elapsed, 2),
        "submissions_per_s": round(len(queue) / elapsed, 1),
        "latency": setup.percentiles(latencies),
        "counted": len(counted_by_id),
        "resends_not_counted": not_counted,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bridge-points", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--duplicates", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(4)  # noqa: S311 — load figures, not secrets

    with setup.fresh_database():
        event = setup.build_event(args.bridge_points)
        queue = submissions(setup.tokens(event), args.duplicates, rng)
        people_sent = sum(item["people"] for item in queue if not item.get("resend"))
        with setup.server(workers=args.workers) as server:
            run = asyncio.run(send_all(server.base, queue, args.concurrency))
            db_connections = setup.server_db_connections()
        tally = event_tally(event)
        registered = BridgePoint.objects.filter(
            event=event, status=BridgePoint.Status.REGISTERED
        ).count()
        received = AttendanceSubmission.objects.count()

    errors = run.pop("errors")
    lost = {
        "tally_expected": tally.expected,
        "people_sent": people_sent,
        "registered_points": registered,
        "submissions_received": received,
    }
    ok = (
        not errors
        and tally.expected == people_sent
        and registered == args.bridge_points == tally.points
        and tally.not_registered == 0
        and received == args.bridge_points == run["counted"]
    )
    results = {
        "bridge_points": args.bridge_points,
        "requests": len(queue),
        "resends": len(queue) - args.bridge_points,
        "concurrency": args.concurrency,
        "workers": args.workers,
        **run,
        "server_db_connections": db_connections,
        **lost,
        "errors": len(errors),
        "ok": ok,
    }
    for error in errors[:5]:
        setup.log(f"error: {error}")
    setup.log(
        f"{results['submissions_per_s']} submissions/s, p50 {run['latency']['p50_ms']} ms, "
        f"p99 {run['latency']['p99_ms']} ms; tally {tally.expected} = sent {people_sent}: {ok}"
    )
    print(json.dumps(results))
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
