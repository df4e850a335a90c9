"""On a 360-px phone, a coordinator pastes the text of a plan copied from a legal-documents
portal (another province's, markdown and all), gets its draft, and is warned before making the
same plan twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from tests.browser.helpers import PHONE_WIDTH, has_horizontal_scroll, login

CORPUS = Path(__file__).resolve().parents[2] / "hocvuso/plans/tests/samples/8e9a425dd83e56b3.md"

pytestmark = pytest.mark.browser


def test_coordinator_pastes_a_portal_plan_on_a_phone(page: Page, live_server, tree, coordinator):
    base = live_server.url
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    login(page, base, "coordinator", PASSWORD)
    page.goto(f"{base}/plans/import/")
    assert not has_horizontal_scroll(page)
    text = CORPUS.read_text(encoding="utf-8")
    page.get_by_label("Hoặc dán nội dung văn bản").fill(text)
    page.get_by_role("button", name="Đọc văn bản").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Rà soát bản nháp")
    expect(page.get_by_label("Trích yếu")).to_have_value(
        "TRIỂN KHAI THỰC HIỆN NGHỊ QUYẾT SỐ 214/NQ-CP NGÀY 23/7/2025 CỦA CHÍNH PHỦ BAN HÀNH KẾ "
        "HOẠCH HÀNH ĐỘNG CỦA CHÍNH PHỦ VỀ THÚC ĐẨY TẠO LẬP DỮ LIỆU PHỤC VỤ CHUYỂN ĐỔI SỐ TOÀN DIỆN"
    )
    expect(page.get_by_label("Số hiệu")).to_have_value("308/KH-UBND")
    expect(page.get_by_text("Văn bản dán")).to_be_visible()
    assert not has_horizontal_scroll(page)

    # The same text again: the page names the plan already made and creates nothing.
    page.goto(f"{base}/plans/import/")
    page.get_by_label("Hoặc dán nội dung văn bản").fill(text)
    page.get_by_role("button", name="Đọc văn bản").click()
    expect(page.get_by_text("Văn bản này có vẻ đã được nhập.")).to_be_visible()
    assert not has_horizontal_scroll(page)
    page.get_by_role("button", name="Vẫn tạo bản nháp mới").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rà soát bản nháp")
