"""Logging communication outputs through the real server, as the phone form's queue sends
them (issue 16, deliver 8).

    .venv/bin/python bench/communications_log.py --outputs 2000 --concurrency 1
    .venv/bin/python bench/communications_log.py --outputs 2000 --concurrency 8

Creates a fresh PostgreSQL database with a province of ``--villages`` villages under
communes, a published campaign of the province addressed to every commune whose window
holds today, ``--preload`` outputs already logged (COPY: the unique-link index and the
campaign are not empty), starts uvicorn and POSTs ``--outputs`` outputs one by one to
/api/communications/outputs — each its own phone-made id, a commune, a channel, a title,
half of them with a link of their own, some with a reach — signed in as the province's
coordinator (session cookie and X-CSRFToken), ``--concurrency`` in flight. Then
``--resend`` of them are sent again, as a phone does after a lost answer: each must come
back 200 with the output already saved. Measures each request's latency. Checks the
database holds exactly the outputs sent, once each; exits non-zero otherwise, or when the
p99 is 100 ms or more. Prints one JSON line last. The server's per-person API allowance is
raised for the run: one client here stands for many phones.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import random
import sys
import time
import uuid

import _fieldwork_setup as setup
import aiohttp
from django.db import connection
from django.utils import timezone

from hocvuso.communications.models import Channel, Output
from hocvuso.communications.services import (
    TargetInput,
    create_campaign,
    publish_campaign,
    set_targets,
)
from hocvuso.orgunits.models import OrgUnit

URL = "/api/communications/outputs"
TARGET_P99_MS = 100
CODES = ["facebook", "zalo", "loudspeaker", "banner", "newspaper", "youtube", "meeting", "led"]


def outputs(campaign, communes: list[int], count: int, today: datetime.date) -> list[dict]:
    rng = random.Random(16)  # noqa: S311 — test data
    rows = []
    for n in range(count):
        code = CODES[n % len(CODES)]
        linked = code in ("facebook", "zalo", "newspaper", "youtube")
        rows.append(
            {
                "id": str(uuid.uuid4()),
                "campaign": campaign.pk,
                "unit": communes[n % len(communes)],
                "channel": code,
                "title": f"Tuyên truyền Bình dân học vụ số, bài {n}",
                "url": f"https://www.facebook.com/xa{n % 97}/posts/{n}" if linked else "",
                "published_on": (today - datetime.timedelta(days=rng.randrange(20))).isoformat(),
                "quantity": rng.randint(1, 12) if code == "banner" else 1,
                "views": rng.randint(10, 3000) if linked else None,
                "hashtag_used": n % 2 == 0,
            }
        )
    return rows


def preload(campaign, communes: list[int], count: int, today: datetime.date) -> None:
    channel = Channel.objects.get(code="facebook").pk
    now = timezone.now()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY communications_output (id, created_at, updated_at, campaign_id, unit_id, "
            "channel_id, kind, title, url, url_key, published_on, quantity, hashtag_used, note, "
            "hidden, via, is_demo) FROM STDIN"
        ) as copy,
    ):
        for n in range(count):
            url = f"https://facebook.com/preload/posts/{n}"
            copy.write_row(
                (
                    uuid.uuid4(),
                    now,
                    now,
                    campaign.pk,
                    communes[n % len(communes)],
                    channel,
                    "post",
                    f"Bài đã có {n}",
                    url,
                    url.removeprefix("https://"),
                    today - datetime.timedelta(days=n % 20),
                    1,
                    False,
                    "",
                    False,
                    "form",
                    False,
                )
            )


async def send(base: str, cookies: dict[str, str], rows: list[dict], concurrency: int) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    pending = iter(rows)
    headers = {"X-CSRFToken": cookies["csrftoken"], "Referer": base + "/"}
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(
        base_url=base, cookies=cookies, headers=headers, timeout=timeout
    ) as session:

        async def worker() -> None:
            for row in pending:
                started = time.perf_counter()
                try:
                    async with session.post(URL, json=row) as response:
                        status, body = response.status, await response.text()
                except (TimeoutError, aiohttp.ClientError) as exc:
                    status, body = 0, repr(exc)
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
                if status not in (200, 201):
                    errors.append(f"{status} {body[:300]}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "elapsed_s": round(elapsed, 2),
        "per_s": round(len(rows) / elapsed, 1) if elapsed else None,
        "latency": setup.percentiles(latencies),
        "statuses": statuses,
        "errors": errors[:5],
        "error_count": len(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--outputs", type=int, default=2000)
    parser.add_argument("--villages", type=int, default=1500)
    parser.add_argument("--preload", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--resend", type=int, default=100)
    args = parser.parse_args()
    # One client here stands for many phones, each with its own allowance (API_RATE_LIMIT,
    # 600 a minute per person): raised for the server the run starts.
    os.environ["API_RATE_LIMIT"] = "1000000/m"

    with setup.fresh_database():
        province = setup.build_province(args.villages)
        user = setup.coordinator(province.unit)
        today = timezone.localdate()
        campaign = create_campaign(
            actor=None,
            owner=province.unit,
            title="Tuyên truyền Phong trào Bình dân học vụ số",
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today + datetime.timedelta(days=30),
            hashtags="#BinhDanHocVuSo",
        )
        set_targets(actor=None, campaign=campaign, targets=[TargetInput(unit_kind="commune")])
        publish_campaign(actor=None, campaign=campaign)
        communes = list(
            OrgUnit.objects.filter(kind="commune", path__startswith=province.unit.path)
            .order_by("path")
            .values_list("pk", flat=True)
        )
        preload(campaign, communes, args.preload, today)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        rows = outputs(campaign, communes, args.outputs, today)
        resends = rows[:: max(1, len(rows) // args.resend)][: args.resend]
        cookies = setup.session_cookies(user)
        with setup.server() as server:
            first = asyncio.run(send(server.base, cookies, rows, args.concurrency))
            setup.log(f"first pass: {first}")
            again = asyncio.run(send(server.base, cookies, resends, args.concurrency))
            setup.log(f"resent: {again}")
        sent_ids = {r["id"] for r in rows}
        stored = {
            str(pk)
            for pk in Output.objects.filter(
                campaign=campaign, title__startswith="Tuyên truyền"
            ).values_list("pk", flat=True)
        }

    p99 = first["latency"]["p99_ms"]
    ok = (
        not first["error_count"]
        and not again["error_count"]
        and first["statuses"].get(201) == len(rows)
        and again["statuses"].get(200) == len(resends)
        and stored == sent_ids
    )
    results = {
        "outputs": len(rows),
        "preloaded": args.preload,
        "concurrency": args.concurrency,
        "through": "uvicorn, one worker, HTTP over loopback",
        "first_pass": first,
        "resent": again,
        "target_p99_ms": TARGET_P99_MS,
        "target_met": p99 < TARGET_P99_MS,
        "stored_once": stored == sent_ids,
        "ok": ok,
    }
    print(json.dumps(results))
    if not ok or p99 >= TARGET_P99_MS:
        sys.exit(1)


if __name__ == "__main__":
    main()
