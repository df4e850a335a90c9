"""Issue 6: personal API tokens — made and revoked by their owner, audited, stored only as a
hash, and acting through the API exactly as their owner."""

from __future__ import annotations

import datetime
import json
import logging

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from hocvuso.accounts import services
from hocvuso.accounts.models import ApiToken, hash_api_secret
from hocvuso.core.models import AuditLog


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_token_is_stored_only_as_a_hash_and_its_creation_audited(coordinator):
    token, secret = services.create_api_token(actor=coordinator, name="  Bảng số liệu  ")
    assert secret.startswith("hvs_")
    assert len(secret) > 40
    token.refresh_from_db()
    assert token.name == "Bảng số liệu"
    assert token.prefix == secret[:12]
    assert token.secret_hash == hash_api_secret(secret)
    assert secret not in {getattr(token, f.attname) for f in ApiToken._meta.fields}
    entry = AuditLog.objects.get(object_type="accounts.apitoken")
    assert entry.actor == coordinator
    assert entry.action == AuditLog.Action.TOKEN_CREATED
    assert entry.changes["name"] == [None, "Bảng số liệu"]
    logged = json.dumps(entry.changes)
    assert secret not in logged
    assert token.secret_hash not in logged


def test_a_token_needs_a_name_and_a_future_expiry(coordinator):
    with pytest.raises(ValidationError, match="đặt tên"):
        services.create_api_token(actor=coordinator, name="   ")
    with pytest.raises(ValidationError, match="sau thời điểm hiện tại"):
        services.create_api_token(
            actor=coordinator, name="Cũ", expires_at=timezone.now() - datetime.timedelta(days=1)
        )
    assert not ApiToken.objects.exists()


def test_a_token_acts_as_its_owner_exactly(client, hoalu_focal_point, tree):
    _token, secret = services.create_api_token(actor=hoalu_focal_point, name="Tập lệnh")
    me = client.get("/api/me/", headers=bearer(secret)).json()
    assert me["username"] == "hoalu"
    assert me["roles"] == [
        {"role": "focal_point", "unit_id": tree.hoalu.pk, "unit_name": "Phường Hoa Lư"}
    ]
    own = client.get(f"/api/units/{tree.hoalu_village.pk}", headers=bearer(secret))
    assert own.json()["name"] == "Tổ dân phố số 1"
    assert client.get(f"/api/units/{tree.namhoalu.pk}", headers=bearer(secret)).status_code == 404
    assert client.get(f"/api/units/{tree.province.pk}", headers=bearer(secret)).status_code == 404


def test_use_is_stamped_at_most_once_a_minute(client, coordinator):
    token, secret = services.create_api_token(actor=coordinator, name="Tập lệnh")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC), tick=False):
        client.get("/api/me/", headers=bearer(secret))
        token.refresh_from_db()
        first = token.last_used_at
        assert first == timezone.now()
    with time_machine.travel(datetime.datetime(2026, 3, 2, 8, 0, 30, tzinfo=datetime.UTC)):
        client.get("/api/me/", headers=bearer(secret))
        token.refresh_from_db()
        assert token.last_used_at == first
    with time_machine.travel(datetime.datetime(2026, 3, 2, 8, 5, tzinfo=datetime.UTC)):
        client.get("/api/me/", headers=bearer(secret))
        token.refresh_from_db()
        assert token.last_used_at > first


