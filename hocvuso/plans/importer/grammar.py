"""The administrative grammar: which part of a plan holds which field.

Works on the outline from `structure.split_document` and knows only the conventions every
Vietnamese administrative document follows (Nghị định 30/2020/NĐ-CP and common practice):
header and motto, "Số:", place and date, document type and trích yếu, the preamble citing
other documents, roman sections named "MỤC ĐÍCH, YÊU CẦU", "NỘI DUNG", "KINH PHÍ",
"TỔ CHỨC THỰC HIỆN", the closing "Trên đây là…", "Nơi nhận" and the signature block.
"""

from __future__ import annotations

import re
from typing import Any

from hocvuso.core.tables import fold
from hocvuso.plans.importer import dates
from hocvuso.plans.importer.annex import tables_tasks
from hocvuso.plans.importer.normalise import TableLine
from hocvuso.plans.importer.structure import (
    BULLET,
    DOC_TYPES,
    MOTTO,
    Document,
    Node,
    is_upper,
    join_lines,
)

Draft = dict[str, Any]

CITED_KINDS = (
    "Kế hoạch hành động",
    "Chương trình hành động",
    "Kế hoạch liên tịch",
    "Kế hoạch",
    "Nghị quyết",
    "Quyết định",
    "Chỉ thị",
    "Thông báo kết luận",
    "Thông báo",
    "Tờ trình",
    "Công văn",
    "Văn bản",
    "Chương trình",
    "Nghị định",
    "Thông tư",
    "Luật",
    "Kết luận",
    "Hướng dẫn",
    "Đề án",
    "Công điện",
    "Quy chế phối hợp",
    "Quy chế",
    "Phương án",
    "Thông tri",
    "Quy định",
    "Kết luận",
    "Chiến lược",
)
_KINDS = "|".join(re.escape(k) for k in CITED_KINDS)
# "Nghị quyết số 57-NQ/TW", "Quyết định 1229/QĐ-UBND", "Luật Dữ liệu số 60/2024/QH15" (a law's
# name runs between its kind and "số"), "57/NQ -TW" with a stray space.
_SYMBOL = r"[0-9][0-9A-Za-zĐđÀ-ỹ.]*(?:\s?[\-/]\s?[0-9A-Za-zĐđÀ-ỹ.&]+)+"
CITATION = re.compile(
    r"(?<![\wÀ-ỹ])(?P<kind>" + _KINDS + r")"
    r"(?:(?P<name>(?:\s+[A-ZĐÀ-Ỹa-zđà-ỹ][\wÀ-ỹ]*){1,12}?)(?=\s+số\b))?"
    r"\s+(?:số\s*:?\s*)?(?P<number>" + _SYMBOL + r")"
    r"(?=(?P<rest>.{0,240}))",
    re.DOTALL,
)
# "Các Công điện: số 007/CĐ-UBND ngày …, số 008/CĐ-UBND ngày …": one kind, several numbers.
LISTED = re.compile(
    r"(?:^|[;,:]\s*|\s và\s)số\s+(?P<number>" + _SYMBOL + r")(?=(?P<rest>.{0,240}))", re.S
)
PLURAL_KIND = re.compile(r"\b[Cc]ác\s+(?P<kind>" + _KINDS + r")\b")
CITED_DATE = re.compile(
    r"^\s*,?\s*(?:ban hành\s+)?ngày\s+"
    r"(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})"
)
ISSUER_STOP = re.compile(
    r"\s+(?:về|triển khai|phê duyệt|thực hiện|ban hành|tại|để|quy định|hướng dẫn|"
    r"trên cơ sở|sửa đổi|bổ sung|kèm theo|đã|được|nhằm|Ban hành(?=\s+[a-zđà-ỹ])|"
    r"Phê duyệt|Về|Quy định|Hướng dẫn)(?=[\s,])|[,;()“\"]|"
    r"\s+và\s+(?=Kế hoạch|Nghị quyết|Quyết định|Chương trình|Luật|Thông tư|Chỉ thị)"
)
PLACE_DATE = re.compile(r",\s*ngày\b(.*)$")
QUOTA_TOTAL = re.compile(
    r"(?:khoảng|dự kiến|tổng số|tổng cộng|gồm)\D{0,20}?([\d.]+)\s*(?:người|đại biểu)", re.I
)
NUMBER = re.compile(r"\d[\d.]*")
CAP = re.compile(r"\s*\((?:thời lượng\s+)?không quá\s+(\d+)\s*phút\)\s*", re.I)
TRAILING = " ;:,.\u00a0"


# A document symbol with a stray space: "57/NQ -TW", "27/NQ- TW" → "57/NQ-TW".
SPLIT_SYMBOL = re.compile(r"(\d{1,5}[/-][A-ZĐ]{1,12})(?:\s+-\s*|-\s+)(?=[A-ZĐ]{1,12}\b)")


def clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("**", "")).strip()
    text = SPLIT_SYMBOL.sub(r"\1-", text)
    text = re.sub(r"\s+([,;:)]|\.(?!\.))", r"\1", text)
    text = re.sub(r"([(“])\s+", r"\1", text)
    while text and text[-1] in TRAILING:
        text = text[:-1].rstrip()
    if text.endswith("./"):
        text = text[:-2]
    return text


def split_label(text: str) -> tuple[str, str]:
    """'Thời gian: 8 giờ 00' → ('Thời gian', '8 giờ 00'); no colon → (text, '')."""
    head, sep, rest = text.partition(":")
    if not sep:
        return clean(text), ""
    return clean(head), clean(rest)


def label_is(text: str, *words: str) -> bool:
    head = fold(split_label(text)[0])
    return any(head.startswith(w) for w in words)


def node_text(node: Node) -> str:
    """The node's own text with the paragraphs directly below it."""
    parts = [node.text] + [c.text for c in node.children if c.kind == "para"]
    return clean(" ".join(p for p in parts if p))


def leaf_items(node: Node) -> list[str]:
    """Bullets (or lettered items) below ``node``; else its paragraphs; else its inline text."""
    bullets = [c for c in node.children if c.kind in ("bullet", "letter")]
    if bullets:
        return [node_text(b) for b in bullets]
    paras = [clean(c.text) for c in node.children if c.kind == "para"]
    if paras:
        return paras
    return [rest] if (rest := split_label(node.text)[1]) else []


# --- header -------------------------------------------------------------------------------


