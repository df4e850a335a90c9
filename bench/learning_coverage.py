"""How long the "who has been trained" page takes for a province with a million learners.

    .venv/bin/python bench/learning_coverage.py --learners 1000000 --villages 1500 --repeat 50

Creates a fresh PostgreSQL database (``_fieldwork_setup``: a province of ``--villages``
villages, fifteen to a commune) and COPYs into it, typed: ``--classes-per-village`` classes
in every village over the past 365 days; ``--learners`` learners living in those villages
(one in ten with no village, living in the commune), each in one of the five target groups,
each attending one to three of their village's classes (one in twenty absent from one);
``--completions`` completions from the national platform of people matched to none of our
learners (some twice); and two VNeID counts per commune. Then calls
``refresh_all_learning_summaries`` once (timed), adds every village's adults, staff, pupils
and workers, ANALYZEs, and times ``GET /learning/coverage/?unit=<province>&period=<this
year>`` ``--repeat`` times from a real server process (uvicorn, one worker, DEBUG off,
signed in by session cookie), one request at a time, and a commune's page the same way;
then the selectors in-process. ``--runs N`` repeats the HTTP timing N times over the one
load, each from a server process of its own. Target: the province page's p95 under 200 ms.

Checks that the page's total of people trained equals the distinct people inserted (learners
who attended a class, plus the platform-only people), and that the classes held equal the
classes inserted; exits non-zero otherwise. Prints one JSON line last.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import random
import re
import sys
import time
import uuid

import _common
import _fieldwork_setup as setup
from _common import QueryTimer
from django.db import connection
from django.utils import timezone

from hocvuso.learning.models import (
    ClassSession,
    Course,
    Enrolment,
    Learner,
    PlatformCompletion,
    PlatformImport,
    VneidCount,
)
from hocvuso.learning.selectors import coverage as selectors
from hocvuso.learning.services import refresh_all_learning_summaries
from hocvuso.orgunits.models import OrgUnit, UnitPopulation

TARGET_MS = 200
GROUPS = ["citizens"] * 6 + ["staff", "pupils", "pupils", "workers", "team_members"]


def timed(function, repeat: int) -> dict[str, float]:
    return _common.timed(function, repeat, setup.percentiles)


def timed_http(url: str, cookies: dict[str, str], repeat: int) -> dict[str, float]:
    import urllib.request

    header = "; ".join(f"{k}={v}" for k, v in cookies.items())

    def get() -> None:
        request = urllib.request.Request(url, headers={"Cookie": header})  # noqa: S310 — loopback
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            if response.status != 200:
                raise SystemExit(f"GET {url}: {response.status}")
            response.read()

    return timed(get, repeat)


def load(province, args) -> dict[str, int]:
    """COPY classes, learners, enrolments and platform completions; return what went in."""
    rng = random.Random(15)  # noqa: S311 — test data
    now = timezone.now()
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    root = province.unit
    villages = province.villages
    commune_of = dict(
        OrgUnit.objects.filter(pk__in=[v.pk for v in villages]).values_list("pk", "path")
    )
    communes = {c.path: c.pk for c in OrgUnit.objects.filter(path__startswith=root.path, depth=2)}
    commune_of = {v: communes[p[: 2 * OrgUnit.steplen]] for v, p in commune_of.items()}
    course = Course.objects.create(owner=root, title="Kỹ năng số cơ bản", hours=3)
    started = time.perf_counter()
    # Classes: each village's spread over the past 365 days, all held.
    days_of: dict[int, list[datetime.date]] = {}
    sessions: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('learning_classsession', 'id'))")
        next_id = cursor.fetchone()[0]
    classes = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY learning_classsession (id, created_at, updated_at, course_id, organiser_id, "
            "host_id, province_id, venue, mode, meeting_url, starts_at, ends_at, trainers, "
            "target_group, for_bridge_points, status, checkin_secret, is_demo) FROM STDIN"
        ) as copy,
    ):
        for village in villages:
            for n in range(args.classes_per_village):
                day = today - datetime.timedelta(days=rng.randrange(365))
                at = datetime.datetime.combine(day, datetime.time(8 + n % 8), zone)
                copy.write_row(
                    (
                        next_id,
                        now,
                        now,
                        course.pk,
                        commune_of[village.pk],
                        village.pk,
                        root.pk,
                        "Nhà văn hóa",
                        "in_person",
                        "",
                        at,
                        at + datetime.timedelta(hours=2),
                        "",
                        "citizens",
                        False,
                        "held",
                        uuid.uuid4().hex,
                        False,
                    )
                )
                sessions.setdefault(village.pk, []).append(next_id)
                days_of[next_id] = day
                next_id += 1
                classes += 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('learning_classsession', 'id'), %s)", [next_id]
        )
        cursor.execute("SELECT nextval(pg_get_serial_sequence('learning_learner', 'id'))")
        learner_id = cursor.fetchone()[0]
    enrolments: list[tuple] = []
    trained = 0
    ids = [v.pk for v in villages]
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY learning_learner (id, created_at, updated_at, name, name_key, birth_year, "
            'sex, commune_id, village_id, "group", phone, first_trained_on, '
            "merged_into_id, is_demo) FROM STDIN"
        ) as copy,
    ):
        for n in range(args.learners):
            village = ids[n % len(ids)]
            taken = rng.sample(sessions[village], min(len(sessions[village]), rng.randint(1, 3)))
            absent_all = len(taken) == 1 and rng.random() < 0.05
            attended = [] if absent_all else taken
            first = min((days_of[s] for s in attended), default=None)
            trained += first is not None
            name = f"Người học {n}"
            copy.write_row(
                (
                    learner_id,
                    now,
                    now,
                    name,
                    name.lower(),
                    1950 + n % 55,
                    "",
                    commune_of[village],
                    None if n % 10 == 0 else village,
                    GROUPS[n % len(GROUPS)],
                    "",
                    first,
                    None,
                    False,
                )
            )
            for s in taken:
                enrolments.append((s, learner_id, "absent" if absent_all else "present"))
            learner_id += 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('learning_learner', 'id'), %s)", [learner_id]
        )
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY learning_enrolment (id, session_id, learner_id, status, via, registered_at, "
            "checked_in_at, completed, completed_on, result, confirmation_code, updated_at) "
            "FROM STDIN"
        ) as copy,
    ):
        for session, learner, status in enrolments:
            done = status == "present" and learner % 3 == 0
            copy.write_row(
                (
                    uuid.uuid4(),
                    session,
                    learner,
                    status,
                    "roll",
                    now,
                    now if status == "present" else None,
                    done,
                    days_of[session] if done else None,
                    "",
                    "",
                    now,
                )
            )
    source = PlatformImport.objects.create(
        kind="completions", unit=root, filename="mooc.csv", sha256="0" * 64
    )
    people = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY learning_platformcompletion (source_id, province_id, commune_id, village_id, "
            'name, name_key, birth_year, "group", course, completed_on, learner_id) FROM STDIN'
        ) as copy,
    ):
        n = 0
        while n < args.completions:
            village = ids[people % len(ids)]
            name = f"Người trên nền tảng {people}"
            for _ in range(2 if people % 4 == 0 else 1):
                copy.write_row(
                    (
                        source.pk,
                        root.pk,
                        commune_of[village],
                        village,
                        name,
                        name.lower(),
                        1960 + people % 45,
                        GROUPS[people % len(GROUPS)],
                        "Kỹ năng số",
                        today - datetime.timedelta(days=rng.randrange(365)),
                        None,
                    )
                )
                n += 1
            people += 1
    vneid = PlatformImport.objects.create(
        kind="vneid", unit=root, filename="vneid.csv", sha256="1" * 64
    )
    counts = [
        VneidCount(source=vneid, unit_id=pk, as_of=today - datetime.timedelta(days=d), confirmed=c)
        for i, pk in enumerate(communes.values())
        for d, c in ((200, 100 + i), (20, 500 + i))
    ]
    VneidCount.objects.bulk_create(counts)
    copied = time.perf_counter() - started
    setup.log(
        f"{classes} classes, {args.learners} learners, {len(enrolments)} enrolments, "
        f"{n} platform completions copied in {copied:.1f} s"
    )
    return {
        "classes": classes,
        "enrolments": len(enrolments),
        "trained_learners": trained,
        "platform_people": people,
        "vneid": sum(500 + i for i in range(len(communes))),
        "copy_s": round(copied, 1),
    }


def add_population(province) -> int:
    year = timezone.localdate().year
    rows = [
        UnitPopulation(
            unit_id=p.pk,
            year=year,
            households=400 + i % 300,
            adults=1200 + i % 900,
            staff=30 + i % 20,
            pupils=200 + i % 100,
            workers=100 + i % 150,
        )
        for i, p in enumerate(province.villages)
    ]
    UnitPopulation.objects.bulk_create(rows, batch_size=2000)
    return sum(r.adults for r in rows)


def shown(html: str, label: str) -> int | None:
    found = re.search(rf"{label}: <strong>([\d.]+)</strong>", html)
    return int(found.group(1).replace(".", "")) if found else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--villages", type=int, default=1500)
    parser.add_argument("--classes-per-village", type=int, default=12)
    parser.add_argument("--completions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="cProfile ten pages in-process")
    parser.add_argument(
        "--runs", type=int, default=1, help="timing runs over the one load, each its own server"
    )
    args = parser.parse_args()

    with setup.fresh_database():
        province = setup.build_province(args.villages)
        sent = load(province, args)
        started = time.perf_counter()
        refresh_all_learning_summaries()
        refresh_s = time.perf_counter() - started
        setup.log(f"summaries refreshed in {refresh_s:.1f} s")
        adults = add_population(province)
        user = setup.coordinator(province.unit)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("SELECT COUNT(*) FROM learning_learningmonth")
            summary_rows = cursor.fetchone()[0]
        unit = province.unit
        today = timezone.localdate()
        period = f"{today.year}"
        url = f"/learning/coverage/?unit={unit.pk}&period={period}"
        commune = OrgUnit.objects.filter(path__startswith=unit.path, depth=2).order_by("path")[0]
        commune_url = f"/learning/coverage/?unit={commune.pk}&period={period}"
        cookies = setup.session_cookies(user)
        runs = []
        for run in range(args.runs):
            # Each run from a server process of its own, started afresh.
            with setup.server() as server:
                import urllib.request

                header = "; ".join(f"{k}={v}" for k, v in cookies.items())
                request = urllib.request.Request(server.base + url, headers={"Cookie": header})  # noqa: S310
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                    html = response.read().decode()
                runs.append(
                    {
                        "page": timed_http(server.base + url, cookies, args.repeat),
                        "commune_page": timed_http(server.base + commune_url, cookies, args.repeat),
                    }
                )
            setup.log(f"run {run + 1}: {runs[-1]}")
        page, commune_page = runs[0]["page"], runs[0]["commune_page"]
        gc.collect()
        gc.freeze()
        start, end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
        parts = {
            "coverage": timed(
                lambda: selectors.coverage(unit, start=start, end=end, today=today), args.repeat
            ),
            "left_behind": timed(lambda: selectors.left_behind(unit, end=end), args.repeat),
        }
        from django.test import Client

        client = Client()
        client.force_login(user)
        try:
            parts["page_in_process"] = timed(lambda: client.get(url), args.repeat)
        except Exception as exc:
            setup.log(f"the in-process page failed: {exc!r}")
        if args.profile:
            _common.profile(lambda: [client.get(url) for _ in range(10)], sort="tottime", lines=30)
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            client.get(url)
        cov = selectors.coverage(unit, start=start, end=end, today=today)
        learners = Learner.objects.count()
        classes_in_db = ClassSession.objects.count()
        enrolments_in_db = Enrolment.objects.count()
        completions_in_db = PlatformCompletion.objects.count()

    expected = sent["trained_learners"] + sent["platform_people"]
    page_trained = shown(html, "Người đã được học")
    ok = (
        page_trained == expected == cov.total.trained_total
        and sum(r.trained_total for r in cov.rows) == expected
        and cov.total.sizes.get("adults") == adults
        and cov.total.vneid == sent["vneid"]
        and learners == args.learners
        and classes_in_db == sent["classes"]
    )
    queries = sorted(timer.queries, reverse=True)
    results = {
        "learners": args.learners,
        "villages": len(province.villages),
        "classes": sent["classes"],
        "enrolments": enrolments_in_db,
        "platform_completions": completions_in_db,
        "summary_rows": summary_rows,
        "copy_s": sent["copy_s"],
        "refresh_all_s": round(refresh_s, 1),
        "repeat": args.repeat,
        "through": "uvicorn, one worker, HTTP over loopback",
        "page": page,
        "commune_page": commune_page,
        "runs": runs,
        "target_ms": TARGET_MS,
        "target_met": all(r["page"]["p95_ms"] < TARGET_MS for r in runs),
        **parts,
        "page_queries": len(queries),
        "page_sql_ms": round(sum(ms for ms, _ in queries), 1),
        "slowest_sql_ms": round(queries[0][0], 1) if queries else 0,
        "page_trained": page_trained,
        "trained_inserted": expected,
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
