"""A coordinator turns a plan document into duties: upload, review beside the source, fix
what the reader could not match, publish; the commune's focal point then finds the duty."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from tests.browser.helpers import PHONE_WIDTH, has_horizontal_scroll, login

SEED = Path(__file__).resolve().parents[2] / "hocvuso/plans/tests/samples/003_ninh_binh_dx_day.txt"

pytestmark = pytest.mark.browser


def test_coordinator_imports_reviews_and_publishes_a_plan(
    page: Page, live_server, tree, coordinator, hoalu_focal_point
) -> None:
    base = live_server.url
    login(page, base, "coordinator", PASSWORD)
    page.goto(f"{base}/plans/")
    page.get_by_role("link", name="Nhập kế hoạch từ văn bản").click()
    page.get_by_label("Tệp kế hoạch").set_input_files(str(SEED))
    page.get_by_role("button", name="Đọc văn bản").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Rà soát bản nháp")
    expect(page.locator(".source-text")).to_contain_text("Đi từng ngõ, gõ từng nhà")
    expect(page.get_by_label("Trích yếu")).to_have_value(
        "Tổ chức Ngày Chuyển đổi số Quốc gia (10/10) năm 2025 trên địa bàn tỉnh Ninh Bình"
    )
    publish = page.get_by_role("button", name="Ban hành kế hoạch và giao nhiệm vụ")
    expect(publish).to_be_disabled()

    # Names the small test tree cannot match are highlighted; give one a unit, drop the rest.
    unmatched = page.locator("ol.duties > li.unmatched")
    first = unmatched.first
    first.get_by_label("Đơn vị").fill("Sở Khoa học và Công nghệ")
    first.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu nhiệm vụ.")).to_be_visible()
    while unmatched.count():
        unmatched.first.get_by_role("button", name="Xoá").click()
        expect(page.get_by_text("Đã xoá nhiệm vụ.")).to_be_visible()

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    assert not has_horizontal_scroll(page)
    page.get_by_role("button", name="Ban hành kế hoạch và giao nhiệm vụ").click()
    expect(page.get_by_text("Đã ban hành kế hoạch")).to_be_visible()

    page.context.clear_cookies()
    login(page, base, "hoalu", PASSWORD)
    page.goto(f"{base}/plans/duties/")
    expect(page.get_by_text("Đi từng ngõ").first).to_be_visible()