def _strip_motto(line: str) -> str:
    folded = fold(line)
    for motto in MOTTO:
        at = folded.find(motto)
        if at >= 0 and len(folded) == len(line):
            line = (line[:at] + line[at + len(motto) :]).strip()
            folded = fold(line)
    return line


def join_header_lines(lines: list[str]) -> list[str]:
    """Header lines a narrow column cut, put back: the motto in two, "Số:" above its number,
    the place-and-date line ("Hà Nội, ngày 17" / "tháng 11 năm 2025")."""
    merged: list[str] = []
    for line in lines:
        if merged and _header_goes_on(merged[-1], line):
            merged[-1] = f"{merged[-1]} {line}"
        else:
            merged.append(line)
    return merged


def _header_goes_on(previous: str, line: str) -> bool:
    before, after = fold(previous), fold(line)
    joined = f"{before} {after}"
    if re.search(r"(?:^|\s)so\s*:$", before):
        return True
    for motto in MOTTO:
        if motto.startswith(before) and motto.startswith(joined) and before != motto:
            return True
    if re.search(r",\s*ngay\b", before) and not re.search(r"nam\s*\d{4}", before):
        return True
    # "Thành phố Hồ" / "Chí Minh, ngày 19 tháng 11 năm 2025"
    return (
        not is_upper(previous)
        and previous[:1].isupper()
        and previous.split()[-1][:1].isupper()
        and len(previous.split()) <= 4
        and re.match(r"^[^,]{0,40},\s*ngay\b", after) is not None
        and not re.search(r"[:/\d]", previous)
    )


def read_header(doc: Document, draft: Draft) -> None:
    issuer: list[str] = []
    title: list[str] = []
    addressees: list[str] = []
    state = "issuer"
    for raw in join_header_lines(doc.header):
        line = _strip_motto(raw)
        folded = fold(line)
        if not line:
            continue
        if folded.startswith("so:") or folded.startswith("so :"):
            rest = line.split(":", 1)[1]
            at = place_date(rest, draft)
            draft["number"] = re.sub(r"\s+", "", rest[:at])
            continue
        if place_date(line, draft) == 0:
            state = "after-title" if state == "title" else state
            continue
        if line.upper() in DOC_TYPES or line.rstrip(".").upper() in DOC_TYPES:
            draft["doc_type"] = line.rstrip(".")
            state = "title"
            continue
        if folded.startswith("v/v"):
            title.append(line[3:].strip())
            state = "title"
            continue
        if folded.startswith("kinh gui"):
            state = "addressees"
            rest = clean(line.split(":", 1)[1]) if ":" in line else ""
            if rest:
                addressees.append(rest)
            continue
        if state == "addressees":
            m = BULLET.match(line)
            if m or not addressees:
                addressees.append(clean(m[2] if m else line))
            else:
                addressees[-1] = clean(addressees[-1] + " " + line)
        elif state == "title":
            title.append(line)
        elif state == "issuer" and is_upper(line):
            issuer.append(line)
    draft["issuer"] = clean(" ".join(issuer))
    draft["title"] = clean(" ".join(title))
    draft["addressees"] = addressees


def place_date(line: str, draft: Draft) -> int:
    """Read "Ninh Bình, ngày … tháng … năm 2025" at the end of ``line``; return where the
    place starts (len(line) when there is none)."""
    match = PLACE_DATE.search(line)
    if not match or "nam" not in fold(match[1]):
        return len(line)
    before = line[: match.start()].strip()
    if before and len(before.split()) <= 6 and not re.search(r"[/\d:]", before):
        draft["place"] = clean(before)
        draft["issued_on"] = dates.parse_signing_date("ngày" + match[1])
        return match.start() - len(before)
    words = line[: match.start()].split(" ")
    place: list[str] = []
    while words and words[-1][:1].isupper() and not re.search(r"[/\-]", words[-1]):
        if len(words[-1]) >= 3 and words[-1].isupper():
            break
        place.insert(0, words.pop())
    if not place:
        return len(line)
    draft["place"] = clean(" ".join(place))
    draft["issued_on"] = dates.parse_signing_date("ngày" + match[1])
    return len(" ".join(words))


# --- preamble -----------------------------------------------------------------------------


def read_citations(text: str) -> list[dict[str, Any]]:
    cited: dict[str, dict[str, Any]] = {}
    mentions: list[tuple[int, str, str, str]] = []  # (position, kind, number, rest)
    for match in CITATION.finditer(text):
        kind = match["kind"][0].upper() + match["kind"][1:]
        mentions.append((match.start(), kind, match["number"], match["rest"]))
    for match in LISTED.finditer(text):
        before = text[: match.start() + 1]
        if any(
            abs(pos - match.start()) < 60 and num == match["number"]
            for pos, _k, num, _r in mentions
        ):
            continue
        plural = None
        for candidate in PLURAL_KIND.finditer(
            before[-200:].split(";")[-1] if ";" in before[-200:] else before[-200:]
        ):
            plural = candidate
        if plural is None:
            continue
        kind = plural["kind"][0].upper() + plural["kind"][1:]
        mentions.append((match.start(), kind, match["number"], match["rest"]))
    mentions.sort()
    for position, kind, raw_number, rest in mentions:
        number = re.sub(r"\s+", "", raw_number).rstrip(".-/")
        date = None
        if d := CITED_DATE.match(rest):
            date = dates.parse_date(d[1])
            rest = rest[d.end() :]
        issuer = ""
        if m := re.match(r"\s*,?\s*của\s+", rest):
            issuer = clean(ISSUER_STOP.split(rest[m.end() :], maxsplit=1)[0])
        elif m := re.search(r"của\s+([^,;()]{3,100}?)\s+tại\s*$", text[:position]):
            # "đề xuất của Sở Khoa học và Công nghệ tại Tờ trình số 836/TTr-SKHCN"
            issuer = clean(m[1])
        entry = cited.setdefault(
            number, {"kind": kind, "number": number, "date": None, "issuer": ""}
        )
        entry["date"] = entry["date"] or (date.isoformat() if date else None)
        entry["issuer"] = entry["issuer"] or issuer
    return list(cited.values())


def issuer_from_preamble(text: str) -> str:
    """The body the preamble says issues or asks ("…, UBND tỉnh ban hành Kế hoạch…")."""
    for verb in ("ban hành", "đề nghị"):
        for match in re.finditer(rf"([^,;:()]{{3,80}}?)\s+{verb}\s", text):
            candidate = clean(match[1])
            if ORG_HEADS.match(candidate):
                return candidate
    return ""


