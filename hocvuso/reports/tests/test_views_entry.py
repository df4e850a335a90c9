"""Issue 6: a commune officer types the month's figures on a phone — saved as typed — sends
them up, and the province sees who has sent, on time or late."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from hocvuso.orgunits.services import create_unit
from hocvuso.reports import selectors
from hocvuso.reports.models import DataValue, Report


def entry_url(dataset, unit, period):
    return reverse("reports:entry", args=[dataset.pk, unit.pk, period.key])


def field(dataset, code):
    return f"v{dataset.members.get(indicator__code=code).indicator_id}"


def test_a_field_is_saved_as_it_is_typed(client, hoalu_focal_point, dataset, tree, october):
    client.force_login(hoalu_focal_point)
    response = client.post(
        entry_url(dataset, tree.hoalu, october),
        {field(dataset, "t-adults"): "1.500"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'value="1.500"' in response.text
    assert "Đã lưu" in response.text
    assert json.loads(response["HX-Trigger"]) == {"saved": [field(dataset, "t-adults")]}
    assert DataValue.objects.get().value == 1500


def test_a_bad_number_is_named_and_not_saved(client, hoalu_focal_point, dataset, tree, october):
    client.force_login(hoalu_focal_point)
    response = client.post(
        entry_url(dataset, tree.hoalu, october),
        {field(dataset, "t-guided"): "abc"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "“abc” không phải là số." in response.text
    assert 'value="abc"' in response.text  # kept as typed, to be corrected
    assert "HX-Trigger" not in response
    assert not DataValue.objects.exists()


def test_without_javascript_the_whole_form_is_saved(
    client, hoalu_focal_point, dataset, tree, october
):
    client.force_login(hoalu_focal_point)
    url = entry_url(dataset, tree.hoalu, october)
    response = client.post(
        url, {field(dataset, "t-adults"): "100", field(dataset, "t-note"): "Thiếu máy tính"}
    )
    assert response.status_code == 302
    page = client.get(url).text
    assert 'value="100"' in page
    assert "Thiếu máy tính" in page


def test_a_rule_broken_is_shown_beside_the_fields(
    client, hoalu_focal_point, dataset, tree, october
):
    client.force_login(hoalu_focal_point)
    url = entry_url(dataset, tree.hoalu, october)
    client.post(url, {field(dataset, "t-adults"): "10", field(dataset, "t-skilled"): "20"})
    page = client.get(url).text
    assert "“Có kỹ năng” (20) phải ≤ “Người trưởng thành” (10)." in page


@pytest.mark.parametrize(
    ("persona", "get", "post"),
    [
        ("hoalu_focal_point", 200, 302),
        ("coordinator", 200, 302),
        ("viewer", 200, 403),
        ("other_commune_focal_point", 404, 404),
        ("team_member", 404, 404),
    ],
)
def test_who_may_open_and_type_a_communes_form(
    client, request, dataset, tree, october, persona, get, post
):
    client.force_login(request.getfixturevalue(persona))
    url = entry_url(dataset, tree.hoalu, october)
    assert client.get(url).status_code == get
    assert client.post(url, {field(dataset, "t-adults"): "5"}).status_code == post


def test_a_unit_the_form_is_not_assigned_to_has_no_form(
    client, coordinator, dataset, tree, october
):
    client.force_login(coordinator)
    assert client.get(entry_url(dataset, tree.agency, october)).status_code == 404


def test_send_then_the_province_approves_and_the_form_locks(
    client, hoalu_focal_point, coordinator, dataset, tree, october
):
    client.force_login(hoalu_focal_point)
    url = entry_url(dataset, tree.hoalu, october)
    client.post(url, {field(dataset, "t-adults"): "100"})
    response = client.post(reverse("reports:submit", args=[dataset.pk, tree.hoalu.pk, october.key]))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == "submitted"
    locked = client.get(url).text
    assert f'name="{field(dataset, "t-adults")}"' not in locked  # shown, no longer an input
    assert "<strong>100</strong>" in locked

    client.force_login(coordinator)
    assert "Phường Hoa Lư" in client.get(reverse("reports:index")).text
    review = reverse("reports:review", args=[report.pk])
    assert "Duyệt" in client.get(review).text
    client.post(reverse("reports:decide", args=[report.pk]), {"decision": "approve"})
    report.refresh_from_db()
    assert report.status == "approved"
    page = client.get(review).text
    assert "Lịch sử sửa số liệu" in page
    assert "<td>Người trưởng thành</td>" in page


def test_a_reviewer_returns_with_a_comment_the_unit_reads(
    client, hoalu_focal_point, coordinator, dataset, tree, october
):
    client.force_login(hoalu_focal_point)
    client.post(entry_url(dataset, tree.hoalu, october), {field(dataset, "t-adults"): "100"})
    client.post(reverse("reports:submit", args=[dataset.pk, tree.hoalu.pk, october.key]))
    report = Report.objects.get()
    client.force_login(coordinator)
    decide = reverse("reports:decide", args=[report.pk])
    client.post(decide, {"decision": "return", "comment": ""})
    assert Report.objects.get().status == "submitted"
    client.post(decide, {"decision": "return", "comment": "Số liệu tháng 10 thiếu"})
    client.force_login(hoalu_focal_point)
    page = client.get(entry_url(dataset, tree.hoalu, october)).text
    assert "Bị trả lại" in page
    assert "Số liệu tháng 10 thiếu" in page


def test_a_focal_point_cannot_approve_their_own_report(
    client, hoalu_focal_point, dataset, tree, october
):
    client.force_login(hoalu_focal_point)
    client.post(entry_url(dataset, tree.hoalu, october), {field(dataset, "t-adults"): "100"})
    client.post(reverse("reports:submit", args=[dataset.pk, tree.hoalu.pk, october.key]))
    report = Report.objects.get()
    assert "Duyệt" not in client.get(reverse("reports:review", args=[report.pk])).text
    client.post(reverse("reports:decide", args=[report.pk]), {"decision": "approve"})
    assert Report.objects.get().status == "submitted"


def test_completeness_counts_on_time_late_and_missing_in_constant_queries(
    client, coordinator, dataset, tree, october, time_machine, django_assert_max_num_queries
):
    from hocvuso.reports.services import save_values, submit_report

    adults = dataset.members.get(indicator__code="t-adults").indicator_id
    for unit, day in ((tree.hoalu, "2025-11-03"), (tree.hoalu_village, "2025-11-09")):
        time_machine.move_to(f"{day} 09:00 +07:00")
        save_values(actor=None, dataset=dataset, unit=unit, period=october, values={adults: "9"})
        submit_report(actor=None, report=Report.objects.get(unit=unit))
    client.force_login(coordinator)
    url = reverse("reports:dataset", args=[dataset.pk]) + f"?period={october.key}"
    page = client.get(url).text
    assert "Phải nộp: <strong>4</strong>" in page
    assert "Đúng hạn: <strong>1</strong>" in page
    assert "Muộn: <strong>1</strong>" in page
    assert "Chưa nộp: <strong>2</strong>" in page
    levels = dict(selectors.completeness(dataset, october, tree.province).by_level)
    assert [(r.assigned, r.on_time, r.late) for r in levels.values()] == [(2, 1, 0), (2, 0, 1)]
    assert list(levels) == ["Xã/Phường/Đặc khu", "Thôn/Bản/Tổ dân phố"]
    assert "Theo cấp đơn vị" in page
    for n in range(10):
        create_unit(actor=None, parent=tree.namhoalu, name=f"Thôn {n}", kind="village")
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_a_reviewer_approves_every_report_waiting_in_one_go(
    client, coordinator, other_commune_focal_point, dataset, tree, october
):
    from hocvuso.reports.services import save_values, submit_report

    adults = dataset.members.get(indicator__code="t-adults").indicator_id
    for unit in (tree.hoalu, tree.namhoalu, tree.namhoalu_village):
        save_values(actor=None, dataset=dataset, unit=unit, period=october, values={adults: "9"})
        submit_report(actor=None, report=Report.objects.get(unit=unit))
    # Nam Hoa Lư's focal point reviews only their village's report.
    client.force_login(other_commune_focal_point)
    url = reverse("reports:dataset", args=[dataset.pk]) + f"?period={october.key}"
    page = client.get(url + f"&unit={tree.namhoalu.pk}").text
    assert "Duyệt 1 báo cáo đang chờ bạn" in page
    client.post(
        reverse("reports:approve_all", args=[dataset.pk]),
        {"period": october.key, "unit": tree.namhoalu.pk},
    )
    village = Report.objects.get(unit=tree.namhoalu_village)
    assert (village.status, village.awaiting_unit) == ("submitted", tree.province)
    client.force_login(coordinator)
    assert "Duyệt cả 3 báo cáo đang chờ bạn" in client.get(url).text
    response = client.post(
        reverse("reports:approve_all", args=[dataset.pk]), {"period": october.key}
    )
    assert response.status_code == 302
    assert set(Report.objects.values_list("status", flat=True)) == {"approved"}
