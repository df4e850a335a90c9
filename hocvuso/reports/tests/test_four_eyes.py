"""Issue 13, defect 2: nobody approves a report they submitted or whose values they wrote —
at any level, whatever roles they hold, through the form, the Excel import or the API."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse

from conftest import make_person
from hocvuso.accounts.services import assign_role
from hocvuso.core.approvals import SelfApproval
from hocvuso.core.roles import Role
from hocvuso.reports.models import Report, ReportStep
from hocvuso.reports.services import (
    approve_report,
    import_values,
    save_values,
    submit_report,
)
from hocvuso.reports.tests.test_values_import import csv_bytes

REASON = "không thể tự duyệt"


def entry_url(dataset, unit, period):
    return reverse("reports:entry", args=[dataset.pk, unit.pk, period.key])


def submit_url(dataset, unit, period):
    return reverse("reports:submit", args=[dataset.pk, unit.pk, period.key])


def type_and_submit(client, user, dataset, unit, period, indicators, adults="100"):
    """What a person does on the pages: type the figures, send them up."""
    client.force_login(user)
    client.post(entry_url(dataset, unit, period), {f"v{indicators['adults'].pk}": adults})
    client.post(submit_url(dataset, unit, period))
    return Report.objects.get(dataset=dataset, unit=unit, period=period.key)


def approve_on_page(client, user, report):
    client.force_login(user)
    return client.post(
        reverse("reports:decide", args=[report.pk]), {"decision": "approve"}, follow=True
    )


def test_a_focal_point_cannot_approve_the_village_report_he_typed_and_sent(
    client, hoalu_focal_point, dataset, tree, october, indicators
):
    """The attack: Hoa Lư's focal point types a unit's report under his ward, sends it to the
    ward — which he reviews — and approves it himself."""
    report = type_and_submit(
        client, hoalu_focal_point, dataset, tree.hoalu_village, october, indicators
    )
    assert (report.status, report.awaiting_unit) == ("submitted", tree.hoalu)

    review = client.get(reverse("reports:review", args=[report.pk])).text
    assert 'value="approve"' not in review
    assert REASON in review
    assert 'value="return"' in review  # an author may still send it back

    page = approve_on_page(client, hoalu_focal_point, report).text
    assert REASON in page
    report.refresh_from_db()
    assert (report.status, report.awaiting_unit) == ("submitted", tree.hoalu)
    assert not ReportStep.objects.filter(action="approve").exists()


def test_an_author_who_also_coordinates_the_province_cannot_approve_there(
    client, hoalu_focal_point, dataset, tree, october, indicators
):
    other_coordinator = make_person("tinh", Role.COORDINATOR, tree.province)
    assign_role(actor=None, user=hoalu_focal_point, unit=tree.province, role=Role.COORDINATOR)
    report = type_and_submit(client, hoalu_focal_point, dataset, tree.hoalu, october, indicators)
    assert report.awaiting_unit == tree.province

    assert REASON in approve_on_page(client, hoalu_focal_point, report).text
    assert Report.objects.get().status == "submitted"

    # Somebody else at the province approves it.
    approve_on_page(client, other_coordinator, report)
    assert Report.objects.get().status == "approved"


def test_a_superuser_who_typed_the_figures_does_not_approve_them(
    client, hoalu_focal_point, dataset, tree, october, indicators
):
    from hocvuso.accounts.models import User

    root = User.objects.create_superuser("root", "root@example.com", "persona-password-1")
    client.force_login(root)
    client.post(entry_url(dataset, tree.hoalu, october), {f"v{indicators['adults'].pk}": "100"})
    client.force_login(hoalu_focal_point)
    client.post(submit_url(dataset, tree.hoalu, october))  # he only sends what root typed
    report = Report.objects.get()
    with pytest.raises(SelfApproval, match=REASON):
        approve_report(actor=root, report=report)
    assert Report.objects.get().status == "submitted"


def test_whoever_wrote_a_value_since_overwritten_is_still_an_author(
    client, hoalu_focal_point, coordinator, dataset, tree, october, indicators
):
    """The coordinator typed a figure, the ward corrected it and sent: the coordinator's
    write is gone from the values but not from the audit trail."""
    adults = indicators["adults"].pk
    save_values(
        actor=coordinator, dataset=dataset, unit=tree.hoalu, period=october, values={adults: "90"}
    )
    report = type_and_submit(client, hoalu_focal_point, dataset, tree.hoalu, october, indicators)
    assert REASON in approve_on_page(client, coordinator, report).text
    assert Report.objects.get().status == "submitted"


def test_values_imported_from_excel_make_their_importer_an_author(
    client, coordinator, dataset, tree, october
):
    import_values(
        actor=coordinator,
        dataset=dataset,
        unit=tree.province,
        period=october,
        filename="so-lieu.csv",
        stream=io.BytesIO(csv_bytes(f"{tree.hoalu.pk};;;5;100;;")),
    )
    report = submit_report(actor=None, report=Report.objects.get(unit=tree.hoalu))
    assert REASON in approve_on_page(client, coordinator, report).text
    assert Report.objects.get().status == "submitted"


def test_values_written_through_the_api_make_their_writer_an_author(
    client, coordinator, dataset, tree, october, indicators
):
    client.force_login(coordinator)
    response = client.post(
        "/api/reports/values",
        json.dumps(
            {
                "dataset": dataset.pk,
                "unit": tree.hoalu.pk,
                "period": october.key,
                "values": {indicators["adults"].pk: "100"},
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    report = submit_report(actor=None, report=Report.objects.get())
    assert REASON in approve_on_page(client, coordinator, report).text
    assert Report.objects.get().status == "submitted"


def test_a_reviewer_who_wrote_nothing_approves(
    client, hoalu_focal_point, coordinator, dataset, tree, october, indicators
):
    report = type_and_submit(client, hoalu_focal_point, dataset, tree.hoalu, october, indicators)
    client.force_login(coordinator)
    review = client.get(reverse("reports:review", args=[report.pk])).text
    assert 'value="approve"' in review
    assert REASON not in review
    approve_on_page(client, coordinator, report)
    assert Report.objects.get().status == "approved"


def test_approving_every_waiting_report_leaves_the_reviewers_own_waiting(
    client, coordinator, hoalu_focal_point, dataset, tree, october, indicators
):
    adults = indicators["adults"].pk
    for unit, actor in (
        (tree.hoalu, hoalu_focal_point),
        (tree.namhoalu, coordinator),  # the coordinator typed Nam Hoa Lư's figures
        (tree.namhoalu_village, None),
    ):
        save_values(actor=actor, dataset=dataset, unit=unit, period=october, values={adults: "9"})
        submit_report(actor=None, report=Report.objects.get(unit=unit))
    for report in Report.objects.filter(unit=tree.namhoalu_village):
        # The village's report waits at Nam Hoa Lư; send it on to the province first.
        Report.objects.filter(pk=report.pk).update(awaiting_unit=tree.province)

    client.force_login(coordinator)
    response = client.post(
        reverse("reports:approve_all", args=[dataset.pk]), {"period": october.key}, follow=True
    )
    page = response.text
    assert "Đã duyệt 2 báo cáo." in page
    assert "Chưa duyệt 1 báo cáo do chính bạn gửi hoặc sửa số liệu (Phường Nam Hoa Lư)" in page
    status = dict(Report.objects.values_list("unit__name", "status"))
    assert status == {
        "Phường Hoa Lư": "approved",
        "Phường Nam Hoa Lư": "submitted",
        "Thôn Đông": "approved",
    }
