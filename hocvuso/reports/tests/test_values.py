"""Issue 6: figures typed by units, checked, rolled up the tree by each indicator's rule,
sent up for approval level by level and locked once approved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hocvuso.core.models import AuditLog
from hocvuso.reports.models import DataValue, Report, ReportStep
from hocvuso.reports.selectors import form_for, values_for
from hocvuso.reports.services import (
    approve_report,
    get_or_create_report,
    return_report,
    save_values,
    submit_report,
)


def save(dataset, unit, period, actor=None, **by_code):
    ids = {m.indicator.code: m.indicator_id for m in dataset.members.select_related("indicator")}
    return save_values(
        actor=actor,
        dataset=dataset,
        unit=unit,
        period=period,
        values={ids[f"t-{k}"]: v for k, v in by_code.items()},
    )


def test_numbers_are_read_as_vietnamese_write_them(dataset, tree, october, indicators):
    save(dataset, tree.hoalu, october, adults="1.234", guided="12", skilled="1,000")
    stored = {v.indicator.code: v.value for v in DataValue.objects.select_related("indicator")}
    assert stored == {
        "t-adults": Decimal(1234),
        "t-guided": Decimal(12),
        "t-skilled": Decimal(1000),
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [("mười", "không phải là số"), ("-3", "số âm"), ("2,5", "số nguyên")],
)
def test_a_bad_number_is_refused_and_nothing_is_saved(dataset, tree, october, text, message):
    with pytest.raises(ValidationError, match=message):
        save(dataset, tree.hoalu, october, adults="100", guided=text)
    assert not DataValue.objects.exists()


def test_sums_roll_up_the_tree_and_ratios_are_ratios_of_sums(dataset, tree, october, indicators):
    save(dataset, tree.hoalu_village, october, adults="100", skilled="90")
    save(dataset, tree.hoalu, october, adults="300", skilled="150")
    save(dataset, tree.namhoalu, october, adults="600", skilled="300")
    units = [tree.province, tree.hoalu, tree.namhoalu]
    figures = values_for([indicators["adults"], indicators["share"]], units, [october])
    adults, share = indicators["adults"].pk, indicators["share"].pk
    assert figures[(adults, tree.hoalu.pk, "2025-10")] == 400
    assert figures[(adults, tree.province.pk, "2025-10")] == 1000
    # (90 + 150 + 300) / 1000, not the mean of the three percentages
    assert figures[(share, tree.province.pk, "2025-10")] == Decimal("54.0")
    assert figures[(share, tree.hoalu.pk, "2025-10")] == Decimal("60.0")


def test_changing_a_value_recomputes_the_parents(dataset, tree, october, indicators):
    save(dataset, tree.hoalu_village, october, adults="100")
    save(dataset, tree.hoalu_village, october, adults="40")
    figures = values_for([indicators["adults"]], [tree.province], [october])
    assert figures[(indicators["adults"].pk, tree.province.pk, "2025-10")] == 40
    save(dataset, tree.hoalu_village, october, adults="")
    assert values_for([indicators["adults"]], [tree.province], [october]) == {}


def test_months_add_up_into_the_quarter(dataset, tree, indicators):
    from hocvuso.reports import periods

    for m in (10, 11, 12):
        save(dataset, tree.hoalu, periods.month(2025, m), guided="10")
    q4 = periods.quarter(2025, 4)
    figures = values_for([indicators["guided"]], [tree.province], [q4])
    assert figures[(indicators["guided"].pk, tree.province.pk, "2025-Q4")] == 30


def test_every_change_is_audited_with_old_and_new(dataset, tree, october, coordinator):
    save(dataset, tree.hoalu, october, actor=coordinator, adults="10")
    save(dataset, tree.hoalu, october, actor=coordinator, adults="12")
    changes = [a.changes for a in AuditLog.objects.filter(object_type="reports.report")]
    assert {"t-adults": ["10.00", "12.00"]} in changes


def test_rules_across_fields_are_shown_and_block_sending(dataset, tree, october):
    save(dataset, tree.hoalu, october, adults="100", skilled="150")
    form = form_for(dataset, tree.hoalu, october)
    assert form.rule_problems == ["“Có kỹ năng” (150) phải ≤ “Người trưởng thành” (100)."]
    report = Report.objects.get()
    with pytest.raises(ValidationError, match="phải ≤"):
        submit_report(actor=None, report=report)


def test_a_required_figure_must_be_typed_before_sending(dataset, tree, october):
    report = get_or_create_report(dataset, tree.hoalu, october)
    with pytest.raises(ValidationError, match="Chưa nhập “Người trưởng thành”"):
        submit_report(actor=None, report=report)


def test_a_village_report_climbs_to_the_commune_then_the_province(
    dataset, tree, october, hoalu_focal_point, coordinator, other_commune_focal_point
):
    save(dataset, tree.hoalu_village, october, adults="100", skilled="50")
    report = submit_report(actor=None, report=Report.objects.get())
    assert (report.status, report.awaiting_unit) == ("submitted", tree.hoalu)
    with pytest.raises(ValidationError, match="không sửa được"):
        save(dataset, tree.hoalu_village, october, adults="200")
    with pytest.raises(PermissionDenied):
        approve_report(actor=other_commune_focal_point, report=report)
    report = approve_report(actor=hoalu_focal_point, report=report)
    assert (report.status, report.awaiting_unit) == ("submitted", tree.province)
    with pytest.raises(PermissionDenied):
        approve_report(actor=hoalu_focal_point, report=report)  # the province's level now
    report = approve_report(actor=coordinator, report=report)
    assert (report.status, report.awaiting_unit) == ("approved", None)
    assert [s.action for s in ReportStep.objects.order_by("id")] == [
        "submit",
        "approve",
        "approve",
    ]
    with pytest.raises(ValidationError, match="không sửa được"):
        save(dataset, tree.hoalu_village, october, adults="200")


def test_a_returned_report_unlocks_with_the_reviewers_comment(dataset, tree, october, coordinator):
    save(dataset, tree.hoalu, october, adults="100")
    report = submit_report(actor=None, report=Report.objects.get())
    with pytest.raises(ValidationError, match="lý do"):
        return_report(actor=coordinator, report=report, comment=" ")
    report = return_report(actor=coordinator, report=report, comment="Số người lớn chưa khớp")
    assert report.status == "returned"
    assert report.steps.last().comment == "Số người lớn chưa khớp"
    save(dataset, tree.hoalu, october, adults="120")
    assert submit_report(actor=None, report=report).status == "submitted"


def test_a_report_sent_after_its_deadline_is_late(dataset, tree, october, time_machine):
    time_machine.move_to("2025-11-07 09:00 +07:00")
    save(dataset, tree.hoalu, october, adults="100")
    report = submit_report(actor=None, report=Report.objects.get())
    assert report.is_late


def test_a_stock_shows_its_latest_month_in_the_quarter_not_the_sum(dataset, tree, indicators):
    from hocvuso.reports import periods

    skilled = indicators["skilled"]
    skilled.over_time = "last"
    skilled.save(update_fields=["over_time"])
    for month, n in ((10, "100"), (11, "150"), (12, "180")):
        save(dataset, tree.hoalu, periods.month(2025, month), adults="1000", skilled=n)
    adults = indicators["adults"]
    adults.over_time = "last"
    adults.save(update_fields=["over_time"])
    q4 = periods.quarter(2025, 4)
    figures = values_for([skilled, indicators["share"]], [tree.province], [q4])
    assert figures[(skilled.pk, tree.province.pk, "2025-Q4")] == 180
    assert figures[(indicators["share"].pk, tree.province.pk, "2025-Q4")] == Decimal("18.0")
    year = values_for([skilled], [tree.province], [periods.year(2025)])
    assert year[(skilled.pk, tree.province.pk, "2025")] == 180


def test_a_commune_silent_in_the_last_month_still_counts_with_its_latest_stock(
    dataset, tree, indicators
):
    from hocvuso.reports import periods

    skilled = indicators["skilled"]
    skilled.over_time = "last"
    skilled.save(update_fields=["over_time"])
    save(dataset, tree.hoalu, periods.month(2025, 11), skilled="100")
    save(dataset, tree.namhoalu, periods.month(2025, 11), skilled="200")
    save(dataset, tree.namhoalu, periods.month(2025, 12), skilled="250")  # Hoa Lư silent
    q4 = periods.quarter(2025, 4)
    figures = values_for([skilled], [tree.province, tree.hoalu, tree.namhoalu], [q4])
    assert figures[(skilled.pk, tree.province.pk, "2025-Q4")] == 350  # 100 + 250
    assert figures[(skilled.pk, tree.hoalu.pk, "2025-Q4")] == 100
    december = values_for([skilled], [tree.province], [periods.month(2025, 12)])
    assert december[(skilled.pk, tree.province.pk, "2025-12")] == 250
