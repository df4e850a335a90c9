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


_POINT = re.compile(
    r"(?P<week>tuan(?:\s+lam\s+viec)?\s+thu\s+(?P<wn>\d{1,2})\s*(?:nam\s+|/\s*)(?P<wy>\d{4}))"
    r"|(?P<quarter>quy\s+(?P<q>iv|i{1,3}|[1-4])\s*(?:nam\s+|/\s*)?(?P<qy>\d{4})?)"
    rf"|(?P<day>(?<![\d/]){_DMY}(?![\d/])|(?<![\d/]){_WORDS}(?![\d/]))"
    r"|(?P<month>thang\s+(?P<m>\d{1,2})(?:\s*(?:nam\s+|/\s*)(?P<my>\d{4}))?"
    r"|(?<![\d/])(?P<m2>\d{1,2})\s*/\s*(?P<my2>\d{4})(?![\d/]))"
    r"|(?P<year>(?<![\d/.])(?P<y>(?:19|20)\d{2})(?![\d/]))"
)
_OPEN_END = re.compile(r"den\s+khi|(?:nhung|cac)\s+nam\s+tiep\s+theo|tro\s+di|den\s+nay")
_RECURRING = re.compile(
    r"\b(?:hang|hằng)\s+(?:nam|thang|quy|tuan)\b|\bthuong\s+xuyen\b|\bdinh\s+ky\b"
)


def _points(folded: str) -> list[tuple[int, str, Window | tuple[int, int | None]]]:
    """Each time a phrase names, in order: (position, grain, window); a month or day without a
    year is kept open as (month, day) and takes the next year written."""
    points: list[tuple[int, str, Window | tuple[int, int | None]]] = []
    for m in _POINT.finditer(folded):
        if m["week"]:
            try:
                monday = datetime.date.fromisocalendar(int(m["wy"]), int(m["wn"]), 1)
            except ValueError:
                continue
            points.append((m.start(), "week", Window(monday, monday + datetime.timedelta(days=4))))
        elif m["quarter"]:
            if not m["qy"]:
                continue
            q = _ROMAN_Q.get(m["q"]) or int(m["q"])
            year, last = int(m["qy"]), 3 * q
            points.append(
                (
                    m.start(),
                    "quarter",
                    Window(datetime.date(year, last - 2, 1), _month_end(year, last)),
                )
            )
        elif m["day"]:
            day, month, year = _groups(DATE.match(m["day"]) or DATE.search(m["day"]))
            if not 1 <= month <= 12:
                continue
            if year is None:
                points.append((m.start(), "day", (month, day)))
            elif made := _make(day, month, year):
                points.append((m.start(), "day", Window(made, made)))
        elif m["month"]:
            month = int(m["m"] or m["m2"])
            year_text = m["my"] or m["my2"]
            if not 1 <= month <= 12:
                continue
            if year_text:
                year = int(year_text)
                points.append(
                    (
                        m.start(),
                        "month",
                        Window(datetime.date(year, month, 1), _month_end(year, month)),
                    )
                )
            else:
                points.append((m.start(), "month", (month, None)))
        elif m["year"]:
            year = int(m["y"])
            points.append(
                (m.start(), "year", Window(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
            )
    # Open months and days take the next year written ("Tháng 11 - 12/2025", "01/10 đến
    # 30/10/2025").
    resolved: list[tuple[int, str, Window | tuple[int, int | None]]] = []
    for index, (position, grain, value) in enumerate(points):
        if isinstance(value, tuple):
            later = next((v for _p, _g, v in points[index + 1 :] if isinstance(v, Window)), None)
            if later is None or later.end is None:
                continue
            year = later.end.year
            month, day = value
            if day is None:
                value = Window(datetime.date(year, month, 1), _month_end(year, month))
            else:
                made = _make(day, month, year)
                if not made:
                    continue
                value = Window(made, made)
        resolved.append((position, grain, value))
    return resolved


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def parse_window(text: str) -> Window | None:
    """The window a phrase describes, or None when it names no date at all: "Quý IV/2025",
    "giai đoạn 2026 - 2028", "từ tháng 9 năm 2025 đến hết tháng 6 năm 2026", "Tháng 11 -
    12/2025", "năm 2026 và những năm tiếp theo" (no end). A recurring time ("hằng năm, trước
    ngày 30/11", "thường xuyên") names no window. The date of a cited document ("Kế hoạch số
    02/KH-UBND ngày 09/7/2025") is not a window."""
    text = CITED.sub(" ", text)
    folded = fold(text)
    points = [v for _p, _g, v in _points(folded) if isinstance(v, Window)]
    if not points:
        return None
    start = min(p.start for p in points if p.start)
    end = max(p.end for p in points if p.end)
    if _OPEN_END.search(folded):
        end = None  # "giai đoạn 2026-2030 và những năm tiếp theo" never ends
    if re.match(r"^\s*(?:bat dau\s+)?tu\b", folded) and not re.search(r"\bden\b", folded):
        end = None  # "Từ 01/7/2025": a start and no end
    return Window(start, end)


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
    """The day of a "trước [giờ] ngày D" in ``text`` (see :func:`find_deadline_moment`)."""
    moment = find_deadline_moment(text)
    return datetime.date.fromisoformat(moment[:10]) if moment else None


def parse_signing_date(text: str) -> datetime.date | None:
    """The date on the "Ninh Bình, ngày … tháng … năm …" line; None when left blank."""
    folded = fold(text)
    match = re.search(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})", folded)
    if not match:
        return None
    return _make(int(match[1]), int(match[2]), int(match[3]))


def find_deadline_moment(text: str) -> str | None:
    """The deadline of ``text`` as ISO: "2025-05-08T07:30" when a time of day comes with it
    ("trước 07 giờ 30 ngày 08/5/2025"), else "2025-11-05"; None without a deadline."""
    folded = fold(text)
    for match in DEADLINE.finditer(folded):
        window = re.split(r"[;:]", folded[match.end() : match.end() + 40])[0]
        date = DATE.search(window)
        if not date:
            continue
        made = _make(*_groups(date))
        if not made:
            continue
        at = TIME.search(window[: date.start()])
        if at and int(at[1]) <= 23 and int(at[2] or 0) <= 59:
            moment = datetime.datetime.combine(made, datetime.time(int(at[1]), int(at[2] or 0)))
            return moment.isoformat(timespec="minutes")
        return made.isoformat()
    return None
