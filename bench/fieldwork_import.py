"""Importing a year of a province's door-to-door visits from one CSV file.

    .venv/bin/python bench/fieldwork_import.py --rows 1000000

Creates a fresh PostgreSQL database with a province of ``--villages`` villages (fifteen to a
commune, one team per commune), writes ``--rows`` visits to a temporary CSV file as teams keep
them (semicolon-separated, the import template's Vietnamese headers without "Mã lượt", dates
as dd/mm/yyyy, topics by name), and imports it through
``hocvuso.fieldwork.services.import_visits`` (stream, check every row, COPY into
fieldwork_visit, refresh_summaries, audit, commit), timed. Memory: the process's resident
memory is sampled every 10 ms during the import; a first import of ``--memory-rows`` rows
(then truncated) gives the growth to compare with the full one.

Three raw PostgreSQL baselines of the same rows in the same run, through psycopg's COPY:
  * same table: the imported rows, dumped with COPY TO, loaded back into fieldwork_visit
    itself once emptied (its indexes and foreign keys, checked at commit): what the database
    alone needs to land those rows where the import lands them;
  * typed, no foreign keys: the same dump into a table created
    ``LIKE fieldwork_visit INCLUDING ALL`` (same columns, indexes, checks; LIKE never copies
    foreign keys);
  * text: the CSV file itself into an all-text staging table (no index).
Target: import rate at least half the same-table baseline's (the issue's "raw PostgreSQL COPY
of the same data"); the other two ratios are printed too. Checks Visit count == rows,
sum(people_guided) == sent, VillageMonth sums == visits, households == distinct households
sent; exits non-zero otherwise. Prints one JSON line last.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import _fieldwork_setup as setup
import psycopg
from django.db import connection
from django.db.models import Count, Sum

from hocvuso.fieldwork import services
from hocvuso.fieldwork.importers import TEMPLATE_HEADERS, VisitReader, table_of
from hocvuso.fieldwork.models import Household, VillageMonth, Visit
from hocvuso.fieldwork.services import import_visits

TARGET_RATIO = 0.5
# The template's columns but "Ghi chú" and "Mã lượt": what a team's sheet usually holds;
# with --with-ids, "Mã lượt" too (the visit's id, as the app's own export writes it).
HEADERS = TEMPLATE_HEADERS[:12]
ID_HEADER = TEMPLATE_HEADERS[13]
OUTCOME_LABELS = {False: "Đã hướng dẫn xong", True: "Cần quay lại"}
FIELDWORK_TABLES = (
    "fieldwork_visit",
    "fieldwork_household",
    "fieldwork_villagemonth",
    "fieldwork_servicemonth",
)


def write_csv(
    path: Path, province: setup.Province, rows: int, *, with_ids: bool = False
) -> setup.Sent:
    """``rows`` visits written as a team's spreadsheet saved from Excel: UTF-8 with a BOM,
    ";" between cells, topics by name in one cell."""
    sent = setup.Sent()
    started = time.perf_counter()

    def cell(value: int | None) -> str:
        return "" if value is None else str(value)

    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow([*HEADERS, ID_HEADER] if with_ids else HEADERS)
        for row in setup.visits(province.villages, rows):
            sent.add(row)
            follow = row.follow_up_on
            writer.writerow(
                (
                    row.visited_on.strftime("%d/%m/%Y"),
                    row.place.team_name,
                    row.place.name,
                    row.household_text,
                    row.people,
                    "; ".join(s.name for s in row.services),
                    OUTCOME_LABELS[follow is not None],
                    follow.strftime("%d/%m/%Y") if follow else "",
                    cell(row.aged_60_plus),
                    cell(row.women),
                    cell(row.ethnic_minority),
                    cell(row.disability),
                    *([str(row.id)] if with_ids else []),
                )
            )
    setup.log(
        f"{rows} rows written to CSV ({path.stat().st_size / 2**20:.0f} MiB) in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return sent


class RssSampler(threading.Thread):
    """The highest VmRSS of this process while running, sampled every 10 ms."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.before = setup.rss_kib()
        self.peak = self.before
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.01):
            self.peak = max(self.peak, setup.rss_kib())

    def stop(self) -> dict[str, float]:
        self._halt.set()
        self.join()
        self.peak = max(self.peak, setup.rss_kib())
        return {
            "rss_before_mib": round(self.before / 1024, 1),
            "rss_peak_mib": round(self.peak / 1024, 1),
            "rss_growth_mib": round((self.peak - self.before) / 1024, 1),
        }


