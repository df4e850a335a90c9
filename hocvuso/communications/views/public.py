"""A campaign's public page: its published outputs (links, titles, units; nobody's name)."""

from __future__ import annotations