# --- sections -----------------------------------------------------------------------------


def sections(doc: Document) -> list[Node]:
    found = [c for c in doc.body.children if c.kind == "section"]
    if found:
        return found
    return [Node("section", "", "", list(doc.body.children))]


def section_kind(section: Node) -> str:
    title = fold(section.text)
    if "muc dich" in title or ("yeu cau" in title and "noi dung" not in title):
        return "purpose"
    if any(
        w in title
        for w in (
            "to chuc thuc hien",
            "trach nhiem",
            "phan cong",
            "to chuc theo doi",
            "nhiem vu cu the",
        )
    ):
        return "implementation"
    if title.startswith("kinh phi"):
        return "budget"
    return "content"


def read_purposes(section: Node, draft: Draft) -> None:
    items = [c for c in section.children if c.kind in ("item", "letter")]
    labelled = [i for i in items if label_is(i.text, "muc dich", "yeu cau")]
    for item in labelled:
        if label_is(item.text, "muc dich"):
            draft["purposes"] += leaf_items(item)
        else:
            draft["requirements"] += leaf_items(item)
    if not labelled:
        # Numbered aims without "Mục đích" / "Yêu cầu" sub-headings.
        key = "purposes" if "muc dich" in fold(section.text) or not items else "requirements"
        draft[key] += [node_text(i) for i in items] if items else leaf_items(section)


def budget_text(node: Node) -> str:
    """The budget item or section's words, its paragraphs and bullets joined with a space and
    their own sentence ends kept; a leading "Kinh phí …:" label dropped."""
    parts = (
        [split_label(node.text)[1] if ":" in node.text else ""] if node.kind != "section" else []
    )
    if node.kind != "section" and ":" not in node.text and not node.children:
        parts = [node.text]
    parts += [child.text for child in node.walk() if child.text]
    text = " ".join(p.strip() for p in parts if p.strip())
    head, sep, rest = text.partition(":")
    if sep and fold(head).startswith("kinh phi") and len(head) < 60:
        text = rest
    return clean(text)


# --- activities, period -------------------------------------------------------------------

ACTIVITY_LINES = {
    "window": ("thoi gian", "thoi han", "tien do"),
    "lead": (
        "co quan chu tri",
        "don vi chu tri",
        "chu tri",
        "co quan thuc hien",
        "don vi thuc hien",
        "co quan, don vi chu tri",
        "co quan, don vi thuc hien",
    ),
    "partners": ("co quan phoi hop", "don vi phoi hop", "phoi hop", "co quan, don vi phoi hop"),
}
GROUP_WORDS = re.compile(
    r"^(?:ban|ngành|phường|xã|thị trấn|thị xã|thành phố|huyện|đoàn thể|đơn vị|địa phương|"
    r"viễn thông|công nghệ số|công nghệ thông tin|bưu chính|truyền hình|thông tin|"
    r"khoa học|thể thao|du lịch|cơ quan|ngân hàng|doanh nghiệp)\b"
)
ORG_HEADS = re.compile(
    r"^(?:Sở|Ban|Văn phòng|VP|Công an|UBND|UB|Ủy ban|Uỷ ban|Báo|Đài|Hội|Cục|Bộ|Trường|"
    r"Tỉnh đoàn|Tỉnh Đoàn|Tỉnh ủy|Tỉnh uỷ|Tỉnh Ủy|Thành đoàn|Thành Đoàn|Thành ủy|Thành uỷ|"
    r"Huyện đoàn|Các|các|Bưu điện|Liên đoàn|Liên minh|"
    r"Liên hiệp|Viễn thông|Trung tâm|Hiệp hội|Đảng ủy|Đảng uỷ|Mặt trận|MTTQ|Viettel|VNPT|"
    r"Mobifone|Chi cục|Phòng|Kho bạc|Ngân hàng|Tổng công ty|Công ty|Doanh nghiệp|Đoàn|Quân|"
    r"Bộ Chỉ huy|Bệnh viện|Cổng|Thanh tra|Hội đồng|HĐND|Chính phủ|Thủ tướng|Khối|khối)\b"
)


def split_names(text: str) -> list[str]:
    """Agency names in a list: split at ';' and at ',' where a new agency starts."""
    names: list[str] = []
    for part in re.split(
        r";|\s+và\s+(?=(?:các\s+)?(?:Sở|UBND|Ủy ban|Uỷ ban|Ban)\b)|\s+và\s+(?=các\s)", text
    ):
        chunks = [c.strip() for c in part.split(",")]
        current = ""
        for chunk in chunks:
            if current and ORG_HEADS.match(chunk) and not GROUP_WORDS.match(chunk):
                names.append(clean(current))
                current = chunk
            else:
                current = f"{current}, {chunk}" if current else chunk
        if current:
            names.append(clean(current))
    return [n for n in names if n]


# "Hoàn thành trong năm 2025", "trước ngày 15/12/2025": a time that names only an end.
COMPLETION = re.compile(r"^(?:hoan thanh|xong|truoc|cham nhat|han)\b")


def _window(text: str) -> tuple[str | None, str | None]:
    window = dates.parse_window(text)
    if window is None:
        return None, None
    start = None if COMPLETION.match(fold(text).strip()) else window.start
    return (
        start.isoformat() if start else None,
        window.end.isoformat() if window.end else None,
    )


def _activity_lines(item: Node) -> dict[str, str]:
    """The item's own "Thời gian …:", "Cơ quan chủ trì:", "Cơ quan phối hợp:" lines; a line
    "Cơ quan thực hiện:" with bullets "Đơn vị chủ trì: …" below it is read through."""
    lines: dict[str, str] = {}
    for child in item.children:
        if child.kind not in ("bullet", "letter", "para"):
            continue
        head, rest = split_label(child.text)
        folded = fold(head)
        if child.kind == "letter" and folded.startswith(("co quan thuc hien", "don vi thuc hien")):
            inner = _activity_lines(child)
            if inner:
                for key, value in inner.items():
                    lines.setdefault(key, value)
                continue
        for key, words in ACTIVITY_LINES.items():
            if folded.startswith(words) and key not in lines and len(head) < 60:
                lines[key] = rest
                break
    return lines


