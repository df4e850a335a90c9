"""Fixtures for the browser journeys: one Chromium and one page per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from tests.browser.helpers import chromium, new_page


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    """A Playwright page in Debian's Chromium, for use with pytest-django's ``live_server``.

    Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses ORM
    calls under a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set. Chromium starts and
    stops with the test, so that loop never leaks into the tests that run after it.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser, new_page(browser) as page:
        yield page


@pytest.fixture(autouse=True)
def _shipped_channels(request: pytest.FixtureRequest) -> None:
    """The journeys run on ``live_server``, whose database is emptied after each test — the
    channel list a data migration installs with it: put it back for the next journey."""
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from hocvuso.communications.channels import install
    from hocvuso.communications.models import Channel

    install(Channel)
