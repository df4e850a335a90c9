"""Text folding for search and name matching: 'Phường Hoa Lư' and 'phuong hoa lu' are equal."""

from __future__ import annotations

import re

from unidecode import unidecode

_SPACES = re.compile(r"\s+")
# unidecode's answer for every Latin letter with diacritics and every combining mark, applied
# with str.translate: Vietnamese text folds at C speed (imports fold several cells per row),
# and unidecode still handles whatever else remains.
_LATIN = str.maketrans(
    {
        chr(c): unidecode(chr(c))
        for r in ((0x00C0, 0x0250), (0x0300, 0x0370), (0x1E00, 0x1F00))
        for c in range(*r)
    }
)


def fold(text: str) -> str:
    """Lower-case ASCII with single spaces: what a person types without diacritics."""
    text = (text or "").translate(_LATIN)
    if not text.isascii():
        text = unidecode(text)
    return _SPACES.sub(" ", text.lower()).strip()
