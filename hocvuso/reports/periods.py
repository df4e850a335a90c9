"""Reporting periods: weekly, monthly, quarterly, yearly, or a campaign window repeated each
year (01/10 to 30/11). A period is a value, identified by a key that sorts in time order:
``2026-W47``, ``2026-11``, ``2026-Q3``, ``2026``, ``2025-10-01_2025-11-30``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PeriodType(models.TextChoices):
    WEEKLY = "weekly", _("Hằng tuần")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    YEARLY = "yearly", _("Hằng năm")
    CAMPAIGN = "campaign", _("Theo đợt (cùng khoảng ngày mỗi năm)")


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date
    type: str
    key: str

    @property
    def label(self) -> str:
        if self.type == PeriodType.WEEKLY:
            iso = self.start.isocalendar()
            return gettext("Tuần %(week)s/%(year)s (%(start)s–%(end)s)") % {
                "week": iso.week,
                "year": iso.year,
                "start": self.start.strftime("%d/%m"),
                "end": self.end.strftime("%d/%m"),
            }
        if self.type == PeriodType.MONTHLY:
            return gettext("Tháng %(month)s/%(year)s") % {
                "month": f"{self.start.month:02d}",
                "year": self.start.year,
            }
        if self.type == PeriodType.QUARTERLY:
            return gettext("Quý %(quarter)s/%(year)s") % {
                "quarter": ("I", "II", "III", "IV")[(self.start.month - 1) // 3],
                "year": self.start.year,
            }
        if self.type == PeriodType.YEARLY:
            return gettext("Năm %(year)s") % {"year": self.start.year}
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"

    @property
    def short_label(self) -> str:
        if self.type == PeriodType.WEEKLY:
            return f"T{self.start.isocalendar().week}/{self.start.isocalendar().year % 100:02d}"
        if self.type == PeriodType.MONTHLY:
            return f"{self.start.month:02d}/{self.start.year}"
        if self.type == PeriodType.QUARTERLY:
            return f"Q{(self.start.month - 1) // 3 + 1}/{self.start.year}"
        if self.type == PeriodType.YEARLY:
            return str(self.start.year)
        return f"{self.start:%d/%m}–{self.end:%d/%m/%Y}"

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


class PeriodError(ValueError):
    pass


def _month_end(year: int, month: int) -> datetime.date:
    first_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_next - datetime.timedelta(days=1)


def week(day: datetime.date) -> Period:
    iso = day.isocalendar()
    start = day - datetime.timedelta(days=iso.weekday - 1)
    return Period(
        start, start + datetime.timedelta(days=6), PeriodType.WEEKLY, f"{iso.year}-W{iso.week:02d}"
    )


def month(year: int, month: int) -> Period:
    return Period(
        datetime.date(year, month, 1),
        _month_end(year, month),
        PeriodType.MONTHLY,
        f"{year}-{month:02d}",
    )


def quarter(year: int, q: int) -> Period:
    first = 3 * (q - 1) + 1
    return Period(
        datetime.date(year, first, 1),
        _month_end(year, first + 2),
        PeriodType.QUARTERLY,
        f"{year}-Q{q}",
    )


def year(y: int) -> Period:
    return Period(datetime.date(y, 1, 1), datetime.date(y, 12, 31), PeriodType.YEARLY, str(y))


def campaign(y: int, window: tuple[tuple[int, int], tuple[int, int]]) -> Period:
    """The campaign window of year ``y``; a window that ends before it starts (15/12 to 15/01)
    runs into the next year."""
    (sm, sd), (em, ed) = window
    start = datetime.date(y, sm, sd)
    end = datetime.date(y if (em, ed) >= (sm, sd) else y + 1, em, ed)
    return Period(start, end, PeriodType.CAMPAIGN, f"{start.isoformat()}_{end.isoformat()}")


_KEY_PATTERNS = [
    (re.compile(r"^(\d{4})-W(\d{2})$"), "week"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})$"), "campaign"),
]


def parse(key: str) -> Period:
    """The period a key names; :class:`PeriodError` for anything else."""
    key = (key or "").strip()
    try:
        for pattern, kind in _KEY_PATTERNS:
            m = pattern.match(key)
            if not m:
                continue
            if kind == "week":
                return week(datetime.date.fromisocalendar(int(m[1]), int(m[2]), 1))
            if kind == "month":
                return month(int(m[1]), int(m[2]))
            if kind == "quarter":
                return quarter(int(m[1]), int(m[2]))
            if kind == "year":
                return year(int(m[1]))
            start = datetime.date.fromisoformat(m[1])
            end = datetime.date.fromisoformat(m[2])
            if end < start:
                break
            return Period(start, end, PeriodType.CAMPAIGN, key)
    except ValueError:
        pass
    raise PeriodError(gettext("Kỳ báo cáo “%(key)s” không hợp lệ.") % {"key": key})


def containing(
    period_type: str,
    day: datetime.date,
    window: tuple[tuple[int, int], tuple[int, int]] | None = None,
) -> Period:
    """The period of ``period_type`` that holds ``day`` (for a campaign: the window of the
    year ``day`` falls in, or that year's window if ``day`` is outside it)."""
    if period_type == PeriodType.WEEKLY:
        return week(day)
    if period_type == PeriodType.MONTHLY:
        return month(day.year, day.month)
    if period_type == PeriodType.QUARTERLY:
        return quarter(day.year, (day.month - 1) // 3 + 1)
    if period_type == PeriodType.YEARLY:
        return year(day.year)
    if window is None:
        raise PeriodError(gettext("Đợt báo cáo chưa có khoảng ngày."))
    this = campaign(day.year, window)
    if day < this.start:
        previous = campaign(day.year - 1, window)
        if previous.contains(day):
            return previous
    return this


def following(
    period: Period, window: tuple[tuple[int, int], tuple[int, int]] | None = None
) -> Period:
    return containing(period.type, period.end + datetime.timedelta(days=1), window)


def preceding(
    period: Period, window: tuple[tuple[int, int], tuple[int, int]] | None = None
) -> Period:
    if period.type == PeriodType.CAMPAIGN and window is not None:
        return campaign(period.start.year - 1, window)
    return containing(period.type, period.start - datetime.timedelta(days=1), window)


def between(
    period_type: str,
    start: datetime.date,
    end: datetime.date,
    window: tuple[tuple[int, int], tuple[int, int]] | None = None,
) -> Iterator[Period]:
    """Every period of ``period_type`` that overlaps [start, end], in time order."""
    period = containing(period_type, start, window)
    if period.end < start:
        period = following(period, window)
    while period.start <= end:
        yield period
        period = following(period, window)


def last_n(
    period_type: str,
    n: int,
    today: datetime.date,
    window: tuple[tuple[int, int], tuple[int, int]] | None = None,
) -> list[Period]:
    """The ``n`` periods up to and including the one holding ``today``, oldest first."""
    period = containing(period_type, today, window)
    out = [period]
    while len(out) < n:
        period = preceding(period, window)
        out.append(period)
    return out[::-1]
