"""Phường Hoa Lư's focal point logs a week of communication outputs on a phone in under a
minute — three pasted links whose channel the page recognises, a loudspeaker broadcast, three
banners with their photo, an LED screen, a meeting — then, with no signal, one more with its
photo, which waits on the phone ("1 chưa gửi") and reaches the server, photo included,
exactly once when the signal is back."""

from __future__ import annotations

import datetime
import io
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from hocvuso.communications.channels import CHANNELS
from hocvuso.communications.models import Channel, Output
from hocvuso.communications.services import (
    TargetInput,
    create_campaign,
    publish_campaign,
    set_targets,
)
from tests.browser.helpers import has_horizontal_scroll, login

pytestmark = pytest.mark.browser


@pytest.fixture
def running_campaign(tree):
    """The province's media campaign, running today, addressed to every commune."""
    # The live server's test database is flushed between tests, data migrations included.
    for position, (code, name, family, domains) in enumerate(CHANNELS):
        Channel.objects.get_or_create(
            code=code,
            defaults={"name": name, "family": family, "domains": domains, "position": position},
        )
    today = timezone.localdate()
    campaign = create_campaign(
        actor=None,
        owner=tree.agency,
        title="Tháng cao điểm Bình dân học vụ số",
        starts_on=today - datetime.timedelta(days=20),
        ends_on=today + datetime.timedelta(days=20),
        hashtags="#BinhDanHocVuSo",
    )
    set_targets(actor=None, campaign=campaign, targets=[TargetInput(unit_kind="commune")])
    return publish_campaign(actor=None, campaign=campaign)


def banner_photo() -> dict[str, object]:
    data = io.BytesIO()
    Image.new("RGB", (1600, 1200), (180, 20, 30)).save(data, "JPEG")
    return {"name": "bang-ron.jpg", "mimeType": "image/jpeg", "buffer": data.getvalue()}


def save(page: Page, title: str, said: str = "Đã lưu: %s") -> None:
    page.get_by_label("Tiêu đề, nội dung").fill(title)
    page.get_by_role("button", name="Lưu sản phẩm").click()
    expect(page.locator("[data-log=saved]")).to_contain_text(said % title)


def paste(page: Page, url: str, channel: str) -> None:
    page.get_by_label("Đường dẫn (dán link bài, clip)").fill(url)
    # Recognised in the page as the link is typed, before anything is sent.
    expect(page.locator("#recognised")).to_have_text(f"Kênh: {channel}")
    expect(page.get_by_label("Kênh", exact=True).locator("option:checked")).to_have_text(channel)


def choose(page: Page, channel: str) -> None:
    page.get_by_label("Kênh", exact=True).select_option(label=channel)


def test_a_focal_point_logs_a_week_of_outputs_in_under_a_minute(
    page: Page, live_server, tree, hoalu_focal_point, running_campaign
) -> None:
    base = live_server.url
    path = reverse("communications:log_output", args=[running_campaign.pk])
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, base, "hoalu", PASSWORD)
    page.goto(base + reverse("communications:log"))
    page.get_by_role("link", name=running_campaign.title).click()
    expect(page.get_by_role("heading", level=1, name=running_campaign.title)).to_be_visible()
    assert not has_horizontal_scroll(page), "the phone form scrolls sideways at 360 px"

    started = time.monotonic()
    paste(page, "https://www.facebook.com/phuonghoalu/posts/1001?fbclid=x", "Facebook")
    save(page, "Bài đăng Facebook về Bình dân học vụ số")
    paste(page, "https://zalo.me/g/phuonghoalu/2", "Zalo")
    save(page, "Tin trên Zalo OA của phường")
    paste(page, "https://youtu.be/hoalu0003", "YouTube")
    save(page, "Clip hướng dẫn cài VNeID")
    choose(page, "Hệ thống loa truyền thanh cơ sở")
    save(page, "Phát thanh về Bình dân học vụ số")
    # A banner is a photo and a count: the photo goes with the form, so it needs the signal.
    choose(page, "Băng-rôn, pa-nô, áp phích")
    expect(page.locator(".photo-field .visual-only")).to_be_visible()
    page.get_by_label("Số lượng").fill("3")
    page.get_by_label("Ảnh chụp").set_input_files(banner_photo())
    save(page, "Băng-rôn tại trụ sở phường")
    choose(page, "Bảng điện tử, màn hình LED")
    save(page, "Trình chiếu tại quảng trường")
    choose(page, "Hội nghị, lớp bồi dưỡng, sinh hoạt")
    page.get_by_text("Lượt xem, chia sẻ, người tham dự").click()
    page.get_by_label("Người tham dự").fill("45")
    save(page, "Hội nghị tuyên truyền tổ dân phố số 1")
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"a week's outputs took {elapsed:.0f} s"

    saved = Output.objects.filter(unit=tree.hoalu, campaign=running_campaign)
    expect(page.locator("#log-today li")).to_have_count(7)
    assert saved.count() == 7
    assert sorted(saved.values_list("channel__code", flat=True)) == sorted(
        ["facebook", "zalo", "youtube", "loudspeaker", "banner", "led", "meeting"]
    )
    banner = saved.get(channel__code="banner")
    assert (banner.quantity, banner.photos.count()) == (3, 1)
    assert saved.get(channel__code="youtube").kind == "video"
    assert saved.get(channel__code="meeting").attendees == 45
    assert not has_horizontal_scroll(page), "the list of the day scrolls sideways at 360 px"

    # The form opens again with no signal: the service worker keeps it.
    page.wait_for_function(
        """async (path) => navigator.serviceWorker.controller !== null
            && (await caches.match(path)) !== undefined""",
        arg=path,
    )
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1, name=running_campaign.title)).to_be_visible()
    # An LED screen with its photo: the photo waits on the phone with the output.
    choose(page, "Bảng điện tử, màn hình LED")
    page.get_by_label("Ảnh chụp").set_input_files(banner_photo())
    save(page, "Màn hình LED buổi tối", said="Đã lưu trên máy, sẽ gửi khi có mạng: %s")
    expect(page.locator("[data-log=pending]")).to_have_text("1 chưa gửi")
    expect(page.locator("[data-log=queue] li")).to_contain_text("kèm 1 ảnh")
    queued = page.evaluate("() => window.hocvusoLog.queue().map(r => r.id)")
    assert len(queued) == 1
    assert saved.count() == 7

    # The signal is back: the output is sent once, and a second send of it saves nothing.
    page.context.set_offline(False)
    expect(page.locator("[data-log=pending]")).to_be_hidden(timeout=10_000)
    expect(page.locator("#log-today")).to_contain_text("Màn hình LED buổi tối")
    assert saved.count() == 8
    screen = Output.objects.get(pk=queued[0])
    assert (screen.channel.code, screen.photos.count()) == ("led", 1)
    status = page.evaluate(
        """async ([id, campaign]) => {
            const form = document.getElementById("log-form").elements;
            const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
            const response = await fetch(document.getElementById("log").dataset.apiUrl, {
                method: "POST", credentials: "same-origin",
                headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                body: JSON.stringify({id, campaign, unit: Number(form.unit.value),
                    channel: "led", title: "Màn hình LED buổi tối",
                    published_on: form.published_on.value}),
            });
            return response.status;
        }""",
        [queued[0], running_campaign.pk],
    )
    assert status == 200
    assert saved.count() == 8