def test_revoked_expired_and_unknown_tokens_are_refused(client, coordinator):
    token, secret = services.create_api_token(actor=coordinator, name="Tập lệnh")
    _soon, short_lived = services.create_api_token(
        actor=coordinator, name="Ngắn hạn", expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert client.get("/api/me/", headers=bearer(short_lived)).status_code == 200
    services.revoke_api_token(actor=coordinator, token=token)
    answer = client.get("/api/me/", headers=bearer(secret))
    assert answer.status_code == 401
    assert "mã truy cập API" in answer.json()["detail"]
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        assert client.get("/api/me/", headers=bearer(short_lived)).status_code == 401
    assert client.get("/api/me/", headers=bearer("hvs_" + "x" * 43)).status_code == 401
    assert client.get("/api/me/", headers=bearer("")).status_code == 401
    assert client.get("/api/me/").status_code == 401


def test_a_deactivated_owners_tokens_stop_working(client, coordinator):
    _token, secret = services.create_api_token(actor=coordinator, name="Tập lệnh")
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    assert client.get("/api/me/", headers=bearer(secret)).status_code == 401


def test_a_wrong_token_is_refused_even_beside_a_session(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/api/me/").status_code == 200
    assert client.get("/api/me/", headers=bearer("hvs_wrong")).status_code == 401


def test_writes_with_a_token_need_no_csrf_but_session_writes_do(coordinator, tree):
    _token, secret = services.create_api_token(actor=coordinator, name="Điện thoại")
    client = Client(enforce_csrf_checks=True)
    body = json.dumps({"visits": []})
    answer = client.post(
        "/api/fieldwork/visits/batch", body, content_type="application/json", headers=bearer(secret)
    )
    assert answer.status_code == 200
    client.force_login(coordinator)
    refused = client.post("/api/fieldwork/visits/batch", body, content_type="application/json")
    assert refused.status_code == 403


def test_revoking_is_audited_idempotent_and_only_for_the_owner(coordinator, viewer):
    token, _secret = services.create_api_token(actor=coordinator, name="Tập lệnh")
    with pytest.raises(PermissionDenied):
        services.revoke_api_token(actor=viewer, token=token)
    services.revoke_api_token(actor=coordinator, token=token)
    revoked_at = token.revoked_at
    services.revoke_api_token(actor=coordinator, token=token)
    token.refresh_from_db()
    assert token.revoked_at == revoked_at
    entries = AuditLog.objects.filter(object_type="accounts.apitoken", action="token_revoked")
    assert [list(e.changes) for e in entries] == [["revoked_at"]]


def test_too_many_active_tokens_are_refused(coordinator, monkeypatch):
    monkeypatch.setattr(services, "MAX_ACTIVE_API_TOKENS", 2)
    first, _ = services.create_api_token(actor=coordinator, name="Một")
    services.create_api_token(actor=coordinator, name="Hai")
    with pytest.raises(ValidationError, match="thu hồi mã không cần nữa"):
        services.create_api_token(actor=coordinator, name="Ba")
    services.revoke_api_token(actor=coordinator, token=first)
    services.create_api_token(actor=coordinator, name="Ba")


def test_the_secret_is_never_logged(client, coordinator, caplog, settings):
    settings.DEBUG = True  # ninja's own bearer class logs unexpected headers in DEBUG
    caplog.set_level(logging.DEBUG)
    client.force_login(coordinator)
    page = client.post("/api-tokens/", {"name": "Tập lệnh", "lifetime": "30"})
    secret = page.context["created"][1]
    client.logout()
    client.get("/api/me/", headers=bearer(secret))
    client.get("/api/me/", headers={"Authorization": f"Token {secret}"})
    client.get("/api/me/", headers=bearer(secret + "x"))
    assert secret not in caplog.text


# --- The page


def test_the_page_shows_a_new_secret_once(client, coordinator):
    client.force_login(coordinator)
    assert "Mã API" in client.get("/").content.decode()
    page = client.post("/api-tokens/", {"name": "Bảng số liệu", "lifetime": "90"})
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    assert "no-store" in page["Cache-Control"]
    secret = page.context["created"][1]
    html = page.content.decode()
    assert secret in html
    assert "lần duy nhất" in html
    token = ApiToken.objects.get()
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=90)).date()
    later = client.get("/api-tokens/").content.decode()
    assert secret not in later
    assert token.prefix in later
    assert "Bảng số liệu" in later


def test_the_page_lists_only_ones_own_tokens(client, coordinator, viewer):
    services.create_api_token(actor=viewer, name="Của người xem")
    mine, _ = services.create_api_token(actor=coordinator, name="Của điều phối viên")
    client.force_login(coordinator)
    html = client.get("/api-tokens/").content.decode()
    assert "Của điều phối viên" in html
    assert "Của người xem" not in html
    assert mine.prefix in html


def test_a_name_is_required_on_the_page(client, coordinator):
    client.force_login(coordinator)
    page = client.post("/api-tokens/", {"name": "", "lifetime": "30"})
    assert page.context["created"] is None
    assert not ApiToken.objects.exists()


def test_revoking_from_the_page(client, coordinator, viewer):
    token, secret = services.create_api_token(actor=coordinator, name="Tập lệnh")
    theirs, _ = services.create_api_token(actor=viewer, name="Của người xem")
    client.force_login(coordinator)
    assert client.post(f"/api-tokens/{theirs.pk}/revoke/").status_code == 404
    response = client.post(f"/api-tokens/{token.pk}/revoke/", follow=True)
    assert "Đã thu hồi mã Tập lệnh" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    client.logout()
    assert client.get("/api/me/", headers=bearer(secret)).status_code == 401


def test_the_page_needs_a_login(client):
    assert client.get("/api-tokens/").status_code == 302
