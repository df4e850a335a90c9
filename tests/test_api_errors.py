"""Issue 13: every refusal of the API speaks Vietnamese — a missing object, a wrong method, a
body that is not JSON, fields that do not fit (pydantic's English never reaches a person) —
and the OpenAPI document describes those bodies."""

from __future__ import annotations

import json

import pytest

ENGLISH = ("Not Found", "Input should", "Field required", "Method not allowed", "Cannot parse")


def assert_vietnamese(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body["detail"], str)
    assert not any(word in response.content.decode() for word in ENGLISH)
    return body


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def test_a_missing_object_is_a_vietnamese_404(signed_in):
    body = assert_vietnamese(signed_in.get("/api/units/999999"), 404)
    assert body["detail"] == "Không tìm thấy, hoặc bạn không có quyền xem."


def test_a_wrong_method_is_a_vietnamese_405(signed_in):
    response = signed_in.delete("/api/units/")
    body = assert_vietnamese(response, 405)
    assert "DELETE" in body["detail"]
    assert "GET" in response["Allow"]


def test_a_body_that_is_not_json_is_a_vietnamese_400(signed_in):
    response = signed_in.post(
        "/api/fieldwork/visits/batch", "{bad", content_type="application/json"
    )
    assert "JSON" in assert_vietnamese(response, 400)["detail"]


def test_fields_that_do_not_fit_are_named_in_vietnamese(signed_in):
    visit = {"id": "x", "team": "a", "people_guided": -1}
    response = signed_in.post(
        "/api/fieldwork/visits/batch",
        json.dumps({"visits": [visit]}),
        content_type="application/json",
    )
    body = assert_vietnamese(response, 422)
    reasons = {e["field"]: e["message"] for e in body["errors"]}
    assert reasons["visits[0].id"] == "không phải mã UUID hợp lệ"
    assert reasons["visits[0].team"] == "phải là số nguyên"
    assert reasons["visits[0].visited_on"] == "bắt buộc phải có"
    assert body["detail"].startswith("Dữ liệu gửi lên không hợp lệ — visits[0].id:")


@pytest.mark.parametrize(
    ("query", "field", "reason"),
    [
        ({"limit": 201}, "limit", "không được lớn hơn 200"),
        ({"kind": "planet"}, "kind", "phải là một trong các giá trị: 'province'"),
    ],
)
def test_query_parameters_that_do_not_fit(signed_in, query, field, reason):
    body = assert_vietnamese(signed_in.get("/api/units/", query), 422)
    [error] = body["errors"]
    assert error["field"] == field
    assert error["message"].startswith(reason)


def test_a_failed_csrf_check_is_vietnamese(coordinator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post("/api/fieldwork/visits/batch", "{}", content_type="application/json")
    assert "CSRF" in assert_vietnamese(response, 403)["detail"]


def test_the_openapi_document_describes_every_refusal(client, db):
    schema = client.get("/api/openapi.json").json()
    components = schema["components"]["schemas"]
    assert set(components["ValidationErrorOut"]["properties"]) == {"detail", "errors"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"401", "404", "422", "429"} <= documented, (method, path)
