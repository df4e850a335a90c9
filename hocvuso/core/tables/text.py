"""Text as it comes in from a file and goes out to one.

In: ``fold`` (what a person types without diacritics, to match headers and names) and
``clean_cell`` (control characters a pasted cell carries, dropped). Out: ``safe_text``
(characters XML 1.0 cannot hold, which make openpyxl and python-docx raise, dropped) and
``is_formula_like`` (text a spreadsheet would run as a formula).
"""

from __future__ import annotations

import re
import unicodedata

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

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; the
# direction marks, embeddings, overrides and isolates that make text shown on another
# person's screen read other than it was typed ("Trojan Source"); the two non-characters XML
# forbids; lone surrogates (from a badly decoded file).
CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ufffe\uffff\ud800-\udfff]"
)
# What XML 1.0 cannot hold at all (C1 controls are legal there, kept on the way out).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Word's manual line break (\x0b, arrives with pasted text) and the page break (\x0c).
_BREAKS = {"\x0b": "\n", "\x0c": "\n"}
# A cell starting with one of these is a formula to Excel or LibreOffice (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def fold(text: str) -> str:
    """Lower-case ASCII with single spaces: what a person types without diacritics."""
    text = (text or "").translate(_LATIN)
    if not text.isascii():
        text = unidecode(text)
    return _SPACES.sub(" ", text.lower()).strip()


def clean_cell(text: str) -> str:
    """A cell's text without control characters (a line break pasted from Word becomes a
    space), in composed Unicode (NFC) so that "Hoà" typed two ways is one name."""
    if CONTROL.search(text):
        text = CONTROL.sub(lambda m: " " if m[0] in _BREAKS else "", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text


def clean_typed(text: str) -> str:
    """What a person typed, as stored: ``clean_cell``, ends trimmed."""
    return clean_cell(text).strip()


def clean_stream_text(text: str) -> str:
    """``clean_cell`` for a chunk of a CSV file before it is split into cells: nothing it
    does adds or removes a line, so line numbers stay those of the file."""
    if CONTROL.search(text):
        text = CONTROL.sub(lambda m: " " if m[0] in _BREAKS else "", text)
    return text


def safe_text(text: str) -> str:
    """``text`` as an .xlsx or .docx file can hold it: a manual line break as a line break,
    other characters XML forbids dropped."""
    if XML_ILLEGAL.search(text):
        text = XML_ILLEGAL.sub(lambda m: _BREAKS.get(m[0], ""), text)
    return text


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)
