"""What every benchmark script shares, whatever it sets up: progress on stderr, a fresh
PostgreSQL database, a free loopback port, and timing — of a call, of each SQL statement, or
under cProfile. Nothing here imports Django at import time: the ``_*_setup`` modules set the
environment and call ``django.setup()`` first."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production-settings server on plain HTTP over loopback: no
    redirect to HTTPS, cookies sent without TLS, a throwaway key."""
    return {
        "DJANGO_SETTINGS_MODULE": "hocvuso.settings",
        "DATABASE_URL": database_url,
        "HOCVUSO_DEV": "0",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


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


@dataclass
class Server:
    base: str
    pid: int


@contextlib.contextmanager
def uvicorn(
    env: Mapping[str, str], *, workers: int = 1, options: Sequence[str] = ()
) -> Iterator[Server]:
    """uvicorn serving hocvuso.asgi on a free loopback port with ``env`` added to this
    process's environment; stopped on exit."""
    port = free_port()
    command = [
        str(ROOT / ".venv/bin/uvicorn"),
        "hocvuso.asgi:application",
        "--host=127.0.0.1",
        f"--port={port}",
        f"--workers={workers}",
        "--loop=uvloop",
        "--http=httptools",
        *options,
        "--backlog=8192",
        "--no-access-log",
        "--log-level=warning",
        "--timeout-graceful-shutdown=5",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})  # noqa: S603
    try:
        # uvicorn binds its port once the application is loaded.
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"uvicorn exited with {process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("uvicorn did not answer within 60 s") from None
                time.sleep(0.2)
        yield Server(f"http://127.0.0.1:{port}", process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def session_cookies(user: Any) -> dict[str, str]:
    """Session and CSRF cookies of ``user`` signed in (the CSRF token goes in the
    X-CSRFToken header too)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.crypto import get_random_string

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "hocvuso.accounts.backends.UsernameOrEmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"sessionid": session.session_key, "csrftoken": get_random_string(32)}


def rss_kib(pid: int | str = "self") -> int:
    """Resident memory of one process, in KiB (0 once it has gone)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


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
