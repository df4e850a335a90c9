"""Coordinators and administrators give people roles on their units; nobody else can."""

from __future__ import annotations

import pytest

from conftest import make_person
from hocvuso.accounts.models import RoleAssignment, User
from hocvuso.core.models import AuditLog
from hocvuso.core.roles import Role

NEW_PERSON = {
    "full_name": "Nguyễn Thị Lan",
    "username": "lan.hoalu",
    "email": "lan@example.com",
    "role": "focal_point",
    "password": "chuyen-doi-so-2026",
}


def test_coordinator_creates_a_focal_point_for_a_commune(client, coordinator, tree):
    client.force_login(coordinator)
    response = client.post(f"/people/add/{tree.hoalu.pk}/", NEW_PERSON)
    assert response.status_code == 302
    person = User.objects.get(username="lan.hoalu")
    assert person.check_password("chuyen-doi-so-2026")
    assignment = person.role_assignments.get()
    assert (assignment.unit, assignment.role) == (tree.hoalu, "focal_point")
    audited = AuditLog.objects.filter(actor=coordinator, unit=tree.hoalu)
    assert {r.object_type for r in audited} == {"accounts.user", "accounts.roleassignment"}


def test_coordinator_cannot_make_administrators(client, coordinator, tree):
    client.force_login(coordinator)
    response = client.post(f"/people/add/{tree.hoalu.pk}/", {**NEW_PERSON, "role": "administrator"})
    assert response.status_code == 200
    assert not User.objects.filter(username="lan.hoalu").exists()


def test_administrator_can_make_administrators(client, administrator, tree):
    client.force_login(administrator)
    client.post(f"/people/add/{tree.hoalu.pk}/", {**NEW_PERSON, "role": "administrator"})
    assert User.objects.get(username="lan.hoalu").role_assignments.get().role == "administrator"


@pytest.mark.parametrize(
    ("password", "message"),
    [("12345678", "quá ngắn"), ("hocvuso", "quá ngắn"), ("password123", "quá phổ biến")],
)
def test_weak_initial_password_is_refused_in_vietnamese(
    client, coordinator, tree, password, message
):
    client.force_login(coordinator)
    response = client.post(f"/people/add/{tree.hoalu.pk}/", {**NEW_PERSON, "password": password})
    assert message in response.content.decode()
    assert not User.objects.filter(username="lan.hoalu").exists()


def test_taken_username_is_a_form_error(client, coordinator, hoalu_focal_point, tree):
    client.force_login(coordinator)
    response = client.post(f"/people/add/{tree.hoalu.pk}/", {**NEW_PERSON, "username": "HOALU"})
    assert "Tên đăng nhập này đã có người dùng." in response.content.decode()


@pytest.mark.parametrize("persona", ["hoalu_focal_point", "team_member", "viewer"])
def test_other_roles_cannot_manage_people(client, request, tree, persona):
    client.force_login(request.getfixturevalue(persona))
    target = tree.hoalu_village
    assert client.get(f"/people/add/{target.pk}/").status_code == 403
    assert client.post(f"/people/add/{target.pk}/", NEW_PERSON).status_code == 403
    assert not User.objects.filter(username="lan.hoalu").exists()


def test_commune_coordinator_cannot_add_people_to_another_commune(client, tree):
    commune_coordinator = make_person("hlcoord", Role.COORDINATOR, tree.hoalu)
    client.force_login(commune_coordinator)
    assert client.post(f"/people/add/{tree.namhoalu.pk}/", NEW_PERSON).status_code == 404


def test_revoking_a_role_is_scoped_and_audited(
    client, coordinator, hoalu_focal_point, other_commune_focal_point, tree
):
    hoalu_role = hoalu_focal_point.role_assignments.get()
    nam_role = other_commune_focal_point.role_assignments.get()
    commune_coordinator = make_person("hlcoord", Role.COORDINATOR, tree.hoalu)
    client.force_login(commune_coordinator)
    assert client.post(f"/people/roles/{nam_role.pk}/revoke/").status_code == 404
    assert client.post(f"/people/roles/{hoalu_role.pk}/revoke/").status_code == 302
    assert not RoleAssignment.objects.filter(pk=hoalu_role.pk).exists()
    assert AuditLog.objects.filter(
        actor=commune_coordinator, action="role_revoked", object_type="accounts.roleassignment"
    ).exists()


def test_nobody_revokes_their_own_role(client, coordinator):
    client.force_login(coordinator)
    own = coordinator.role_assignments.get()
    client.post(f"/people/roles/{own.pk}/revoke/")
    assert RoleAssignment.objects.filter(pk=own.pk).exists()
