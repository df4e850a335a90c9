from __future__ import annotations

import datetime

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient

from conftest import PASSWORD
from hocvuso.core.models import AuditLog


@pytest.mark.parametrize("login", ["hoalu", "HOALU", "hoalu@example.com", "Hoalu@Example.com"])
def test_login_by_username_or_email(client, hoalu_focal_point, login):
    response = client.post("/login/", {"username": login, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == hoalu_focal_point


def test_wrong_password_gets_a_vietnamese_message(client, hoalu_focal_point):
    response = client.post("/login/", {"username": "hoalu", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "mật khẩu không đúng" in response.content.decode()


def test_login_is_locked_after_five_failures(client, hoalu_focal_point):
    for _ in range(5):
        client.post("/login/", {"username": "hoalu", "password": "sai-mat-khau"})
    response = client.post("/login/", {"username": "hoalu", "password": PASSWORD})
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    assert not client.session.get("_auth_user_id")


def test_weak_password_is_refused(tree):
    from django.core.exceptions import ValidationError

    from hocvuso.accounts.services import create_user

    with pytest.raises(ValidationError):
        create_user(actor=None, username="yeu", password="12345678", unit=tree.hoalu, role="viewer")


def test_creating_a_person_is_audited_without_the_password(tree, coordinator):
    rows = AuditLog.objects.filter(object_type="accounts.user", object_id=str(coordinator.pk))
    assert rows.count() == 1
    assert "password" not in rows.get().changes


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("coordinator", "Bạn điều phối phong trào"),
        ("hoalu_focal_point", "Bạn là đầu mối của đơn vị"),
        ("team_member", "Tổ công nghệ số cộng đồng"),
        ("viewer", "Bạn có quyền xem"),
    ],
)
def test_home_page_speaks_to_each_role(client, request, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    assert expected in client.get("/").content.decode()


def test_home_page_empty_state_says_what_to_do(client, tree, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    page = client.get("/").content.decode()
    assert "Chưa có số liệu dân số năm" in page
    assert f"/units/{tree.hoalu.pk}/population/" in page


def test_admin_is_for_superusers_only(client, coordinator, admin_user):
    client.force_login(coordinator)
    assert client.get("/admin/").status_code == 302
    client.force_login(admin_user)
    assert client.get("/admin/orgunits/orgunit/").status_code == 200


def test_home_page_query_count(client, coordinator, django_assert_max_num_queries):
    client.force_login(coordinator)
    with django_assert_max_num_queries(10):
        assert client.get("/").status_code == 200


def test_the_failure_that_locks_shows_the_lockout_page_not_an_error(hoalu_focal_point):
    # Issue 13: under ASGI (uvicorn, the documented server) the fifth failure answered "Lỗi hệ
    # thống" (500): django-axes's async path builds its lockout response without credentials,
    # and the login normaliser assumed them.
    client = AsyncClient()
    post = async_to_sync(client.post)
    for _ in range(4):
        post("/login/", {"username": "hoalu", "password": "sai-mat-khau"})
    for _attempt in ("fifth", "sixth"):
        response = post("/login/", {"username": "HoaLu", "password": "sai-mat-khau"})
        assert response.status_code == 429
        page = response.content.decode()
        assert "Tạm khóa đăng nhập" in page
        assert "Lỗi hệ thống" not in page


def test_the_lockout_page_says_the_configured_wait(client, settings, hoalu_focal_point):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=40)
    for _ in range(5):
        response = client.post("/login/", {"username": "hoalu", "password": "sai-mat-khau"})
    assert response.status_code == 429
    assert "Hãy thử lại sau 40 phút" in response.content.decode()
