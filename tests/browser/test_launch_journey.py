"""The ceremony in real browsers against the real ASGI server (uvicorn, Channels): a bridge
point registers from its secret link on a phone, the coordinator follows the tally and presses
the launch button, and every open screen flips together — over WebSockets, and by polling on a
screen where WebSockets are unavailable."""

from __future__ import annotations

import datetime
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from hocvuso.events import services
from hocvuso.events.models import AttendanceSubmission
from hocvuso.events.selectors import communes_of
from tests.browser.helpers import chromium, has_horizontal_scroll, login, new_page

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise hands Django's ASGI handler a synchronous file iterator; Django serves it and
    # says so with a warning, which this suite otherwise turns into an error.
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators"),
]


@pytest.fixture
def asgi_server(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """uvicorn serving hocvuso.asgi in a thread of this process, on a free loopback port."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        "hocvuso.asgi:application",
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_every_screen_flips_together_at_the_launch(
    asgi_server, settings, tree, coordinator
) -> None:
    settings.EVENT_LAUNCH_DELAY_SECONDS = 2
    now = timezone.now()
    event = services.create_event(
        actor=None,
        organiser=tree.province,
        title="Lễ phát động Ngày Chuyển đổi số",
        starts_at=now + datetime.timedelta(minutes=30),
        registration_closes_at=now + datetime.timedelta(minutes=20),
    )
    services.add_bridge_points(actor=None, event=event, hosts=communes_of(tree.province))
    hoalu, namhoalu = event.bridge_points.order_by("host__path")
    link = asgi_server + reverse("events:point_screen", args=[hoalu.access_token])
    other = asgi_server + reverse("events:point_screen", args=[namhoalu.access_token])

    with (
        chromium() as browser,
        new_page(browser) as phone,
        new_page(browser) as room,
        new_page(browser) as old_phone,
    ):
        # The commune opens its link on a phone, with no account, and registers its people.
        phone.set_viewport_size({"width": 360, "height": 740})
        phone.goto(link)
        expect(phone.get_by_role("heading", name="Đăng ký số người dự kiến")).to_be_visible()
        expect(phone.get_by_role("heading", level=1)).to_contain_text("Phường Hoa Lư")
        expect(phone.get_by_text("Trực tiếp", exact=True)).to_be_visible()
        phone.get_by_label("Cán bộ, công chức, viên chức").fill("40")
        phone.get_by_label("Người dân").fill("160")
        # The signal drops as they send: the figures wait on the phone, then go once.
        phone.context.set_offline(True)
        phone.get_by_role("button", name="Gửi số liệu").click()
        expect(phone.get_by_text("Số liệu đã lưu trên máy", exact=False)).to_be_visible()
        phone.context.set_offline(False)
        expect(phone.get_by_text("Đã ghi nhận số người dự. Cảm ơn!")).to_be_visible()
        assert AttendanceSubmission.objects.count() == 1
        assert not has_horizontal_scroll(phone)

        # A phone without WebSockets follows the ceremony by polling.
        old_phone.add_init_script("delete window.WebSocket")
        old_phone.goto(other)
        expect(old_phone.get_by_text("Cập nhật định kỳ", exact=False)).to_be_visible()

        # The coordinator's control room shows the registration, then the launch is pressed.
        login(room, asgi_server, "coordinator", PASSWORD)
        room.goto(asgi_server + reverse("events:control_room", args=[event.pk]))
        expect(room.get_by_text("Trực tiếp", exact=True)).to_be_visible()
        tally = room.locator("#tally")
        expect(tally).to_contain_text("Dự kiến 200 người")
        room.get_by_text("Bấm nút khai trương…").click()
        room.get_by_role("button", name="Xác nhận khai trương").click()

        for screen in (phone, room, old_phone):
            expect(screen.get_by_text("Đã khai trương!")).to_be_visible(timeout=10_000)
        flips = [
            int(s.locator("[data-launched]").get_attribute("data-launched")) for s in (phone, room)
        ]
        # Both pages run on this machine's clock: over WebSockets they flip within a frame
        # or two of each other, not "when the message happened to arrive".
        assert max(flips) - min(flips) < 300, flips
