"""Text folding for search and name matching: 'Phường Hoa Lư' and 'phuong hoa lu' are equal."""

from __future__ import annotations

import re

from unidecode import unidecode

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case ASCII with single spaces: what a person types without diacritics."""
    return _SPACES.sub(" ", unidecode(text or "").lower()).strip()
