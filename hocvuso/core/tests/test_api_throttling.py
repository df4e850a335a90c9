"""Issue 6: the API's allowances — per person (session and tokens together) and per address
without credentials — answered with 429 and a Vietnamese message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from hocvuso.accounts.services import create_api_token


@pytest.fixture(autouse=True)
def _empty_allowances() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_a_person_over_their_allowance_waits(client, coordinator, viewer, settings):
    settings.API_RATE_LIMIT = "3/m"
    _token, secret = create_api_token(actor=coordinator, name="Tập lệnh")
    client.force_login(coordinator)
    assert client.get("/api/me/").status_code == 200
    assert client.get("/api/me/").status_code == 200
    # A token draws on the same allowance as the person's session.
    assert client.get("/api/me/", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    refused = client.get("/api/units/")
    assert refused.status_code == 429
    assert "Quá nhiều yêu cầu" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 60
    client.force_login(viewer)
    assert client.get("/api/me/").status_code == 200


def test_an_address_without_credentials_is_limited_too(client, db, settings):
    settings.API_ANON_RATE_LIMIT = "2/m"
    assert client.get("/api/me/").status_code == 401
    assert client.get("/api/me/", headers={"Authorization": "Bearer hvs_guess"}).status_code == 401
    refused = client.get("/api/units/")
    assert refused.status_code == 429
    assert "Quá nhiều yêu cầu" in refused.json()["detail"]
    # The client's own X-Forwarded-For does not pick another allowance.
    assert client.get("/api/me/", headers={"X-Forwarded-For": "10.9.8.7"}).status_code == 429


def test_the_limits_are_read_per_request(client, coordinator, settings):
    settings.API_RATE_LIMIT = "1/m"
    client.force_login(coordinator)
    assert client.get("/api/me/").status_code == 200
    assert client.get("/api/me/").status_code == 429
    settings.API_RATE_LIMIT = "5/m"
    assert client.get("/api/me/").status_code == 200
