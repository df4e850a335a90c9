"""A unit's monthly Excel report of outputs: preview, then all or nothing."""

from __future__ import annotations
