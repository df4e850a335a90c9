"""The learning summaries (``LearningMonth``, ``ClassMonth``), recomputed set-based from the
base rows of the units a write touched, in the writer's transaction — as fieldwork's
``refresh_summaries``: the same statements for one check-in or a million imported rows.

Who counts as trained (Deliver 7):

* a learner of ours (not merged into another) from the first day they attended a class
  that was not cancelled, or completed a course on the national platform, whichever came
  first (read from the enrolments, so it agrees with them whatever ``first_trained_on``
  says);
* a person the platform says completed a course and who matched none of our learners
  (``PlatformCompletion.learner`` empty), counted once per (commune, name, year of birth),
  from their first completion — unless a trained learner of ours has that same name, year
  of birth and commune (then they are that learner, already counted).

A person lives in their village, else in their commune; that is where they are counted.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from hocvuso.learning.models import (
    ClassMonth,
    ClassSession,
    CommuneLearningMonth,
    Enrolment,
    Learner,
    LearningMonth,
    PlatformCompletion,
)
from hocvuso.orgunits.models import OrgUnit

CHUNK = 500
ATTENDED = tuple(str(s) for s in Enrolment.ATTENDED)


@transaction.atomic(savepoint=False)
def refresh_learning_summaries(
    *,
    units: Iterable[int] = (),
    learners: Iterable[int] = (),
    hosts: Iterable[int] = (),
    platform: Iterable[int] = (),
) -> None:
    """Recompute the summaries touched by a write. ``units``: communes or villages (or any
    unit hosting classes) whose figures changed — a village is its residents and the classes
    held there; a commune is everything in it: its residents wherever in it they live, its
    platform completions and the classes held in it or its villages (what an import of the
    platform's file passes). ``learners``: people whose attendance or training changed — their
    residence unit's rows are recomputed. ``hosts``: units whose classes changed — only their
    class rows are recomputed (a check-in passes its learners and its class's host).
    ``platform``: communes whose platform completions changed (an import of the platform's
    file) — as ``units`` but for the classes' rows, which no completion changes.

    Call it inside the writer's transaction: the units are locked first, so two writers
    never delete and re-insert one unit's rows at once."""
    unit_ids = {int(u) for u in units if u}
    residents: set[int] = set()
    hosts = {int(h) for h in hosts if h}
    platform_ids = {int(u) for u in platform if u}
    platform: set[int] = set()
    if unit_ids or platform_ids:
        for pk, path, kind in OrgUnit.objects.filter(pk__in=unit_ids | platform_ids).values_list(
            "pk", "path", "kind"
        ):
            classes = pk in unit_ids
            if classes:
                hosts.add(pk)
            if kind == OrgUnit.Kind.VILLAGE:
                residents.add(pk)
            elif kind == OrgUnit.Kind.COMMUNE:
                residents.add(pk)
                platform.add(pk)
                below = OrgUnit.objects.filter(path__startswith=path).exclude(pk=pk)
                for child, child_kind in below.values_list("pk", "kind"):
                    if classes:
                        hosts.add(child)
                    if child_kind == OrgUnit.Kind.VILLAGE:
                        residents.add(child)
    learner_ids = sorted({int(pk) for pk in learners if pk})
    for start in range(0, len(learner_ids), CHUNK):
        for village, commune in Learner.objects.filter(
            pk__in=learner_ids[start : start + CHUNK]
        ).values_list("village_id", "commune_id"):
            residents.add(village or commune)
    if not (residents or hosts or platform):
        return
    _lock(residents | hosts | platform)
    for chunk in _chunks(residents):
        _refresh_residents(chunk)
    for chunk in _chunks(platform):
        _refresh_platform(chunk)
    # The communes of the residence units just recomputed, and those of the platform.
    communes = set(platform) | set(
        OrgUnit.objects.filter(pk__in=residents, kind=OrgUnit.Kind.COMMUNE).values_list(
            "pk", flat=True
        )
    )
    villages = residents - communes
    if villages:
        parents = {
            path[: -OrgUnit.steplen]
            for path in OrgUnit.objects.filter(pk__in=villages).values_list("path", flat=True)
        }
        communes |= set(
            OrgUnit.objects.filter(path__in=parents, kind=OrgUnit.Kind.COMMUNE).values_list(
                "pk", flat=True
            )
        )
    for chunk in _chunks(communes):
        _refresh_communes(chunk)
    for chunk in _chunks(hosts):
        _refresh_classes(chunk)


def refresh_class_summaries(session: ClassSession) -> None:
    """After a class itself changed (cancelled, marked held, moved to another day or host):
    its host's class rows and the rows of everyone on its roll. Call it in the same
    transaction as the change (and with the old host too when the host changed)."""
    refresh_learning_summaries(
        hosts=[session.host_id],
        learners=Enrolment.objects.filter(session=session).values_list("learner_id", flat=True),
    )


@transaction.atomic
def refresh_all_learning_summaries() -> None:
    """Every summary from scratch (after a bulk load, or to repair): commune by commune."""
    communes = OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNE).values_list("pk", flat=True)
    refresh_learning_summaries(units=list(communes))
    others = ClassSession.objects.exclude(
        host__kind__in=(OrgUnit.Kind.COMMUNE, OrgUnit.Kind.VILLAGE)
    ).values_list("host_id", flat=True)
    hosts = sorted(set(others))
    if hosts:
        _lock(hosts)
        for chunk in _chunks(hosts):
            _refresh_classes(chunk)


def _lock(ids: set[int]) -> None:
    """Hold the units' rows until the transaction ends (ordered, so overlapping writers queue
    instead of deadlocking); SQLite runs one writer at a time and needs none of it."""
    if not connection.features.has_select_for_update:
        return
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        list(
            OrgUnit.objects.select_for_update(no_key=True)
            .filter(pk__in=ordered[start : start + CHUNK])
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _month(column: str) -> str:
    """SQL for the first day of a date column's month, on either database."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _local_date(column: str) -> str:
    """SQL for the local (TIME_ZONE) day of a stored datetime column."""
    if connection.vendor == "postgresql":
        return f"CAST(({column} AT TIME ZONE '{settings.TIME_ZONE}') AS date)"
    offset = datetime.datetime.now(ZoneInfo(settings.TIME_ZONE)).utcoffset()
    seconds = int(offset.total_seconds()) if offset else 0
    return f"date({column}, '{seconds:+d} seconds')"


def _least(a: str, b: str) -> str:
    return f"CASE WHEN {b} IS NOT NULL AND ({a} IS NULL OR {b} < {a}) THEN {b} ELSE {a} END"


def _in(n: int) -> str:
    """`` IN (…)`` for ``n`` bound values: one array on PostgreSQL (any number of units in
    one statement), a list of placeholders on SQLite."""
    if connection.vendor == "postgresql":
        return " = ANY(%s)"
    return " IN (" + ", ".join(["%s"] * n) + ")"


def _bind(ids: list[int]) -> list[object]:
    """The parameters of one ``_in``."""
    return [ids] if connection.vendor == "postgresql" else list(ids)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """The ids sorted, all at once on PostgreSQL (bound as one array), by ``CHUNK`` on
    SQLite (its limit on bound values)."""
    ordered = sorted(ids)
    size = max(len(ordered), 1) if connection.vendor == "postgresql" else CHUNK
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _refresh_residents(ids: list[int]) -> None:
    """The ``class`` rows of these residence units, from their learners: new learners by the
    month of their first training, attendances by the class's month, completions by their
    day."""
    months = LearningMonth._meta.db_table
    learner, enrolment = Learner._meta.db_table, Enrolment._meta.db_table
    session, completion = ClassSession._meta.db_table, PlatformCompletion._meta.db_table
    scope = (
        f"l.merged_into_id IS NULL AND (l.village_id{_in(len(ids))} "
        f"OR (l.village_id IS NULL AND l.commune_id{_in(len(ids))}))"
    )
    attended = ", ".join(f"'{s}'" for s in ATTENDED)
    cancelled = ClassSession.Status.CANCELLED
    # From the base rows, not ``first_trained_on``: a class cancelled after its roll was
    # taken trains nobody. Each learner's first class and first completion come from one
    # aggregate over the scope's learners (hash joins for a province, index lookups for a
    # village), not from two subqueries per learner.
    scoped = f"SELECT l2.id FROM {learner} l2 WHERE {scope.replace('l.', 'l2.')}"  # noqa: S608 — tables from the models
    first_class = (
        f"SELECT e1.learner_id AS learner_id, MIN({_local_date('s1.starts_at')}) AS day "  # noqa: S608 — tables from the models
        f"FROM {enrolment} e1 JOIN {session} s1 ON s1.id = e1.session_id "
        f"WHERE e1.status IN ({attended}) AND s1.status <> '{cancelled}' "
        f"AND e1.learner_id IN ({scoped}) GROUP BY e1.learner_id"
    )
    first_completion = (
        f"SELECT pc.learner_id AS learner_id, MIN(pc.completed_on) AS day FROM {completion} pc "  # noqa: S608 — tables from the models
        f"WHERE pc.learner_id IN ({scoped}) GROUP BY pc.learner_id"
    )
    first = _least("fe.day", "fp.day")
    residence = "COALESCE(l.village_id, l.commune_id)"
    class_month = _month(_local_date("s.starts_at"))
    statements = [
        (f"DELETE FROM {months} WHERE source = 'class' AND unit_id{_in(len(ids))}", 1),  # noqa: S608 — tables from the models, values bound
        (
            f"INSERT INTO {months} (unit_id, commune_id, month, {_q('group')}, source, "  # noqa: S608
            "new_learners, attendances, completions) "
            "SELECT unit, commune, month, grp, 'class', SUM(a), SUM(b), SUM(c) FROM ("
            f"SELECT t.unit AS unit, t.commune AS commune, {_month('t.first')} AS month, "
            "t.grp AS grp, 1 AS a, 0 AS b, 0 AS c FROM ("
            f"SELECT {residence} AS unit, l.commune_id AS commune, {first} AS first, "
            f"l.{_q('group')} AS grp FROM {learner} l "
            f"LEFT JOIN ({first_class}) fe ON fe.learner_id = l.id "
            f"LEFT JOIN ({first_completion}) fp ON fp.learner_id = l.id WHERE {scope}) t "
            "WHERE t.first IS NOT NULL "
            "UNION ALL "
            f"SELECT {residence}, l.commune_id, {class_month}, l.{_q('group')}, 0, 1, 0 "
            f"FROM {enrolment} e JOIN {learner} l ON l.id = e.learner_id "
            f"JOIN {session} s ON s.id = e.session_id "
            f"WHERE {scope} AND e.status IN ({attended}) AND s.status <> '{cancelled}' "
            "UNION ALL "
            f"SELECT {residence}, l.commune_id, {_month('e.completed_on')}, l.{_q('group')}, "
            f"0, 0, 1 FROM {enrolment} e JOIN {learner} l ON l.id = e.learner_id "
            f"WHERE {scope} AND e.completed AND e.completed_on IS NOT NULL"
            ") x GROUP BY unit, commune, month, grp",
            10,
        ),
    ]
    with connection.cursor() as cursor:
        for sql, uses in statements:
            cursor.execute(sql, _bind(ids) * uses)


def _refresh_platform(communes: list[int]) -> None:
    """The ``platform`` rows of these communes: people only the platform knows, by the month
    of their first completion, and every completion by its month."""
    months = LearningMonth._meta.db_table
    learner, completion = Learner._meta.db_table, PlatformCompletion._meta.db_table
    group = _q("group")
    scope = f"commune_id{_in(len(communes))}"
    known = (
        f"SELECT 1 FROM {learner} l WHERE l.commune_id = pc.commune_id "  # noqa: S608
        "AND l.name_key = pc.name_key AND l.birth_year = pc.birth_year "
        "AND l.merged_into_id IS NULL AND l.first_trained_on IS NOT NULL"
    )
    statements = [
        (f"DELETE FROM {months} WHERE source = 'platform' AND {scope}", 1),  # noqa: S608 — tables from the models, values bound
        (
            f"INSERT INTO {months} (unit_id, commune_id, month, {group}, source, "  # noqa: S608
            "new_learners, attendances, completions) "
            "SELECT unit, commune, month, grp, 'platform', SUM(a), 0, SUM(c) FROM ("
            f"SELECT COALESCE(MAX(pc.village_id), pc.commune_id) AS unit, "
            f"pc.commune_id AS commune, {_month('MIN(pc.completed_on)')} AS month, "
            f"MAX(pc.{group}) AS grp, 1 AS a, 0 AS c FROM {completion} pc "
            f"WHERE pc.{scope} AND pc.learner_id IS NULL AND NOT EXISTS ({known}) "
            "GROUP BY pc.commune_id, pc.name_key, pc.birth_year "
            "UNION ALL "
            f"SELECT COALESCE(pc.village_id, pc.commune_id), pc.commune_id, "
            f"{_month('pc.completed_on')}, pc.{group}, 0, 1 FROM {completion} pc "
            f"WHERE pc.{scope}"
            ") x GROUP BY unit, commune, month, grp",
            2,
        ),
    ]
    with connection.cursor() as cursor:
        for sql, uses in statements:
            cursor.execute(sql, _bind(communes) * uses)


def _refresh_communes(communes: list[int]) -> None:
    """The communes' roll-up rows, from their residence units' rows."""
    rollup, months = CommuneLearningMonth._meta.db_table, LearningMonth._meta.db_table
    group = _q("group")
    scope = f"commune_id{_in(len(communes))}"
    statements = [
        f"DELETE FROM {rollup} WHERE {scope}",  # noqa: S608 — tables from the models, values bound
        f"INSERT INTO {rollup} (commune_id, month, {group}, new_learners, attendances, "  # noqa: S608
        f"completions) SELECT commune_id, month, {group}, SUM(new_learners), "
        f"SUM(attendances), SUM(completions) FROM {months} WHERE {scope} "
        f"GROUP BY commune_id, month, {group}",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, _bind(communes))


def _refresh_classes(hosts: list[int]) -> None:
    """The classes held at these host units, by month, with their attendances."""
    months = ClassMonth._meta.db_table
    session, enrolment = ClassSession._meta.db_table, Enrolment._meta.db_table
    attended = ", ".join(f"'{s}'" for s in ATTENDED)
    day = _local_date("s.starts_at")
    held, cancelled = ClassSession.Status.HELD, ClassSession.Status.CANCELLED
    statements = [
        (f"DELETE FROM {months} WHERE unit_id{_in(len(hosts))}", 1),  # noqa: S608 — tables from the models, values bound
        (
            f"INSERT INTO {months} (unit_id, month, classes_held, attendances, last_held_on) "  # noqa: S608
            f"SELECT host, {_month('day')}, COUNT(*), SUM(n), MAX(day) FROM ("
            f"SELECT s.host_id AS host, {day} AS day, s.status AS status, "
            f"(SELECT COUNT(*) FROM {enrolment} e WHERE e.session_id = s.id "
            f"AND e.status IN ({attended})) AS n FROM {session} s "
            f"WHERE s.host_id{_in(len(hosts))} AND s.status <> '{cancelled}'"
            f") x WHERE status = '{held}' OR n > 0 GROUP BY host, {_month('day')}",
            1,
        ),
    ]
    with connection.cursor() as cursor:
        for sql, uses in statements:
            cursor.execute(sql, _bind(hosts) * uses)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


__all__ = [
    "refresh_all_learning_summaries",
    "refresh_class_summaries",
    "refresh_learning_summaries",
]
