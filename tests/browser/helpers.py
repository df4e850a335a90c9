"""What every browser journey shares (STYLE rule 19): Chromium, login, and htmx settling.

Playwright drives Debian's own Chromium (``/usr/bin/chromium``); ``playwright install`` is
never needed. Without Chromium a journey is skipped on a developer's machine and fails in CI,
where ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Desktop size for the journey and the README screenshot; PHONE_WIDTH is the narrowest phone.
DESKTOP = {"width": 1280, "height": 800}
PHONE_WIDTH = 360
TIMEOUT_MS = 5_000


def require_chromium() -> None:
    """Skip (on a developer's machine) or fail (in CI) when Debian's Chromium is missing."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing; .ci/run installs it with apt-get install chromium")
    pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium to run the browser journeys")


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium under Playwright, closed on exit."""
    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def new_page(browser: Browser) -> Iterator[Page]:
    """A fresh page (own cookies) at desktop size, Vietnamese, with short timeouts. Every
    journey also checks the Content-Security-Policy: anything the browser refused under it
    (an inline script, an eval, a style htmx injects) fails the journey when its page closes."""
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    refused: list[str] = []
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        yield page
    finally:
        context.close()
    assert refused == [], "\n".join(refused)


def login(page: Page, live_server_url: str, username: str, password: str) -> None:
    """Sign in through the real login form and wait for the home page."""
    page.goto(f"{live_server_url}/login/")
    page.get_by_label("Tên đăng nhập hoặc e-mail").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1, name="Xin chào")).to_be_visible()


def main_nav(page: Page, link: str) -> None:
    """Follow a link in the site's main navigation."""
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name=link, exact=True
    ).click()


def wait_for_htmx(page: Page, timeout: float = TIMEOUT_MS) -> None:
    """Wait until htmx has loaded and no element carries ``htmx-request`` (nothing in flight)."""
    page.wait_for_function(
        "() => window.htmx !== undefined && document.querySelector('.htmx-request') === null",
        timeout=timeout,
    )


@contextmanager
def htmx_swap(page: Page, timeout: float = TIMEOUT_MS) -> Iterator[None]:
    """Wrap an action that should make htmx swap content; return once that swap has settled.

    Needed because triggers such as ``delay:300ms`` start the request only later, so right after
    the action nothing is in flight yet and ``wait_for_htmx`` alone would return too early.
    """
    wait_for_htmx(page, timeout)
    page.evaluate(
        """() => {
            window.__hocvusoSettled = false;
            document.addEventListener(
                'htmx:afterSettle', () => { window.__hocvusoSettled = true; }, {once: true}
            );
        }"""
    )
    yield
    page.wait_for_function("() => window.__hocvusoSettled === true", timeout=timeout)
    wait_for_htmx(page, timeout)


def has_horizontal_scroll(page: Page, width: int = PHONE_WIDTH) -> bool:
    """Whether the current page is wider than a ``width``-pixel viewport (re-laid out at it)."""
    page.set_viewport_size({"width": width, "height": 740})
    return page.evaluate("() => document.documentElement.scrollWidth") > width
