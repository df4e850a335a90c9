"""A focal point imports a class's paper sign-in sheet from a phone: preview, then confirm."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from tests.browser.helpers import PHONE_WIDTH, has_horizontal_scroll, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHEET = Path(__file__).parents[2] / "hocvuso/learning/tests/samples/sign_in_sheet.csv"


def test_a_sign_in_sheet_is_previewed_and_confirmed_on_a_phone(
    page: Page, live_server, tree, hoalu_focal_point
) -> None:
    from hocvuso.learning.models import ClassSession, Course, Enrolment

    course = Course.objects.create(owner=tree.province, title="Kỹ năng số cơ bản")
    now = timezone.now()
    session = ClassSession.objects.create(
        course=course,
        organiser=tree.hoalu,
        host=tree.hoalu,
        province=tree.province,
        starts_at=now - datetime.timedelta(minutes=30),
        ends_at=now + datetime.timedelta(hours=1),
        status=ClassSession.Status.OPEN,
    )
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    login(page, live_server.url, "hoalu", PASSWORD)
    page.goto(f"{live_server.url}/learning/classes/{session.pk}/sheet/")
    page.get_by_label("Tệp Excel hoặc CSV").set_input_files(str(SHEET))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.get_by_role("cell", name="Nguyễn Thị Hoa")).to_be_visible()
    assert not has_horizontal_scroll(page)
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=f"{os.environ['SCREENSHOT_DIR']}/sheet-preview.png", full_page=True)
    page.get_by_role("button", name="Xác nhận ghi vào danh sách lớp").click()
    expect(page.get_by_text("Đã ghi 4 người vào danh sách lớp")).to_be_visible()
    assert Enrolment.objects.filter(session=session, via="sheet").count() == 4
