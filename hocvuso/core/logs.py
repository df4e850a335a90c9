"""No secret in a log line: the path segments and tokens that open something without an
account are masked before any handler writes a record.

Secrets that travel in URLs: a bridge point's link (``/p/<token>/…``, its WebSocket
``/ws/events/p/<token>/``) and a delegate's invitation (``/rsvp/<token>/``); personal API
tokens (``hvs_…``) travel in a header, but a careless script may put one in a URL too.
Anyone who reads the server's logs must not be able to open a bridge point with them.
"""

from __future__ import annotations

import logging
import re
from typing import Any

MASK = "[…]"
_SECRET_IN_PATH = re.compile(r"(/(?:p|rsvp)/)[^/\s?#\"']+")
_API_TOKEN = re.compile(r"hvs_[A-Za-z0-9_\-]+")

# Loggers that write a request's path, each filtered where its records are made: a filter on
# a logger does not see the records of its children, nor of other loggers.
PATH_LOGGERS = (
    "django.request",
    "django.server",
    "django.security.csrf",
    "django.security.DisallowedHost",
    "uvicorn.access",
    "uvicorn.error",
)


def redact(text: str) -> str:
    """``text`` with every URL secret replaced by MASK."""
    return _API_TOKEN.sub(MASK, _SECRET_IN_PATH.sub(r"\1" + MASK, text))


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """Mask URL secrets in a record's message and arguments, keeping the arguments' shape
    (uvicorn's access formatter unpacks them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redacted(v) for k, v in record.args.items()}
        return True


def install_redaction() -> None:
    """Filter each of PATH_LOGGERS (once, however often it is called)."""
    for name in PATH_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
