"""What a ceremony plan says beyond venue, attendance, quotas and programme.

`read_ceremony_extras` returns new keys of the draft's ``event`` (docs/plan-import.md):

- ``registration_deadline``: when units must report who attends ("báo cáo danh sách … trước
  ngày 05/11/2025", "đăng ký … trước 16 giờ ngày …"), ISO date or date-time;
- ``date_text``, ``window_start``, ``window_end``, ``date_is_vague``: the ceremony's date as
  written, and when it names no day ("01 buổi trong tuần làm việc thứ 16/2025") the window it
  falls in — never turned into a day;
- ``delegate_categories``: the invitee groups ("Đại biểu Trung ương", "Đại biểu cấp tỉnh")
  with their lines and the delegate category each stands for;
- ``chairs``: per level of bridge point (village, commune …) who chairs and who attends
  ("Đồng chí Bí thư chi bộ thôn chủ trì");
- ``quota_shares``: a quota shared out by unit ("thuộc các phường A, B; mỗi phường 25 người");
- ``count_units``: per quota and sub-quota group, whether it counts people or teams ("10 tổ");
- ``program``: the programme items again, each with ``min_minutes`` and ``cap_minutes`` from
  "thời lượng 8 - 10 phút" / "không quá 15 phút", wherever in the plan it is written.

Each reader below is a pure function of text, outline nodes or the event dict.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from hocvuso.core.tables import fold
from hocvuso.plans.importer import dates
from hocvuso.plans.importer.structure import Document, Node

Draft = dict[str, Any]
TRAILING = " ;:,.\u00a0"
PEOPLE, TEAMS = "people", "teams"
TEAM_WORDS = ("tổ", "đội", "nhóm")


def read_ceremony_extras(document: Document, draft: Draft) -> dict[str, Any]:
    """The extra facts of ``draft["event"]`` (read from ``document``), to ``update`` it with."""
    event = draft.get("event") or {}
    nodes = list(document.body.walk())
    texts = [_node_text(node) for node in nodes] + [_clean(p) for p in document.closing]
    time_text = event_time_text(nodes)
    return {
        "registration_deadline": registration_deadline(texts),
        **event_date(time_text, event.get("starts_at")),
        "delegate_categories": delegate_categories(nodes),
        "chairs": chairs_by_level(event.get("bridge_points") or []),
        "quota_shares": quota_shares(texts, event.get("quotas") or []),
        "count_units": count_units(texts, event.get("quotas") or []),
        "program": program_durations(
            texts, event.get("program") or [], title=draft.get("title") or ""
        ),
    }


# --- small text helpers -------------------------------------------------------------------


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("**", "")).strip()
    text = re.sub(r"\s+([,;:)])", r"\1", text)
    while text and text[-1] in TRAILING:
        text = text[:-1].rstrip()
    if text.endswith("./"):
        text = text[:-2]
    return text


def _label(text: str) -> tuple[str, str]:
    head, sep, rest = text.partition(":")
    return (_clean(head), _clean(rest)) if sep else (_clean(text), "")


def _node_text(node: Node) -> str:
    parts = [node.text] + [c.text for c in node.children if c.kind == "para"]
    return _clean(" ".join(p for p in parts if p))


def _labelled(node: Node, *words: str) -> bool:
    return node.kind in ("item", "letter") and fold(_label(node.text)[0]).startswith(words)


def _iso(moment: datetime.date | datetime.datetime | None) -> str | None:
    if isinstance(moment, datetime.datetime):
        return moment.isoformat(timespec="minutes")
    return moment.isoformat() if moment else None


# --- the registration cut-off -------------------------------------------------------------

# Folded text: a clause that asks for who attends (a list, a number, delegates, bridge points)
# to be reported or registered, "trước [giờ] [ngày] D".
ASKS = re.compile(r"\b(?:dang ky|bao cao|gui)\b")
WHO = re.compile(r"\b(?:danh sach|so luong|dai bieu|thanh phan|nguoi (?:tham )?du|diem cau)\b")
BEFORE = re.compile(
    r"\btruoc\s+(?:(\d{1,2})\s*(?:gio|h)\s*(\d{1,2})?\s*(?:phut|'|’)?\s*,?\s*)?(?:ngay\s+)?"
)


def registration_deadline(texts: Iterable[str]) -> str | None:
    """The first cut-off for reporting attendance, as "2025-11-05" or "2025-05-08T07:30"."""
    for text in texts:
        for clause in re.split(r";|\.\s", text):
            folded = fold(clause)
            if not (ASKS.search(folded) and WHO.search(folded)):
                continue
            if moment := _deadline_in(clause):
                return _iso(moment)
    return None


def _deadline_in(clause: str) -> datetime.date | datetime.datetime | None:
    folded = fold(clause)
    for match in BEFORE.finditer(folded):
        day = dates.DATE.match(folded, match.end())
        if not day:
            continue
        found = dates.find_dates(folded[day.start() : day.end()])
        if not found:
            continue
        if match[1] is not None and int(match[1]) <= 23 and int(match[2] or 0) <= 59:
            return datetime.datetime.combine(
                found[0], datetime.time(int(match[1]), int(match[2] or 0))
            )
        return found[0]
    return None


# --- the ceremony's date ------------------------------------------------------------------


def event_time_text(nodes: Iterable[Node]) -> str:
    """The text of the first "Thời gian…" item of the body (the ceremony's time)."""
    for node in nodes:
        if _labelled(node, "thoi gian"):
            rest = _label(node.text)[1]
            paras = [c.text for c in node.children if c.kind == "para"]
            return _clean(" ".join([rest, *paras]))
    return ""


def event_date(time_text: str, starts_at: str | None) -> dict[str, Any]:
    """A window instead of a day when the plan names none: "trong tuần làm việc thứ 16/2025"
    or "từ 01/11/2025 đến 10/11/2025" give the week or the days, flagged ``date_is_vague``.
    A moment ("8 giờ 00, ngày 08 tháng 5 năm 2025") or a single day is not vague."""
    facts: dict[str, Any] = {
        "date_text": time_text,
        "window_start": None,
        "window_end": None,
        "date_is_vague": False,
    }
    if starts_at or not time_text:
        return facts
    window = dates.parse_window(time_text)
    if window is None or (window.start is not None and window.start == window.end):
        return facts
    facts.update(window_start=_iso(window.start), window_end=_iso(window.end), date_is_vague=True)
    return facts


# --- invitee groups -----------------------------------------------------------------------

# The delegate category (events.Delegate.Category) a group's name stands for.
CATEGORY_WORDS = (
    ("central", ("trung uong", "bo ", "cuc ")),
    ("press", ("bao chi", "truyen thong", "thong tan")),
    ("enterprise", ("doanh nghiep", "doanh nhan", "hiep hoi")),
    ("agency", ("so, ban", "so ban", "ban, nganh", "co quan")),
    ("local", ("cap xa", "cap huyen", "xa, phuong", "huyen")),
    ("province", ("cap tinh", "tinh")),
)
GROUP_HEADS = ("dai bieu", "khach moi", "thanh phan moi")


def delegate_category(text: str) -> str:
    folded = fold(text) + " "
    for category, words in CATEGORY_WORDS:
        if any(word in folded for word in words):
            return category
    return "other"


def delegate_categories(nodes: Iterable[Node]) -> list[dict[str, Any]]:
    """Invitee groups under "Thành phần"/"Đại biểu": each heading ("Đại biểu Trung ương:
    Mời …", "Đại biểu cấp tỉnh:" with bullets below) with its lines. A heading with nothing
    of its own ("Đại biểu khách mời:" above the groups) is no group."""
    groups: list[dict[str, Any]] = []
    for node in nodes:
        if node.kind == "para" or not fold(node.text).startswith(GROUP_HEADS):
            continue
        name, rest = _label(node.text)
        lines = [_node_text(c) for c in node.children if c.kind in ("bullet", "letter")]
        if not lines:
            paras = [_clean(c.text) for c in node.children if c.kind == "para"]
            lines = [text for text in [rest, *paras] if text]
        if not lines:
            continue
        groups.append({"name": name, "category": delegate_category(name), "invitees": lines})
    return groups


# --- chairs and attendees by level --------------------------------------------------------

LEVEL_WORDS = (
    ("village", ("thon", "to dan pho")),
    ("commune", ("xa, phuong", "cac xa", "phuong, xa", "thi tran")),
    # Before the districts: "cơ quan, đơn vị cấp tỉnh" is no "quận".
    ("agency", ("cac so", "so, ban", "don vi cap tinh", "co quan, don vi")),
    ("district", ("huyen", "thi xa, thanh pho", "cac quan")),
    ("school", ("truong",)),
)
CHAIR_BY = re.compile(r"\bdo\s+(.+?)\s+chủ trì\b", re.I)
CHAIR = re.compile(r"^(.+?)\s+chủ trì$", re.I)
ATTENDEES_LABEL = re.compile(r"^(?:thành phần(?: tham dự)?,?\s*(?:gồm)?|gồm)\s*:\s*", re.I)


def point_level(name: str) -> str | None:
    """The kind of unit (orgunits.OrgUnit.Kind) a bridge point heading stands for: "điểm cầu
    các xã, phường" → commune; None for the main hall or a single named place."""
    folded = fold(name)
    if "chinh" in folded.split():
        return None
    for level, words in LEVEL_WORDS:
        if any(word in folded for word in words):
            return level
    return None


def split_chair(lines: Iterable[str]) -> tuple[str, str]:
    """(chair, attendees) from a bridge point's attendee lines: "Đồng chí Bí thư chi bộ thôn
    chủ trì" → the chair; "… do Lãnh đạo đơn vị chủ trì" → "Lãnh đạo đơn vị"."""
    chair = ""
    others: list[str] = []
    for line in lines:
        for clause in re.split(r";\s*|\.\s+", line):
            clause = _clean(clause)
            if not clause:
                continue
            if not chair and (m := CHAIR_BY.search(clause)):
                chair = _clean(m[1])
                if rest := _clean(clause[: m.start()] + clause[m.end() :]):
                    others.append(rest)
            elif not chair and (m := CHAIR.match(clause)):
                chair = _clean(m[1])
            else:
                others.append(_clean(ATTENDEES_LABEL.sub("", clause)))
    return chair, "; ".join(o for o in others if o)


def chairs_by_level(points: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per level, the chair and attendees of its bridge points, as defaults for the points
    made at that level (the first heading of a level wins)."""
    found: dict[str, dict[str, Any]] = {}
    for point in points:
        level = point_level(point.get("name") or "")
        if level is None or level in found:
            continue
        chair, attendees = split_chair(point.get("attendees") or [])
        found[level] = {
            "level": level,
            "point": point.get("name") or "",
            "chair": chair,
            "attendees": attendees,
        }
    return list(found.values())


# --- quota shares and units of count ------------------------------------------------------

KINDS = r"phường|xã|huyện|thị xã|thôn|tổ dân phố|đơn vị|trường|cơ quan"
SHARE = re.compile(
    rf"(?:thuộc\s+)?các\s+(?P<kind>{KINDS})\s*:?\s+(?P<names>[^;()]+?)\s*[;,]\s*"
    rf"mỗi\s+(?P<each_kind>{KINDS})\s+(?:cử\s+)?(?P<count>\d+)\s*(?P<unit>[^\W\d]+)?",
    re.I,
)


def _group_of(text: str, quotas: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    head = fold(_label(text)[0])
    return next((q for q in quotas if fold(q.get("group") or "") == head), None)


def quota_shares(texts: Iterable[str], quotas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A quota shared out among named units: "Tổ công nghệ số …: 100 người (thuộc các phường
    Hoa Lư, Đông Hoa Lư; mỗi phường 25 người)" → one share of 25 for "Phường Hoa Lư" and one
    for "Phường Đông Hoa Lư"."""
    shares = []
    for text in texts:
        quota = _group_of(text, quotas)
        match = SHARE.search(text) if quota else None
        if quota is None or match is None:
            continue
        kind = match["kind"].lower()
        names = [_clean(n) for n in re.split(r",|\s+và\s+", match["names"]) if _clean(n)]
        count = int(match["count"])
        shares.append(
            {
                "group": quota["group"],
                "kind": kind,
                "each": count,
                "count_unit": unit_of_count(match["unit"] or ""),
                "shares": [
                    {"unit": f"{kind[:1].upper()}{kind[1:]} {name}", "count": count}
                    for name in names
                ],
            }
        )
    return shares


def unit_of_count(word: str) -> str:
    return TEAMS if word.lower() in TEAM_WORDS else PEOPLE


def count_units(texts: Iterable[str], quotas: list[dict[str, Any]]) -> dict[str, str]:
    """Whether each quota and sub-quota counts people or teams, from the word after its
    number: "60 người, gồm 10 tổ cấp xã" → people for the quota, teams for "tổ cấp xã"."""
    units: dict[str, str] = {}
    lines = [t for t in texts if _group_of(t, quotas)]
    for quota in quotas:
        line = next((t for t in lines if _group_of(t, [quota])), "")
        rest = _label(line)[1]
        word = re.search(r"\d[\d.]*\s*([^\W\d]+)?", rest)
        units[quota["group"]] = unit_of_count(word[1] or "") if word else PEOPLE
        for sub in quota.get("sub") or []:
            units[sub["group"]] = _sub_unit(rest, sub)
    return units


def _sub_unit(line: str, sub: dict[str, Any]) -> str:
    group = re.escape(sub["group"])
    if re.search(rf"\b{sub['count']}\s+{group}", line, re.I):
        # "10 tổ cấp xã": the group's first word says what is counted
        return unit_of_count(sub["group"].split(" ", 1)[0])
    if m := re.search(rf"{group}\s*:?\s*{sub['count']}\s*([^\W\d]+)?", line, re.I):
        return unit_of_count(m[1] or "")
    return PEOPLE


def quota_problems(quotas: Iterable[dict[str, Any]]) -> list[str]:
    """Warnings for sub-quotas that do not add up to their quota, or count something else
    (teams against people). Each quota: ``group``, ``count``, ``count_unit`` and ``sub``, a
    list of the same."""
    problems = []
    for quota in quotas:
        subs = quota.get("sub") or []
        if not subs:
            continue
        unit = quota.get("count_unit") or PEOPLE
        others = [s for s in subs if (s.get("count_unit") or PEOPLE) != unit]
        if others:
            problems.append(
                _(
                    "Chỉ tiêu “%(group)s” tính bằng %(unit)s, nhưng nhóm con “%(sub)s” tính "
                    "bằng %(other)s: không cộng được với nhau."
                )
                % {
                    "group": quota["group"],
                    "unit": _unit_label(unit),
                    "sub": others[0]["group"],
                    "other": _unit_label(others[0].get("count_unit") or PEOPLE),
                }
            )
            continue
        total = sum(s["count"] for s in subs)
        if total != quota["count"]:
            problems.append(
                _("Các nhóm con của chỉ tiêu “%(group)s” cộng lại %(sum)s, khác %(count)s.")
                % {"group": quota["group"], "sum": total, "count": quota["count"]}
            )
    return problems


def _unit_label(unit: str) -> str:
    return _("tổ") if unit == TEAMS else _("người")


# --- durations ----------------------------------------------------------------------------

RANGE = re.compile(r"\(?\s*thoi luong\s+(?:tu\s+)?(\d{1,3})\s*[-–]\s*(\d{1,3})\s*phut\s*\)?")
CAP = re.compile(r"\(?\s*(?:thoi luong\s+)?(?:khong qua|toi da)\s+(\d{1,3})\s*phut\s*\)?")
STOP_WORDS = {"va", "cua", "cac", "tai", "cho", "voi", "de", "the", "mot", "nhung"}
MATCH_SHARE = 0.6


def durations(text: str) -> Iterator[tuple[int | None, int, int, int]]:
    """(min, max, start, end) of each "thời lượng 8 - 10 phút" / "không quá 15 phút" in
    ``text``; start and end are positions of the phrase."""
    folded = fold(text)
    for m in RANGE.finditer(folded):
        low, high = sorted((int(m[1]), int(m[2])))
        yield low, high, m.start(), m.end()
    for m in CAP.finditer(folded):
        if not RANGE.search(folded[max(0, m.start() - 20) : m.end()]):
            yield None, int(m[1]), m.start(), m.end()


def _words(text: str, stop: set[str]) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", fold(text)) if w not in stop}


def program_durations(
    texts: Iterable[str], program: list[dict[str, Any]], *, title: str = ""
) -> list[dict[str, Any]]:
    """The programme items, each with ``min_minutes`` and ``cap_minutes``: from a duration
    written on the item itself, or in a duty about it ("xây dựng phóng sự tổng quan … (thời
    lượng 8 - 10 phút)" is the programme's "Chiếu phóng sự tổng quan …"). A duty is matched to
    the item most of whose words it uses, leaving out the words of the plan's title, which
    every sentence repeats; no clear match, no duration."""
    items = [
        {**item, "min_minutes": item.get("min_minutes"), "cap_minutes": item.get("cap_minutes")}
        for item in program
    ]
    stop = STOP_WORDS | _words(title, set())
    for item in items:
        found = list(durations(item["title"]))
        if found:
            low, high, start, end = found[0]
            item["title"] = _clean(item["title"][:start] + " " + item["title"][end:])
            item["min_minutes"], item["cap_minutes"] = low, high
    for text in texts:
        for low, high, start, _end in durations(text):
            item = _best_item(text[:start], items, stop)
            if item is not None:
                item["min_minutes"] = low if low is not None else item["min_minutes"]
                item["cap_minutes"] = high
    return items


def _best_item(context: str, items: list[dict[str, Any]], stop: set[str]) -> dict[str, Any] | None:
    said = _words(context, stop)
    scored = []
    for item in items:
        words = _words(item["title"], stop)
        if words:
            scored.append((len(words & said) / len(words), id(item), item))
    scored.sort(key=lambda s: s[0], reverse=True)
    if not scored or scored[0][0] < MATCH_SHARE:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][2]


# --- warnings -----------------------------------------------------------------------------


def ceremony_warnings(draft: Draft) -> list[str]:
    """What the coordinator must look at in a ceremony draft: a date that is only a window,
    sub-quotas that do not add up."""
    event = draft.get("event")
    if not event:
        return []
    warnings = []
    if event.get("date_is_vague"):
        warnings.append(
            _(
                "Kế hoạch chưa ấn định ngày tổ chức buổi lễ (“%(text)s”): sự kiện sẽ được tạo "
                "chưa có giờ bắt đầu, hãy nhập ngày giờ khi đã có lịch."
            )
            % {"text": event.get("date_text") or ""}
        )
    units = event.get("count_units") or {}
    quotas = [
        {
            **q,
            "count_unit": units.get(q["group"]),
            "sub": [{**s, "count_unit": units.get(s["group"])} for s in q.get("sub") or []],
        }
        for q in event.get("quotas") or []
    ]
    return warnings + quota_problems(quotas)
