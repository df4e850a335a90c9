"""Issue 16, deliver 6: a campaign's public page — its outputs that are not hidden (links,
titles, units, channels, dates), nobody's name, a page at a time — for everyone without an
account; a draft or a private campaign is not found."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from hocvuso.accounts.services import create_user
from hocvuso.communications.services import (
    log_output,
    set_output_hidden,
    update_campaign,
)
from hocvuso.communications.tests.conftest import channel, output
from hocvuso.communications.views import public
from hocvuso.core.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today_in_window")]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lan(tree):
    """A commune's focal point with a name and an address that must never show."""
    return create_user(
        actor=None,
        username="lan.nguyen",
        password="x-Very-Long-Password-1",
        email="lan.nguyen@example.com",
        full_name="Nguyễn Thị Lan",
        unit=tree.hoalu,
        role=Role.FOCAL_POINT,
    )


def log(campaign, unit, data, actor=None):
    if data.channel is None and not data.url:
        data.channel = channel("loudspeaker")
    return log_output(actor=actor, campaign=campaign, unit=unit, data=data)[0]


def page(client, campaign, **params):
    return client.get(reverse("comms:campaign", args=[campaign.pk]), params)


def test_the_page_lists_the_published_outputs_without_anyones_name(client, tree, campaign, lan):
    log(
        campaign,
        tree.hoalu,
        output(
            "Phường Hoa Lư ra quân", url="https://facebook.com/hoalu/posts/9", hashtag_used=True
        ),
        actor=lan,
    )
    log(
        campaign,
        tree.namhoalu,
        output("12 băng-rôn", datetime.date(2025, 10, 12), channel=channel("banner"), quantity=12),
        actor=lan,
    )
    response = page(client, campaign)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Tuyên truyền Phong trào “Bình dân học vụ số”</h1>" in body
    assert "#BinhDanHocVuSo" in body
    assert "Không ai bị bỏ lại phía sau" in body
    assert "01/10/2025" in body
    assert "30/11/2025" in body
    assert (
        '<a href="https://facebook.com/hoalu/posts/9" rel="noopener noreferrer nofollow ugc">'
        "Phường Hoa Lư ra quân</a>"
    ) in body
    assert "12 băng-rôn" in body
    assert "Phường Nam Hoa Lư" in body
    assert "(12)" in body
    assert '<li class="tag">Facebook: 1</li>' in body
    assert "10/10/2025" in body
    for personal in ("Nguyễn Thị Lan", "lan.nguyen", "Lan.Nguyen"):
        assert personal not in body


def test_a_hidden_output_never_shows_even_after_the_page_was_cached(client, tree, campaign):
    shown = log(campaign, tree.hoalu, output("Tin được công bố", url="https://youtu.be/shown"))
    hidden = log(campaign, tree.hoalu, output("Tin bị ẩn", url="https://youtu.be/hidden"))
    set_output_hidden(actor=None, output=hidden, hidden=True)
    body = page(client, campaign).content.decode()
    assert shown.title in body
    assert "Tin bị ẩn" not in body
    assert "youtu.be/hidden" not in body
    # Hiding the other one after the page was cached takes it off at once.
    set_output_hidden(actor=None, output=shown, hidden=True)
    body = page(client, campaign).content.decode()
    assert "Tin được công bố" not in body
    assert "Chưa có sản phẩm nào được công bố." in body


def test_a_draft_is_not_found(client, tree, draft):
    assert page(client, draft).status_code == 404
    assert client.get("/campaigns/999999/").status_code == 404


def test_a_campaign_its_owner_made_private_is_not_found(client, tree, campaign):
    log(campaign, tree.hoalu, output("Tin nội bộ"))
    assert page(client, campaign).status_code == 200
    update_campaign(actor=None, campaign=campaign, is_public=False)
    response = page(client, campaign)
    assert response.status_code == 404
    assert "Tin nội bộ" not in response.content.decode()


def test_a_typed_title_is_escaped(client, tree, campaign):
    log(campaign, tree.hoalu, output("<script>alert(1)</script> & <b>đậm</b>"))
    body = page(client, campaign).content.decode()
    assert "<script>alert(1)" not in body
    assert "<b>đậm" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;đậm&lt;/b&gt;" in body


def test_pages_of_outputs_newest_first_and_the_fragment_for_htmx(
    client, tree, campaign, monkeypatch
):
    monkeypatch.setattr(public, "PER_PAGE", 2)
    for d in (3, 4, 5):
        log(campaign, tree.hoalu, output(f"Tin ngày {d}", datetime.date(2025, 10, d)))
    first = page(client, campaign).content.decode()
    assert first.index("Tin ngày 5") < first.index("Tin ngày 4")
    assert "Tin ngày 3" not in first
    assert "Trang 1/2" in first
    response = client.get(
        reverse("comms:campaign", args=[campaign.pk]),
        {"trang": "2"},
        headers={"HX-Request": "true"},
    )
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<section id="outputs"')
    assert "Tin ngày 3" in fragment
    assert "Tin ngày 5" not in fragment
    assert "hx-request" in response["Vary"].lower()
    # A page number that is no page shows the last one, never an error.
    assert "Tin ngày 3" in page(client, campaign, trang="99").content.decode()
    assert page(client, campaign, trang="abc").status_code == 200


def test_the_same_queries_at_two_sizes_and_fewer_once_cached(
    client, tree, campaign, django_assert_max_num_queries
):
    log(campaign, tree.hoalu, output("Tin một"))
    with django_assert_max_num_queries(4):
        page(client, campaign)
    for n in range(10):
        log(campaign, tree.namhoalu, output(f"Tin {n}", url=f"https://youtu.be/v{n}"))
    cache.clear()
    with django_assert_max_num_queries(4):
        assert "Tin 9" in page(client, campaign).content.decode()
    with django_assert_max_num_queries(2):
        assert "Tin 9" in page(client, campaign).content.decode()
