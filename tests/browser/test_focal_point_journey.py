"""A commune's focal point signs in, looks after their unit, and finds only what is theirs.

The Python tests prove the permission rules; this journey proves a real browser sees them:
the htmx live search is scoped, other communes' pages are "not found", and the unit page fits a
360-pixel phone.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from tests.browser.helpers import (
    DESKTOP,
    PHONE_WIDTH,
    has_horizontal_scroll,
    htmx_swap,
    login,
    main_nav,
)

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "screenshot-home.png"

pytestmark = pytest.mark.browser


def test_focal_point_keeps_to_their_commune(
    page: Page, live_server, tree, hoalu_focal_point, other_commune_focal_point
) -> None:
    base = live_server.url

    # Home: a greeting and a card for their own commune.
    login(page, base, "hoalu", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Hoalu")
    card = page.get_by_role("heading", level=2, name="Phường Hoa Lư", exact=True)
    expect(card).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Nam Hoa Lư")
    if os.environ.get("SAVE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size(DESKTOP)
        page.screenshot(path=SCREENSHOT)

    # Their unit page: its village and the tools to edit it.
    card.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phường Hoa Lư")
    expect(page.get_by_role("link", name="Tổ dân phố số 1", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Sửa thông tin")).to_be_visible()
    expect(page.get_by_role("link", name="Thêm đơn vị trực thuộc")).to_be_visible()
    assert not has_horizontal_scroll(page), f"the unit page scrolls sideways at {PHONE_WIDTH} px"
    page.set_viewport_size(DESKTOP)

    # Live search without diacritics: "hoa lu" would also match "Phường Nam Hoa Lư" by text,
    # so its absence shows the results are limited to the focal point's own commune.
    main_nav(page, "Tìm đơn vị")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tìm đơn vị")
    with htmx_swap(page):
        page.get_by_label("Tìm đơn vị theo tên").fill("hoa lu")
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Phường Hoa Lư", exact=True)).to_be_visible()
    expect(results).not_to_contain_text("Nam Hoa Lư")
    expect(results.get_by_role("listitem")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/units/search/\?q=hoa(\+|%20)lu$"))  # pushed by htmx

    # Another commune's page, and the province above them, are simply "not found".
    for unit in (tree.namhoalu, tree.province):
        response = page.goto(f"{base}/units/{unit.pk}/")
        assert response is not None
        assert response.status == 404, unit.name
        expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang này")
        expect(page.get_by_role("main")).not_to_contain_text(unit.name)


def test_back_after_live_search_shows_the_whole_page(
    page: Page, live_server, hoalu_focal_point
) -> None:
    login(page, live_server.url, "hoalu", PASSWORD)
    main_nav(page, "Tìm đơn vị")
    with htmx_swap(page):
        page.get_by_label("Tìm đơn vị theo tên").fill("hoa lu")
    page.locator("#results").get_by_role("link", name="Phường Hoa Lư", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phường Hoa Lư")

    page.go_back()  # returns once the previous document has loaded: a page, or a fragment
    assert page.get_by_role("heading", level=1).all_inner_texts() == ["Tìm đơn vị"]
    expect(page.get_by_label("Tìm đơn vị theo tên")).to_have_value("hoa lu")
