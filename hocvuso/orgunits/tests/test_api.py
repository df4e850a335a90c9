from __future__ import annotations


def names(response):
    return [u["name"] for u in response.json()["items"]]


def test_api_lists_only_the_callers_units(client, hoalu_focal_point, tree):
    client.force_login(hoalu_focal_point)
    assert names(client.get("/api/units/")) == ["Phường Hoa Lư", "Tổ dân phố số 1"]
    assert names(client.get("/api/units/", {"q": "hoa lu"})) == ["Phường Hoa Lư"]


def test_api_units_are_paginated_in_tree_order_with_their_parent(client, coordinator, tree):
    client.force_login(coordinator)
    first = client.get("/api/units/", {"limit": 2}).json()
    assert first["count"] == 6
    assert [u["name"] for u in first["items"]] == ["Tỉnh Ninh Bình", "Phường Hoa Lư"]
    assert [u["parent_id"] for u in first["items"]] == [None, tree.province.pk]
    rest = client.get("/api/units/", {"limit": 2, "offset": 2}).json()
    assert [u["name"] for u in rest["items"]] == ["Tổ dân phố số 1", "Phường Nam Hoa Lư"]
    assert client.get("/api/units/", {"limit": 201}).status_code == 422


def test_api_units_filtered_by_kind_and_parent(client, coordinator, hoalu_focal_point, tree):
    client.force_login(coordinator)
    assert names(client.get("/api/units/", {"kind": "village"})) == [
        "Tổ dân phố số 1",
        "Thôn Đông",
    ]
    children = client.get("/api/units/", {"parent": tree.namhoalu.pk}).json()["items"]
    assert [(u["name"], u["parent_id"]) for u in children] == [("Thôn Đông", tree.namhoalu.pk)]
    assert client.get("/api/units/", {"kind": "planet"}).status_code == 422
    client.force_login(hoalu_focal_point)
    assert client.get("/api/units/", {"parent": tree.namhoalu.pk}).status_code == 404


def test_api_unit_and_children(client, coordinator, tree):
    client.force_login(coordinator)
    unit = client.get(f"/api/units/{tree.hoalu.pk}").json()
    assert unit["code"] == "14329"
    assert unit["kind"] == "commune"
    assert unit["parent_id"] == tree.province.pk
    children = client.get(f"/api/units/{tree.hoalu.pk}/children").json()
    assert [c["name"] for c in children] == ["Tổ dân phố số 1"]
    assert children[0]["parent_id"] == tree.hoalu.pk


def test_openapi_schema_is_served(client, coordinator):
    client.force_login(coordinator)
    schema = client.get("/api/openapi.json").json()
    assert "/api/units/{unit_id}" in schema["paths"]
