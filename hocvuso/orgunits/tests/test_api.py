from __future__ import annotations


def test_api_lists_only_the_callers_units(client, hoalu_focal_point, tree):
    client.force_login(hoalu_focal_point)
    assert [u["name"] for u in client.get("/api/units/").json()] == ["Phường Hoa Lư"]
    found = client.get("/api/units/", {"q": "hoa lu"}).json()
    assert [u["name"] for u in found] == ["Phường Hoa Lư"]


def test_api_unit_and_children(client, coordinator, tree):
    client.force_login(coordinator)
    unit = client.get(f"/api/units/{tree.hoalu.pk}").json()
    assert unit["code"] == "14329"
    assert unit["kind"] == "commune"
    children = client.get(f"/api/units/{tree.hoalu.pk}/children").json()
    assert [c["name"] for c in children] == ["Tổ dân phố số 1"]
    assert children[0]["parent_id"] == tree.hoalu.pk


def test_openapi_schema_is_served(client, coordinator):
    client.force_login(coordinator)
    schema = client.get("/api/openapi.json").json()
    assert "/api/units/{unit_id}" in schema["paths"]