def _is_activity_line(text: str) -> bool:
    head = fold(split_label(text)[0])
    return len(head) < 60 and (
        any(head.startswith(w) for ws in ACTIVITY_LINES.values() for w in ws)
        or head.startswith(("nhiem vu", "noi dung", "san pham", "ket qua"))
    )


TRAILING_WINDOW = re.compile(r"\s*\(([^()]*\d{4}[^()]*)\)\s*\.?$")


def read_activity(item: Node, number: str | None = None) -> dict[str, Any] | None:
    lines = _activity_lines(item)
    number = number or item.label
    if not lines:
        trailing = TRAILING_WINDOW.search(item.text)
        if not trailing or item.children or dates.parse_window(trailing[1]) is None:
            return None
        window_text = clean(trailing[1])
        starts_on, ends_on = _window(window_text)
        return {
            "number": number,
            "text": clean(item.text[: trailing.start()]),
            "window_text": window_text,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "lead": [],
            "partners": [],
        }
    body: list[str] = []
    for child in item.children:
        if label_is(child.text, "noi dung") and len(split_label(child.text)[0]) < 40:
            # "- Nội dung: …" under a heading such as "a) Hoạt động 1".
            body = [split_label(child.text)[1]] + [c.text for c in child.walk() if c.text]
            break
        if child.kind in ("letter", "item") or _is_activity_line(child.text):
            break
        body.append(node_text(child) if child.kind == "bullet" else child.text)
    text = (
        clean(" ".join(body))
        if body
        else clean(split_label(item.text)[0] if item.text.rstrip().endswith(":") else item.text)
    )
    window_text = lines.get("window", "")
    starts_on, ends_on = _window(window_text)
    return {
        "number": number,
        "text": text,
        "window_text": window_text,
        "starts_on": starts_on,
        "ends_on": ends_on,
        **_lead_and_partners(lines.get("lead", ""), lines.get("partners", "")),
    }


LEAD_WITH_PARTNERS = re.compile(
    r"^(?P<lead>.+?)\s+chủ trì(?:\s*,\s*|\s+)(?:và\s+)?phối hợp(?:\s+với)?\s+(?P<partners>.+)$"
)


def _lead_and_partners(lead: str, partners: str) -> dict[str, list[str]]:
    """ "Sở Y tế chủ trì, phối hợp với các sở, …" on one line gives both."""
    if m := LEAD_WITH_PARTNERS.match(clean(lead)):
        lead = m["lead"]
        partners = f"{m['partners']}; {partners}" if partners else m["partners"]
    elif m := re.match(r"^(?P<lead>.+?)\s+chủ trì$", clean(lead)):
        lead = m["lead"]
    return {"lead": split_names(lead), "partners": split_names(partners)}


def find_activities(node: Node, path: str = "") -> list[dict[str, Any]]:
    """Activities at any depth: "1.", "1.1.", "a)" under them; a letter's number is its
    item's followed by the letter ("3.1.a"). An item whose bullets each carry their own lead
    and time lines gives one activity per bullet, numbered after it ("4.1", "4.2")."""
    found: list[dict[str, Any]] = []
    for child in node.children:
        if child.kind not in ("item", "letter"):
            continue
        own = child.kind == "item" or not path
        number = child.label if own else f"{path}.{child.label}"
        if label_is(child.text, "kinh phi", "thoi gian") and not _activity_lines(child):
            continue
        groups = _activity_groups(child)
        if len(groups) >= 2:
            for index, group in enumerate(groups, 1):
                part = Node(child.kind, child.label, child.text, group)
                activity = read_activity(part, f"{number}.{index}")
                if activity:
                    found.append(activity)
            continue
        activity = read_activity(child, number)
        if activity:
            found.append(activity)
        else:
            found += find_activities(child, number)
    return found


def _activity_groups(item: Node) -> list[list[Node]]:
    """The item's children cut after each run of lead/partner/time lines."""
    groups: list[list[Node]] = []
    current: list[Node] = []
    seen_line = False
    for child in item.children:
        line = child.kind in ("bullet", "para", "letter") and _is_activity_line(child.text)
        if seen_line and not line:
            groups.append(current)
            current, seen_line = [], False
        current.append(child)
        seen_line = seen_line or line
    if current:
        groups.append(current)
    return [g for g in groups if any(_is_activity_line(c.text) for c in g)]


def read_period(node: Node) -> dict[str, Any] | None:
    text = split_label(node.text)[1] or node_text(node)[len(clean(node.text)) :].strip()
    if not text:
        paras = [c.text for c in node.children if c.kind in ("para", "bullet")]
        text = clean(" ".join(paras))
    text = clean(text)
    start, end = _window(text)
    if not text:
        return None
    return {"text": text, "start": start, "end": end}


# --- event --------------------------------------------------------------------------------


def read_event(content: list[Node], draft: Draft) -> dict[str, Any]:
    event: dict[str, Any] = {
        "starts_at": None,
        "venue": "",
        "mode": "in_person",
        "bridge_points": [],
        "invitees": [],
        "quota_total": None,
        "quotas": [],
        "program": [],
        "program_start": None,
        "program_end": None,
        "side_activities": [],
    }
    mode_text = ""
    for section in content:
        for node in section.walk():
            if node.kind not in ("item", "letter"):
                continue
            if label_is(node.text, "thoi gian") and event["starts_at"] is None:
                moment = dates.parse_datetime(node_text(node))
                event["starts_at"] = moment.isoformat(timespec="minutes") if moment else None
            elif label_is(node.text, "dia diem"):
                mode_text += " " + fold(node_text(node))
                event["venue"] = event["venue"] or _venue(node)
            elif label_is(node.text, "hinh thuc"):
                mode_text += " " + fold(node_text(node))
            elif label_is(node.text, "thanh phan"):
                _read_attendance(node, event)
            elif label_is(node.text, "noi dung chuong trinh", "chuong trinh"):
                _read_program(node, event)
            elif label_is(node.text, "hoat dong ben le"):
                event["side_activities"] = [
                    {"title": split_label(text)[0]} for text in leaf_items(node)
                ]
    if "truc tuyen" in mode_text:
        event["mode"] = (
            "hybrid" if re.search(r"truc tiep|hoi truong|ket hop", mode_text) else "online"
        )
    return event


