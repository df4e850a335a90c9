"""Issue 13: the API's documentation renders in Chromium from this server alone, under the
Content-Security-Policy (``new_page`` fails on anything the policy refused)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_without_the_internet(page, live_server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/api/docs")
    expect(page.get_by_role("heading", name="Học vụ số API")).to_be_visible()
    expect(page.get_by_text("/api/me/", exact=True).first).to_be_visible()
    elsewhere = [url for url in requested if not url.startswith(live_server.url)]
    assert elsewhere == []
