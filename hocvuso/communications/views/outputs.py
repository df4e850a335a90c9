"""Logging outputs on a phone (offline too), a unit's own outputs, editing them."""

from __future__ import annotations