def _venue(node: Node) -> str:
    text = split_label(node.text)[1]
    if not text:
        for item in leaf_items(node):
            head, rest = split_label(item)
            if "chinh" in fold(head):
                text = rest
                break
    text = re.sub(r"^(?:Trực tiếp\s+)?tại\s+", "", text, flags=re.I)
    text = re.split(r"\s+(?:và kết nối|kết hợp|và trực tuyến)\b", text)[0]
    return clean(text)


def _is_bridge_heading(text: str) -> bool:
    return fold(text).startswith(("tai diem", "diem cau"))


def _read_attendance(node: Node, event: dict[str, Any]) -> None:
    points = [n for n in node.walk() if n.kind in ("item", "letter") and _is_bridge_heading(n.text)]
    leaves = [
        p
        for p in points
        if not any(_is_bridge_heading(c.text) for c in p.walk() if c.kind in ("item", "letter"))
    ]
    for point in leaves:
        name = re.sub(r"^Tại\s+", "", split_label(point.text)[0], flags=re.I)
        attendees = _attendees(point, event)
        event["bridge_points"].append({"name": clean(name), "attendees": attendees})
    if not leaves:
        for child in node.walk():
            if child.kind in ("item", "letter") and label_is(
                child.text, "dai bieu", "khach moi", "thanh phan moi"
            ):
                event["invitees"] += list(leaf_items(child))
            elif child.kind in ("item", "letter") and _is_quota_heading(child.text):
                _read_quotas(child, event)


def _is_quota_heading(text: str) -> bool:
    return "huy dong" in fold(split_label(text)[0]) or "luc luong" in fold(split_label(text)[0])


def _attendees(point: Node, event: dict[str, Any]) -> list[str]:
    result: list[str] = []
    bullets = [c for c in point.children if c.kind in ("bullet", "letter")]
    if not bullets:
        rest = split_label(node_text(point))[1] if ":" in point.text else node_text_paras(point)
        return [rest] if rest else []
    for bullet in point.walk():
        if bullet.kind not in ("bullet", "letter"):
            continue
        if _is_quota_heading(bullet.text) and bullet.children:
            _read_quotas(bullet, event)
            continue
        if _inside_quota(point, bullet):
            continue
        _head, rest = split_label(bullet.text)
        if not rest and bullet.text.rstrip().endswith(":"):
            continue
        result.append(node_text(bullet))
    return result


def node_text_paras(node: Node) -> str:
    return clean(" ".join(c.text for c in node.children if c.kind == "para"))


def _inside_quota(root: Node, target: Node) -> bool:
    for node in root.walk():
        quota = node.kind == "bullet" and _is_quota_heading(node.text) and node.children
        if quota and any(n is target for n in node.walk()):
            return True
    return False


def _read_quotas(node: Node, event: dict[str, Any]) -> None:
    heading_text = " ".join([node.text] + [c.text for c in node.children if c.kind == "para"])
    if total := QUOTA_TOTAL.search(heading_text):
        event["quota_total"] = int(total[1].replace(".", ""))
    for child in node.children:
        if child.kind != "bullet":
            continue
        quota = read_quota(node_text(child))
        if quota:
            event["quotas"].append(quota)


def read_quota(text: str) -> dict[str, Any] | None:
    head, sep, rest = text.partition(":")
    count = NUMBER.search(rest) if sep else None
    if not count:
        return None
    subs: list[dict[str, Any]] = []
    parts = re.findall(r"\(([^()]*)\)", rest)
    if m := re.search(r"\bgồm\s+([^()]*)", rest):
        parts.insert(0, m[1])
    for part in parts:
        if fold(part.strip()).startswith(_NOT_SUB_QUOTA):
            continue  # "(mỗi huyện cử 01 tổ …)" says how to share, not a sub-quota
        pieces = list(re.split(r";", part))
        if len(pieces) == 1:
            pieces = re.split(r",|\s+và\s+", part)
        for piece in pieces:
            sub = _sub_quota(piece)
            if sub:
                subs.append(sub)
    return {"group": clean(head), "count": int(count[0].replace(".", "")), "sub": subs}


_NOT_SUB_QUOTA = ("moi ", "thuoc ", "trong do", "tuong duong")


def _sub_quota(piece: str) -> dict[str, Any] | None:
    piece = clean(piece)
    if not piece or fold(piece).startswith(_NOT_SUB_QUOTA):
        return None
    if m := re.match(r"^(\d+)\s+(.+)$", piece):
        return {"group": clean(m[2]), "count": int(m[1])}
    if m := re.match(r"^(.+?)\s*:?\s*(\d+)(?:\s*(?:người|đồng chí|tổ|đại biểu))?$", piece):
        return {"group": clean(m[1]), "count": int(m[2])}
    return None


def _read_program(node: Node, event: dict[str, Any]) -> None:
    times = dates.parse_times(split_label(node.text)[1])
    if times:
        event["program_start"] = times[0].strftime("%H:%M")
        event["program_end"] = times[1].strftime("%H:%M") if len(times) > 1 else None
    for text in leaf_items(node):
        if node.children and text == split_label(node.text)[1]:
            continue
        cap = CAP.search(text)
        title = clean(CAP.sub(" ", text)) if cap else text
        event["program"].append({"title": title, "cap_minutes": int(cap[1]) if cap else None})


# --- tasks --------------------------------------------------------------------------------

REQUEST = re.compile(r"^(?:Đề nghị|Giao|Yêu cầu)\s+", re.I)
OWN_UNIT = re.compile(r"^(?:Đề nghị|Giao)\s+([^:]{3,150}):\s*(.+)$", re.S)