def timed_import(path: Path, province: setup.Province, actor: object) -> dict:
    """import_visits on the file, with the time of its phases: reading + checking + COPY
    (interleaved: rows stream from the file into COPY), refresh_summaries, and the rest
    (audit row and commit, where PostgreSQL checks the deferred foreign keys)."""
    phases: dict[str, float] = {}
    copy_visits, refresh = services._copy_visits, services.refresh_summaries

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[name] = time.perf_counter() - started

        return wrapper

    services._copy_visits = timed("read_check_copy_s", copy_visits)
    services.refresh_summaries = timed("refresh_summaries_s", refresh)
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sampler = RssSampler()
    sampler.start()
    try:
        with path.open("rb") as stream:
            started = time.perf_counter()
            result = import_visits(
                actor=actor, unit=province.unit, filename="luot-huong-dan.csv", stream=stream
            )
            elapsed = time.perf_counter() - started
    finally:
        services._copy_visits, services.refresh_summaries = copy_visits, refresh
        memory = sampler.stop()
    rest = elapsed - sum(phases.values())
    return {
        "rows": result.rows,
        "villages": result.villages,
        "elapsed_s": round(elapsed, 2),
        "rows_per_s": round(result.rows / elapsed),
        **{k: round(v, 2) for k, v in phases.items()},
        "audit_commit_s": round(rest, 2),
        **memory,
        "ru_maxrss_growth_mib": round(
            (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - maxrss_before) / 1024, 1
        ),
    }


def reading_only(path: Path, province: setup.Province) -> dict:
    """The importer's reading and checking alone, rows thrown away: the Python share."""
    reader = VisitReader(province.unit, actor_id=None, today=setup.timezone.localdate())
    started = time.perf_counter()
    with path.open("rb") as stream:
        n = sum(1 for _ in reader.rows(table_of("v.csv", stream)))
    elapsed = time.perf_counter() - started
    return {"elapsed_s": round(elapsed, 2), "rows_per_s": round(n / elapsed)}


def copy_file(conn: psycopg.Connection, sql: str, path: Path) -> float:
    """Seconds to COPY the file's bytes in with ``sql`` and commit."""
    started = time.perf_counter()
    with conn.cursor() as cursor, cursor.copy(sql) as copy, path.open("rb") as source:
        while chunk := source.read(1 << 20):
            copy.write(chunk)
    conn.commit()
    return time.perf_counter() - started


def baselines(csv_path: Path, rows: int, workdir: Path, columns: int) -> dict:
    """Raw COPY of the same rows: back into fieldwork_visit (emptied), typed into a LIKE
    fieldwork_visit INCLUDING ALL table, and the CSV text into an all-text staging table."""
    dump = workdir / "visits.copy"
    with psycopg.connect(setup.DB_URL) as conn:
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy("COPY fieldwork_visit TO STDOUT") as copy,
            dump.open("wb") as out,
        ):
            for data in copy:
                out.write(data)
        setup.log(f"typed rows dumped in {time.perf_counter() - started:.1f} s")
        conn.execute("TRUNCATE fieldwork_visit")
        conn.commit()
        same = copy_file(conn, "COPY fieldwork_visit FROM STDIN", dump)
        conn.execute("CREATE TABLE bench_visit_like (LIKE fieldwork_visit INCLUDING ALL)")
        conn.commit()
        typed = copy_file(conn, "COPY bench_visit_like FROM STDIN", dump)
        text_columns = ", ".join(f"c{i} text" for i in range(columns))
        conn.execute(f"CREATE TABLE bench_visit_text ({text_columns})")
        conn.commit()
        text = copy_file(
            conn,
            "COPY bench_visit_text FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)",
            csv_path,
        )
        landed = [
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in ("fieldwork_visit", "bench_visit_like", "bench_visit_text")
        ]
    dump.unlink()
    if landed != [rows, rows, rows]:
        raise SystemExit(f"baselines landed {landed} rows, wanted {rows}")
    return {
        "copy_same_table_s": round(same, 2),
        "copy_same_table_rows_per_s": round(rows / same),
        "copy_typed_like_table_s": round(typed, 2),
        "copy_typed_rows_per_s": round(rows / typed),
        "copy_text_staging_s": round(text, 2),
        "copy_text_rows_per_s": round(rows / text),
    }


