"""What every benchmark script shares, whatever it sets up: progress on stderr, a fresh
PostgreSQL database, a free loopback port, and timing — of a call, of each SQL statement, or
under cProfile. Nothing here imports Django at import time: the ``_*_setup`` modules set the
environment and call ``django.setup()`` first."""

from __future__ import annotations

import contextlib
import socket
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def log(message: str) -> None:
    """Progress goes to stderr, so the JSON line is the last line of stdout."""
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def fresh_database(name: str, *, collectstatic: bool = False) -> Iterator[None]:
    """Create the database ``name``, migrate it (and collect the static files, for pages
    rendered with DEBUG off), and drop it at the end."""
    import psycopg
    from django.core.management import call_command
    from django.db import connection

    def drop() -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    log(f"database {name} migrated in {time.perf_counter() - started:.1f} s")
    if collectstatic:
        call_command("collectstatic", verbosity=0, interactive=False)
    try:
        yield
    finally:
        connection.close()
        drop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class QueryTimer:
    """Time of each SQL statement of one call (``connection.execute_wrapper(timer)``)."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):  # Django's execute_wrapper hook
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql))


def timed(
    function: Callable[[], Any],
    repeat: int,
    percentiles: Callable[[list[float]], dict[str, float]],
) -> dict[str, float]:
    """``percentiles`` of ``repeat`` calls of ``function`` in milliseconds, after one to warm."""
    function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return percentiles(times)


def profile(function: Callable[[], Any], *, sort: str = "cumulative", lines: int = 40) -> None:
    """Run ``function`` under cProfile; its top ``lines`` functions by ``sort`` to stderr."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(function)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(lines)
    log(out.getvalue())