# The words a duty's sentence goes on with after its subject (the unit): "Sở Y tế có trách
# nhiệm …", "các sở, ban, ngành … căn cứ …", "Công an tỉnh chủ trì, phối hợp với …".
PREDICATE = re.compile(
    r"\s(?:có trách nhiệm|chịu trách nhiệm|chủ trì|phối hợp|là cơ quan|là đơn vị|căn cứ|"
    r"khẩn trương|chủ động|(?<!các )tổ chức|triển khai|thực hiện|xây dựng|tham mưu|theo dõi|"
    r"hướng dẫn|định kỳ|phản hồi|phản ánh|báo cáo|rà soát|bố trí|tăng cường|đẩy mạnh|tiếp tục|"
    r"quán triệt|cân đối|lập|gửi|cử|nghiên cứu|trong phạm vi|kịp thời|đôn đốc|kiểm tra|"
    r"giám sát|tập trung|ban hành|đề xuất|vận động|hỗ trợ|cập nhật|lồng ghép|nâng cao|duy trì|"
    r"tuyên truyền|thường xuyên|phụ trách|quyết định|chỉ đạo|đảm bảo|bảo đảm|nghiêm túc|"
    r"phân công|chuẩn bị|tổng hợp|phổ biến|đăng tải|cung cấp|giải quyết|đề nghị|sử dụng|"
    r"quản lý|điều phối|huy động|phát huy|trực|tiếp nhận|thành lập|kiện toàn|làm đầu mối|"
    r"ưu tiên|đổi mới|vận hành|chịu|có(?!\s+liên quan))(?=[\s,.;:]|$)"
)
STRONG_PREDICATE = re.compile(
    r"\s(?:có trách nhiệm|chịu trách nhiệm|chủ động|khẩn trương|căn cứ|nghiêm túc)\b"
)
PREDICATE_CHU_TRI = re.compile(r"\schủ trì\b")
LEADING_CLAUSE = re.compile(
    r"^(?:Trên cơ sở|Căn cứ|Trong quá trình|Đối với|Sau khi|Để|Trong phạm vi|Theo|"
    r"Hằng năm|Hàng năm|Định kỳ|Trong thời gian|Ngoài ra|Đồng thời)\b"
)
TIME_LINE = re.compile(r"^(?:Thời gian|Thời hạn|Hạn)\s+(?:hoàn thành|thực hiện)?\s*:", re.I)
GROUP_CHUNK = re.compile(
    r"^(?:ban|ngành|phường|xã|đặc khu|thị trấn|thị xã|thành phố|huyện|đoàn thể|đơn vị|"
    r"địa phương|cơ quan|tổ chức|doanh nghiệp|hội|trường|các|hợp tác xã)\b"
)


def subject_unit(text: str) -> tuple[str, str] | None:
    """The unit a sentence names as its subject, and the words after it."""
    text = REQUEST.sub("", text.strip())
    start = 0
    if not (names_unit(text) or PERSON_HEADS.match(text)):
        if not LEADING_CLAUSE.match(text):
            return None
        for m in re.finditer(r",\s+", text[:260]):
            if ORG_HEADS.match(text[m.end() :]):
                start = m.end()
                break
        else:
            for m in re.finditer(r"\s(?=(?:các|Các)\s+(?:sở|cơ quan|đơn vị|ngành)\b)", text[:260]):
                start = m.end()
                break
            else:
                return None
    chunks = re.split(r"(,\s+)", text[start:])
    unit = ""
    consumed = start
    for index in range(0, len(chunks), 2):
        chunk = chunks[index]
        sep = chunks[index + 1] if index + 1 < len(chunks) else ""
        if unit and not (chunk[:1].isupper() or GROUP_CHUNK.match(chunk)):
            return (clean(unit), clean(text[consumed:])) if len(unit) < 220 else None
        predicate = PREDICATE.search(" " + chunk)
        if predicate and re.search(r"\sđược$", " " + chunk[: max(predicate.start() - 1, 0)]):
            # "Các cơ quan được phân công chủ trì … có trách nhiệm …": the clause with
            # "được" belongs to the subject; the sentence goes on at its main verb.
            whole = text[consumed:]
            main = STRONG_PREDICATE.search(whole) or PREDICATE_CHU_TRI.search(whole)
            if not main:
                return None
            unit = f"{unit}, {whole[: main.start()]}" if unit else whole[: main.start()]
            return (clean(unit), clean(whole[main.start() :])) if len(unit) < 220 else None
        if predicate:
            head = chunk[: max(predicate.start() - 1, 0)].strip()
            if head:
                unit = f"{unit}, {head}" if unit else head
            elif not unit:
                return None
            rest = chunk[max(predicate.start() - 1, 0) :]
            rest_at = text.find(rest, consumed)
            return (clean(unit), clean(text[rest_at:])) if len(unit) < 220 else None
        unit = f"{unit}, {chunk}" if unit else chunk
        consumed += len(chunk) + len(sep)
    return None


# Heads that also begin ordinary words ("Phòng ngừa", "Các hoạt động", "Ban hành"): a unit
# goes on with a capital or with a word that names bodies.
AMBIGUOUS_HEADS = re.compile(
    r"^(?:Phòng|Ban|Hội|Đoàn|Khối|khối|Các|các|Quân|Cổng|Trường|Trung tâm|Doanh nghiệp|"
    r"Công ty|Ngân hàng|Thanh tra|Hội đồng|Bộ|Cục|Báo|Đài|Liên hiệp)\s+(?P<next>\S+)"
)
BODY_NOUNS = re.compile(
    r"^(?:sở|cơ quan|đơn vị|ban|ngành|xã|phường|địa phương|tổ chức|doanh nghiệp|hội|"
    r"trường|thành viên|huyện|tỉnh|cấp|đoàn thể|bộ|nhà mạng|hợp tác xã|lực lượng|phòng|"
    r"đối tượng|chủ đầu tư|đài|báo|chủ|ủy|uỷ)\b"
)


def names_unit(text: str) -> bool:
    """Whether ``text`` starts with the name of a body (not just a word such as "Phòng ngừa")."""
    if not ORG_HEADS.match(text):
        return False
    if m := AMBIGUOUS_HEADS.match(text):
        following = text[m.start("next") :]
        if re.match(r"^và\s+[A-ZĐÀ-Ỹ]", following):
            return True  # "Báo và Phát thanh, truyền hình tỉnh"
        return following[:1].isupper() or bool(BODY_NOUNS.match(following.lower()))
    return True


def _is_unit_heading(text: str) -> bool:
    """A heading that only names a unit: "1. Sở Khoa học và Công nghệ", "Trưởng Ban Chỉ đạo"."""
    head = REQUEST.sub("", clean(text))
    if not head or len(head) > 200 or head.endswith((".", ";")):
        return False
    if fold(head).startswith(TOPIC_WORDS):
        return False
    if PREDICATE.search(" " + re.sub(r"\([^()]*\)", "", head)):
        return False  # a sentence that starts with a unit, not a heading
    return bool(names_unit(head) or PERSON_HEADS.match(head))


TOPIC_WORDS = (
    "nhiem vu",
    "ve ",
    "cong tac",
    "che do",
    "muc tieu",
    "noi dung",
    "thoi gian",
    "kinh phi",
    "trach nhiem",
    "phan cong",
    "to chuc thuc hien",
    "giai phap",
    "tien do",
)


