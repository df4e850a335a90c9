"""A commune officer types the month's figures on a phone with a weak signal: each field is
saved as it is typed; what is typed while the connection is down stays on the phone, even if
the page is closed, and reaches the server when the officer comes back online."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from hocvuso.reports import periods
from hocvuso.reports.models import DataValue, Indicator
from hocvuso.reports.services import create_dataset, create_indicator
from tests.browser.helpers import has_horizontal_scroll, login

pytestmark = pytest.mark.browser

OCTOBER = periods.month(2025, 10)


@pytest.fixture
def form(tree):
    adults = create_indicator(actor=None, code="b-adults", name="Người trưởng thành")
    skilled = create_indicator(actor=None, code="b-skilled", name="Người có kỹ năng số")
    create_dataset(
        actor=None,
        owner_unit=tree.province,
        code="b-monthly",
        name="Báo cáo tháng",
        indicators=[adults, skilled],
        assigned_kinds=["commune"],
    )
    return adults, skilled


def value_of(indicator: Indicator) -> object:
    row = DataValue.objects.filter(indicator=indicator).first()
    return row and row.value


def test_figures_typed_offline_are_kept_and_sent_when_back_online(
    page: Page, live_server, tree, hoalu_focal_point, form
) -> None:
    adults, skilled = form
    dataset = adults.datasets.get()
    url = live_server.url + reverse("reports:entry", args=[dataset.pk, tree.hoalu.pk, OCTOBER.key])
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, live_server.url, "hoalu", PASSWORD)
    page.goto(url)
    assert not has_horizontal_scroll(page)

    page.get_by_label("Người trưởng thành").fill("1.200")
    page.get_by_label("Người trưởng thành").press("Tab")
    expect(page.locator(f"#row-{adults.pk} .saved")).to_be_visible()
    assert value_of(adults) == 1200

    page.context.set_offline(True)
    page.get_by_label("Người có kỹ năng số").fill("800")
    page.get_by_label("Người có kỹ năng số").press("Tab")
    expect(page.get_by_text("Mất kết nối: số liệu vừa nhập vẫn được giữ trên máy")).to_be_visible()
    expect(page.locator(f"#row-{skilled.pk} .pending")).to_be_visible()
    assert value_of(skilled) is None
    page.close()

    page = page.context.new_page()
    page.context.set_offline(False)
    page.goto(url)
    # Restored from the phone and sent again: the server has it, once.
    expect(page.locator(f"#row-{skilled.pk} .saved")).to_be_visible()
    expect(page.get_by_label("Người có kỹ năng số")).to_have_value("800")
    assert value_of(skilled) == 800
    assert DataValue.objects.count() == 2
