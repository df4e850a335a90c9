"""Issue 6, for every role: a person of one commune can neither read nor change another
commune's figures, forms, reports or documents, through the pages or the API."""

from __future__ import annotations

import json

import pytest

from conftest import make_person
from hocvuso.core.models import AuditLog
from hocvuso.core.roles import Role
from hocvuso.reports.models import DataValue, Report
from hocvuso.reports.services import save_values, submit_report

ROLES = list(Role)


@pytest.fixture
def sent(dataset, tree, october, indicators):
    """Nam Hoa Lư's October report, sent."""
    save_values(
        actor=None,
        dataset=dataset,
        unit=tree.namhoalu,
        period=october,
        values={indicators["adults"].pk: "100"},
    )
    return submit_report(actor=None, report=Report.objects.get())


def read_urls(dataset, unit, october, report):
    q = f"?unit={unit.pk}&period={october.key}"
    return [
        f"/reports/forms/{dataset.pk}/{unit.pk}/{october.key}/",
        f"/reports/forms/{dataset.pk}/{q}",
        f"/reports/forms/{dataset.pk}/template.xlsx{q}",
        f"/reports/forms/{dataset.pk}/completeness.xlsx{q}",
        f"/reports/forms/{dataset.pk}/import/{q}",
        f"/reports/review/{report.pk}/",
        f"/reports/dashboard/?unit={unit.pk}",
        f"/reports/pivot/?unit={unit.pk}",
        f"/reports/pivot/xlsx?unit={unit.pk}",
        f"/reports/results/{q}",
        f"/reports/results/report.docx{q}",
        f"/reports/results/report.pdf{q}",
        f"/reports/indicators/?unit={unit.pk}",
        f"/api/reports/figures?unit={unit.pk}&period={october.key}",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_no_role_reads_or_changes_another_communes_reports(
    client, tree, dataset, october, indicators, sent, role
):
    person = make_person(f"p_{role}", role, tree.hoalu)
    client.force_login(person)
    for url in read_urls(dataset, tree.namhoalu, october, sent):
        assert client.get(url).status_code == 404, url
    before = (AuditLog.objects.count(), DataValue.objects.count(), sent.status)
    entry = f"/reports/forms/{dataset.pk}/{tree.namhoalu.pk}/{october.key}/"
    assert client.post(entry, {f"v{indicators['guided'].pk}": "5"}).status_code == 404
    assert client.post(entry + "submit").status_code == 404
    approve_all = f"/reports/forms/{dataset.pk}/approve-all"
    assert (
        client.post(approve_all, {"period": october.key, "unit": tree.namhoalu.pk}).status_code
        == 404
    )
    decide = f"/reports/review/{sent.pk}/decide"
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    assert client.post(decide, {"decision": "return", "comment": "x"}).status_code == 404
    payload = {
        "dataset": dataset.pk,
        "unit": tree.namhoalu.pk,
        "period": october.key,
        "values": {indicators["guided"].pk: "5"},
    }
    api = client.post("/api/reports/values", json.dumps(payload), content_type="application/json")
    assert api.status_code == 404
    sent.refresh_from_db()
    assert (AuditLog.objects.count(), DataValue.objects.count(), sent.status) == before
    assert client.get("/api/reports/values").json()["items"] == []
    assert client.get("/api/reports/reports").json()["items"] == []