def truncate() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(FIELDWORK_TABLES)}")


def check(sent: setup.Sent) -> dict:
    visits = Visit.objects.aggregate(n=Count("pk"), people=Sum("people_guided"), women=Sum("women"))
    months = VillageMonth.objects.aggregate(
        n=Sum("visits"), people=Sum("people_guided"), new=Sum("new_households")
    )
    households = Household.objects.count()
    figures = {
        "visits_in_db": visits["n"],
        "people_in_db": visits["people"],
        "people_sent": sent.people,
        "village_month_visits": months["n"],
        "village_month_people": months["people"],
        "households_in_db": households,
        "households_sent": sent.distinct_households,
    }
    figures["ok"] = (
        visits["n"] == sent.rows == months["n"]
        and visits["people"] == sent.people == months["people"]
        and visits["women"] == sent.women
        and households == sent.distinct_households == months["new"]
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--villages", type=int, default=1500)
    parser.add_argument(
        "--memory-rows", type=int, default=None, help="first, smaller import (default rows/10)"
    )
    parser.add_argument(
        "--with-ids", action="store_true", help='add the "Mã lượt" column (ids from the phones)'
    )
    args = parser.parse_args()
    memory_rows = args.rows // 10 if args.memory_rows is None else args.memory_rows

    with setup.fresh_database(), tempfile.TemporaryDirectory(prefix="fieldwork-") as tmp:
        workdir = Path(tmp)
        province = setup.build_province(args.villages)
        actor = setup.coordinator(province.unit)
        small = None
        if memory_rows:
            path = workdir / "small.csv"
            write_csv(path, province, memory_rows, with_ids=args.with_ids)
            small = timed_import(path, province, actor)
            setup.log(f"small import: {small}")
            path.unlink()
            truncate()
        path = workdir / "visits.csv"
        sent = write_csv(path, province, args.rows, with_ids=args.with_ids)
        csv_mib = round(path.stat().st_size / 2**20, 1)
        full = timed_import(path, province, actor)
        setup.log(f"import: {full}")
        checked = check(sent)
        setup.log(f"check: {checked}")
        raw = baselines(path, args.rows, workdir, len(HEADERS) + args.with_ids)
        setup.log(f"baselines: {raw}")
        reading = reading_only(path, province)
        setup.log(f"reading and checking alone: {reading}")

    ratio = round(full["rows_per_s"] / raw["copy_same_table_rows_per_s"], 2)
    results = {
        "rows": args.rows,
        "villages": len(province.villages),
        "teams": len(province.teams),
        "csv_mib": csv_mib,
        "csv_has_ids": args.with_ids,
        "import": full,
        "baseline": raw,
        "ratio_to_copy_same_table": ratio,
        "ratio_to_copy_typed_no_fk": round(full["rows_per_s"] / raw["copy_typed_rows_per_s"], 2),
        "ratio_to_copy_text": round(full["rows_per_s"] / raw["copy_text_rows_per_s"], 2),
        "target_ratio": TARGET_RATIO,
        "target_met": ratio >= TARGET_RATIO,
        "reading_checking_only": reading,
        "memory": {
            "small_rows": memory_rows,
            "small_rss_growth_mib": small["rss_growth_mib"] if small else None,
            "full_rss_growth_mib": full["rss_growth_mib"],
        },
        **checked,
    }
    print(json.dumps(results))
    if not checked["ok"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
