"""Issue 13: a report's way up the tree lands in the audit trail under its own kinds, and the
audit page reads them in Vietnamese."""

from __future__ import annotations

import io

from conftest import make_person
from hocvuso.core.audit import present
from hocvuso.core.models import AuditLog
from hocvuso.core.roles import Role
from hocvuso.reports.models import Report
from hocvuso.reports.services import (
    approve_report,
    import_values,
    return_report,
    save_values,
    submit_report,
)


def _fill(dataset, unit, period, actor=None) -> None:
    ids = {m.indicator.code: m.indicator_id for m in dataset.members.select_related("indicator")}
    save_values(
        actor=actor, dataset=dataset, unit=unit, period=period, values={ids["t-adults"]: "100"}
    )


def rows(report: Report) -> list[tuple[str, dict]]:
    logs = AuditLog.objects.filter(object_type="reports.report", object_id=str(report.pk))
    return [(log.action, log.changes) for log in logs.order_by("id")]


def test_submit_approve_return_and_resubmit_each_have_their_kind(
    dataset, tree, october, hoalu_focal_point, coordinator
):
    village = make_person("village", Role.FOCAL_POINT, tree.hoalu_village)
    _fill(dataset, tree.hoalu_village, october, actor=village)
    report = submit_report(actor=village, report=Report.objects.get())
    report = approve_report(actor=hoalu_focal_point, report=report)
    report = return_report(actor=coordinator, report=report, comment="Số chưa khớp")
    report = submit_report(actor=village, report=report)
    assert rows(report) == [
        ("update", {"t-adults": [None, "100.00"]}),
        ("report_submitted", {"status": ["draft", "submitted"]}),
        ("report_approved", {"level": "Phường Hoa Lư"}),  # climbs: the status stays
        ("report_returned", {"level": "Tỉnh Ninh Bình", "status": ["submitted", "returned"]}),
        ("report_submitted", {"status": ["returned", "submitted"]}),
    ]


def test_the_last_approval_records_the_status_and_reads_in_vietnamese(
    dataset, tree, october, coordinator
):
    _fill(dataset, tree.hoalu, october)
    report = approve_report(
        actor=coordinator, report=submit_report(actor=None, report=Report.objects.get())
    )
    log = AuditLog.objects.get(action="report_approved")
    assert log.changes == {"level": "Tỉnh Ninh Bình", "status": ["submitted", "approved"]}
    assert report.status == "approved"
    values, approved = present(
        AuditLog.objects.filter(object_type="reports.report").exclude(action="report_submitted")
    )[::-1]
    assert approved.kind == "Duyệt báo cáo"
    assert {(c.label, c.before, c.after) for c in approved.changes} == {
        ("Cấp duyệt", None, "Tỉnh Ninh Bình"),
        ("Trạng thái", "Đã gửi, chờ duyệt", "Đã duyệt"),
    }
    # A figure is named by its indicator and shown as people write numbers.
    assert [(c.label, c.before, c.after) for c in values.changes] == [
        ("Người trưởng thành", "—", "100")
    ]


def test_figures_from_a_file_are_an_import(dataset, tree, october, coordinator):
    header = "ID;Mã đơn vị;Tên đơn vị;Người được hướng dẫn [t-guided];Người trưởng thành [t-adults];Có kỹ năng [t-skilled];Khó khăn, vướng mắc [t-note]"  # noqa: E501
    content = f"{header}\n{tree.hoalu.pk};14329;Phường Hoa Lư;;1.234;;".encode()
    import_values(
        actor=coordinator,
        dataset=dataset,
        unit=tree.province,
        period=october,
        filename="so-lieu.csv",
        stream=io.BytesIO(content),
    )
    log = AuditLog.objects.get(object_type="reports.report")
    assert log.action == AuditLog.Action.IMPORT
    assert log.changes == {"t-adults": [None, "1234.00"], "file": [None, "so-lieu.csv"]}