def _bare_heading(text: str) -> bool:
    """In the implementation section an item that is only a name, with its duties below it,
    names a unit even when the name is not one we know ("các khu công nghiệp tỉnh", "Đối
    tượng thực hiện kiểm kê"). A heading that ends with a colon is a name only without a
    verb ("Sở Tài chính:"); with one it is a sentence ("X chủ trì, phối hợp với Y …:")."""
    raw = text.strip()
    head = REQUEST.sub("", clean(text))
    words = re.sub(r"\([^()]*\)", "", head).split()
    if not 0 < len(words) <= 30 or raw.endswith((".", ";", "./.")):
        return False
    if fold(head).startswith(TOPIC_WORDS):
        return False
    return not raw.endswith(":") or not PREDICATE.search(" " + re.sub(r"\([^()]*\)", "", head))


PERSON_HEADS = re.compile(
    r"^(?:Trưởng|Phó|Thành viên|Các thành viên|Chủ tịch|Giám đốc|Thủ trưởng|"
    r"Người đứng đầu)\b"
)


def read_tasks(section: Node, *, implementation: bool = True) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = []
    prefix = "" if implementation else (f"{section.label}." if section.label else "")
    for item in section.children:
        if item.kind in ("item", "letter"):
            tasks += _item_tasks(item, prefix + item.label, implementation=implementation)
        elif item.kind in ("bullet", "para") and implementation:
            tasks += _body_tasks([item], "", None)
    return tasks


def _task(section: str, unit: str, text: str) -> dict[str, Any]:
    return {"section": section, "unit": unit, "text": text, "deadline": _deadline(text)}


def _deadline(text: str) -> str | None:
    return dates.find_deadline_moment(text)


def _item_tasks(item: Node, label: str, *, implementation: bool) -> list[dict[str, Any]]:
    bodies = [c for c in item.children if c.kind in ("bullet", "para")]
    subitems = [c for c in item.children if c.kind in ("item", "letter")]
    childless = not item.children
    heading, inline = _unit_heading(item.text, childless=childless and implementation)
    named = _is_unit_heading(item.text) or (implementation and _bare_heading(item.text))
    if inline or (named and (bodies or subitems)):
        unit = heading
        tasks = [_task(label, unit, inline)] if inline else []
        tasks += _body_tasks(bodies, label, unit)
        for sub in subitems:
            sub_tasks = _item_tasks(sub, f"{label}.{sub.label}", implementation=implementation)
            if not sub_tasks:
                sub_tasks = [_task(label, unit, node_text(sub))]
            tasks += sub_tasks
        return tasks
    if subitems and not implementation and not any(_subject_of(b.text) for b in bodies):
        tasks = []
        for sub in subitems:
            tasks += _item_tasks(sub, f"{label}.{sub.label}", implementation=implementation)
        return tasks
    tasks = []
    subject = _subject_of(item.text)
    asks = bool(REQUEST.match(item.text))
    if subject and (implementation or asks or item.text.rstrip().endswith(":")):
        unit, rest = subject
        if rest.rstrip().endswith(":") and bodies:
            tasks += _body_tasks(bodies, label, unit)
        else:
            tasks.append(
                _task(
                    label,
                    unit,
                    clean(" ".join([rest] + [b.text for b in bodies if b.kind == "para"])),
                )
            )
            tasks += _body_tasks([b for b in bodies if b.kind == "bullet"], label, None)
    elif (
        item.text.rstrip().endswith(":")
        and bodies
        and bodies[0].kind == "para"
        and (s := _subject_of(bodies[0].text))
        and s[1].endswith(":")
    ):
        tasks += _body_tasks(bodies[1:], label, s[0])
    elif implementation or any(b.kind == "bullet" for b in bodies):
        tasks += _body_tasks(bodies, label, None) if implementation else []
        if not implementation:
            for i, b in enumerate(bodies):
                if b.kind == "para" and (s := _subject_of(b.text)) and s[1].endswith(":"):
                    following = []
                    for c in bodies[i + 1 :]:
                        if c.kind != "bullet":
                            break
                        following.append(c)
                    tasks += _body_tasks(following, label, s[0])
    for sub in subitems:
        tasks += _item_tasks(sub, f"{label}.{sub.label}", implementation=implementation)
    return tasks


def _subject_of(text: str) -> tuple[str, str] | None:
    found = subject_unit(clean(text) if not text.rstrip().endswith(":") else text.strip())
    if not found:
        return None
    unit, rest = found
    if text.rstrip().endswith(":") and not rest.endswith(":"):
        rest += ":"
    return unit, rest


def _body_tasks(bodies: list[Node], label: str, unit: str | None) -> list[dict[str, Any]]:
    """One task per bullet or paragraph; a "Thời gian hoàn thành: …" line after one gives
    that task its deadline."""
    tasks: list[dict[str, Any]] = []
    for body in bodies:
        text = node_text(body) if body.kind == "bullet" else clean(body.text)
        timed = TRAILING_TIME.search(text)
        if timed and not TIME_LINE.match(text):
            text = clean(text[: timed.start()])
        if TIME_LINE.match(text):
            if tasks and tasks[-1]["deadline"] is None:
                tasks[-1]["deadline"] = _time_line_deadline(split_label(text)[1])
            continue
        own = unit
        if m := OWN_UNIT.match(text):
            own, text = clean(m[1]), clean(m[2])
        elif unit is None:
            subject = _subject_of(text)
            if not subject:
                continue
            own, text = subject
            text = clean(text)
        if not text:
            continue
        tasks.append(_task(label, own, text))
        if timed and tasks[-1]["deadline"] is None:
            tasks[-1]["deadline"] = _time_line_deadline(timed["when"])
    return tasks


TRAILING_TIME = re.compile(
    r"[.;]\s*(?:Thời gian|Thời hạn)\s+(?:hoàn thành|thực hiện)\s*:\s*(?P<when>[^.;]+)\.?$"
)


def _time_line_deadline(text: str) -> str | None:
    return dates.find_deadline_moment(text) or _window(text)[1]


def partition_colon(text: str) -> tuple[str, str, str]:
    """Like ``str.partition(":")``, but a colon inside parentheses ("(gồm các Sở: …)") is
    part of the heading."""
    depth = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == ":" and depth == 0:
            return text[:index], ":", text[index + 1 :]
    return text, "", ""


