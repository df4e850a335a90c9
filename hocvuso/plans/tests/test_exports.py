from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from docx import Document
from docx.table import Table

from hocvuso.plans.exports import plan_docx
from hocvuso.plans.importer import read_plan
from hocvuso.plans.models import Plan, Task
from hocvuso.plans.services import (
    add_activity,
    add_task,
    create_plan,
    publish_plan,
    report_task_progress,
)

D = datetime.date
SIGNING = datetime.datetime(2025, 10, 3, 9, tzinfo=datetime.UTC)
TITLE = "Tổ chức Ngày Chuyển đổi số Quốc gia (10/10) năm 2025 trên địa bàn tỉnh Ninh Bình"
SECTIONS = ["I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "III. KINH PHÍ", "IV. TỔ CHỨC THỰC HIỆN"]


def docx_lines(content: bytes) -> list[str]:
    """Paragraphs and table cells in document order, as the plan importer reads them."""
    lines = []
    for block in Document(io.BytesIO(content)).iter_inner_content():
        if isinstance(block, Table):
            lines += [p.text for row in block.rows for cell in row.cells for p in cell.paragraphs]
        else:
            lines.append(block.text)
    return [line for line in lines if line.strip()]


def progress_rows(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Tiến độ"]
    return list(sheet.iter_rows(min_row=4, values_only=True))


def make_plan(tree, coordinator, **fields):
    document = {
        "issuer_name": "ỦY BAN NHÂN DÂN\nTỈNH NINH BÌNH",
        "place": "Ninh Bình",
        "legal_bases": [
            {
                "kind": "Quyết định",
                "number": "505/QĐ-TTg",
                "date": "2022-04-22",
                "issuer": "Thủ tướng Chính phủ",
            }
        ],
        "purposes": ["Nâng cao nhận thức về chuyển đổi số"],
        "requirements": ["Tổ chức thiết thực, tiết kiệm"],
        "budget_source": "Ngân sách nhà nước theo phân cấp",
        "recipients": ["Bộ Khoa học và Công nghệ", "Lưu: VT, VP11"],
        "signer_title": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        "signer_name": "Hà Lan Anh",
    }
    return create_plan(
        actor=coordinator,
        issuing_unit=tree.province,
        kind=Plan.Kind.DX_DAY,
        title=TITLE,
        **{**document, **fields},
    )


@pytest.fixture
@time_machine.travel(SIGNING)
def plan(tree, coordinator):
    plan = make_plan(tree, coordinator, number="89/KH-UBND", issued_on=D(2025, 10, 3))
    campaign = add_activity(
        actor=coordinator,
        plan=plan,
        title="Chiến dịch “Đi từng ngõ, gõ từng nhà”",
        starts_on=D(2025, 10, 1),
        ends_on=D(2025, 10, 30),
        lead_unit=tree.agency,
        partner_units=[tree.hoalu],
        unmatched_units=["Các doanh nghiệp viễn thông"],
    )
    add_task(
        actor=coordinator,
        plan=plan,
        unit=tree.hoalu,
        activity=campaign,
        text="Hướng dẫn người dân sử dụng dịch vụ công trực tuyến",
        deadline=D(2025, 10, 30),
    )
    add_task(
        actor=coordinator,
        plan=plan,
        unit=tree.agency,
        text="Tổng hợp, báo cáo kết quả",
        deadline=D(2025, 11, 30),
    )
    add_task(
        actor=coordinator,
        plan=plan,
        unit=tree.hoalu,
        text="Treo băng rôn, khẩu hiệu",
        deadline=D(2025, 10, 10),
    )
    return publish_plan(plan=plan, actor=coordinator)


def test_plan_docx_reads_as_the_signed_document(client, plan, coordinator):
    client.force_login(coordinator)
    response = client.get(f"/plans/{plan.pk}/export.docx")
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="ke-hoach-{plan.pk}-89-KH-UBND.docx"'
    assert disposition.isascii()
    lines = docx_lines(response.content)
    # The header reads issuer, number, motto, place and date, as on paper.
    assert lines[:6] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH NINH BÌNH",
        "Số: 89/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Ninh Bình, ngày 03 tháng 10 năm 2025",
    ]
    assert lines[6:8] == ["KẾ HOẠCH", TITLE]
    assert "Căn cứ Quyết định số 505/QĐ-TTg ngày 22/04/2022 của Thủ tướng Chính phủ;" in lines
    positions = [lines.index(heading) for heading in SECTIONS]
    assert positions == sorted(positions)
    assert "- Nâng cao nhận thức về chuyển đổi số." in lines
    assert "- Thời gian thực hiện: Từ ngày 01/10/2025 đến ngày 30/10/2025" in lines
    assert "- Cơ quan chủ trì: Sở Khoa học và Công nghệ" in lines
    assert "- Cơ quan phối hợp: Phường Hoa Lư; Các doanh nghiệp viễn thông" in lines
    # Duties grouped by unit, in the order of each unit's first duty.
    implementation = lines[positions[-1] :]
    # Each with its deadline on a line of its own, which its text does not give (issue 14).
    assert implementation[1:9] == [
        "1. Phường Hoa Lư",
        "- Hướng dẫn người dân sử dụng dịch vụ công trực tuyến.",
        "Thời hạn hoàn thành: trước ngày 30/10/2025.",
        "- Treo băng rôn, khẩu hiệu.",
        "Thời hạn hoàn thành: trước ngày 10/10/2025.",
        "2. Sở Khoa học và Công nghệ",
        "- Tổng hợp, báo cáo kết quả.",
        "Thời hạn hoàn thành: trước ngày 30/11/2025.",
    ]
    assert lines[-7:] == [
        "Nơi nhận:",
        "- Bộ Khoa học và Công nghệ;",
        "- Lưu: VT, VP11.",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Hà Lan Anh",
    ]


def test_plan_docx_is_a4_in_times_new_roman_with_the_decree_margins(client, plan, coordinator):
    client.force_login(coordinator)
    document = Document(io.BytesIO(client.get(f"/plans/{plan.pk}/export.docx").content))
    page = document.sections[0]
    # Word stores lengths in twentieths of a point: compare whole millimetres.
    sizes = [page.page_width, page.page_height, page.top_margin, page.bottom_margin]
    sizes += [page.left_margin, page.right_margin]
    assert [round(size.mm) for size in sizes] == [210, 297, 20, 20, 30, 15]
    assert document.styles["Normal"].font.name == "Times New Roman"
    # No Word list numbering: numbers and marks are text the importer can read.
    assert b"w:numPr" not in document.part.blob


def test_exported_docx_reads_back_through_the_importer(plan):
    draft = read_plan(plan_docx(plan), "ke-hoach.docx")
    assert draft["issuer"] == "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"
    assert (draft["number"], draft["issued_on"]) == ("89/KH-UBND", "2025-10-03")
    assert (draft["doc_type"], draft["title"]) == ("KẾ HOẠCH", TITLE)
    assert [basis["number"] for basis in draft["legal_bases"]] == ["505/QĐ-TTg"]
    assert draft["purposes"] == plan.purposes
    assert draft["requirements"] == plan.requirements
    assert draft["budget_source"] == plan.budget_source
    assert [(a["lead"], a["partners"]) for a in draft["activities"]] == [
        (["Sở Khoa học và Công nghệ"], ["Phường Hoa Lư", "Các doanh nghiệp viễn thông"])
    ]
    assert [(task["unit"], task["deadline"]) for task in draft["tasks"]] == [
        ("Phường Hoa Lư", "2025-10-30"),
        ("Phường Hoa Lư", "2025-10-10"),
        ("Sở Khoa học và Công nghệ", "2025-11-30"),
    ]
    assert draft["tasks"][0]["text"].startswith(
        "Hướng dẫn người dân sử dụng dịch vụ công trực tuyến"
    )
    assert draft["recipients"] == plan.recipients
    assert (draft["signer_title"], draft["signer_name"]) == (plan.signer_title, plan.signer_name)


def test_exported_duty_text_reads_back_without_its_deadline_line(plan):
    draft = read_plan(plan_docx(plan), "ke-hoach.docx")
    assert [task["text"] for task in draft["tasks"]] == [
        "Hướng dẫn người dân sử dụng dịch vụ công trực tuyến",
        "Treo băng rôn, khẩu hiệu",
        "Tổng hợp, báo cáo kết quả",
    ]


def test_unmatched_names_print_as_lead_or_partner_as_the_activity_records_them(tree, coordinator):
    plan = make_plan(tree, coordinator, details={"period": {"text": "Tháng 10 năm 2025"}})
    add_activity(
        actor=coordinator,
        plan=plan,
        title="Chiến dịch “Đi từng ngõ, gõ từng nhà”",
        window_text="Tháng 10 năm 2025",
        unmatched_units=["UBND các xã, phường"],
    )
    # As the importer saves it: every lead as written, the unmatched ones again in
    # unmatched_units beside unmatched partners.
    add_activity(
        actor=coordinator,
        plan=plan,
        title="Tuần lễ học tập suốt đời",
        lead_unit=tree.agency,
        lead_unit_name="Sở Khoa học và Công nghệ; Hội Khuyến học tỉnh",
        unmatched_units=["Hội Khuyến học tỉnh", "Các trường học"],
    )
    lines = docx_lines(plan_docx(plan))
    contents = lines[lines.index("II. NỘI DUNG") : lines.index("III. KINH PHÍ")]
    assert contents == [
        "II. NỘI DUNG",
        "1. Thời gian thực hiện: Tháng 10 năm 2025",
        "2. Chiến dịch “Đi từng ngõ, gõ từng nhà”",
        "- Thời gian thực hiện: Tháng 10 năm 2025",
        "- Cơ quan chủ trì: UBND các xã, phường",
        "3. Tuần lễ học tập suốt đời",
        "- Cơ quan chủ trì: Sở Khoa học và Công nghệ; Hội Khuyến học tỉnh",
        "- Cơ quan phối hợp: Các trường học",
    ]


def test_written_document_type_preamble_and_closing_are_printed(tree, coordinator):
    plan = make_plan(
        tree,
        coordinator,
        details={
            "doc_type": "CHƯƠNG TRÌNH",
            "preamble": "Thực hiện Kế hoạch số 01-KH/BCĐTW; UBND tỉnh ban hành như sau:",
            "closing": "Trên đây là Chương trình của UBND tỉnh./.",
        },
    )
    lines = docx_lines(plan_docx(plan))
    assert lines[6:9] == [
        "CHƯƠNG TRÌNH",
        TITLE,
        "Thực hiện Kế hoạch số 01-KH/BCĐTW; UBND tỉnh ban hành như sau:",
    ]
    assert lines[lines.index("Nơi nhận:") - 1] == "Trên đây là Chương trình của UBND tỉnh./."


@time_machine.travel(datetime.datetime(2025, 9, 20, 9, tzinfo=datetime.UTC))
def test_draft_docx_leaves_number_day_and_month_blank_for_signing(client, tree, coordinator):
    draft = make_plan(tree, coordinator, number="/KH-UBND", issuer_name="")
    add_task(actor=coordinator, plan=draft, unit=tree.hoalu, text="Việc nháp")
    client.force_login(coordinator)
    response = client.get(f"/plans/{draft.pk}/export.docx")
    assert response["Content-Disposition"].endswith(f'filename="ke-hoach-{draft.pk}-KH-UBND.docx"')
    lines = docx_lines(response.content)
    assert lines[:6] == [
        "TỈNH NINH BÌNH",
        "Số: /KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Ninh Bình, ngày     tháng     năm 2025",
        "KẾ HOẠCH",
    ]
    # Sections without content are left out and the rest renumbered.
    assert "II. NỘI DUNG" not in lines
    assert "II. KINH PHÍ" in lines
    assert "III. TỔ CHỨC THỰC HIỆN" in lines


def test_progress_xlsx_lists_the_users_duties_with_labels_and_dates(
    client, plan, hoalu_focal_point
):
    task = plan.tasks.get(text="Treo băng rôn, khẩu hiệu")
    report_task_progress(
        actor=hoalu_focal_point,
        task=task,
        note="Đã treo 40 băng rôn.",
        status=Task.Status.DONE,
        today=D(2025, 10, 8),
    )
    client.force_login(hoalu_focal_point)
    with time_machine.travel(datetime.datetime(2025, 11, 2, 9, tzinfo=datetime.UTC)):
        response = client.get(f"/plans/{plan.pk}/progress.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    assert response["Content-Disposition"].endswith(f'filename="tien-do-{plan.pk}-89-KH-UBND.xlsx"')
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Tiến độ"]
    assert sheet["A1"].value == TITLE
    assert [c.value for c in sheet[3]][:4] == ["STT", "Đơn vị", "Hoạt động", "Nhiệm vụ"]
    assert sheet.freeze_panes == "A4"
    rows = progress_rows(response.content)
    # Only Hoa Lư's two duties: the agency's is not the focal point's to see.
    assert [(row[1], row[3], row[5], row[8]) for row in rows] == [
        (
            "Phường Hoa Lư",
            "Hướng dẫn người dân sử dụng dịch vụ công trực tuyến",
            "Chưa thực hiện",
            "Có",
        ),
        ("Phường Hoa Lư", "Treo băng rôn, khẩu hiệu", "Đã hoàn thành", None),
    ]
    done = sheet["G5"]
    assert done.is_date
    assert done.value.date() == D(2025, 10, 8)
    assert done.number_format == "dd/mm/yyyy"
    assert sheet["E4"].value.date() == D(2025, 10, 30)
    assert rows[1][7] == "Đã treo 40 băng rôn."
    assert rows[0][2] == "Chiến dịch “Đi từng ngõ, gõ từng nhà”"
    summary = workbook["Tổng hợp"]
    assert [c.value for c in summary[4]] == ["Phường Hoa Lư", 1, 0, 1, 1, 2]


def test_coordinator_progress_covers_every_duty(client, plan, coordinator):
    client.force_login(coordinator)
    rows = progress_rows(client.get(f"/plans/{plan.pk}/progress.xlsx").content)
    assert [row[0] for row in rows] == [1, 2, 3]
    assert {row[1] for row in rows} == {"Phường Hoa Lư", "Sở Khoa học và Công nghệ"}


def test_other_commune_gets_404_for_both_downloads(client, plan, other_commune_focal_point):
    client.force_login(other_commune_focal_point)
    assert client.get(f"/plans/{plan.pk}/export.docx").status_code == 404
    assert client.get(f"/plans/{plan.pk}/progress.xlsx").status_code == 404


def test_downloads_need_a_login(client, plan):
    for suffix in ("export.docx", "progress.xlsx"):
        response = client.get(f"/plans/{plan.pk}/{suffix}")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_plan_page_links_to_both_downloads(client, plan, viewer):
    client.force_login(viewer)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert f'href="/plans/{plan.pk}/export.docx"' in page
    assert f'href="/plans/{plan.pk}/progress.xlsx"' in page


def test_progress_xlsx_query_count_is_flat(
    client, tree, coordinator, hoalu_focal_point, django_assert_max_num_queries
):
    plan = make_plan(tree, coordinator, number="90/KH-UBND")
    activity = add_activity(actor=coordinator, plan=plan, title="Hoạt động chung")
    for n in range(40):
        add_task(
            actor=coordinator,
            plan=plan,
            unit=tree.hoalu if n % 2 else tree.namhoalu,
            activity=activity,
            text=f"Việc {n}",
            deadline=D(2025, 10, 30),
        )
    publish_plan(plan=plan, actor=coordinator)
    for task in plan.tasks.filter(unit=tree.hoalu)[:10]:
        report_task_progress(
            actor=hoalu_focal_point, task=task, note="Đang làm", status=Task.Status.IN_PROGRESS
        )
    client.force_login(coordinator)
    with django_assert_max_num_queries(6):
        response = client.get(f"/plans/{plan.pk}/progress.xlsx")
    rows = progress_rows(response.content)
    assert len(rows) == 40
    assert sum(row[7] == "Đang làm" for row in rows) == 10


# --- Issue 13: what people type never breaks an export nor runs in a spreadsheet

FORMULA = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(
    ("note", "shown"),
    [
        (FORMULA, FORMULA),
        ("Dòng một\x0bdòng hai", "Dòng một\ndòng hai"),  # Word's manual line break, pasted
        ("chuông\x07", "chuông"),
    ],
)
def test_a_progress_note_is_text_in_the_progress_xlsx(client, plan, coordinator, note, shown):
    task = plan.tasks.get(text="Treo băng rôn, khẩu hiệu")
    report_task_progress(
        actor=coordinator, task=task, note=note, status=Task.Status.DONE, today=D(2025, 10, 8)
    )
    client.force_login(coordinator)
    response = client.get(f"/plans/{plan.pk}/progress.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Tiến độ"]
    (cell,) = [row[7] for row in sheet.iter_rows(min_row=4) if row[3].value == task.text]
    assert cell.value == shown
    assert cell.data_type == "s"  # never "f": no formula runs when the file opens


def test_a_duty_with_a_control_character_still_prints_as_a_plan(client, plan, coordinator):
    Task.objects.filter(plan=plan, text="Treo băng rôn, khẩu hiệu").update(
        text="Treo băng rôn\x0bkhẩu hiệu\x07"
    )
    client.force_login(coordinator)
    response = client.get(f"/plans/{plan.pk}/export.docx")
    assert response.status_code == 200
    assert any("Treo băng rôn" in line for line in docx_lines(response.content))
