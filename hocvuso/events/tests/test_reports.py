"""Issue 4 item 5: the consolidated report at the cut-off and the results summary."""

from __future__ import annotations

import datetime
import io
import uuid

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hocvuso.events import exports
from hocvuso.events.models import ProgramItem
from hocvuso.events.selectors import consolidated_report
from hocvuso.events.services import (
    add_bridge_points,
    check_in_bridge_point,
    create_event,
    report_attendance,
    report_connected,
    report_trouble,
)
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.services import create_unit
from hocvuso.plans.tests.test_exports import docx_lines

UTC = datetime.UTC
BEFORE_CUT_OFF = datetime.datetime(2025, 11, 5, 3, 0, tzinfo=UTC)
CUT_OFF = datetime.datetime(2025, 11, 6, 10, 0, tzinfo=UTC)  # 17:00 in Vietnam
START = datetime.datetime(2025, 11, 8, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam
END = datetime.datetime(2025, 11, 8, 3, 0, tzinfo=UTC)
TITLE = "Lễ phát động phong trào Bình dân học vụ số"
REPORTS = ["report_xlsx", "report_docx", "results_docx"]
COMMUNES, VILLAGES, AGENCIES = "Xã/Phường/Đặc khu", "Thôn/Bản/Tổ dân phố", "Cơ quan, sở, ban, ngành"


def report(point, field, **counts):
    report_attendance(bridge_point=point, submission_id=uuid.uuid4(), counts=counts, field=field)


@pytest.fixture
def event(tree):
    """Six bridge points: the main hall (province), two communes, their two villages and the
    agency. Thôn Đông never registers; the agency reports trouble on the day."""
    event = create_event(
        actor=None,
        organiser=tree.province,
        title=TITLE,
        starts_at=START,
        ends_at=END,
        venue="Hội trường Ủy ban nhân dân tỉnh",
        registration_closes_at=CUT_OFF,
    )
    (main,) = add_bridge_points(actor=None, event=event, hosts=[tree.province], is_main=True)
    hosts = [tree.hoalu, tree.namhoalu, tree.hoalu_village, tree.namhoalu_village, tree.agency]
    points = {p.host_id: p for p in add_bridge_points(actor=None, event=event, hosts=hosts)}
    hoalu, namhoalu = points[tree.hoalu.pk], points[tree.namhoalu.pk]
    village, agency = points[tree.hoalu_village.pk], points[tree.agency.pk]
    with time_machine.travel(BEFORE_CUT_OFF, tick=False):
        report(main, "expected", leaders=20, officials=100)
        report(hoalu, "expected", officials=30, residents=50)
        report(namhoalu, "expected", residents=40)
        report(village, "expected", residents=25)
        report(agency, "expected", officials=15)
    with time_machine.travel(START + datetime.timedelta(minutes=10), tick=False):
        report(main, "actual", leaders=18, officials=95)
        report(hoalu, "actual", officials=28, residents=60)
        report(village, "actual", residents=20)
        report(agency, "actual", officials=15)
        check_in_bridge_point(bridge_point=main)
        check_in_bridge_point(bridge_point=hoalu)
        report_connected(bridge_point=village)
        report_trouble(bridge_point=agency, note="Mất tiếng")
    return event


def sheet_rows(content: bytes, name: str) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content))[name]
    return list(sheet.iter_rows(min_row=3, values_only=True))


