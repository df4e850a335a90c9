"""How long the reports pivot takes for a province's communes, 20 indicators and 24 months.

    .venv/bin/python bench/report_pivot.py --units 3000 --indicators 20 --periods 24 --repeat 30

Creates a fresh PostgreSQL database (``_fieldwork_setup.fresh_database``) with a province of
``--units`` units (about one commune for every 30, the villages shared among them),
``--indicators`` typed SUM indicators plus one RATIO of the first two, and a DataValue for
every village, indicator and month of the last ``--periods`` months, COPYed in; then calls
``services.refresh_rollups`` once for all of them (timed: the cost of keeping the roll-ups),
sets every commune a target for this year on each indicator, ANALYZEs, and times
``selectors.pivot`` for the province's children and the ``/reports/pivot/`` page through
Django's test Client, in-process, signed in as a coordinator of the province, ``--repeat``
times each. Target: p95 under 300 ms. Checks that the province's total row adds up to every
value inserted, that each commune's row adds up to its villages' values, and that the page
shows the province's total of the latest month; exits non-zero otherwise. Lists on stderr
the page's statements with their times. Prints one JSON line last.

The page is then timed again over HTTP from uvicorn (one worker, DEBUG off, signed in by
session cookie), one request at a time: the target holds for both.

Before timing, what the script has built (the migrations it ran, its bookkeeping) is frozen
out of the garbage collector (``gc.freeze()``), as ``fieldwork_coverage.py`` does, so full
collections do not walk a heap a server never has; ``--no-gc-freeze`` times without it.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import random
import sys
import time
from collections import defaultdict
from decimal import Decimal
from urllib.parse import urlencode

import _common
import _fieldwork_setup as setup
from _common import QueryTimer
from django.db import connection, transaction
from django.test import Client, override_settings

from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.services import add_children_bulk, create_unit
from hocvuso.reports import periods as P
from hocvuso.reports import selectors, services
from hocvuso.reports.models import DataValue, Indicator, Target
from hocvuso.reports.numbers import format_value

TARGET_MS = 300
# Production settings serve static files from collectstatic's manifest, which a fresh checkout
# does not have; the page's {% static %} URLs cost the same either way.
PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
UNITS_PER_COMMUNE = 30


@transaction.atomic
def build_province(units: int) -> tuple[OrgUnit, list[OrgUnit], dict[int, int]]:
    """The province, its communes, and ``{village pk: commune pk}``."""
    province = create_unit(actor=None, parent=None, name="Tỉnh Thử Tải", kind="province")
    n_communes = max(1, round(units / UNITS_PER_COMMUNE))
    n_villages = max(0, units - 1 - n_communes)
    communes = add_children_bulk(
        province,
        [OrgUnit(name=f"Xã {i:03d}", kind="commune") for i in range(n_communes)],
        actor=None,
    )
    village_of: dict[int, int] = {}
    for i, commune in enumerate(communes):
        take = n_villages // n_communes + (1 if i < n_villages % n_communes else 0)
        for village in add_children_bulk(
            commune,
            [OrgUnit(name=f"Thôn {n + 1} {commune.name}", kind="village") for n in range(take)],
            actor=None,
        ):
            village_of[village.pk] = commune.pk
    setup.log(f"{n_communes} communes, {len(village_of)} villages built")
    return province, communes, village_of


def make_indicators(n: int) -> list[Indicator]:
    typed = [
        services.create_indicator(actor=None, code=f"b-{i:02d}", name=f"Chỉ tiêu thử {i:02d}")
        for i in range(n)
    ]
    ratio = services.create_indicator(
        actor=None,
        code="b-ratio",
        name="Tỷ lệ thử",
        value_type=Indicator.ValueType.PERCENTAGE,
        aggregation=Indicator.Aggregation.RATIO,
        numerator=typed[1],
        denominator=typed[0],
    )
    return [*typed, ratio]


def load(
    indicators: list[Indicator], village_of: dict[int, int], months: list[P.Period]
) -> tuple[int, dict[tuple[int, int], int], float]:
    """COPY a value for every village, indicator and month. Returns the sum of all values, the
    sum per (indicator, commune), and the seconds taken."""
    rng = random.Random(6)  # noqa: S311 — load figures, not secrets
    total = 0
    per_commune: dict[tuple[int, int], int] = defaultdict(int)
    now = datetime.datetime.now(tz=datetime.UTC)
    columns = "indicator_id, unit_id, period, period_start, period_end, value, text, updated_at"
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {DataValue._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for indicator in indicators:
            if indicator.aggregation != Indicator.Aggregation.SUM:
                continue
            for village, commune in village_of.items():
                for month in months:
                    value = rng.randrange(0, 500)
                    total += value
                    per_commune[(indicator.pk, commune)] += value
                    copy.write_row(
                        (indicator.pk, village, month.key, month.start, month.end, value, "", now)
                    )
    return total, per_commune, time.perf_counter() - started


def timed(function, repeat: int) -> dict[str, float]:
    return _common.timed(function, repeat, setup.percentiles)


def profile(function) -> None:
    _common.profile(function, sort="tottime", lines=30)


def timed_http(url: str, cookies: dict[str, str], repeat: int) -> dict[str, float]:
    """GET ``url`` signed in with ``cookies``, one request at a time, ``repeat`` times."""
    import urllib.request

    header = "; ".join(f"{k}={v}" for k, v in cookies.items())

    def get() -> None:
        request = urllib.request.Request(url, headers={"Cookie": header})  # noqa: S310 — loopback
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            if response.status != 200:
                raise SystemExit(f"GET {url}: {response.status}")
            response.read()

    return timed(get, repeat)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--periods", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--no-gc-freeze",
        dest="gc_freeze",
        action="store_false",
        help="time without first freezing the objects alive after setup (gc.freeze())",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile five pages; the top functions to stderr"
    )
    args = parser.parse_args()

    with setup.fresh_database(), override_settings(STORAGES=PLAIN_STATIC):
        province, communes, village_of = build_province(args.units)
        indicators = make_indicators(args.indicators)
        today = setup.timezone.localdate()
        months = P.last_n(P.PeriodType.MONTHLY, args.periods, today)
        inserted, per_commune, copied = load(indicators, village_of, months)
        rows = len(village_of) * args.indicators * len(months)
        setup.log(f"{rows} values copied in {copied:.1f} s")
        started = time.perf_counter()
        with transaction.atomic():
            services.refresh_rollups(
                indicator_ids=[i.pk for i in indicators], periods=[m.key for m in months]
            )
        refresh_s = time.perf_counter() - started
        setup.log(f"roll-ups refreshed in {refresh_s:.1f} s")
        Target.objects.bulk_create(
            Target(indicator=i, unit=c, year=today.year, value=Decimal(100_000))
            for i in indicators
            for c in communes
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        user = setup.coordinator(province)
        indicators = list(selectors.indicators_visible().filter(code__startswith="b-"))

        if args.gc_freeze:
            gc.collect()
            gc.freeze()
        selector = timed(lambda: selectors.pivot(indicators, province, months), args.repeat)
        client = Client()
        client.force_login(user)
        query = {
            "indicator": [i.pk for i in indicators],
            "unit": province.pk,
            "period_type": "monthly",
            "count": len(months),
            "end": months[-1].start.strftime("%Y-%m"),
        }
        url = "/reports/pivot/?" + urlencode(query, doseq=True)
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: {response.status_code}")
        html = response.content.decode()
        page = timed(lambda: client.get(url), args.repeat)
        if args.profile:
            profile(lambda: [client.get(url) for _ in range(5)])
        fragment = timed(lambda: client.get(url, HTTP_HX_REQUEST="true"), args.repeat)
        started = time.perf_counter()
        xlsx = client.get(url.replace("/reports/pivot/", "/reports/pivot/xlsx"))
        xlsx_ms = (time.perf_counter() - started) * 1000
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            client.get(url)
        table = selectors.pivot(indicators, province, months)
        # The same page from a real server process (uvicorn, one worker, DEBUG off): no
        # benchmark heap there for the garbage collector to walk.
        with setup.server() as server:
            http = timed_http(server.base + url, setup.session_cookies(user), args.repeat)

    sums = [t for t in table.tables if t.indicator.aggregation == Indicator.Aggregation.SUM]
    province_total = sum(sum(c or 0 for c in t.total.cells) for t in sums)
    communes_ok = all(
        sum(c or 0 for c in row.cells) == per_commune[(t.indicator.pk, row.unit.pk)]
        for t in sums
        for row in t.rows
    )
    latest = format_value(sums[0].total.cells[-1])
    ok = (
        province_total == inserted
        and communes_ok
        and f"<td>{latest}</td>" in html
        and len(table.tables) == len(indicators)
        and all(len(t.rows) == len(communes) for t in table.tables)
        and xlsx.status_code == 200
    )
    queries = sorted(timer.queries, reverse=True)
    results = {
        "units": 1 + len(communes) + len(village_of),
        "communes": len(communes),
        "villages": len(village_of),
        "indicators": len(indicators),
        "periods": len(months),
        "values": rows,
        "copy_s": round(copied, 1),
        "refresh_rollups_s": round(refresh_s, 1),
        "repeat": args.repeat,
        "gc_frozen": args.gc_freeze,
        "through": "django.test.Client, in-process",
        "selector": selector,
        "page": page,
        "htmx_fragment": fragment,
        "page_over_http": http,
        "page_kib": round(len(html.encode()) / 1024),
        "xlsx_ms": round(xlsx_ms),
        "target_ms": TARGET_MS,
        "target_met": page["p95_ms"] < TARGET_MS and http["p95_ms"] < TARGET_MS,
        "page_queries": len(queries),
        "page_sql_ms": round(sum(ms for ms, _ in queries), 1),
        "province_total": int(province_total),
        "inserted_total": inserted,
        "communes_add_up": communes_ok,
        "ok": ok,
    }
    setup.log(f"{len(queries)} queries of one page, slowest first:")
    for ms, sql in queries[:10]:
        setup.log(f"  {ms:8.1f} ms  {' '.join(sql.split())[:110]}")
    print(json.dumps(results))
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
