"""A coordinator writes a plan by hand on a phone: creates it, adds an activity and two
duties, moves a duty up (htmx swaps the list in place), publishes, then reassigns a duty."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from tests.browser.helpers import PHONE_WIDTH, has_horizontal_scroll, htmx_swap, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_plan_is_written_and_corrected_by_hand_on_a_phone(
    page: Page, live_server, tree, coordinator, tmp_path
) -> None:
    from hocvuso.plans.models import Plan

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    login(page, live_server.url, "coordinator", PASSWORD)
    page.goto(f"{live_server.url}/plans/")
    page.get_by_role("link", name="Tạo kế hoạch mới").click()
    page.get_by_label("Trích yếu").fill("Kế hoạch phổ cập kỹ năng số")
    page.get_by_label("Loại kế hoạch").select_option("other")
    page.get_by_label("Thực hiện từ ngày").fill("2026-02-01")
    page.get_by_label("Đến ngày").fill("2026-11-30")
    page.get_by_role("button", name="Tạo bản nháp").click()
    expect(page.get_by_text("Đã tạo bản nháp.")).to_be_visible()
    assert not has_horizontal_scroll(page)

    page.get_by_text("Thêm hoạt động", exact=True).first.click()  # the <summary>
    add_activity = page.locator("form[action$='/activities/add/']")
    add_activity.get_by_label("Tên hoạt động").fill("Ra quân hướng dẫn người dân")
    add_activity.get_by_label("Đơn vị chủ trì").fill("Sở KH&CN")
    add_activity.get_by_role("button", name="Thêm hoạt động").click()
    expect(page.get_by_text("Đã thêm hoạt động.")).to_be_visible()

    for unit, text in (("Phường Hoa Lư", "Đến từng nhà"), ("Phường Nam Hoa Lư", "Lập danh sách")):
        page.get_by_text("Giao thêm nhiệm vụ").click()
        add_task = page.locator("form[action$='/duties/add/']")
        add_task.get_by_label("Đơn vị").fill(unit)
        add_task.get_by_label("Nhiệm vụ").fill(text)
        add_task.get_by_role("button", name="Giao nhiệm vụ").click()
        expect(page.get_by_text(f"Đã giao nhiệm vụ cho {unit}.")).to_be_visible()

    duties = page.locator("#duties li")
    expect(duties.nth(0).get_by_label("Nhiệm vụ")).to_have_value("Đến từng nhà")
    with htmx_swap(page):
        duties.nth(1).get_by_role("button", name="Đưa lên").click()
    expect(duties.nth(0).get_by_label("Nhiệm vụ")).to_have_value("Lập danh sách")
    assert not has_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "hand-editing-360.png"), full_page=True)

    page.get_by_role("button", name="Ban hành kế hoạch và giao nhiệm vụ").click()
    expect(page.get_by_text("Đã ban hành kế hoạch")).to_be_visible()
    page.get_by_role("link", name="Sửa kế hoạch").click()
    expect(page.get_by_role("heading", level=1, name="Sửa kế hoạch")).to_be_visible()
    row = page.locator("#duties li").nth(1)
    row.get_by_label("Đơn vị").fill("Sở KH&CN")
    row.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu nhiệm vụ.")).to_be_visible()
    assert not has_horizontal_scroll(page)

    plan = Plan.objects.get()
    assert plan.status == Plan.Status.PUBLISHED
    assert list(plan.tasks.values_list("unit__name", "text")) == [
        ("Phường Nam Hoa Lư", "Lập danh sách"),
        ("Sở Khoa học và Công nghệ", "Đến từng nhà"),
    ]
