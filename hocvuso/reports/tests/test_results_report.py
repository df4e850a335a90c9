"""Issue 6: the results report of a unit for a period — duties, ceremonies, door-to-door
guidance and indicators against their targets — as a Word document and a PDF, and the
completeness table as Excel."""

from __future__ import annotations

import datetime
import io
import uuid
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from hocvuso.events import services as events
from hocvuso.fieldwork import services as fieldwork
from hocvuso.orgunits.services import set_population
from hocvuso.plans import services as plans
from hocvuso.reports.exports import results_docx, results_pdf
from hocvuso.reports.models import Report
from hocvuso.reports.results import results_report
from hocvuso.reports.services import save_values, set_target, submit_report

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.date(2025, 11, 20)


def save(dataset, unit, period, **by_code):
    ids = {m.indicator.code: m.indicator_id for m in dataset.members.select_related("indicator")}
    save_values(
        actor=None,
        dataset=dataset,
        unit=unit,
        period=period,
        values={ids[f"t-{k}"]: v for k, v in by_code.items()},
    )


@pytest.fixture
def activity(tree, dataset, october, indicators):
    """A month of work in Phường Hoa Lư: figures typed, duties, a ceremony, visits."""
    save(dataset, tree.hoalu, october, adults="1.500", skilled="600", note="Thiếu máy tính")
    save(dataset, tree.hoalu_village, october, adults="500", skilled="300", guided="40")
    submit_report(actor=None, report=Report.objects.get(unit=tree.hoalu_village))
    set_target(actor=None, indicator=indicators["adults"], unit=tree.hoalu, year=2025, value=4000)
    plan = plans.create_plan(
        actor=None,
        issuing_unit=tree.province,
        kind="other",
        title="Kế hoạch triển khai phong trào Bình dân học vụ số",
        number="89/KH-UBND",
    )
    done = plans.add_task(
        actor=None, plan=plan, unit=tree.hoalu, text="Ra mắt Tổ công nghệ số", deadline=None
    )
    plans.add_task(
        actor=None,
        plan=plan,
        unit=tree.hoalu_village,
        text="Hướng dẫn người dân cài VNeID",
        deadline=datetime.date(2025, 10, 15),
    )
    plans.add_task(actor=None, plan=plan, unit=tree.namhoalu, text="Việc của xã khác")
    plans.publish_plan(plan=plan, actor=None)
    plans.report_task_progress(
        actor=None, task=done, note="Đã ra mắt", status="done", today=datetime.date(2025, 10, 5)
    )
    event = events.create_event(
        actor=None,
        organiser=tree.province,
        title="Lễ phát động phong trào Bình dân học vụ số",
        starts_at=datetime.datetime(2025, 10, 10, 8, 0, tzinfo=ZONE),
    )
    points = events.add_bridge_points(
        actor=None, event=event, hosts=[tree.hoalu, tree.hoalu_village, tree.namhoalu]
    )
    hoalu_point = next(p for p in points if p.host_id == tree.hoalu.pk)
    events.report_attendance(
        bridge_point=hoalu_point,
        submission_id=uuid.uuid4(),
        counts={"leaders": 12, "residents": 138},
        field="actual",
    )
    events.check_in_bridge_point(bridge_point=hoalu_point)
    team = fieldwork.create_team(actor=None, unit=tree.hoalu, name="Tổ CNS phường Hoa Lư")
    set_population(actor=None, unit=tree.hoalu_village, year=2025, adults=900, households=400)
    rows = [
        fieldwork.VisitInput(
            id=uuid.uuid4(),
            team_id=team.pk,
            village_id=tree.hoalu_village.pk,
            visited_on=datetime.date(2025, 10, day),
            household=f"Số {day}",
            people_guided=2,
            services=["vneid"],
        )
        for day in (3, 4, 5, 6, 7)
    ]
    batch = fieldwork.record_visits(actor=None, teams=[team], rows=rows)
    assert len(batch.saved) == 5


