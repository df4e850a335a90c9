"""Issue 13, defect 13: the API's documentation works on a network without internet — the
page and everything it loads come from this server."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders


def test_the_api_docs_load_nothing_from_another_host(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    addresses = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", page)
    assert any(a.endswith("swagger-ui-bundle.js") for a in addresses)
    for address in addresses:
        assert address.startswith("/"), address
        assert not address.startswith("//"), address
    assert "https://" not in page
    assert "http://" not in page
    # No inline script: the page obeys the Content-Security-Policy like every other.
    assert not re.search(r"<script(?![^>]*\b(?:src|type=\"application/json\"))[^>]*>", page)
    for address in addresses:
        static = address.removeprefix("/static/")
        assert finders.find(static), f"{address} is not among the app's static files"
