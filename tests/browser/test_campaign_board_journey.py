"""The coordinator follows a campaign on a phone: the units by channel (the weekly trend
arriving once the table is shown), narrowed to the communes, then the silent units — each
page without horizontal scroll at 360 px."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD, make_person
from hocvuso.communications.services import (
    ExpectationInput,
    TargetInput,
    create_campaign,
    log_output,
    publish_campaign,
    set_targets,
)
from hocvuso.communications.tests.conftest import channel, output
from hocvuso.core.roles import Role
from tests.browser.helpers import PHONE_WIDTH, has_horizontal_scroll, htmx_swap, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_follows_a_campaign_on_a_phone(page: Page, live_server, tree):
    # Dated around today: the browser's clock is real, so no time machine.
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=40), today + datetime.timedelta(days=20)
    campaign = create_campaign(
        actor=None, owner=tree.agency, title="Tuyên truyền", starts_on=start, ends_on=end
    )
    weekly = [ExpectationInput(channel("loudspeaker"), 1, "week")]
    banner = [ExpectationInput(channel("banner"), 1, "window")]
    set_targets(
        actor=None,
        campaign=campaign,
        targets=[TargetInput(unit_kind="commune", expectations=weekly + banner)],
    )
    publish_campaign(actor=None, campaign=campaign)
    make_person("svhtt", Role.FOCAL_POINT, tree.agency)
    for ago in (30, 3):
        log_output(
            actor=None,
            campaign=campaign,
            unit=tree.hoalu,
            data=output(
                title=f"Phát thanh {ago}",
                day=today - datetime.timedelta(days=ago),
                channel=channel("loudspeaker"),
            ),
        )
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    login(page, live_server.url, "svhtt", PASSWORD)
    page.goto(f"{live_server.url}/communications/{campaign.pk}/board/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sản phẩm của các đơn vị theo kênh")
    table = page.get_by_role("table", name="Sản phẩm theo đơn vị và kênh")
    # The silent commune first, both short of the weekly broadcast.
    expect(table.locator("tbody tr").first).to_contain_text("Phường Nam Hoa Lư")
    expect(table.locator("td.cell-overdue")).to_have_count(4)
    expect(page.locator("#trend table")).to_be_visible()
    assert not has_horizontal_scroll(page)

    since = today - datetime.timedelta(days=10)
    with htmx_swap(page):
        page.get_by_label("Từ ngày").fill(f"{since:%Y-%m-%d}")
        page.get_by_role("button", name="Xem").click()
    expect(page.get_by_text(f"Từ {since:%d/%m/%Y} đến {end:%d/%m/%Y}.")).to_be_visible()
    assert f"from={since:%Y-%m-%d}" in page.url
    assert not has_horizontal_scroll(page)

    page.get_by_role("link", name="Đơn vị chưa có sản phẩm").click()
    rows = page.locator("#silent tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Phường Nam Hoa Lư")
    expect(rows.first).to_contain_text("Chưa có sản phẩm nào")
    assert not has_horizontal_scroll(page)