def _unit_heading(text: str, *, childless: bool = False) -> tuple[str, str]:
    """The unit(s) an implementation item names, and the duty written on the same line."""
    head, sep, rest = partition_colon(text)
    head = REQUEST.sub("", clean(head))
    # With nothing below it, "X: duty" can only be a unit and its duty, whatever X is.
    named = names_unit(head) or (
        childless and not PREDICATE.search(" " + head) and not fold(head).startswith(TOPIC_WORDS)
    )
    if sep and rest.strip() and named and len(head) < 160:
        return _without_role(head), clean(rest)
    return _without_role(REQUEST.sub("", clean(text))), ""


ROLE = re.compile(
    r"\s*\((?:cơ quan|đơn vị|là|thường trực)[^()]*\)\s*$"
    r"|\s+[-–]\s+(?:cơ quan|đơn vị|thường trực)\b[^()]*$",
    re.I,
)


def _without_role(unit: str) -> str:
    """ "Sở Nội vụ (Cơ quan thường trực Ban …)" names Sở Nội vụ."""
    return clean(ROLE.sub("", clean(unit)))


def closing_tasks(closing: str) -> list[dict[str, Any]]:
    """Work a closing paragraph asks for by a date ("… báo cáo … trước ngày 05/11/2025")."""
    tasks = []
    asked = re.search(r"yêu cầu\s+(.+?)\s+(?:nghiêm túc|triển khai|tổ chức|thực hiện)", closing)
    if not asked:
        return []
    for clause in re.split(r";", closing[asked.end() :]):
        deadline = dates.find_deadline_moment(clause)
        if deadline:
            tasks.append(
                {
                    "section": "",
                    "unit": clean(asked[1]),
                    "text": clean(clause),
                    "deadline": deadline,
                }
            )
    return tasks


def letter_tasks(draft: Draft, content: list[Node]) -> list[dict[str, Any]]:
    end = (draft.get("period") or {}).get("end")
    items = [
        c
        for s in content
        for c in s.children
        if c.kind == "item" and not label_is(c.text, "thoi gian", "kinh phi")
    ]
    return [
        {"section": item.label, "unit": addressee, "text": clean(item.text), "deadline": end}
        for addressee in draft["addressees"]
        for item in items
    ]


# --- tail ---------------------------------------------------------------------------------


def read_tail(lines: list[str], draft: Draft) -> None:
    recipients: list[str] = []
    signature: list[str] = []
    names: list[str] = []
    in_recipients = False
    for paragraph in lines:
        for line in [paragraph]:
            folded = fold(line)
            if folded.startswith("noi nhan"):
                in_recipients = True
                rest = clean(line.split(":", 1)[1]) if ":" in line else ""
                if rest:
                    recipients.append(clean(BULLET.sub(r"\2", rest)))
                continue
            bullet = BULLET.match(line)
            if in_recipients and bullet:
                text = re.sub(r":\s*\+\s+", ": ", bullet[2])
                recipients += [clean(part) for part in re.split(r";\s+(?=\S)", text) if clean(part)]
                if folded.lstrip("- ").startswith("luu"):
                    in_recipients = False
                continue
            in_recipients = False
            if is_upper(line) and not re.search(r"[_\d]", line):
                signature.append(clean(line))
            elif _looks_like_name(line):
                names.append(clean(line))
    draft["recipients"] = recipients
    draft["signer_title"] = "\n".join(signature)
    draft["signer_name"] = names[-1] if names else ""


def _looks_like_name(line: str) -> bool:
    words = clean(line).split()
    return 2 <= len(words) <= 6 and all(w[:1].isupper() and w.isalpha() for w in words)


# --- the whole document -------------------------------------------------------------------


def classify(draft: Draft) -> str:
    title = fold(draft["title"])
    if "le phat dong" in title or "le khai truong" in title or "le ra quan" in title:
        return "launch_ceremony"
    letter = bool(draft["addressees"]) or not draft["doc_type"]
    if letter and ("tuyen truyen" in title or "chi dao" in title):
        return "propaganda_directive"
    if "ngay chuyen doi so" in title:
        return "dx_day"
    return "other"


def read_draft(doc: Document) -> Draft:
    draft: Draft = {
        "kind": "other",
        "issuer": "",
        "number": "",
        "place": "",
        "issued_on": None,
        "doc_type": "",
        "title": "",
        "legal_bases": [],
        "addressees": [],
        "purposes": [],
        "requirements": [],
        "period": None,
        "budget_source": "",
        "activities": [],
        "tasks": [],
        "event": None,
        "recipients": [],
        "signer_title": "",
        "signer_name": "",
    }
    read_header(doc, draft)
    if doc.plan_title:
        draft["title"] = clean(" ".join(doc.plan_title))
    preamble = " ".join(doc.preamble)
    draft["legal_bases"] = read_citations(preamble)
    draft["issuer"] = draft["issuer"] or issuer_from_preamble(preamble)
    if draft["issued_on"]:
        draft["issued_on"] = draft["issued_on"].isoformat()
    draft["kind"] = classify(draft)
    content: list[Node] = []
    implementation: list[Node] = []
    for section in sections(doc):
        kind = section_kind(section)
        if kind == "purpose":
            read_purposes(section, draft)
        elif kind == "implementation":
            implementation.append(section)
        elif kind == "budget":
            draft["budget_source"] = budget_text(section)
        else:
            content.append(section)
    for section in content:
        for item in section.children:
            if item.kind not in ("item", "letter"):
                continue
            if label_is(item.text, "kinh phi") and not _activity_lines(item):
                draft["budget_source"] = draft["budget_source"] or budget_text(item)
            elif label_is(item.text, "thoi gian") and draft["period"] is None:
                draft["period"] = read_period(item)
        draft["activities"] += find_activities(section)
    if draft["kind"] == "launch_ceremony":
        draft["event"] = read_event(content, draft)
    for section in content:
        if draft["kind"] != "launch_ceremony":
            draft["tasks"] += read_tasks(section, implementation=False)
    for section in implementation:
        draft["tasks"] += read_tasks(section)
    if not implementation and draft["addressees"]:
        draft["tasks"] = letter_tasks(draft, content)
    draft["tasks"] += closing_tasks(clean(" ".join(doc.closing)))
    draft["tasks"] += tables_tasks([t for t in doc.annexes if isinstance(t, TableLine)], clean)
    read_tail(doc.tail, draft)
    return draft


__all__ = ["join_lines", "read_draft"]
