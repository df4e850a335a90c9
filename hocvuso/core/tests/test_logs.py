"""Issue 13: no secret in a log line of the documented deployment — a bridge point's link, a
delegate's invitation, an API token."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from uvicorn.logging import AccessFormatter

from hocvuso.core.logs import RedactSecrets

README = Path(__file__).resolve().parents[3] / "README.md"


def test_a_404_on_a_secret_link_logs_no_secret(client, db, caplog):
    caplog.set_level(logging.INFO)
    token = secrets.token_urlsafe(24)
    for path in (f"/p/{token}/", f"/p/{token}/state/", f"/rsvp/{token}/"):
        assert client.get(path).status_code == 404
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "Not Found" in text
    assert token not in text
    assert "/p/[…]/state/" in text


def test_uvicorn_access_and_websocket_lines_are_masked():
    token = secrets.token_urlsafe(24)
    api = "hvs_" + secrets.token_urlsafe(32)
    access = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', None, None
    )
    access.args = ("10.0.0.1:5000", "POST", f"/p/{token}/attendance/?key={api}", "1.1", 200)
    assert logging.getLogger("uvicorn.access").filter(access)
    line = AccessFormatter(use_colors=False).format(access)
    assert token not in line
    assert api not in line
    assert '"POST /p/[…]/attendance/?key=[…] HTTP/1.1" 200' in line

    socket = logging.LogRecord(
        "uvicorn.error", logging.INFO, __file__, 1, '%s - "WebSocket %s" [accepted]', None, None
    )
    socket.args = ("10.0.0.1:5000", f"/ws/events/p/{token}/")
    assert logging.getLogger("uvicorn.error").filter(socket)
    assert token not in socket.getMessage()


def test_the_console_handler_masks_any_logger(settings):
    assert "redact_secrets" in settings.LOGGING["handlers"]["console"]["filters"]
    record = logging.LogRecord(
        "anything", logging.WARNING, __file__, 1, "open /rsvp/abc/", (), None
    )
    RedactSecrets().filter(record)
    assert record.getMessage() == "open /rsvp/[…]/"


def test_the_documented_server_writes_no_access_log():
    # The proxy in front keeps the access log; the README says how to keep secrets out of it.
    command = next(line for line in README.read_text().splitlines() if "uvicorn hocvuso" in line)
    assert "--no-access-log" in command
