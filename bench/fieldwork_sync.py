"""Phones syncing their logged visits in batches through the real ASGI server.

    .venv/bin/python bench/fieldwork_sync.py --records 20000 --batch 500 --concurrency 4

Creates a fresh PostgreSQL database with a province of ``--villages`` villages (fifteen to a
commune, one team per commune), starts uvicorn, and POSTs ``--records`` visits as batches of
``--batch`` (``{"visits": [...]}``) to /api/fieldwork/visits/batch, signed in as a
coordinator of the province (session cookie and X-CSRFToken header), from an aiohttp client
holding ``--concurrency`` batches in flight. Each batch is one team's phone: its visits are in
that team's commune, and batches in flight at once come from different teams. Then
``--resend`` of the batches are sent again, as a phone does after a timeout: every visit must
come back as a duplicate. Measures records per second over the first pass and each batch's
latency. Checks the database holds exactly the visits sent (ids, count, people) and the
village summaries agree; exits non-zero otherwise. Prints one JSON line last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

import _fieldwork_setup as setup
import aiohttp
from django.db.models import Count, Sum

from hocvuso.fieldwork.models import VillageMonth, Visit

URL = "/api/fieldwork/visits/batch"


def batches(province: setup.Province, records: int, size: int) -> list[list[dict]]:
    """``records`` visits grouped by team into batches of ``size``, interleaved so that
    consecutive batches (those in flight together) belong to different teams."""
    by_team: dict[int, list[dict]] = {}
    for row in setup.visits(province.villages, records, seed=11):
        by_team.setdefault(row.place.team_pk, []).append(
            {
                "id": str(row.id),
                "team": row.place.team_pk,
                "village": row.place.pk,
                "visited_on": row.visited_on.isoformat(),
                "household": row.household_text,
                "people_guided": row.people,
                "services": [s.code for s in row.services],
                "outcome": "follow_up" if row.follow_up_on else "done",
                "follow_up_on": row.follow_up_on.isoformat() if row.follow_up_on else None,
                "aged_60_plus": row.aged_60_plus,
                "women": row.women,
                "ethnic_minority": row.ethnic_minority,
                "disability": row.disability,
            }
        )
    per_team = [
        [visits[i : i + size] for i in range(0, len(visits), size)] for visits in by_team.values()
    ]
    out: list[list[dict]] = []
    for round_ in range(max(len(b) for b in per_team)):
        out += [b[round_] for b in per_team if round_ < len(b)]
    return out


async def send(
    base: str, cookies: dict[str, str], queue: list[list[dict]], concurrency: int
) -> dict:
    latencies: list[float] = []
    saved: list[str] = []
    duplicates: list[str] = []
    rejected: dict[str, str] = {}
    errors: list[str] = []
    pending = iter(queue)
    headers = {"X-CSRFToken": cookies["csrftoken"], "Referer": base + "/"}
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(
        base_url=base, cookies=cookies, headers=headers, timeout=timeout
    ) as session:

        async def worker() -> None:
            for batch in pending:
                started = time.perf_counter()
                try:
                    async with session.post(URL, json={"visits": batch}) as response:
                        status, body = response.status, await response.json(content_type=None)
                except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
                    status, body = 0, {"error": repr(exc)}
                latencies.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    errors.append(f"{status} {str(body)[:300]}")
                    continue
                saved.extend(body["saved"])
                duplicates.extend(body["duplicates"])
                rejected.update(body["rejected"])

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "elapsed_s": round(elapsed, 2),
        "latency": setup.percentiles(latencies),
        "saved": saved,
        "duplicates": duplicates,
        "rejected": rejected,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--villages", type=int, default=1500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--resend", type=int, default=5, help="batches sent a second time")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    with setup.fresh_database():
        province = setup.build_province(args.villages)
        user = setup.coordinator(province.unit)
        cookies = setup.session_cookies(user)
        queue = batches(province, args.records, args.batch)
        sent = {v["id"]: v for batch in queue for v in batch}
        people_sent = sum(v["people_guided"] for v in sent.values())
        resends = queue[:: max(1, len(queue) // args.resend)][: args.resend]
        with setup.server(workers=args.workers) as server:
            first = asyncio.run(send(server.base, cookies, queue, args.concurrency))
            setup.log(f"first pass: {first['elapsed_s']} s, {first['latency']}")
            again = asyncio.run(send(server.base, cookies, resends, args.concurrency))
        stored = Visit.objects.aggregate(n=Count("pk"), people=Sum("people_guided"))
        stored_ids = {str(pk) for pk in Visit.objects.values_list("pk", flat=True)}
        months = VillageMonth.objects.aggregate(n=Sum("visits"), people=Sum("people_guided"))

    errors = first["errors"] + again["errors"]
    rejected = {**first["rejected"], **again["rejected"]}
    resent_ids = {v["id"] for batch in resends for v in batch}
    ok = (
        not errors
        and not rejected
        and len(first["saved"]) == len(set(first["saved"])) == len(sent)
        and not first["duplicates"]
        and not again["saved"]
        and set(again["duplicates"]) == resent_ids
        and stored_ids == set(sent)
        and stored["n"] == len(sent) == months["n"]
        and stored["people"] == people_sent == months["people"]
    )
    results = {
        "records": len(sent),
        "batch": args.batch,
        "batches": len(queue),
        "concurrency": args.concurrency,
        "workers": args.workers,
        "through": "uvicorn over HTTP (aiohttp client)",
        "elapsed_s": first["elapsed_s"],
        "records_per_s": round(len(sent) / first["elapsed_s"], 1),
        "batch_latency": first["latency"],
        "saved": len(first["saved"]),
        "resent_batches": len(resends),
        "resent_records": len(resent_ids),
        "resent_answered_duplicate": len(again["duplicates"]),
        "resent_saved_again": len(again["saved"]),
        "resend_latency": again["latency"],
        "visits_in_db": stored["n"],
        "people_in_db": stored["people"],
        "people_sent": people_sent,
        "village_month_visits": months["n"],
        "rejected": len(rejected),
        "errors": len(errors),
        "ok": ok,
    }
    for error in errors[:5]:
        setup.log(f"error: {error}")
    for pk, reason in list(rejected.items())[:5]:
        setup.log(f"rejected {pk}: {reason}")
    print(json.dumps(results))
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
