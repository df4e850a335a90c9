"""Numbers as officials type them, read by one function for every import and form.

"1.234" and "12,5" (Vietnamese), "12.5" and "1,234" from an English keyboard, spaces and
no-break spaces between thousands. Only the ASCII digits count: "²" is a digit to Python's
``isdigit()`` but not to ``int()``, and fullwidth digits are no number an official meant to type.
"""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Larger than any figure the platform counts, small enough for every database column.
MAX_NUMBER = Decimal("99999999999999")
# A whole number for a PostgreSQL ``integer`` column.
MAX_INTEGER = 2_147_483_647
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
# What a number may be written with before Babel reads it: ASCII digits, one sign, the
# Vietnamese and English separators.
_NUMBERLIKE = re.compile(r"[+-]?[0-9][0-9.,]*", re.ASCII)
_GROUPED = re.compile(r"[0-9]{1,3}([.,])[0-9]{3}(\1[0-9]{3})*", re.ASCII)
ENGLISH_THOUSANDS = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+$", re.ASCII)


class NumberError(ValidationError):
    """Why a cell is not the number asked for; ``code`` is one of "invalid", "whole",
    "negative", "range"."""


def _babel(text: str, locale: str) -> Decimal | None:
    try:
        return parse_decimal(text, locale=locale, strict=True)
    except (NumberFormatError, ValueError):
        return None


def parse_number(
    text: str,
    *,
    whole: bool = False,
    minimum: int | Decimal | None = None,
    maximum: int | Decimal = MAX_NUMBER,
) -> int | Decimal | None:
    """The number ``text`` means; ``None`` for an empty cell. ``whole`` asks for an integer
    (returned as ``int``; "1,234" and "1.234" are then both one thousand two hundred and
    thirty-four, since nobody counts people with three decimals). Raises ``NumberError``
    with a Vietnamese message for anything else, out of ``minimum``..``maximum`` included."""
    text = (text or "").strip()
    if not text:
        return None
    # Most cells: no separator, no sign. Bounded: int() refuses more than 4,300 digits.
    if text.isdigit() and text.isascii() and len(text) <= 40:
        value: int | Decimal = int(text)
    else:
        text = _SPACES.sub("", text)
        if whole and text.endswith(".0") and text[:-2].isdigit() and text.isascii():
            text = text[:-2]  # a spreadsheet's whole number written as a float
        value = _read(text, whole=whole)
    if abs(value) > maximum:
        raise NumberError(_("Số quá lớn."), code="range")
    if whole:
        if value != int(value):
            raise NumberError(_("Phải là số nguyên."), code="whole")
        value = int(value)
    if minimum is not None and value < minimum:
        if minimum == 0:
            raise NumberError(_("Không được là số âm."), code="negative")
        raise NumberError(_("Phải từ %(minimum)s trở lên.") % {"minimum": minimum}, code="range")
    return value


def _read(text: str, *, whole: bool) -> Decimal:
    invalid = NumberError(_("“%(text)s” không phải là số.") % {"text": text}, code="invalid")
    if not _NUMBERLIKE.fullmatch(text) or len(text) > 40:
        raise invalid
    unsigned = text.lstrip("+-")
    if whole and _GROUPED.fullmatch(unsigned):
        value = Decimal(text.replace(".", "").replace(",", ""))
    else:
        vi, en = _babel(text, "vi"), _babel(text, "en")
        value = vi if vi is not None else en
    if value is None or not value.is_finite():
        raise invalid
    return value
