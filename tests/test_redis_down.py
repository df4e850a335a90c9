"""Issue 13, defect 6: a Redis that is down or out of reach takes nothing down. The API (the
phones' visit sync, bridge-point attendance, ``/api/me/``, its rate limits) and the public
statistics keep answering from the process's memory, one warning says so, and the cache goes
back to Redis once it answers again."""

from __future__ import annotations

import datetime
import json
import logging
import socket
import subprocess
import sys
import time
import uuid

import pytest
from django.core.cache import cache, caches

from hocvuso.accounts.services import create_api_token
from hocvuso.core import cache as fallback_cache
from hocvuso.events.services import add_bridge_points, create_event
from hocvuso.fieldwork import services as fieldwork

BACKEND = "hocvuso.core.cache.RedisWithFallbackCache"
LIVE_REDIS = ("127.0.0.1", 6379)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    """The cache as production configures it with ``REDIS_URL``, at a port nobody listens on."""
    settings.CACHES = {
        "default": {"BACKEND": BACKEND, "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}
    }
    return caches["default"]


def test_production_settings_use_the_cache_that_falls_back():
    environment = {"REDIS_URL": "redis://127.0.0.1:6379/0", "SECRET_KEY": "x" * 50, "PATH": ""}
    code = "from hocvuso import settings; print(settings.CACHES['default']['BACKEND'])"
    run = subprocess.run(  # noqa: S603 — a fixed command, this interpreter
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == BACKEND


def test_the_api_and_statistics_answer_with_redis_down(
    client, redis_down, tree, coordinator, team_member, caplog, time_machine
):
    time_machine.move_to(datetime.datetime(2025, 10, 12, 3, tzinfo=datetime.UTC))
    caplog.set_level(logging.WARNING, logger="hocvuso.core.cache")
    _token, secret = create_api_token(actor=coordinator, name="Tập lệnh")
    bearer = {"Authorization": f"Bearer {secret}"}

    started = time.monotonic()
    me = client.get("/api/me/", headers=bearer)
    assert me.status_code == 200, me.content
    assert me.json()["username"] == "coordinator"

    team = fieldwork.create_team(actor=None, unit=tree.hoalu, name="Tổ CNS phường Hoa Lư")
    fieldwork.add_member(actor=None, team=team, name="Trần Thị Thành", user=team_member)
    visit = {
        "id": str(uuid.uuid4()),
        "team": team.pk,
        "village": tree.hoalu_village.pk,
        "visited_on": "2025-10-10",
        "household": "Số 1",
        "people_guided": 2,
        "services": ["vneid"],
    }
    client.force_login(team_member)
    synced = client.post(
        "/api/fieldwork/visits/batch",
        json.dumps({"visits": [visit]}),
        content_type="application/json",
    )
    assert synced.status_code == 200, synced.content
    assert synced.json()["saved"] == [visit["id"]]

    event = create_event(
        actor=None,
        organiser=tree.province,
        title="Lễ phát động",
        starts_at=datetime.datetime(2025, 11, 8, 1, tzinfo=datetime.UTC),
    )
    [point] = add_bridge_points(actor=None, event=event, hosts=[tree.hoalu])
    client.force_login(coordinator)
    attendance = client.post(
        f"/api/events/{event.pk}/bridge-points/{point.pk}/attendance",
        json.dumps({"submission_id": str(uuid.uuid4()), "counts": {"leaders": 3}}),
        content_type="application/json",
    )
    assert attendance.status_code == 200, attendance.content

    client.logout()
    assert client.get("/statistics/").status_code == 200
    assert client.get("/statistics/").status_code == 200  # the second from the memory cache
    assert client.get("/api/me/").status_code == 401  # the anonymous allowance still counts

    # One warning for the outage, not one per request; and no request waited on Redis.
    warnings = [r for r in caplog.records if r.name == "hocvuso.core.cache"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()
    assert time.monotonic() - started < 10


def test_rate_limits_still_hold_with_redis_down(client, redis_down, coordinator, settings):
    settings.API_RATE_LIMIT = "2/m"
    client.force_login(coordinator)
    assert client.get("/api/me/").status_code == 200
    assert client.get("/api/me/").status_code == 200
    assert client.get("/api/me/").status_code == 429


def test_a_dead_redis_is_not_asked_again_before_the_retry_interval(redis_down, monkeypatch):
    attempts = []
    real_get = fallback_cache.RedisCache.get

    def counting_get(self, *args, **kwargs):
        attempts.append(1)
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(fallback_cache.RedisCache, "get", counting_get)
    started = time.monotonic()
    for _ in range(20):
        assert cache.get("anything") is None
    assert len(attempts) == 1
    assert time.monotonic() - started < 2


def test_the_cache_goes_back_to_redis_when_it_answers_again(redis_down, monkeypatch, caplog):
    """Redis is simulated: the first call finds it down, the next after the interval up."""
    caplog.set_level(logging.WARNING, logger="hocvuso.core.cache")
    clock = [1000.0]
    monkeypatch.setattr(fallback_cache.time, "monotonic", lambda: clock[0])
    stored: dict[str, object] = {}
    outage = [True]

    def fake_set(self, key, value, timeout=None, version=None):
        if outage[0]:
            raise fallback_cache.RedisConnectionError("Connection refused")
        stored[key] = value

    def fake_get(self, key, default=None, version=None):
        if outage[0]:
            raise fallback_cache.RedisConnectionError("Connection refused")
        return stored.get(key, default)

    monkeypatch.setattr(fallback_cache.RedisCache, "set", fake_set)
    monkeypatch.setattr(fallback_cache.RedisCache, "get", fake_get)

    cache.set("figure", 1)
    assert cache.get("figure") == 1  # from memory
    assert stored == {}
    outage[0] = False
    clock[0] += 5  # Redis is back, but the interval has not passed: still memory
    cache.set("figure", 2)
    assert stored == {}
    clock[0] += fallback_cache.DEFAULT_RETRY_SECONDS
    cache.set("figure", 3)
    assert stored == {"figure": 3}
    assert cache.get("figure") == 3
    messages = [r.getMessage() for r in caplog.records if r.name == "hocvuso.core.cache"]
    assert len(messages) == 2
    assert "unreachable" in messages[0]
    assert "reachable again" in messages[1]


def live_redis_answers() -> bool:
    try:
        socket.create_connection(LIVE_REDIS, timeout=0.2).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not live_redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_a_real_redis_outage_and_recovery(settings, monkeypatch):
    settings.CACHES = {
        "default": {
            "BACKEND": BACKEND,
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"RETRY_SECONDS": 0},
        }
    }
    backend = caches["default"]
    real_connect = socket.socket.connect

    def refused(sock, address):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(socket.socket, "connect", refused)
    backend.set("figure", "from memory")
    assert backend.get("figure") == "from memory"
    monkeypatch.setattr(socket.socket, "connect", real_connect)
    assert backend.get("figure") is None  # Redis again: it never held the outage's value
    backend.set("figure", "from redis", 30)
    assert backend.get("figure") == "from redis"
    assert backend.fallback.get("figure") == "from memory"  # memory was left, not written
    backend.delete("figure")
