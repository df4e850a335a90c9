"""How long the coverage page takes for a province with a year of door-to-door visits.

    .venv/bin/python bench/fieldwork_coverage.py --visits 1000000 --villages 1500 --repeat 30

Creates a fresh PostgreSQL database with a province of ``--villages`` villages (fifteen to a
commune, one team per commune), COPYs ``--visits`` visits straight into fieldwork_visit
(households visited two or three times, 15 % asking for a return), calls
``refresh_summaries`` once for every village, adds household and adult figures for every
village (UnitPopulation), ANALYZEs, then times ``GET /fieldwork/?unit=<province>&start=&end=``
(the months of the past 365 days, over which the visits are spread) ``--repeat`` times
through Django's test Client, in-process, signed in as a coordinator of the province, and
each selector the page calls (coverage, left_behind, follow_ups_due[:50] evaluated) on its
own. Target: page p95 under 200 ms.
Before timing, the script's own bookkeeping is frozen out of the garbage collector
(gc.freeze), so full collections do not walk it. Checks the page's and coverage()'s totals
equal the visits inserted; exits non-zero
otherwise. Lists on stderr the page's statements of one request with their times. Prints
one JSON line last.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import re
import sys
import time

import _common
import _fieldwork_setup as setup
from _common import QueryTimer
from django.db import connection
from django.test import Client

from hocvuso.fieldwork import selectors
from hocvuso.fieldwork.importers import COLUMNS
from hocvuso.fieldwork.models import Visit
from hocvuso.fieldwork.services import refresh_summaries
from hocvuso.orgunits.models import UnitPopulation

TARGET_MS = 200


def load(province: setup.Province, n: int) -> setup.Sent:
    """COPY the visits in, typed, in the importer's columns; then the summaries, once."""
    sent = setup.Sent()
    provinces = province.unit.pk
    now = datetime.datetime.now(tz=datetime.UTC)
    started = time.perf_counter()
    rows = setup.visits(province.villages, n)  # reads the topics: not inside the COPY
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {Visit._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            sent.add(row)
            mask = 0
            for service in row.services:
                mask |= service.mask
            copy.write_row(
                (
                    row.id,
                    row.place.team_pk,
                    row.place.pk,
                    provinces,
                    row.visited_on,
                    row.household,
                    row.people,
                    row.aged_60_plus,
                    row.women,
                    row.ethnic_minority,
                    row.disability,
                    mask,
                    "[]",
                    Visit.Outcome.FOLLOW_UP if row.follow_up_on else Visit.Outcome.DONE,
                    row.follow_up_on,
                    "",
                    None,
                    now,
                )
            )
    copied = time.perf_counter() - started
    started = time.perf_counter()
    refresh_summaries(p.pk for p in province.villages)
    refreshed = time.perf_counter() - started
    setup.log(f"{n} visits copied in {copied:.1f} s, summaries refreshed in {refreshed:.1f} s")
    return sent


def add_population(province: setup.Province) -> tuple[int, int]:
    """Households and adults for every village, this year."""
    year = setup.timezone.localdate().year
    rows = [
        UnitPopulation(unit_id=p.pk, year=year, households=400 + i % 300, adults=1200 + i % 900)
        for i, p in enumerate(province.villages)
    ]
    UnitPopulation.objects.bulk_create(rows, batch_size=2000)
    return sum(r.households for r in rows), sum(r.adults for r in rows)


def timed(function, repeat: int) -> dict[str, float]:
    return _common.timed(function, repeat, setup.percentiles)


def profile(function) -> None:
    _common.profile(function, sort="cumulative", lines=40)


def explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(r[0] for r in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--villages", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--profile", action="store_true", help="cProfile ten pages; the top functions to stderr"
    )
    args = parser.parse_args()

    with setup.fresh_database():
        province = setup.build_province(args.villages)
        sent = load(province, args.visits)
        households, adults = add_population(province)
        user = setup.coordinator(province.unit)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        today = setup.timezone.localdate()
        end = today.replace(day=1)
        # The months of the 365 days the visits were spread over (thirteen, partly).
        start = (today - datetime.timedelta(days=364)).replace(day=1)
        unit = province.unit
        client = Client()
        client.force_login(user)
        url = f"/fieldwork/?unit={unit.pk}&start={start:%Y-%m}&end={end:%Y-%m}"
        # What this script keeps to check the page (every household sent: hundreds of
        # thousands of tuples) would make each full garbage collection walk it, a pause a
        # server never has: moved out of the collector's sight, the page's own garbage is
        # still collected as usual.
        gc.collect()
        gc.freeze()
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: {response.status_code}")
        html = response.content.decode()
        page = timed(lambda: client.get(url), args.repeat)
        if args.profile:
            profile(lambda: [client.get(url) for _ in range(10)])
        parts = {
            "coverage": timed(lambda: selectors.coverage(unit, start=start, end=end), args.repeat),
            "left_behind": timed(lambda: selectors.left_behind(unit, end=end), args.repeat),
            "follow_ups_due": timed(
                lambda: list(selectors.follow_ups_due(unit, today=today)[:50]), args.repeat
            ),
        }
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            client.get(url)
        cov = selectors.coverage(unit, start=start, end=end)
        due = list(selectors.follow_ups_due(unit, today=today)[:50])
        slowest = max(timer.queries)
        follow_sql, follow_params = selectors.follow_ups_due(unit, today=today)[
            :50
        ].query.sql_with_params()
        setup.log("EXPLAIN ANALYZE of follow_ups_due[:50]:\n" + explain(follow_sql, follow_params))
        if slowest[1] != follow_sql:
            setup.log(f"slowest statement ({slowest[0]:.1f} ms): {slowest[1][:300]}")

    # The page shows the totals as plain integers after these labels.
    shown = {}
    for label in ("Lượt đến hộ", "Lượt người được hướng dẫn", "Hộ đã được hướng dẫn"):
        found = re.search(rf"{label}: <strong>(\d+)</strong>", html)
        shown[label] = int(found.group(1)) if found else None
    total = cov.total
    ok = (
        total.visits == sent.rows == shown["Lượt đến hộ"]
        and total.people == sent.people == shown["Lượt người được hướng dẫn"]
        and total.reached == sent.distinct_households == shown["Hộ đã được hướng dẫn"]
        and total.women == sent.women
        and total.households == households
        and total.adults == adults
        and sum(r.visits for r in cov.rows) == sent.rows
        and sum(t[1] for t in cov.trend) == sent.rows
    )
    queries = sorted(timer.queries, reverse=True)
    results = {
        "visits": args.visits,
        "villages": len(province.villages),
        "repeat": args.repeat,
        "through": "django.test.Client, in-process",
        "page": page,
        "target_ms": TARGET_MS,
        "target_met": page["p95_ms"] < TARGET_MS,
        **parts,
        "page_queries": len(queries),
        "page_sql_ms": round(sum(ms for ms, _ in queries), 1),
        "slowest_sql_ms": round(queries[0][0], 1),
        "follow_ups_listed": len(due),
        "page_visits": shown["Lượt đến hộ"],
        "visits_inserted": sent.rows,
        "page_people": shown["Lượt người được hướng dẫn"],
        "people_inserted": sent.people,
        "page_households_reached": shown["Hộ đã được hướng dẫn"],
        "households_inserted": sent.distinct_households,
        "ok": ok,
    }
    setup.log(f"{len(queries)} queries of one page, slowest first:")
    for ms, sql in queries[:12]:
        setup.log(f"  {ms:8.1f} ms  {' '.join(sql.split())[:110]}")
    print(json.dumps(results))
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