def test_the_summary_sheet_counts_points_and_people_by_level_and_parent_unit(event):
    rows = sheet_rows(exports.consolidated_xlsx(event, consolidated_report(event)), "Tổng hợp")
    header, *body = rows
    assert header == (
        "Cấp điểm cầu",
        "Đơn vị cấp trên",
        "Số điểm cầu được mời",
        "Đã đăng ký",
        "Đã có mặt, đang kết nối",
        "Gặp sự cố",
        "Lãnh đạo: dự kiến",
        "Lãnh đạo: thực tế",
        "Cán bộ, công chức, viên chức: dự kiến",
        "Cán bộ, công chức, viên chức: thực tế",
        "Người dân: dự kiến",
        "Người dân: thực tế",
        "Tổng dự kiến",
        "Tổng thực tế",
    )
    by_unit = {(row[0], row[1]): row[2:] for row in body}
    assert by_unit[("Điểm cầu chính", "Tỉnh Ninh Bình")] == (
        1,
        1,
        1,
        0,
        20,
        18,
        100,
        95,
        0,
        0,
        120,
        113,
    )
    assert by_unit[(COMMUNES, "Tỉnh Ninh Bình")] == (2, 2, 1, 0, 0, 0, 30, 28, 90, 60, 120, 88)
    assert by_unit[(VILLAGES, "Phường Hoa Lư")] == (1, 1, 1, 0, 0, 0, 0, 0, 25, 20, 25, 20)
    assert by_unit[(VILLAGES, "Phường Nam Hoa Lư")] == (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert by_unit[(AGENCIES, "Tỉnh Ninh Bình")] == (1, 1, 0, 1, 0, 0, 15, 15, 0, 0, 15, 15)
    assert by_unit[(f"Cộng: {VILLAGES}", None)] == (2, 1, 1, 0, 0, 0, 0, 0, 25, 20, 25, 20)
    # Levels in the tree's order, the main hall first; the grand total last.
    assert [row[0] for row in body if row[0].startswith("Cộng")] == [
        "Cộng: Điểm cầu chính",
        f"Cộng: {COMMUNES}",
        f"Cộng: {VILLAGES}",
        f"Cộng: {AGENCIES}",
    ]
    assert body[-1] == ("Tổng cộng", None, 6, 5, 3, 1, 20, 18, 145, 138, 115, 80, 280, 236)


def test_the_sheets_have_one_row_per_point_and_the_late_ones(event):
    content = exports.consolidated_xlsx(event)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Tổng hợp", "Điểm cầu", "Chưa đăng ký", "Đại biểu"]
    assert workbook["Điểm cầu"].freeze_panes == "A4"
    points = sheet_rows(content, "Điểm cầu")[1:]
    assert len(points) == 6
    assert points[0][1:5] == ("Tỉnh Ninh Bình", "Điểm cầu chính", "Tỉnh Ninh Bình", "Đã có mặt")
    agency = next(row for row in points if row[1] == "Sở Khoa học và Công nghệ")
    assert agency[2:5] == (AGENCIES, "Tỉnh Ninh Bình", "Gặp sự cố")
    assert agency[-2:] == (15, 15)
    late = sheet_rows(content, "Chưa đăng ký")[1:]
    assert [row[1:5] for row in late] == [("Thôn Đông", VILLAGES, "Phường Nam Hoa Lư", "Đã mời")]


def test_the_delegates_are_counted_by_category_and_answer(event):
    from hocvuso.events.models import Delegate
    from hocvuso.events.services import invite_delegate, update_delegate

    for name, category, answer in [
        ("Nguyễn Văn A", "central", "accepted"),
        ("Trần Thị B", "province", "accepted"),
        ("Lê Văn C", "province", "declined"),
        ("Phạm Văn D", "province", "pending"),
    ]:
        delegate = invite_delegate(actor=None, event=event, name=name, category=category)
        update_delegate(actor=None, delegate=delegate, rsvp=answer)
    assert Delegate.objects.filter(responded_at__isnull=False).count() == 3
    content = exports.consolidated_xlsx(event)
    assert sheet_rows(content, "Đại biểu")[1:] == [
        ("Lãnh đạo Trung ương", 1, 1, 0, 0),
        ("Lãnh đạo tỉnh", 3, 1, 1, 1),
        ("Tổng cộng", 4, 2, 1, 1),
    ]
    lines = docx_lines(exports.consolidated_docx(event))
    section = lines.index("III. ĐẠI BIỂU DỰ TẠI ĐIỂM CẦU CHÍNH")
    assert lines[section + 6 : section + 12] == [
        "Lãnh đạo Trung ương",
        "1",
        "1",
        "0",
        "0",
        "Lãnh đạo tỉnh",
    ]
    assert "Nguyễn Văn A" not in lines  # figures, not names


def test_a_point_registered_by_an_organiser_after_the_cut_off_is_late(tree, event):
    point = event.bridge_points.get(host=tree.namhoalu_village)
    point.status, point.reported_at = "registered", CUT_OFF + datetime.timedelta(hours=1)
    point.save(update_fields=["status", "reported_at"])
    # The Hoa Lư commune reported its actual numbers after the cut-off: still in time.
    late = consolidated_report(event).late
    assert [row.point.host.name for row in late] == ["Thôn Đông"]


def test_the_consolidated_docx_has_the_levels_totals_and_late_points(event):
    lines = docx_lines(exports.consolidated_docx(event, consolidated_report(event)))
    assert lines[:4] == [
        "TỈNH NINH BÌNH",
        "Số:      /BC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert lines[4].startswith("Ngày ")
    assert lines[5:7] == ["BÁO CÁO", f"Tổng hợp điểm cầu và đại biểu tham dự {TITLE}"]
    assert "Hạn đăng ký điểm cầu: 17:00 ngày 06/11/2025." in lines
    # The by-level table: the level's total, then its parent units; the grand total.
    village = lines.index(VILLAGES)
    assert lines[village : village + 21] == [
        VILLAGES, "2", "1", "1", "0", "25", "20",
        "- Phường Hoa Lư", "1", "1", "1", "0", "25", "20",
        "- Phường Nam Hoa Lư", "1", "0", "0", "0", "0", "0",
    ]  # fmt: skip
    total = lines.index("Tổng cộng")
    assert lines[total : total + 7] == ["Tổng cộng", "6", "5", "3", "1", "280", "236"]
    # The by-category table.
    officials = lines.index("Cán bộ, công chức, viên chức")
    assert lines[officials : officials + 3] == ["Cán bộ, công chức, viên chức", "145", "138"]
    assert lines[lines.index("III. ĐẠI BIỂU DỰ TẠI ĐIỂM CẦU CHÍNH") + 1] == "Chưa mời đại biểu."
    late = lines.index("IV. ĐIỂM CẦU CHƯA ĐĂNG KÝ ĐÚNG HẠN")
    assert lines[late + 1] == "1. Thôn Đông (Phường Nam Hoa Lư): chưa đăng ký."
    assert lines[-3:] == ["Nơi nhận:", "- Lưu: VT.", "TM. BAN TỔ CHỨC"]


def test_the_results_docx_tells_how_the_ceremony_went(event):
    first = ProgramItem.objects.create(
        event=event,
        position=1,
        title="Phát biểu khai mạc",
        duration_minutes=10,
        cap_minutes=12,
        started_at=START,
        ended_at=START + datetime.timedelta(minutes=15),
    )
    ProgramItem.objects.create(
        event=event,
        position=2,
        title="Nghi thức khai trương",
        duration_minutes=5,
        started_at=first.ended_at,
        ended_at=first.ended_at + datetime.timedelta(minutes=5),
    )
    event.launch_at = START + datetime.timedelta(minutes=19, seconds=30)
    event.save(update_fields=["launch_at"])
    lines = docx_lines(exports.results_docx(event))
    assert lines[5:7] == ["BÁO CÁO", f"Kết quả tổ chức {TITLE}"]
    assert "Thời gian: từ 08:00 ngày 08/11/2025 đến 10:00." in lines
    assert "Địa điểm: Hội trường Ủy ban nhân dân tỉnh." in lines
    assert "Thời điểm khai trương: 08:19:30 ngày 08/11/2025." in lines
    # Connected: checked in, online, or joined and then in trouble.
    assert "Số điểm cầu kết nối: 4/6 điểm cầu được mời." in lines
    assert "Số người tham dự thực tế: 236/280 người dự kiến." in lines
    total = lines.index("Tổng cộng")
    assert lines[total : total + 6] == ["Tổng cộng", "6", "4", "1", "280", "236"]
    # The opening speech ran 15 minutes against a 12-minute cap.
    opening = lines.index("Phát biểu khai mạc")
    assert lines[opening - 1 : opening + 6] == [
        "1",
        "Phát biểu khai mạc",
        "10",
        "08:00",
        "08:15",
        "15",
        "3",
    ]
    launch = lines.index("Nghi thức khai trương")
    assert lines[launch + 1 : launch + 5] == ["5", "08:15", "08:20", "5"]
    trouble = lines.index("IV. SỰ CỐ TẠI CÁC ĐIỂM CẦU")
    assert lines[trouble + 1] == (
        "1. Sở Khoa học và Công nghệ (Tỉnh Ninh Bình): Mất tiếng (chưa khắc phục)."
    )


def event_with_villages(tree, n):
    event = create_event(
        actor=None,
        organiser=tree.province,
        title=TITLE,
        starts_at=START,
        registration_closes_at=CUT_OFF,
    )
    hosts = [
        create_unit(actor=None, parent=tree.hoalu, name=f"Thôn {n}-{i}", kind=OrgUnit.Kind.VILLAGE)
        for i in range(n)
    ]
    points = add_bridge_points(actor=None, event=event, hosts=hosts)
    with time_machine.travel(BEFORE_CUT_OFF, tick=False):
        for point in points[1:]:
            report(point, "expected", residents=10, students=5)
    return event


@pytest.mark.parametrize("name", REPORTS)
def test_a_report_costs_the_same_queries_for_3_or_30_bridge_points(
    tree, client, coordinator, django_assert_max_num_queries, name
):
    client.force_login(coordinator)
    counts = []
    for n in (3, 30):
        event = event_with_villages(tree, n)
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(f"events:{name}", args=[event.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_report_has_the_figures_of_30_points_in_6_queries(tree, django_assert_num_queries):
    event = event_with_villages(tree, 30)
    with django_assert_num_queries(6):
        report = consolidated_report(event)
    assert (report.total.points, report.total.registered, report.total.expected_total) == (
        30,
        29,
        29 * 15,
    )
    assert [row.point.host.name for row in report.late] == ["Thôn 30-0"]


@pytest.mark.parametrize(
    ("name", "content_type", "filename"),
    [
        ("report_xlsx", "spreadsheetml.sheet", "tong-hop-diem-cau-{pk}-2025-11-08.xlsx"),
        ("report_docx", "wordprocessingml.document", "tong-hop-diem-cau-{pk}-2025-11-08.docx"),
        ("results_docx", "wordprocessingml.document", "ket-qua-{pk}-2025-11-08.docx"),
    ],
)
def test_the_coordinator_downloads_the_reports(
    client, coordinator, event, name, content_type, filename
):
    client.force_login(coordinator)
    response = client.get(reverse(f"events:{name}", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].endswith(content_type)
    expected = filename.format(pk=event.pk)
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'


@pytest.mark.parametrize("name", REPORTS)
def test_a_commune_hosting_a_bridge_point_may_not_download_the_reports(
    client, hoalu_focal_point, event, name
):
    client.force_login(hoalu_focal_point)
    assert client.get(reverse(f"events:{name}", args=[event.pk])).status_code == 403


def test_a_commune_outside_the_event_does_not_see_it(client, tree, other_commune_focal_point):
    event = create_event(actor=None, organiser=tree.province, title=TITLE, starts_at=START)
    add_bridge_points(actor=None, event=event, hosts=[tree.hoalu])
    client.force_login(other_commune_focal_point)
    assert client.get(reverse("events:report_xlsx", args=[event.pk])).status_code == 404


@pytest.mark.parametrize("name", REPORTS)
def test_anonymous_visitors_are_sent_to_log_in(client, event, name):
    response = client.get(reverse(f"events:{name}", args=[event.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_control_room_links_the_reports_for_those_who_run_it(
    client, coordinator, viewer, event
):
    links = [reverse(f"events:{name}", args=[event.pk]) for name in REPORTS]
    url = reverse("events:control_room", args=[event.pk])
    client.force_login(coordinator)
    page = client.get(url).text
    assert all(f'href="{link}"' in page for link in links)
    client.force_login(viewer)  # sees the control room, may not run it or read the reports
    page = client.get(url)
    assert page.status_code == 200
    assert not any(link in page.text for link in links)
    assert client.get(links[0]).status_code == 403


# --- Issue 13: what people type never breaks the report nor runs in a spreadsheet


def test_a_chair_typed_as_a_formula_is_text_in_the_report_xlsx(client, coordinator, event):
    from hocvuso.events.services import update_bridge_point

    formula = '=HYPERLINK("http://x","y")'
    point = event.bridge_points.get(host__name="Phường Hoa Lư")
    update_bridge_point(actor=None, bridge_point=point, chair=formula, contact="+84 912\x07")
    OrgUnit.objects.filter(pk=point.host_id).update(name="Phường Hoa Lư\x0b")
    client.force_login(coordinator)
    response = client.get(f"/events/{event.pk}/report.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Điểm cầu"]
    (row,) = [r for r in sheet.iter_rows(min_row=4) if r[5].value == formula]
    assert row[5].data_type == "s"
    assert row[6].value == "+84 912"
    assert row[6].data_type == "s"
    assert row[1].value == "Phường Hoa Lư\n"
    response = client.get(f"/events/{event.pk}/report.docx")
    assert response.status_code == 200
