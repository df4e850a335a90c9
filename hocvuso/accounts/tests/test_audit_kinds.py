"""Issue 13: a password change writes an audit row (without the password), and granting or
revoking a role or an API token is recorded under its own kind."""

from __future__ import annotations

import json

from django.contrib.auth.hashers import check_password

from conftest import PASSWORD, make_person
from hocvuso.accounts.models import RoleAssignment, User
from hocvuso.accounts.services import assign_role
from hocvuso.core.models import AuditLog
from hocvuso.core.roles import Role

NEW_PASSWORD = "mat-khau-moi-2026"  # noqa: S105 — test data, not a secret


def change_page(client, old: str = PASSWORD, new: str = NEW_PASSWORD):
    return client.post(
        "/password/",
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_changing_ones_password_writes_a_row_without_the_password(client, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    old_hash = User.objects.get(pk=hoalu_focal_point.pk).password

    response = change_page(client)

    assert response.status_code == 302
    assert response.url == "/password/done/"
    user = User.objects.get(pk=hoalu_focal_point.pk)
    assert check_password(NEW_PASSWORD, user.password)
    row = AuditLog.objects.get(action=AuditLog.Action.PASSWORD_CHANGED)
    assert (row.actor, row.object_id, row.unit) == (
        user,
        str(user.pk),
        user.role_assignments.get().unit,
    )
    dumped = json.dumps(row.changes)
    for secret in (NEW_PASSWORD, PASSWORD, user.password, old_hash):
        assert secret not in dumped
    assert row.changes == {}
    # Still signed in after the change.
    assert client.get("/").context["user"] == user


def test_a_refused_change_writes_nothing(client, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    before = AuditLog.objects.count()
    response = change_page(client, old="khong-dung-mat-khau")
    assert response.status_code == 200
    assert AuditLog.objects.count() == before
    response = change_page(client, new="12345678")
    assert response.status_code == 200
    assert AuditLog.objects.count() == before


def test_the_coordinator_sees_the_change_on_the_audit_page(client, hoalu_focal_point, coordinator):
    client.force_login(hoalu_focal_point)
    change_page(client)
    client.force_login(coordinator)
    page = client.get("/audit/", {"action": "password_changed"}).content.decode()
    assert "Đổi mật khẩu" in page
    assert "Hoalu" in page


def test_an_administrators_change_in_the_admin_is_audited(admin_client, hoalu_focal_point):
    response = admin_client.post(
        f"/admin/accounts/user/{hoalu_focal_point.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    row = AuditLog.objects.get(action=AuditLog.Action.PASSWORD_CHANGED)
    assert row.object_id == str(hoalu_focal_point.pk)
    assert row.actor.is_superuser
    assert NEW_PASSWORD not in json.dumps(row.changes)


def test_an_admin_form_with_errors_writes_nothing(admin_client, hoalu_focal_point):
    response = admin_client.post(
        f"/admin/accounts/user/{hoalu_focal_point.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": "khac-han", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert not AuditLog.objects.filter(action=AuditLog.Action.PASSWORD_CHANGED).exists()


def test_granting_and_revoking_a_role_have_their_kinds(client, tree, coordinator):
    person = make_person("nguoixem", Role.VIEWER, tree.hoalu_village)
    assignment = assign_role(actor=coordinator, user=person, unit=tree.hoalu, role=Role.VIEWER)
    client.force_login(coordinator)
    client.post(f"/people/roles/{assignment.pk}/revoke/")
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    rows = AuditLog.objects.filter(
        object_type="accounts.roleassignment", object_id=str(assignment.pk)
    )
    assert [(r.action, r.actor) for r in rows.order_by("id")] == [
        (AuditLog.Action.ROLE_GRANTED, coordinator),
        (AuditLog.Action.ROLE_REVOKED, coordinator),
    ]


def test_tokens_made_and_revoked_on_their_page_have_their_kinds(client, coordinator):
    client.force_login(coordinator)
    client.post("/api-tokens/", {"name": "Tập lệnh", "lifetime": "30"})
    token = coordinator.api_tokens.get()
    client.post(f"/api-tokens/{token.pk}/revoke/")
    kinds = AuditLog.objects.filter(object_type="accounts.apitoken").order_by("id")
    assert list(kinds.values_list("action", flat=True)) == ["token_created", "token_revoked"]
    assert token.secret_hash not in json.dumps([k.changes for k in kinds])
