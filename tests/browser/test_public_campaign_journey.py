"""Someone without an account follows a communications campaign on a 360-pixel phone: its
messages and the published outputs, the next page fetched in place."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from hocvuso.communications.services import (
    OutputInput,
    TargetInput,
    create_campaign,
    log_output,
    publish_campaign,
    set_targets,
)
from hocvuso.communications.tests.conftest import END, START, channel
from hocvuso.communications.views import public
from tests.browser.helpers import PHONE_WIDTH, has_horizontal_scroll, htmx_swap

pytestmark = pytest.mark.browser


@pytest.fixture
def campaign(tree):
    campaign = create_campaign(
        actor=None,
        owner=tree.agency,
        title="Tuyên truyền Phong trào “Bình dân học vụ số”",
        starts_on=START,
        ends_on=END,
        hashtags="#BinhDanHocVuSo",
    )
    set_targets(actor=None, campaign=campaign, targets=[TargetInput(unit_kind="commune")])
    return publish_campaign(actor=None, campaign=campaign)


def test_the_public_follows_a_campaign_on_a_phone(
    page: Page, live_server, tree, campaign, monkeypatch
) -> None:
    monkeypatch.setattr(public, "PER_PAGE", 3)
    long_word = "Tuyêntruyền" * 12  # one word wider than the phone
    for n in range(4):
        log_output(
            actor=None,
            campaign=campaign,
            unit=tree.hoalu if n % 2 else tree.namhoalu,
            data=OutputInput(
                title=f"Bài {n} {long_word}",
                published_on=datetime.date(2025, 10, 10 + n),
                url=f"https://www.facebook.com/phuong/posts/{n}{'x' * 120}",
                channel=channel("facebook"),
            ),
        )
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(campaign.title)
    expect(page.get_by_text("#BinhDanHocVuSo")).to_be_visible()
    expect(page.get_by_role("link", name=f"Bài 3 {long_word}")).to_be_visible()
    assert not has_horizontal_scroll(page), "the campaign page scrolls sideways on a phone"
    with htmx_swap(page):
        page.get_by_role("link", name="Trang sau").click()
    expect(page.get_by_role("link", name=f"Bài 0 {long_word}")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(campaign.title)
    assert page.url.endswith("?trang=2")
    assert not has_horizontal_scroll(page)
