"""For every role: a user of one commune can neither read nor change another commune's data.

Each persona holds a role on Phường Hoa Lư (or its village, for the team member); every URL
that reads or writes a unit is tried against Phường Nam Hoa Lư and must answer 404.
"""

from __future__ import annotations

import pytest

from conftest import PASSWORD, make_person
from hocvuso.accounts.models import User
from hocvuso.core.models import AuditLog
from hocvuso.core.roles import Role
from hocvuso.orgunits.models import OrgUnit, UnitPopulation

ROLES = list(Role)
READ_URLS = ["/units/{pk}/", "/api/units/{pk}", "/api/units/{pk}/children"]
# Reports' analysis pages take the unit from the query string.
READ_URLS += [
    "/reports/pivot/?unit={pk}",
    "/reports/pivot/xlsx?unit={pk}",
    "/reports/dashboard/?unit={pk}",
]
WRITE_URLS = [
    ("/units/{pk}/edit/", {"name": "Đổi tên", "kind": "commune"}),
    ("/units/{pk}/add/", {"name": "Thôn mới", "kind": "village"}),
    ("/units/{pk}/population/", {"year": "2026", "adults": "1", "households": "1"}),
    ("/units/{pk}/import/", None),
]


def _person_on_hoalu(tree, role):
    unit = tree.hoalu_village if role == Role.TEAM_MEMBER else tree.hoalu
    return make_person(f"p_{role}", role, unit)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", READ_URLS)
def test_no_role_reads_another_commune(client, tree, role, url):
    _person_on_hoalu(tree, role)
    client.force_login(User.objects.get(username=f"p_{role}"))
    for target in (tree.namhoalu, tree.namhoalu_village):
        assert client.get(url.format(pk=target.pk)).status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "data"), WRITE_URLS)
def test_no_role_changes_another_commune(client, tree, role, url, data):
    _person_on_hoalu(tree, role)
    client.force_login(User.objects.get(username=f"p_{role}"))
    before = AuditLog.objects.count()
    for target in (tree.namhoalu, tree.namhoalu_village):
        path = url.format(pk=target.pk)
        assert client.get(path).status_code == 404
        assert client.post(path, data or {}).status_code == 404
    tree.namhoalu.refresh_from_db()
    assert tree.namhoalu.name == "Phường Nam Hoa Lư"
    assert not UnitPopulation.objects.filter(unit=tree.namhoalu).exists()
    assert OrgUnit.objects.filter(name="Thôn mới").count() == 0
    assert AuditLog.objects.count() == before


@pytest.mark.parametrize("role", ROLES)
def test_search_never_shows_another_commune(client, tree, role):
    _person_on_hoalu(tree, role)
    client.force_login(User.objects.get(username=f"p_{role}"))
    page = client.get("/units/search/", {"q": "thon dong"}).content.decode()
    assert "Thôn Đông" not in page
    assert client.get("/api/units/", {"q": "nam hoa lu"}).json()["items"] == []


@pytest.mark.parametrize(
    ("role", "may_edit"),
    [
        (Role.ADMINISTRATOR, True),
        (Role.COORDINATOR, True),
        (Role.FOCAL_POINT, True),
        (Role.TEAM_MEMBER, False),
        (Role.VIEWER, False),
    ],
)
def test_own_unit_is_readable_and_writable_only_by_editing_roles(client, tree, role, may_edit):
    _person_on_hoalu(tree, role)
    client.force_login(User.objects.get(username=f"p_{role}"))
    own = tree.hoalu_village
    assert client.get(f"/units/{own.pk}/").status_code == 200
    response = client.post(f"/units/{own.pk}/edit/", {"name": "Tổ 1 mới", "kind": "village"})
    assert response.status_code == (302 if may_edit else 403)
    own.refresh_from_db()
    assert (own.name == "Tổ 1 mới") is may_edit


def test_role_on_province_covers_every_commune(client, coordinator, tree):
    client.force_login(User.objects.get(username="coordinator"))
    for unit in (tree.hoalu, tree.namhoalu, tree.namhoalu_village, tree.agency):
        assert client.get(f"/units/{unit.pk}/").status_code == 200


def test_focal_point_cannot_reach_the_province_above(client, hoalu_focal_point, tree):
    client.force_login(User.objects.get(username="hoalu"))
    assert client.get(f"/units/{tree.province.pk}/").status_code == 404
    assert client.get(f"/units/{tree.agency.pk}/").status_code == 404


def test_anonymous_is_sent_to_login_and_api_refuses(client, tree):
    response = client.get(f"/units/{tree.hoalu.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert client.get(f"/api/units/{tree.hoalu.pk}").status_code == 401


def test_person_without_role_sees_nothing(client, tree):
    from hocvuso.accounts.services import create_user

    create_user(
        actor=None, username="norole", password=PASSWORD, unit=tree.hoalu, role=Role.VIEWER
    ).role_assignments.all().delete()
    client.force_login(User.objects.get(username="norole"))
    assert client.get(f"/units/{tree.hoalu.pk}/").status_code == 404
    assert "chưa được giao" in client.get("/").content.decode()


def test_audit_log_is_for_coordinators_and_scoped(client, tree, coordinator, hoalu_focal_point):
    from hocvuso.orgunits.services import update_unit

    update_unit(actor=coordinator, unit=tree.namhoalu, short_name="Nam Hoa Lư")
    client.force_login(User.objects.get(username="hoalu"))
    assert client.get("/audit/").status_code == 403
    client.logout()
    client.force_login(User.objects.get(username="coordinator"))
    page = client.get("/audit/").content.decode()
    assert "Phường Nam Hoa Lư" in page
    assert "Tên ngắn" in page  # the field's label, not its name


def test_audit_log_of_commune_administrator_stops_at_the_commune(client, tree, coordinator):
    from hocvuso.orgunits.services import update_unit

    make_person("communeadmin", Role.ADMINISTRATOR, tree.hoalu)
    update_unit(actor=coordinator, unit=tree.namhoalu, short_name="Nam Hoa Lư")
    update_unit(actor=coordinator, unit=tree.hoalu, short_name="Hoa Lư")
    client.force_login(User.objects.get(username="communeadmin"))
    page = client.get("/audit/").content.decode()
    assert "Nam Hoa Lư" not in page
    assert "Phường Hoa Lư" in page
