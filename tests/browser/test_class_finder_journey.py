"""A person on a 360-pixel phone finds a class in their ward, registers without an account
and sees their confirmation code; someone checking a certificate sees only its holder's
initials."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hocvuso.learning.models import Certificate, ClassSession, Course, Enrolment
from tests.browser.helpers import PHONE_WIDTH, has_horizontal_scroll

pytestmark = pytest.mark.browser


@pytest.fixture
def open_class(tree) -> ClassSession:
    course = Course.objects.create(
        owner=tree.province,
        title="Dịch vụ công trực tuyến cho người dân",
        description="Nộp hồ sơ, tra cứu kết quả và thanh toán trên Cổng dịch vụ công.",
        hours=3,
    )
    starts_at = timezone.now() + datetime.timedelta(days=2)
    return ClassSession.objects.create(
        course=course,
        organiser=tree.hoalu,
        host=tree.hoalu,
        province=tree.province,
        venue="Nhà văn hóa tổ dân phố số 1",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        capacity=40,
        status=ClassSession.Status.OPEN,
    )


def test_a_person_finds_a_class_registers_and_sees_their_code(
    page: Page, live_server, tree, open_class
) -> None:
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    page.goto(f"{live_server.url}/classes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tìm lớp học kỹ năng số")
    page.get_by_label("Xã, phường").select_option(label="Phường Hoa Lư")
    page.get_by_role("button", name="Tìm lớp").click()
    expect(page.get_by_text("Còn 40 chỗ")).to_be_visible()
    assert not has_horizontal_scroll(page), "the finder scrolls sideways on a phone"

    page.get_by_role("link", name="Dịch vụ công trực tuyến cho người dân").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Dịch vụ công trực tuyến cho người dân"
    )
    assert not has_horizontal_scroll(page), "the class page scrolls sideways on a phone"
    page.get_by_label("Họ và tên").fill("Đinh Thị Mai")
    page.get_by_label("Năm sinh").fill("1975")
    page.get_by_label("Xã, phường nơi ở").select_option(label="Phường Hoa Lư")
    page.get_by_label("Thôn, tổ dân phố").select_option(label="Tổ dân phố số 1")
    page.get_by_role("button", name="Đăng ký").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký thành công")
    code = Enrolment.objects.get(session=open_class).confirmation_code
    expect(page.locator("#confirmation-code")).to_have_text(code)
    assert "Mai" not in page.url
    assert not has_horizontal_scroll(page), "the code page scrolls sideways on a phone"


def test_a_verify_page_shows_initials_only(page: Page, live_server, tree) -> None:
    Certificate.objects.create(
        code="7KQ2M9XD",
        holder_name="Nguyễn Thị Hoa",
        course_title="Kỹ năng số cơ bản",
        organiser_name="Phường Hoa Lư",
        completed_on=datetime.date(2026, 12, 5),
        issued_on=datetime.date(2026, 12, 7),
    )
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    page.goto(f"{live_server.url}/verify/")
    page.get_by_label("Mã xác minh ghi trên giấy chứng nhận").fill("7kq2 m9xd")
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.get_by_text("Giấy chứng nhận hợp lệ")).to_be_visible()
    expect(page.get_by_text("N. T. H.")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Nguyễn Thị Hoa")
    expect(page.get_by_text("05/12/2026")).to_be_visible()
    assert not has_horizontal_scroll(page), "the verify page scrolls sideways on a phone"


def test_a_trainer_marks_completions_and_downloads_the_certificates_on_a_phone(
    page: Page, live_server, tree, hoalu_focal_point
) -> None:
    import io
    import uuid

    from pypdf import PdfReader

    from conftest import PASSWORD
    from hocvuso.learning.services import Mark, PersonInput, record_attendance
    from tests.browser.helpers import login

    course = Course.objects.create(owner=tree.province, title="An toàn trên không gian mạng")
    starts_at = timezone.now() - datetime.timedelta(hours=3)
    session = ClassSession.objects.create(
        course=course,
        organiser=tree.hoalu,
        host=tree.hoalu,
        province=tree.province,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        status=ClassSession.Status.OPEN,
    )
    person = PersonInput(name="Vũ Thị Lan", birth_year=1966, commune_id=tree.hoalu.pk)
    record_attendance(
        actor=None,
        session=session,
        marks=[Mark(id=uuid.uuid4(), status="present", person=person)],
        via="roll",
    )
    session.status = ClassSession.Status.HELD
    session.save(update_fields=["status"])

    login(page, live_server.url, "hoalu", PASSWORD)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    page.goto(f"{live_server.url}/learning/classes/{session.pk}/results/")
    page.get_by_label("Vũ Thị Lan hoàn thành").check()
    page.get_by_label("Kết quả của Vũ Thị Lan").fill("Đạt")
    page.get_by_role("button", name="Lưu kết quả").click()
    expect(page.get_by_text("Đã lưu kết quả của 1 người.")).to_be_visible()
    page.get_by_role("button", name="Cấp giấy chứng nhận cho người hoàn thành").click()
    expect(page.get_by_text("Đã cấp 1 giấy chứng nhận.")).to_be_visible()
    code = Certificate.objects.get(enrolment__session=session).code
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tất cả giấy chứng nhận (PDF)").click()
    content = download.value.path().read_bytes()
    assert code in PdfReader(io.BytesIO(content)).pages[0].extract_text()
