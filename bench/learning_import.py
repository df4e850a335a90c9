"""Importing a province's completions from the national MOOC platform ("Bình dân học vụ số").

    .venv/bin/python bench/learning_import.py --rows 1000000

Creates a fresh PostgreSQL database with a province of ``--villages`` villages (fifteen to a
commune), seeds ``--known`` learners already trained in classes, writes ``--rows``
completions to a temporary CSV file as the platform exports them (comma-separated, UTF-8
with BOM, Vietnamese headers, date of birth or year, commune by name, village for half the
rows, e-mail column ignored), about ``--per-person`` completions per person, and imports it
through ``hocvuso.learning.importers.import_completions`` (hash the file, stream and check
every row, COPY into learning_platformcompletion, add the learners nobody matched with one
INSERT … SELECT, match every completion with one UPDATE … FROM, set first training days,
audit, commit), timed by phase. Memory: resident memory sampled every 10 ms; a first import
of ``--memory-rows`` rows (then emptied) gives the growth to compare with the full one.

Baseline (the issue's "raw COPY of the same rows into the same table"): the imported rows,
dumped with COPY TO, loaded back into learning_platformcompletion once emptied (its indexes
and deferred foreign keys checked at commit). Target: import rate ≥ 0.5 of the baseline's.
Checks completions == rows, every completion matched, learners == distinct people; exits
non-zero otherwise. Prints one JSON line last.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import _fieldwork_setup as setup
import psycopg
from django.db import connection

from hocvuso.learning import importers
from hocvuso.learning.models import Learner, PlatformCompletion
from hocvuso.learning.services.learners import name_key
from hocvuso.orgunits.models import OrgUnit

TARGET_RATIO = 0.5
HEADERS = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Email",
    "Xã/Phường",
    "Thôn/Tổ",
    "Đối tượng",
    "Khóa học",
    "Ngày hoàn thành",
]
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Mai Trịnh"
MIDDLE = "Văn Thị Đức Minh Thu Ngọc Quang Thanh Hữu Xuân Kim Hồng Bảo Gia Anh"
GIVEN = (
    "An Bình Cường Dũng Giang Hà Hải Hạnh Hiếu Hoa Hùng Hương Khánh Lan Linh Long Mai Minh "
    "Nam Nga Ngân Nhung Phúc Phương Quân Quỳnh Sơn Tâm Thảo Thắng Trang Trung Tú Tuấn Vân Yến"
)
GROUPS = ["Người dân", "Người dân", "Người dân", "Học sinh", "Cán bộ, công chức, viên chức"]
COURSES = [
    "Kỹ năng số cơ bản",
    "Sử dụng VNeID",
    "Dịch vụ công trực tuyến",
    "Thanh toán không dùng tiền mặt",
    "An toàn trên không gian mạng",
    "Trí tuệ nhân tạo cơ bản",
]
TABLES = ("learning_platformcompletion", "learning_platformimport")


def people(communes: list[tuple[int, str, list[str]]], count: int, seed: int):
    """``count`` distinct people: (commune pk, commune name, village name or "", name, year)."""
    rng = random.Random(seed)  # noqa: S311 — test data, not secrets
    family, middle, given = FAMILY.split(), MIDDLE.split(), GIVEN.split()
    seen: set[tuple[int, str, int]] = set()
    while len(seen) < count:
        pk, commune, villages = rng.choice(communes)
        name = f"{rng.choice(family)} {rng.choice(middle)} {rng.choice(middle)} {rng.choice(given)}"
        year = rng.randint(1945, 2012)
        if (pk, name, year) in seen:
            continue
        seen.add((pk, name, year))
        yield pk, commune, rng.choice(villages) if rng.random() < 0.5 else "", name, year


def write_csv(path: Path, persons: list, rows: int, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 — test data, not secrets
    first = datetime.date(2025, 1, 1)
    started = time.perf_counter()
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for n in range(rows):
            _pk, commune, village, name, year = persons[n % len(persons)]
            day = first + datetime.timedelta(days=rng.randrange(330))
            birth = (
                str(year) if n % 3 else f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}"
            )
            writer.writerow(
                (
                    n + 1,
                    name,
                    birth,
                    f"hv{n}@example.vn" if n % 4 == 0 else "",
                    commune,
                    village,
                    GROUPS[n % len(GROUPS)],
                    COURSES[(n // len(persons)) % len(COURSES)],
                    day.strftime("%d/%m/%Y"),
                )
            )
    setup.log(
        f"{rows} rows written ({path.stat().st_size / 2**20:.0f} MiB) in "
        f"{time.perf_counter() - started:.1f} s"
    )


def seed_learners(persons: list, known: int, province: OrgUnit) -> None:
    """The first ``known`` people already trained in a class: learners of their commune."""
    batch = [
        Learner(
            name=name,
            name_key=name_key(name),
            birth_year=year,
            commune_id=pk,
            first_trained_on=datetime.date(2025, 6, 1),
        )
        for pk, _c, _v, name, year in persons[:known]
    ]
    Learner.objects.bulk_create(batch, batch_size=5000)


def empty(persons: list, known: int, province: OrgUnit) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)}, learning_learner CASCADE")
    seed_learners(persons, known, province)


def timed_import(
    path: Path, province: OrgUnit, actor: object, *, create_learners: bool = True
) -> dict:
    phases: dict[str, float] = {}
    originals = {
        name: getattr(importers, name)
        for name in (
            "_stage_rows",
            "add_learners",
            "analyse",
            "write_completions",
            "refresh_learning_summaries",
        )
    }

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[f"{name.strip('_')}_s"] = time.perf_counter() - started

        return wrapper

    for name, function in originals.items():
        setattr(importers, name, timed(name, function))
    sampler = setup_sampler()
    try:
        with path.open("rb") as stream:
            started = time.perf_counter()
            result = importers.import_completions(
                actor=actor,
                unit=province,
                filename=path.name,
                stream=stream,
                create_learners=create_learners,
            )
            elapsed = time.perf_counter() - started
    finally:
        for name, function in originals.items():
            setattr(importers, name, function)
        memory = sampler.stop()
    return {
        "rows": result.rows,
        "matched": result.matched,
        "learners_added": result.learners_added,
        "elapsed_s": round(elapsed, 2),
        "rows_per_s": round(result.rows / elapsed),
        "read_check_copy_s": round(phases.get("stage_rows_s", 0), 2),
        "add_learners_s": round(phases.get("add_learners_s", 0), 2),
        "write_match_s": round(phases.get("write_completions_s", 0), 2),
        "analyse_s": round(phases.get("analyse_s", 0), 2),
        "summaries_s": round(phases.get("refresh_learning_summaries_s", 0), 2),
        "hash_audit_commit_s": round(elapsed - sum(phases.values()), 2),
        **memory,
    }


def setup_sampler():
    from fieldwork_import import RssSampler

    sampler = RssSampler()
    sampler.start()
    return sampler


def baseline(rows: int, workdir: Path) -> dict:
    """COPY of the imported rows back into learning_platformcompletion, emptied."""
    dump = workdir / "completions.copy"
    with psycopg.connect(setup.DB_URL) as conn:
        with (
            conn.cursor() as cursor,
            cursor.copy("COPY learning_platformcompletion TO STDOUT") as copy,
            dump.open("wb") as out,
        ):
            for data in copy:
                out.write(data)
        conn.execute("TRUNCATE learning_platformcompletion")
        conn.commit()
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy("COPY learning_platformcompletion FROM STDIN") as copy,
            dump.open("rb") as source,
        ):
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        conn.commit()
        same = time.perf_counter() - started
        landed = conn.execute("SELECT count(*) FROM learning_platformcompletion").fetchone()[0]
    dump.unlink()
    if landed != rows:
        raise SystemExit(f"baseline landed {landed} rows, wanted {rows}")
    return {"copy_same_table_s": round(same, 2), "copy_same_table_rows_per_s": round(rows / same)}


def check(rows: int, distinct: int, known: int, create: bool) -> dict:
    figures = {
        "completions_in_db": PlatformCompletion.objects.count(),
        "unmatched_in_db": PlatformCompletion.objects.filter(learner__isnull=True).count(),
        "learners_in_db": Learner.objects.count(),
        "distinct_people_sent": distinct,
        "trained_learners": Learner.objects.filter(first_trained_on__isnull=False).count(),
    }
    learners = distinct if create else known
    figures["ok"] = (
        figures["completions_in_db"] == rows
        and (figures["unmatched_in_db"] == 0) == create
        and figures["learners_in_db"] == learners == figures["trained_learners"]
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--villages", type=int, default=1500)
    parser.add_argument("--per-person", type=float, default=1.6, help="completions per person")
    parser.add_argument("--known", type=float, default=0.2, help="share already learners")
    parser.add_argument("--memory-rows", type=int, default=None, help="default rows/10")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--no-create-learners",
        action="store_true",
        help="leave unmatched completions unmatched (no learner added)",
    )
    args = parser.parse_args()
    memory_rows = args.rows // 10 if args.memory_rows is None else args.memory_rows
    distinct = max(1, int(args.rows / args.per_person))
    known = int(distinct * args.known)
    create = not args.no_create_learners
    sys.path.insert(0, str(Path(__file__).parent))

    with setup.fresh_database(), tempfile.TemporaryDirectory(prefix="learning-") as tmp:
        workdir = Path(tmp)
        province = setup.build_province(args.villages).unit
        actor = setup.coordinator(province)
        communes = []
        for commune in OrgUnit.objects.filter(kind="commune", path__startswith=province.path):
            villages = list(commune.get_children().values_list("name", flat=True))
            communes.append((commune.pk, commune.name, villages))
        started = time.perf_counter()
        persons = list(people(communes, distinct, args.seed))
        setup.log(f"{distinct} people drawn in {time.perf_counter() - started:.1f} s")
        small = None
        if memory_rows:
            seed_learners(persons, known, province)
            path = workdir / "small.csv"
            write_csv(path, persons[: max(1, int(memory_rows / args.per_person))], memory_rows, 1)
            small = timed_import(path, province, actor, create_learners=create)
            setup.log(f"small import: {small}")
            path.unlink()
            empty(persons, known, province)
        else:
            seed_learners(persons, known, province)
        path = workdir / "hoan-thanh.csv"
        write_csv(path, persons, args.rows, args.seed)
        csv_mib = round(path.stat().st_size / 2**20, 1)
        full = timed_import(path, province, actor, create_learners=create)
        setup.log(f"import: {full}")
        checked = check(args.rows, distinct, known, create)
        setup.log(f"check: {checked}")
        raw = baseline(args.rows, workdir)
        setup.log(f"baseline: {raw}")

    ratio = round(full["rows_per_s"] / raw["copy_same_table_rows_per_s"], 2)
    results = {
        "rows": args.rows,
        "villages": args.villages,
        "distinct_people": distinct,
        "known_learners": known,
        "create_learners": create,
        "csv_mib": csv_mib,
        "import": full,
        "baseline": raw,
        "ratio_to_copy_same_table": ratio,
        "target_ratio": TARGET_RATIO,
        "target_met": ratio >= TARGET_RATIO,
        "memory": {
            "small_rows": memory_rows,
            "small_rss_peak_mib": small["rss_peak_mib"] if small else None,
            "small_rss_growth_mib": small["rss_growth_mib"] if small else None,
            "full_rss_peak_mib": full["rss_peak_mib"],
            "full_rss_growth_mib": full["rss_growth_mib"],
        },
        **checked,
    }
    print(json.dumps(results))
    if not checked["ok"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
