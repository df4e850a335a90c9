"""What the launch-ceremony benchmarks share: a fresh PostgreSQL database, a province with
N units and an event with a bridge point at each, a coordinator's session, and the real ASGI
server (uvicorn) as a subprocess on a free loopback port.

Import this module before anything from Django: it sets the environment (production-like
settings, DEBUG off) for this process and for the server it starts, then sets Django up.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import _common  # noqa: E402 — bench/ is the script's folder, on sys.path
from _common import log  # noqa: E402 — the scripts use setup.log

# One database per script, so two of them never share one.
DB_NAME = "hocvuso_bench_events_" + Path(sys.argv[0]).stem.removeprefix("event_")

SERVER_ENV = _common.server_env(f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}")
for _name, _value in SERVER_ENV.items():
    os.environ[_name] = _value
os.environ.pop("REDIS_URL", None)  # this process never broadcasts; the server decides

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from hocvuso.accounts.models import RoleAssignment, User  # noqa: E402
from hocvuso.core.roles import Role  # noqa: E402
from hocvuso.events.models import BridgePoint, Event  # noqa: E402
from hocvuso.events.services import add_bridge_points, create_event  # noqa: E402
from hocvuso.orgunits.models import OrgUnit  # noqa: E402
from hocvuso.orgunits.services import add_children_bulk, create_unit  # noqa: E402

VILLAGES_PER_COMMUNE = 9


def fresh_database() -> contextlib.AbstractContextManager[None]:
    """This script's database, created and migrated; dropped at the end."""
    return _common.fresh_database(DB_NAME)


@transaction.atomic
def build_province(units: int) -> OrgUnit:
    """A province with ``units`` units below it: communes with nine villages each, inserted
    with bulk_create and paths computed in Python (orgunits.services.add_children_bulk)."""
    province = create_unit(actor=None, parent=None, name="Tỉnh Thử Tải", kind="province")
    communes_wanted = max(1, -(-units // (VILLAGES_PER_COMMUNE + 1)))
    communes = add_children_bulk(
        province,
        [OrgUnit(name=f"Xã {i:05d}", kind="commune") for i in range(communes_wanted)],
        actor=None,
    )
    left = units - len(communes)
    for commune in communes:
        take = min(VILLAGES_PER_COMMUNE, left)
        if take <= 0:
            break
        # Each commune is fetched again inside: add_children_bulk locks it and reads its paths.
        add_children_bulk(
            commune,
            [OrgUnit(name=f"Thôn {n} {commune.name}", kind="village") for n in range(take)],
            actor=None,
        )
        left -= take
    return province


def build_event(bridge_points: int) -> Event:
    """A province of ``bridge_points`` units and an event, registration open, with a bridge
    point at every unit."""
    started = time.perf_counter()
    province = build_province(bridge_points)
    now = timezone.now()
    event = create_event(
        actor=None,
        organiser=province,
        title="Lễ ra quân Bình dân học vụ số (thử tải)",
        starts_at=now + datetime.timedelta(days=2),
        ends_at=now + datetime.timedelta(days=2, hours=2),
        registration_closes_at=now + datetime.timedelta(days=1),
    )
    hosts = OrgUnit.objects.filter(path__startswith=province.path, depth__gt=1).order_by("path")
    add_bridge_points(actor=None, event=event, hosts=hosts)
    count = BridgePoint.objects.filter(event=event).count()
    if count != bridge_points:
        raise SystemExit(f"built {count} bridge points, wanted {bridge_points}")
    log(f"{count} units and bridge points built in {time.perf_counter() - started:.1f} s")
    return event


def tokens(event: Event) -> list[str]:
    return list(event.bridge_points.order_by("pk").values_list("access_token", flat=True))


def coordinator_cookies(event: Event) -> dict[str, str]:
    """A coordinator of the organising unit, signed in: session and CSRF cookies (the CSRF
    token goes in the X-CSRFToken header too)."""
    user = User.objects.create_user(username="bench-coordinator", password=get_random_string(20))
    RoleAssignment.objects.create(user=user, unit=event.organiser, role=Role.COORDINATOR)
    return _common.session_cookies(user)


@contextlib.contextmanager
def server(*, workers: int = 1, redis: bool = False) -> Iterator[_common.Server]:
    """uvicorn serving hocvuso.asgi on this script's database, its channel layer in memory or
    on Redis; yields its base URL."""
    env = {**SERVER_ENV, **({"REDIS_URL": "redis://127.0.0.1:6379/0"} if redis else {})}
    with _common.uvicorn(env, workers=workers, options=["--ws=websockets-sansio"]) as running:
        layer = "Redis" if redis else "in-memory"
        log(f"uvicorn ({workers} worker(s), {layer} layer) on {running.base}")
        yield running


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn's workers), in MiB."""
    pids = [pid, *_children(pid)]
    return round(sum(_common.rss_kib(p) for p in pids) / 1024, 1)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def server_db_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [DB_NAME],
        )
        return cursor.fetchone()[0]


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p99 and max of ``values`` (milliseconds), rounded."""
    ordered = sorted(values)
    if not ordered:
        return {"p50_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0}

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p99_ms": round(at(0.99), 1),
        "max_ms": round(ordered[-1], 1),
    }
