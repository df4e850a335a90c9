"""Numbers as officials type them: "1.234" and "12,5" (Vietnamese), or "12.5" from an
English keyboard, read by Babel; a value's check against its indicator's type."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hocvuso.reports.models import Indicator

MAX_VALUE = Decimal("99999999999999")
ENGLISH_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+$")


def _parse(text: str, locale: str) -> Decimal | None:
    try:
        return parse_decimal(text, locale=locale, strict=True)
    except (NumberFormatError, ValueError):
        return None


def parse_value(text: str, indicator: Indicator) -> Decimal | None:
    """The number ``text`` means for ``indicator``; ``None`` for an empty cell.
    ValidationError with a Vietnamese message for anything else."""
    text = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if indicator.value_type == Indicator.ValueType.PERCENTAGE:
        text = text.removesuffix("%")
    vi, en = _parse(text, "vi"), _parse(text, "en")
    value = vi if vi is not None else en
    # "1,234" is 1.234 in Vietnamese, but nobody writes a head count with three decimals:
    # the typist grouped thousands with an English keyboard.
    if indicator.value_type == Indicator.ValueType.COUNT and ENGLISH_THOUSANDS.match(text):
        value = en
    if value is None:
        raise ValidationError(_("“%(text)s” không phải là số.") % {"text": text})
    if abs(value) > MAX_VALUE:
        raise ValidationError(_("Số quá lớn."))
    if indicator.value_type == Indicator.ValueType.COUNT:
        if value != value.to_integral_value():
            raise ValidationError(_("Phải là số nguyên."))
        if value < 0:
            raise ValidationError(_("Không được là số âm."))
    if indicator.value_type == Indicator.ValueType.PERCENTAGE and not 0 <= value <= 100:
        raise ValidationError(_("Tỷ lệ phải từ 0 đến 100."))
    return value.quantize(Decimal("0.01"))


def format_value(value: Decimal | None, indicator: Indicator | None = None) -> str:
    """A value as Vietnamese write it: 1.234 and 12,5."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        text = f"{int(value):,}".replace(",", ".")
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if indicator is not None and indicator.value_type == Indicator.ValueType.PERCENTAGE:
        text += "%"
    return text
