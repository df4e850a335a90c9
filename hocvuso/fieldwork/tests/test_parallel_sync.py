"""Issue 13 (defect 7): phones of one village syncing at the same moment. Each request runs
in its own thread with its own database connection, as under a real server; on PostgreSQL
(READ COMMITTED) the summaries and the "saved" answers must stay exact whatever the timing.

SQLite takes one writer at a time (IMMEDIATE transactions) and the test database is shared
in-memory, where waiting writers fail at once instead of queueing: the race these tests are
about cannot happen there, so they run on PostgreSQL only (CI runs both databases)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.test import Client

from hocvuso.core.models import AuditLog
from hocvuso.fieldwork import services
from hocvuso.fieldwork.models import Household, Service, VillageMonth, Visit
from hocvuso.fieldwork.tests.test_sync_api import URL

pytestmark = pytest.mark.django_db(transaction=True)

PHONES = 3
PER_BATCH = 50


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the race needs PostgreSQL")


@pytest.fixture
def phones(tree, team_member) -> tuple[object, list[Client]]:
    """The team, and one signed-in browser session per phone."""
    # A transactional test starts from a flushed database: the topics' data migration is gone.
    Service.objects.get_or_create(code="vneid", defaults={"name": "VNeID", "bit": 1})
    team = services.create_team(actor=None, unit=tree.hoalu, name="Tổ CNS phường Hoa Lư")
    services.add_member(actor=None, team=team, name="Trần Thị Thành", user=team_member)
    clients = []
    for _ in range(PHONES):
        client = Client()
        client.force_login(team_member)
        clients.append(client)
    return team, clients


def batch(team, village, *, households: str) -> dict:
    return {
        "visits": [
            {
                "id": str(uuid.uuid4()),
                "team": team.pk,
                "village": village.pk,
                "visited_on": "2025-10-10",
                "household": f"{households} {i}",
                "people_guided": 2,
                "services": ["vneid"],
            }
            for i in range(PER_BATCH)
        ]
    }


def at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Run the calls in threads released together; each thread's connection is closed."""
    start = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            start.wait()
            results[i] = calls[i]()
        except Exception as exc:  # reported by the test, not lost in its thread
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def post(client: Client, body: dict) -> Callable[[], object]:
    return lambda: client.post(URL, body, content_type="application/json")


def test_phones_syncing_different_batches_for_one_village_all_succeed(tree, phones) -> None:
    team, clients = phones
    village = tree.hoalu_village
    for round_ in range(5):
        answers = at_once(
            [
                post(client, batch(team, village, households=f"Số {round_}-{n}"))
                for n, client in enumerate(clients)
            ]
        )
        assert [getattr(a, "status_code", a) for a in answers] == [200] * PHONES
        assert [len(a.json()["saved"]) for a in answers] == [PER_BATCH] * PHONES
    total = 5 * PHONES * PER_BATCH
    assert Visit.objects.count() == total
    # The summaries are those of every visit, however the requests interleaved.
    assert Household.objects.filter(village=village).count() == total
    month = VillageMonth.objects.get(village=village)
    assert (month.visits, month.new_households, month.people_guided) == (total, total, 2 * total)


def test_the_same_batch_sent_by_three_phones_at_once_is_claimed_once(tree, phones) -> None:
    team, clients = phones
    body = batch(team, tree.hoalu_village, households="Số")
    answers = at_once([post(client, body) for client in clients])
    assert [getattr(a, "status_code", a) for a in answers] == [200] * PHONES
    saved = [len(a.json()["saved"]) for a in answers]
    duplicates = [len(a.json()["duplicates"]) for a in answers]
    # One answer saved the batch; the others found it saved: nobody is told "saved" twice.
    assert sorted(saved) == [0] * (PHONES - 1) + [PER_BATCH]
    assert [s + d for s, d in zip(saved, duplicates, strict=True)] == [PER_BATCH] * PHONES
    assert Visit.objects.count() == PER_BATCH
    claims = AuditLog.objects.filter(object_type="fieldwork.team", changes__has_key="visits_added")
    assert [c.changes["visits_added"] for c in claims] == [PER_BATCH]
    assert VillageMonth.objects.get().visits == PER_BATCH


def test_overlapping_batches_sent_at_once_save_each_visit_once(tree, phones) -> None:
    """Phones retrying after lost answers send batches that overlap in different orders: each
    visit is saved by exactly one request, and the answers add up."""
    team, clients = phones
    body = batch(team, tree.hoalu_village, households="Số")
    visits = body["visits"]
    bodies = [
        {"visits": visits[:30]},
        {"visits": list(reversed(visits[10:]))},
        {"visits": visits[20:] + visits[:5]},
    ]
    answers = at_once([post(c, b) for c, b in zip(clients, bodies, strict=True)])
    assert [getattr(a, "status_code", a) for a in answers] == [200] * PHONES
    saved = [v for a in answers for v in a.json()["saved"]]
    assert sorted(saved) == sorted(v["id"] for v in visits)
    claims = AuditLog.objects.filter(object_type="fieldwork.team", changes__has_key="visits_added")
    assert sum(c.changes["visits_added"] for c in claims) == PER_BATCH
    assert Household.objects.count() == PER_BATCH
