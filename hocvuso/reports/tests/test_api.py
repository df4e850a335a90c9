"""Issue 6: indicators, values and figures through the API — scoped like the pages; values
written all or nothing, with a personal token as well as a session."""

from __future__ import annotations

import json

from hocvuso.accounts import services as accounts
from hocvuso.reports.models import DataValue
from hocvuso.reports.services import save_values


def post(client, payload, **headers):
    return client.post(
        "/api/reports/values", json.dumps(payload), content_type="application/json", **headers
    )


def test_indicators_are_listed_with_their_rules(client, viewer, indicators):
    client.force_login(viewer)
    data = client.get("/api/reports/indicators?q=ty le").json()
    share = next(i for i in data["items"] if i["code"] == "t-share")
    assert share["aggregation"] == "ratio"
    assert share["numerator_id"] == indicators["skilled"].pk
    assert share["is_computed"] is True


def test_a_token_writes_a_units_values_all_or_nothing(
    client, hoalu_focal_point, dataset, tree, october, indicators
):
    _token, secret = accounts.create_api_token(actor=hoalu_focal_point, name="Tập lệnh")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    adults, guided = indicators["adults"].pk, indicators["guided"].pk
    payload = {"dataset": dataset.pk, "unit": tree.hoalu.pk, "period": october.key}
    bad = post(client, {**payload, "values": {adults: "1.200", guided: "nhiều"}}, **auth)
    assert bad.status_code == 400
    assert "“nhiều” không phải là số." in bad.json()["detail"]
    assert not DataValue.objects.exists()
    good = post(client, {**payload, "values": {adults: "1.200", guided: "45"}}, **auth)
    assert good.status_code == 200, good.content
    assert good.json()["saved"] == {str(adults): "1.200", str(guided): "45"}
    assert DataValue.objects.count() == 2


def test_writing_is_scoped_and_role_checked(
    client, other_commune_focal_point, viewer, dataset, tree, october, indicators
):
    payload = {
        "dataset": dataset.pk,
        "unit": tree.hoalu.pk,
        "period": october.key,
        "values": {indicators["adults"].pk: "5"},
    }
    client.force_login(other_commune_focal_point)
    assert post(client, payload).status_code == 404
    client.force_login(viewer)
    assert post(client, payload).status_code == 403
    assert post(client, {**payload, "period": "2025-Q4"}).status_code in (400, 403)


def test_figures_are_computed_by_each_indicators_rule(
    client, coordinator, dataset, tree, october, indicators
):
    for unit, adults, skilled in ((tree.hoalu, "100", "50"), (tree.namhoalu, "300", "210")):
        save_values(
            actor=None,
            dataset=dataset,
            unit=unit,
            period=october,
            values={indicators["adults"].pk: adults, indicators["skilled"].pk: skilled},
        )
    client.force_login(coordinator)
    response = client.get(
        f"/api/reports/figures?unit={tree.province.pk}&period=2025-10&children=true"
        f"&indicators={indicators['share'].pk}"
    )
    assert response.status_code == 200, response.content
    by_unit = {f["unit_id"]: f["value"] for f in response.json()}
    assert float(by_unit[tree.province.pk]) == 65.0
    assert float(by_unit[tree.namhoalu.pk]) == 70.0


def test_values_of_another_commune_are_not_listed(
    client, other_commune_focal_point, dataset, tree, october, indicators
):
    save_values(
        actor=None,
        dataset=dataset,
        unit=tree.hoalu,
        period=october,
        values={indicators["adults"].pk: "100"},
    )
    client.force_login(other_commune_focal_point)
    assert client.get("/api/reports/values").json()["items"] == []
    assert (
        client.get(f"/api/reports/figures?unit={tree.hoalu.pk}&period=2025-10").status_code == 404
    )