def test_the_report_gathers_duties_ceremonies_visits_and_indicators(
    tree, october, activity, django_assert_max_num_queries
) -> None:
    # 25, about a dozen for the learning section (issue 15), one for communications' (issue
    # 16: nothing published, so no table to read).
    with django_assert_max_num_queries(39):
        report = results_report(tree.hoalu, october, today=TODAY)
    text = report.text()
    assert report.issuer == ["TỈNH NINH BÌNH", "PHƯỜNG HOA LƯ"]
    assert report.place_date == "Ninh Bình, ngày 20 tháng 11 năm 2025"
    assert report.subject == "Kết quả thực hiện phong trào “Bình dân học vụ số” tháng 10/2025"
    headings = [b.text for b in report.blocks if b.kind == "heading"]
    assert headings == [
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO KẾ HOẠCH",
        "II. LỄ PHÁT ĐỘNG VÀ CÁC ĐIỂM CẦU",
        "III. HƯỚNG DẪN “ĐI TỪNG NGÕ, GÕ TỪNG NHÀ”",
        "IV. KẾT QUẢ CÁC CHỈ TIÊU",
        "V. LỚP HỌC VÀ NGƯỜI ĐƯỢC HỌC KỸ NĂNG SỐ",
        "VI. CÔNG TÁC TUYÊN TRUYỀN",
        "VII. KHÓ KHĂN, VƯỚNG MẮC, KIẾN NGHỊ",
    ]
    # Two duties in the commune's subtree (not the other commune's): one done, one overdue.
    assert (
        "Phường Hoa Lư và các đơn vị trực thuộc được giao 2 nhiệm vụ theo 1 kế hoạch: đã hoàn "
        "thành 1 nhiệm vụ (50%), trong đó 1 nhiệm vụ hoàn thành trong kỳ; đang thực hiện 0; "
        "chưa thực hiện 1. Còn 1 nhiệm vụ quá hạn chưa hoàn thành (tính đến ngày 20/11/2025)."
    ) in text
    assert (
        "Trong kỳ, Phường Hoa Lư tham gia 1 lễ phát động với 2 điểm cầu (1 điểm cầu đã kết "
        "nối); 150 người tham dự tại các điểm cầu (dự kiến 0 người)."
    ) in text
    assert "đã thực hiện 5 lượt đến hộ, hướng dẫn 10 lượt người" in text
    assert "5 hộ đã được hướng dẫn ít nhất một lần trên tổng số 400 hộ (1,3%)" in text
    assert "Biểu mẫu “Báo cáo tháng”: 1/2 đơn vị đã gửi báo cáo kỳ này" in text
    indicators = next(b for b in report.blocks if b.kind == "table" and "Chỉ tiêu" in b.headers)
    rows = {row[1][0]: [text for text, _align in row[3:]] for row in indicators.cells()}
    # Sums of the commune and its village; 2,000 of a 4,000 target.
    assert rows["Người trưởng thành"] == ["2.000", "4.000", "50"]
    assert rows["Tỷ lệ người trưởng thành có kỹ năng số"] == ["45%", "", ""]
    assert "- Khó khăn, vướng mắc: Thiếu máy tính" in text


def test_the_docx_opens_with_its_headings_and_figures(tree, october, activity) -> None:
    content = results_docx(results_report(tree.hoalu, october, today=TODAY))
    document = Document(io.BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in paragraphs
    assert "Kết quả thực hiện phong trào “Bình dân học vụ số” tháng 10/2025" in paragraphs
    assert "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO KẾ HOẠCH" in paragraphs
    assert "IV. KẾT QUẢ CÁC CHỈ TIÊU" in paragraphs
    header = [c.text for c in document.tables[0].rows[0].cells]
    assert header[0].startswith("TỈNH NINH BÌNH\nPHƯỜNG HOA LƯ\nSố:")
    assert "Ninh Bình, ngày 20 tháng 11 năm 2025" in header[1]
    cells = [c.text for table in document.tables[1:] for row in table.rows for c in row.cells]
    assert "Kế hoạch triển khai phong trào Bình dân học vụ số (89/KH-UBND)" in cells
    assert "Lễ phát động phong trào Bình dân học vụ số" in cells
    assert "2.000" in cells
    assert "Nơi nhận:" in [c.text.split("\n")[0] for c in document.tables[-1].rows[0].cells]
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_the_pdf_holds_the_same_words(tree, october, activity) -> None:
    content = results_pdf(results_report(tree.hoalu, october, today=TODAY))
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.split())
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO KẾ HOẠCH",
        "IV. KẾT QUẢ CÁC CHỈ TIÊU",
        "Người trưởng thành",
        "2.000",
        "Nơi nhận:",
    ):
        assert words in text, words


def test_the_results_page_offers_both_files(client, tree, october, activity, coordinator) -> None:
    client.force_login(coordinator)
    url = reverse("reports:results")
    query = {"unit": tree.hoalu.pk, "period": october.key}
    page = client.get(url, query)
    assert page.status_code == 200
    assert "IV. KẾT QUẢ CÁC CHỈ TIÊU" in page.text
    docx = client.get(reverse("reports:results_docx"), query)
    assert docx["Content-Disposition"] == (
        f'attachment; filename="bao-cao-ket-qua-{tree.hoalu.pk}-2025-10.docx"'
    )
    pdf = client.get(reverse("reports:results_pdf"), query)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # With nothing chosen: the user's own unit and the current month.
    first = client.get(url)
    assert first.status_code == 302
    assert f"unit={tree.province.pk}" in first.url


def test_a_focal_point_cannot_read_another_communes_results(
    client, tree, october, hoalu_focal_point
) -> None:
    client.force_login(hoalu_focal_point)
    query = {"unit": tree.namhoalu.pk, "period": october.key}
    for name in ("reports:results", "reports:results_docx", "reports:results_pdf"):
        assert client.get(reverse(name), query).status_code == 404
    assert (
        client.get(reverse("reports:results"), {"unit": tree.hoalu.pk, "period": "x"}).status_code
        == 404
    )


def test_the_completeness_table_downloads_as_excel(
    client, tree, dataset, october, activity, coordinator, hoalu_focal_point
) -> None:
    client.force_login(coordinator)
    url = reverse("reports:completeness_xlsx", args=[dataset.pk])
    response = client.get(url, {"unit": tree.province.pk, "period": october.key})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0][:3] == ["Đơn vị", "Trạng thái", "Phải nộp"]
    by_unit = {row[0]: row for row in rows[1:]}
    # The village sent its October report a year late; the commune has not sent it.
    assert by_unit["Phường Hoa Lư"][2:5] == [2, 0, 1]
    assert by_unit["Tổng cộng"][2] == 4
    client.force_login(hoalu_focal_point)
    other = client.get(url, {"unit": tree.namhoalu.pk, "period": october.key})
    assert other.status_code == 404
