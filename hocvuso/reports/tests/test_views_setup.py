"""Issue 6: coordinators set a unit's targets and create periodic forms; others cannot."""

from __future__ import annotations

from django.urls import reverse

from hocvuso.reports.models import DataSet, Target


def test_a_coordinator_sets_a_provinces_target(client, coordinator, indicators, tree):
    client.force_login(coordinator)
    url = reverse("reports:indicators") + f"?unit={tree.province.pk}"
    response = client.post(url, {"indicator": indicators["share"].pk, "year": 2026, "value": "100"})
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.unit, target.year, target.value) == (tree.province, 2026, 100)
    page = client.get(url + "&year=2026").text
    assert "100%" in page


def test_a_focal_point_sees_targets_but_cannot_set_them(
    client, hoalu_focal_point, indicators, tree
):
    client.force_login(hoalu_focal_point)
    url = reverse("reports:indicators") + f"?unit={tree.hoalu.pk}"
    assert "Giao chỉ tiêu" not in client.get(url).text
    assert (
        client.post(
            url, {"indicator": indicators["share"].pk, "year": 2026, "value": "1"}
        ).status_code
        == 403
    )
    other = reverse("reports:indicators") + f"?unit={tree.namhoalu.pk}"
    assert client.get(other).status_code == 404


def test_a_coordinator_creates_a_campaign_form_for_the_communes(
    client, coordinator, indicators, tree
):
    client.force_login(coordinator)
    url = reverse("reports:dataset_create")
    data = {
        "name": "Báo cáo đợt cao điểm",
        "owner_unit": tree.province.pk,
        "period_type": "campaign",
        "deadline_days": 3,
        "indicators": [indicators["guided"].pk, indicators["adults"].pk],
        "required": [indicators["adults"].pk],
        "assigned_kinds": ["commune"],
    }
    response = client.post(url, data)
    assert "Kỳ theo đợt cần ngày bắt đầu và ngày kết thúc đợt." in response.text
    response = client.post(url, {**data, "window_start": "01/10", "window_end": "30/11"})
    assert response.status_code == 302
    dataset = DataSet.objects.get(name="Báo cáo đợt cao điểm")
    assert dataset.code == "bao-cao-dot-cao-diem"
    assert dataset.window == ((10, 1), (11, 30))
    assert dataset.members.get(indicator=indicators["adults"]).is_required


def test_only_managers_create_forms(client, hoalu_focal_point, viewer):
    for person in (hoalu_focal_point, viewer):
        client.force_login(person)
        assert client.get(reverse("reports:dataset_create")).status_code == 403
