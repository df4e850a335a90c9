"""What the door-to-door benchmarks share: a fresh PostgreSQL database, a province of about
1,500 villages under about 100 communes with one community digital team per commune, a
deterministic stream of household visits over the past twelve months (households visited
again and again), a coordinator of the province, and uvicorn as a subprocess.

Import this module before anything from Django: it sets the environment (production-like
settings, DEBUG off) for this process and for the server it starts, then sets Django up.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import random
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import _common  # noqa: E402 — bench/ is the script's folder, on sys.path
from _common import log, rss_kib, session_cookies  # noqa: E402, F401 — scripts use setup.*

# One database per script, so two of them never share one.
DB_NAME = "hocvuso_bench_fieldwork_" + Path(sys.argv[0]).stem.removeprefix("fieldwork_")
DB_URL = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"

SERVER_ENV = _common.server_env(DB_URL)
for _name, _value in SERVER_ENV.items():
    os.environ[_name] = _value
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from hocvuso.accounts.models import RoleAssignment, User  # noqa: E402
from hocvuso.core.roles import Role  # noqa: E402
from hocvuso.fieldwork.models import Service, Team  # noqa: E402
from hocvuso.fieldwork.services import create_team  # noqa: E402
from hocvuso.orgunits.models import OrgUnit  # noqa: E402
from hocvuso.orgunits.services import add_children_bulk, create_unit  # noqa: E402

VILLAGES_PER_COMMUNE = 15


def fresh_database() -> contextlib.AbstractContextManager[None]:
    """This script's database, created, migrated and its static files collected; dropped at
    the end."""
    return _common.fresh_database(DB_NAME, collectstatic=True)


@dataclass
class Place:
    pk: int
    name: str
    team_pk: int
    team_name: str


@dataclass
class Province:
    unit: OrgUnit
    villages: list[Place]  # with the team of their commune
    teams: list[Team]


@transaction.atomic
def build_province(villages: int) -> Province:
    """A province of ``villages`` villages, fifteen to a commune (add_children_bulk: paths
    computed in Python, one insert per commune), and one team per commune (create_team)."""
    started = time.perf_counter()
    province = create_unit(actor=None, parent=None, name="Tỉnh Thử Tải", kind="province")
    communes = add_children_bulk(
        province,
        [
            OrgUnit(name=f"Xã {i:03d}", kind="commune")
            for i in range(max(1, -(-villages // VILLAGES_PER_COMMUNE)))
        ],
        actor=None,
    )
    places: list[Place] = []
    teams: list[Team] = []
    left = villages
    for commune in communes:
        take = min(VILLAGES_PER_COMMUNE, left)
        team = create_team(actor=None, unit=commune, name=f"Tổ công nghệ số {commune.name}")
        teams.append(team)
        created = add_children_bulk(
            commune,
            [OrgUnit(name=f"Thôn {n + 1} {commune.name}", kind="village") for n in range(take)],
            actor=None,
        )
        places += [Place(v.pk, v.name, team.pk, team.name) for v in created]
        left -= take
    log(
        f"{len(communes)} communes, {len(places)} villages, {len(teams)} teams built in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return Province(province, places, teams)


def coordinator(unit: OrgUnit) -> User:
    user = User.objects.create_user(username="bench-coordinator", password=get_random_string(20))
    RoleAssignment.objects.create(user=user, unit=unit, role=Role.COORDINATOR)
    return user


# --- Visits


@dataclass(slots=True)
class VisitRow:
    """One generated visit, typed; ``household_text`` is what a person writes, ``household``
    the folded reference the app stores for it."""

    id: uuid.UUID
    place: Place
    visited_on: datetime.date
    household_text: str
    household: str
    people: int
    services: list[Service]
    follow_up_on: datetime.date | None  # set when the outcome is "follow up"
    aged_60_plus: int | None
    women: int | None
    ethnic_minority: int | None
    disability: int | None


def visits(
    places: list[Place], rows: int, *, seed: int = 5, today: datetime.date | None = None
) -> Iterator[VisitRow]:
    """See :func:`_visits`. The topics are read now, not at the first row: a caller may
    iterate inside a COPY, when the connection can run no other query."""
    services = list(Service.objects.filter(active=True).order_by("bit"))
    return _visits(places, rows, services, seed=seed, today=today)


def _visits(
    places: list[Place],
    rows: int,
    services: list[Service],
    *,
    seed: int,
    today: datetime.date | None,
) -> Iterator[VisitRow]:
    """``rows`` visits spread over ``places`` and the 365 days before ``today``. Each village
    has about a third as many households as it gets visits, so most households are visited
    two or three times; 15 % of visits ask for a return two weeks later. A household is
    visited at most once a day (the importer refuses a row written twice)."""
    rng = random.Random(seed)  # noqa: S311 — load figures, not secrets
    today = today or timezone.localdate()
    per_village = max(5, rows // max(1, len(places)) // 3)
    days = [today - datetime.timedelta(days=d) for d in range(365)]
    fortnight = datetime.timedelta(days=14)
    random_ = rng.random
    n_places, n_services = len(places), len(services)
    visited: set[tuple[int, int, int]] = set()
    for _ in range(rows):
        while True:
            place = places[int(random_() * n_places)]
            h = int(random_() * per_village) + 1
            day = int(random_() * 365)
            if (place.pk, h, day) not in visited:
                visited.add((place.pk, h, day))
                break
        xom = h % 7 + 1
        people = 1 + int(random_() * 6)
        first = int(random_() * n_services)
        chosen = [services[first]]
        if random_() < 0.5:
            chosen.append(services[(first + 1 + int(random_() * (n_services - 1))) % n_services])
        visited_on = days[day]
        r = random_()
        yield VisitRow(
            id=uuid.UUID(int=rng.getrandbits(128)),
            place=place,
            visited_on=visited_on,
            household_text=f"Số {h}, xóm {xom}",
            household=f"so {h} xom {xom}",
            people=people,
            services=chosen,
            follow_up_on=visited_on + fortnight if r < 0.15 else None,
            aged_60_plus=int(r * 10) % (people + 1) if r < 0.6 else None,
            women=int(r * 100) % (people + 1),
            ethnic_minority=int(r * 1000) % (people + 1) if r < 0.3 else None,
            disability=1 if r < 0.03 else None,
        )


class Sent:
    """What was generated, to check nothing was lost."""

    def __init__(self) -> None:
        self.rows = self.people = self.women = self.follow_ups = 0
        self._households: set[tuple[int, str]] = set()

    def add(self, row: VisitRow) -> None:
        self.rows += 1
        self.people += row.people
        self.women += row.women or 0
        self.follow_ups += row.follow_up_on is not None
        self._households.add((row.place.pk, row.household))

    @property
    def distinct_households(self) -> int:
        return len(self._households)


# --- uvicorn


@contextlib.contextmanager
def server(*, workers: int = 1) -> Iterator[_common.Server]:
    """uvicorn serving hocvuso.asgi on this script's database; yields its base URL."""
    with _common.uvicorn(SERVER_ENV, workers=workers) as running:
        log(f"uvicorn ({workers} worker(s)) on {running.base}")
        yield running


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p95, p99 and max of ``values`` (milliseconds), rounded."""
    ordered = sorted(values)
    if not ordered:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0}

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"p50_ms": at(0.5), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": at(1.0)}
