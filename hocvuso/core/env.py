"""Typed readers for the environment; every setting comes through here (STYLE rule 15).

Each helper raises ImproperlyConfigured on a value it cannot read, so a typo in a
deployment fails at start-up instead of silently falling back to a default.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None


def env_time(name: str, default: str) -> datetime.time:
    """A time of day written ``HH:MM`` (24-hour clock), e.g. ``07:00``."""
    raw = (os.environ.get(name) or default).strip()
    try:
        # A wall-clock time with no date: there is no zone to attach yet.
        return datetime.datetime.strptime(raw, "%H:%M").time()  # noqa: DTZ007
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a time as HH:MM, e.g. 07:00; got {raw!r}"
        ) from None


_RATE = re.compile(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)")


def env_rate(name: str, default: str) -> str:
    """A request rate written ``count/period``, the period one of s, m, h, d (``600/m``)."""
    raw = (os.environ.get(name) or default).strip()
    if not _RATE.fullmatch(raw):
        raise ImproperlyConfigured(
            f"{name} must be a rate as count/period (s, m, h or d), e.g. 600/m; got {raw!r}"
        )
    return raw


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str | None = None) -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker/systemd secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points to an unreadable file: {exc}") from exc
    value = os.environ.get(name)
    if value:
        return value
    if default is None:
        raise ImproperlyConfigured(f"{name} must be set (or {name}_FILE).")
    return default


def env_database(name: str, default: str) -> dict[str, Any]:
    raw = os.environ.get(name) or default
    try:
        config = dj_database_url.parse(
            raw, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a database URL: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_POOL", True):
        # Under ASGI every request runs in a thread of its own: a persistent connection
        # (CONN_MAX_AGE) is left open per request until PostgreSQL refuses new clients. A
        # pool hands one connection per request back when the request ends (bench/).
        config["CONN_MAX_AGE"] = 0
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": env_int("DATABASE_POOL_MAX_SIZE", 10),
            "timeout": 10,
        }
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Persistent connections buy nothing on SQLite and keep the file locked longer.
        config["CONN_MAX_AGE"] = 0
        config.setdefault("OPTIONS", {})
        # WAL lets the demo serve pages while a background import writes.
        config["OPTIONS"].setdefault(
            "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        )
        config["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
        if config["NAME"] and config["NAME"] != ":memory:":
            # The embedded database must work on a fresh clone with no setup step.
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    return config
