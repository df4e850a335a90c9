"""A value's check against its indicator's type, and a value as Vietnamese write it. The
number itself is read by ``core.tables.parse_number``: "1.234" and "12,5" (Vietnamese), or
"12.5" from an English keyboard."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hocvuso.core.tables import MAX_NUMBER, parse_number
from hocvuso.reports.models import Indicator

MAX_VALUE = MAX_NUMBER


def parse_value(text: str, indicator: Indicator) -> Decimal | None:
    """The number ``text`` means for ``indicator``; ``None`` for an empty cell.
    ValidationError with a Vietnamese message for anything else. Read by
    ``core.tables.parse_number``, like every number of every import."""
    text = (text or "").strip()
    if indicator.value_type == Indicator.ValueType.PERCENTAGE:
        text = text.removesuffix("%")
    count = indicator.value_type == Indicator.ValueType.COUNT
    value = parse_number(text, whole=count, minimum=0 if count else None, maximum=MAX_VALUE)
    if value is None:
        return None
    value = Decimal(value)
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
