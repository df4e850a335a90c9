"""Issue 15's "done when": a trainer runs a class from creation to certificates on a phone —
opens it, learners check in at the door with the rotating code from their own phones, one is
added by hand, the class is marked held, completions are recorded and the certificates come
out as a PDF that names their verification codes."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from conftest import PASSWORD
from hocvuso.learning.models import Certificate, ClassSession, Course, Enrolment
from hocvuso.learning.services import current_code
from tests.browser.helpers import PHONE_WIDTH, has_horizontal_scroll, login

pytestmark = pytest.mark.browser
PHONE = {"width": PHONE_WIDTH, "height": 740}


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_trainer_runs_a_class_from_creation_to_certificates_on_a_phone(
    page: Page, live_server, tree, hoalu_focal_point
) -> None:
    Course.objects.create(owner=tree.province, title="Kỹ năng số cơ bản cho người dân", hours=3)
    page.set_viewport_size(PHONE)
    login(page, live_server.url, "hoalu", PASSWORD)

    # Creation: the class began a few minutes ago in the ward's hall.
    page.goto(f"{live_server.url}/learning/classes/new/")
    assert not has_horizontal_scroll(page), "the class form scrolls sideways at 360 px"
    page.get_by_label("Chương trình").select_option(label="Kỹ năng số cơ bản cho người dân")
    page.get_by_label("Đơn vị tổ chức").select_option(label="Phường Hoa Lư")
    page.get_by_label("Địa bàn").select_option(label="Phường Hoa Lư")
    page.get_by_label("Địa điểm").fill("Hội trường UBND phường Hoa Lư")
    now = timezone.now()
    page.get_by_label("Bắt đầu").fill(local(now - datetime.timedelta(minutes=5)))
    page.get_by_label("Kết thúc").fill(local(now + datetime.timedelta(hours=2)))
    page.get_by_label("Số chỗ").fill("30")
    page.get_by_role("button", name="Lưu").click()
    session = ClassSession.objects.get()
    expect(page.get_by_role("heading", name="Kỹ năng số cơ bản cho người dân")).to_be_visible()
    page.get_by_role("button", name="Mở đăng ký").click()
    session.refresh_from_db()
    assert session.status == ClassSession.Status.OPEN

    # The door: the hall's screen shows the code; two learners scan it with their phones.
    page.get_by_role("link", name="Mã QR điểm danh").click()
    expect(page.locator("svg").first).to_be_visible()
    for name, year in (("Nguyễn Thị Hoa", "1968"), ("Trần Văn Bình", "1955")):
        phone = page.context.browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
        code = current_code(session).code
        phone.goto(f"{live_server.url}/checkin/{session.pk}/{code}/")
        phone.get_by_label("Họ và tên").fill(name)
        phone.get_by_label("Năm sinh").fill(year)
        phone.get_by_role("button", name="Điểm danh").click()
        expect(phone.get_by_text("Đã điểm danh lúc")).to_be_visible()
        phone.context.close()
    page.goto(f"{live_server.url}/learning/classes/{session.pk}/")
    expect(page.get_by_text("Nguyễn Thị Hoa", exact=True)).to_be_visible()

    # Someone without a phone is added by hand, and the class is marked held.
    enrol = page.locator("#enrol-form")
    enrol.get_by_label("Họ và tên").fill("Lê Thị Tâm")
    enrol.get_by_label("Năm sinh").fill("1950")
    enrol.get_by_role("button", name="Thêm vào danh sách").click()
    expect(page.get_by_text("Lê Thị Tâm", exact=True)).to_be_visible()
    # The roll call marks her present (she was registered by hand, not at the door).
    page.get_by_role("link", name="Điểm danh theo danh sách").click()
    rows = page.locator("[data-roll=list] li")
    expect(rows).to_have_count(3)
    rows.filter(has_text="Lê Thị Tâm").get_by_role("button", name="Có mặt").click()
    expect(rows.filter(has_text="Đã gửi")).to_have_count(1, timeout=10_000)
    assert Enrolment.objects.get(learner__name="Lê Thị Tâm").status == "present"
    page.goto(f"{live_server.url}/learning/classes/{session.pk}/")
    page.get_by_role("button", name="Ghi là đã tổ chức").click()
    session.refresh_from_db()
    assert session.status == ClassSession.Status.HELD

    # Results and certificates.
    page.get_by_role("link", name="Kết quả và giấy chứng nhận").click()
    assert not has_horizontal_scroll(page), "the results page scrolls sideways at 360 px"
    for name in ("Nguyễn Thị Hoa", "Trần Văn Bình", "Lê Thị Tâm"):
        page.get_by_label(f"{name} hoàn thành").check()
    page.get_by_role("button", name="Lưu kết quả").click()
    expect(page.get_by_text("Đã lưu kết quả của 3 người.")).to_be_visible()
    page.get_by_role("button", name="Cấp giấy chứng nhận cho người hoàn thành").click()
    expect(page.get_by_text("Đã cấp 3 giấy chứng nhận.")).to_be_visible()
    codes = set(Certificate.objects.values_list("code", flat=True))
    assert len(codes) == 3
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tất cả giấy chứng nhận (PDF)").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    assert {c for c in codes if any(c in p.extract_text() for p in pdf.pages)} == codes

    # Anyone checks a certificate's code: initials only.
    page.goto(f"{live_server.url}/verify/{sorted(codes)[0]}/")
    expect(page.get_by_text("Kỹ năng số cơ bản cho người dân")).to_be_visible()
    assert "Nguyễn Thị Hoa" not in page.content()
