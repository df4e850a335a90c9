"""Dates, times and windows as Vietnamese officials write them.

"Từ ngày 01/10/2025 đến ngày 30/10/2025", "8 giờ 00, ngày 08 tháng 5 năm 2025",
"trước 07 giờ 30 ngày 08/5/2025", "Tháng 11 năm 2025", "01 buổi trong tuần làm việc thứ
16/2025". Everything works on the folded (ASCII, lower-case) text so that "Tháng", "tháng" and
"thang" read alike; positions in the folded text match the original character for character.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from hocvuso.core.tables import fold

_DMY = r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}))?"
_WORDS = r"(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?"
DATE = re.compile(rf"(?<![\d/])(?:{_DMY}|{_WORDS})(?![\d/])")
TIME = re.compile(r"(?<!\d)(\d{1,2})\s*(?:gio|h)\s*(\d{1,2})?(?!\d)\s*(?:phut|'|’)?")
RANGE = re.compile(
    r"tu\s+(?:ngay\s+)?(?P<a>.+?)\s+den\s+(?:het\s+)?(?:ngay\s+)?(?P<b>[\d][\d/.\- a-z]*\d)"
)
MONTH = re.compile(r"thang\s+(\d{1,2})\s*(?:nam\s+|/\s*)(\d{4})")
WEEK = re.compile(r"tuan(?:\s+lam\s+viec)?\s+thu\s+(\d{1,2})\s*(?:nam\s+|/\s*)(\d{4})")
QUARTER = re.compile(r"quy\s+(i{1,3}|iv|[1-4])\s*(?:nam\s+|/\s*)(\d{4})")
YEAR_ONLY = re.compile(r"^(?:trong\s+)?nam\s+(\d{4})$")
_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@dataclass(frozen=True)
class Window:
    start: datetime.date | None
    end: datetime.date | None


def _make(day: int, month: int, year: int | None) -> datetime.date | None:
    if year is None:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _groups(match: re.Match[str]) -> tuple[int, int, int | None]:
    g = match.groups()
    day, month, year = (g[0], g[1], g[2]) if g[0] else (g[3], g[4], g[5])
    return int(day), int(month), int(year) if year else None


def find_dates(text: str, *, year: int | None = None) -> list[datetime.date]:
    """Every complete date in ``text``; a date without a year takes the next written year."""
    folded = fold(text)
    found = [_groups(m) for m in DATE.finditer(folded)]
    dates = []
    for i, (day, month, yr) in enumerate(found):
        later = next((y for _, _, y in found[i + 1 :] if y), None)
        made = _make(day, month, yr or later or year)
        if made:
            dates.append(made)
    return dates


def parse_date(text: str, *, year: int | None = None) -> datetime.date | None:
    dates = find_dates(text, year=year)
    return dates[0] if dates else None


CITED = re.compile(
    r"\bsố\s+\S+,?\s+ngày\s+(?:\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2} tháng \d{1,2} năm \d{4})",
    re.IGNORECASE,
)


def parse_window(text: str) -> Window | None:
    """The window a phrase describes, or None when it names no date at all. The date of a
    cited document ("Kế hoạch số 02/KH-UBND ngày 09/7/2025") is not a window."""
    text = CITED.sub(" ", text)
    folded = fold(text)
    ranged = RANGE.search(folded)
    if ranged:
        end = parse_date(ranged["b"])
        start = parse_date(ranged["a"], year=end.year if end else None)
        if start or end:
            return Window(start, end)
    if m := WEEK.search(folded):
        monday = datetime.date.fromisocalendar(int(m[2]), int(m[1]), 1)
        return Window(monday, monday + datetime.timedelta(days=4))
    if m := QUARTER.search(folded):
        q = _ROMAN_Q.get(m[1]) or int(m[1])
        year = int(m[2])
        last = 3 * q
        return Window(
            datetime.date(year, last - 2, 1),
            datetime.date(year, last, calendar.monthrange(year, last)[1]),
        )
    dates = find_dates(text)
    if dates:
        return Window(dates[0], dates[-1] if len(dates) > 1 else dates[0])
    if m := MONTH.search(folded):
        month, year = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return Window(
                datetime.date(year, month, 1),
                datetime.date(year, month, calendar.monthrange(year, month)[1]),
            )
    if m := YEAR_ONLY.search(folded.strip(" .")):
        year = int(m[1])
        return Window(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    return None


def parse_time(text: str) -> datetime.time | None:
    match = TIME.search(fold(text))
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


def parse_times(text: str) -> list[datetime.time]:
    times = []
    for match in TIME.finditer(fold(text)):
        hour, minute = int(match[1]), int(match[2] or 0)
        if hour <= 23 and minute <= 59:
            times.append(datetime.time(hour, minute))
    return times


def parse_datetime(text: str) -> datetime.datetime | None:
    """A moment written with an hour and a full date ("8 giờ 00, ngày 08 tháng 5 năm 2025")."""
    day = parse_date(text)
    at = parse_time(text)
    if day is None or at is None:
        return None
    return datetime.datetime.combine(day, at)


DEADLINE = re.compile(r"\btruoc\b")


def find_deadline(text: str) -> datetime.date | None:
    """The date of a "trước [giờ] ngày D" in ``text``."""
    folded = fold(text)
    for match in DEADLINE.finditer(folded):
        window = re.split(r"[;:]", folded[match.end() : match.end() + 40])[0]
        date = DATE.search(window)
        if date:
            made = _make(*_groups(date))
            if made:
                return made
    return None


def parse_signing_date(text: str) -> datetime.date | None:
    """The date on the "Ninh Bình, ngày … tháng … năm …" line; None when left blank."""
    folded = fold(text)
    match = re.search(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})", folded)
    if not match:
        return None
    return _make(int(match[1]), int(match[2]), int(match[3]))
