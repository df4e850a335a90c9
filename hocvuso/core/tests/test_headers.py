"""Issue 13, deliver 7: every page carries a Content-Security-Policy that lets no inline
script run, in production as in development."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import hocvuso


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [d.split() for d in header.split(";") if d.strip()]
    return {name: sources for name, *sources in directives}


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP


@pytest.mark.parametrize("path", ["/login/", "/statistics/", "/api/docs", "/api/me/", "/nowhere/"])
def test_every_answer_carries_a_strict_script_policy(client, db, production, path):
    policy = policy_of(client.get(path))
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["connect-src"] == ["'self'"]  # the live screens' WebSocket: same host


def test_signed_in_pages_carry_it_too(client, production, coordinator):
    client.force_login(coordinator)
    response = client.get("/")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in policy_of(response)["script-src"]


TEMPLATES = Path(hocvuso.__file__).parent
# An inline script is a <script> without src whose type is JavaScript; JSON data blocks are
# never run, so the policy does not concern them.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
EVENT_HANDLER = re.compile(r"\s(?:on[a-z]+|hx-on[:\w-]*)\s*=", re.IGNORECASE)


def test_no_template_needs_unsafe_inline_scripts():
    offenders = []
    for template in TEMPLATES.rglob("templates/**/*.html"):
        text = template.read_text()
        if INLINE_SCRIPT.search(text) or EVENT_HANDLER.search(text) or "javascript:" in text:
            offenders.append(str(template.relative_to(TEMPLATES)))
    assert offenders == []


def test_htmx_evaluates_no_attribute_as_code(client, coordinator):
    client.force_login(coordinator)
    page = client.get("/").content.decode()
    assert '"allowEval": false' in page
    assert '"includeIndicatorStyles": false' in page
