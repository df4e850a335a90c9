"""From extracted text to the document's parts: header lines, body outline, closing, tail.

Text taken from a PDF is cut at every line end, littered with blank lines, page numbers and
runs of spaces. `split_document` repairs that and returns the header lines as they are (their
order is the layout's, not the reading's), the body as an outline of roman sections, numbered
and lettered items, bullets and paragraphs, and the lines after the body (recipients and
signature).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hocvuso.core.tables import fold
from hocvuso.plans.importer.marks import BULLET, LETTERED, NUMBERED, ROMAN, starts_marker
from hocvuso.plans.importer.normalise import TableLine, normalise

PAGE_NUMBER = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$|^(?:trang|page)\s+\d+(?:\s*/\s*\d+)?$")
SENTENCE_END = re.compile(r"[.:;!?…](?:[”\"’')\]]*)$")
PREAMBLE_OPENERS = (
    "thuc hien",
    "can cu",
    "xet de nghi",
    "theo de nghi",
    "tren co so",
    "thuc hien chi dao",
    "trien khai",
    "de trien khai",
    "nham",
)
DOC_TYPES = (
    "KẾ HOẠCH",
    "QUYẾT ĐỊNH",
    "CHỈ THỊ",
    "THÔNG BÁO",
    "BÁO CÁO",
    "HƯỚNG DẪN",
    "CHƯƠNG TRÌNH",
    "ĐỀ ÁN",
    "KẾT LUẬN",
    "TỜ TRÌNH",
    "CÔNG ĐIỆN",
    "CÔNG VĂN",
    "NGHỊ QUYẾT",
)
MOTTO = ("cong hoa xa hoi chu nghia viet nam", "doc lap - tu do - hanh phuc")


@dataclass
class Node:
    kind: str  # root, section, item, letter, bullet, para
    label: str
    text: str
    children: list[Node] = field(default_factory=list)

    def walk(self):
        for child in self.children:
            yield child
            yield from child.walk()

    @property
    def depth(self) -> int:
        return self.label.count(".") + 1 if self.kind == "item" else 0


@dataclass
class Document:
    header: list[str]
    preamble: list[str]
    body: Node
    closing: list[str]
    tail: list[str]
    # A decision that issues a plan: the plan's own title lines (its header is the decision's).
    plan_title: list[str] = field(default_factory=list)
    # What follows the signature: annexes ("PHỤ LỤC …") with their tables.
    annexes: list[str] = field(default_factory=list)


def clean_lines(text: str) -> list[str]:
    """Lines without page numbers, blank lines, bold marks and runs of spaces."""
    return clean_paragraphs(
        text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    )


def clean_paragraphs(raw_lines: list[str]) -> list[str]:
    lines: list[str] = []
    for raw in raw_lines:
        if isinstance(raw, TableLine):
            lines.append(raw)
            continue
        line = re.sub(r"[ \t\u00a0\u2002-\u200b]+", " ", raw.replace("**", "")).strip()
        if not line or PAGE_NUMBER.match(line.lower()):
            continue
        lines.append(line)
    return lines


def is_upper(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _is_preamble_start(line: str) -> bool:
    folded = fold(line)
    return line[:1].isupper() and not is_upper(line) and folded.startswith(PREAMBLE_OPENERS)


CONNECTORS = {"và", "của", "các", "tại", "với", "cho", "về", "trên", "theo", "đến", "từ", "là"}


def _unclosed(text: str) -> bool:
    return text.count("(") > text.count(")") or text.count("“") > text.count("”")


def _continues(prev: str, prev_len: int, line: str, width: float) -> bool:
    """Whether ``line`` carries on the paragraph ``prev`` whose last line was ``prev_len``
    characters long."""
    if starts_marker(line) or (is_upper(line) and not is_upper(prev)) or _is_opener(line):
        return False
    if line[:1].islower() or _unclosed(prev) or prev.endswith(","):
        return True
    if prev.rsplit(" ", 1)[-1].lower() in CONNECTORS:
        return True
    if is_upper(prev) or prev.endswith(("./.", ":")):
        return False
    if re.search(r"[.!?…;](?:[”\"’')\]]*)$", prev):
        # A full justified line may end a sentence inside a paragraph.
        return prev_len >= 0.93 * width and not prev.endswith(";")
    # A numbered heading stops short of the margin when its text ends; body lines are
    # justified, so only a clearly short line ends a paragraph.
    bare_heading = (NUMBERED.match(prev) or LETTERED.match(prev)) and ":" not in prev
    return prev_len >= (0.9 if bare_heading and prev_len == len(prev) else 0.72) * width


def _is_opener(line: str) -> bool:
    return fold(line).startswith(("tren day la", "noi nhan", "kinh gui"))


LONE_MARK = re.compile(r"^(?:[IVX]{1,4}\.|\d{1,2}(?:\.\d{1,2})*\.?|[a-zđ]\)|[-–+•])$")


def join_lines(lines: list[str]) -> list[str]:
    """Join lines the page cut into paragraphs.

    A line starts a paragraph when it starts with a list mark or is in capitals, or when the
    line before ends a sentence or stops well short of the usual line width.
    """
    if not lines:
        return []
    widths = sorted(len(line) for line in lines if not isinstance(line, TableLine)) or [0]
    width = widths[int(len(widths) * 0.8)] if len(widths) >= 5 else widths[-1]
    paragraphs: list[str] = []
    last_len = 0
    for line in lines:
        if not paragraphs or isinstance(line, TableLine) or isinstance(paragraphs[-1], TableLine):
            paragraphs.append(line)
        elif LONE_MARK.match(paragraphs[-1]):
            paragraphs[-1] += " " + line  # "1." or "-" alone on its line, its text below
        elif re.search(r"\S-$", paragraphs[-1]) and line[:1].isalnum():
            paragraphs[-1] += line
        elif _continues(paragraphs[-1], last_len, line, width):
            paragraphs[-1] += " " + line
        else:
            paragraphs.append(line)
        last_len = len(line)
    return paragraphs


def split_document(text: str, *, paragraphs_known: bool = False) -> Document:
    """``paragraphs_known``: each line is already a paragraph (a Word file), so only words
    cut by a hyphen are joined."""
    normalised = normalise(text, paragraphs_known=paragraphs_known)
    lines = clean_paragraphs(normalised.lines)
    start = _body_start(lines)
    header = [line for line in lines[:start] if not isinstance(line, TableLine)]
    rest = lines[start:]
    paragraphs = _join_hyphens(rest) if normalised.paragraphs_known else join_lines(rest)
    paragraphs, annexes = _split_annexes(paragraphs)
    preamble: list[str] = []
    index = 0
    while index < len(paragraphs) and not starts_marker(paragraphs[index]):
        if _is_tail_start(paragraphs[index]) or _is_decision_article(paragraphs[index]):
            break
        preamble.append(paragraphs[index])
        index += 1
    body_paragraphs: list[str] = []
    closing: list[str] = []
    tail: list[str] = []
    plan_title: list[str] = []
    remaining = paragraphs[index:]
    if _issues_a_plan(header, remaining):
        # "QUYẾT ĐỊNH … ban hành Kế hoạch": the decision's articles and signature, then the
        # plan itself, whose body is the document's content.
        decision, plan = _split_decision(remaining)
        tail = [p for p in decision if not _is_decision_article(p)]
        tail = tail[next((i for i, p in enumerate(tail) if _is_tail_start(p)), len(tail)) :]
        plan_title, remaining = _plan_title(plan)
        # The plan's own closing signature carries no name: drop it with the tail rule.
    for paragraph in remaining:
        if plan_title and _is_tail_start(paragraph):
            break
        if (tail and not plan_title) or _is_tail_start(paragraph):
            tail.append(paragraph)
        elif closing or fold(paragraph).startswith("tren day la"):
            closing.append(paragraph)
        else:
            body_paragraphs.append(paragraph)
            if paragraph.endswith("./.") and not closing:
                closing.append(body_paragraphs.pop())
    if plan_title:
        body_paragraphs = _drop_unsigned_signature(body_paragraphs)
    return Document(
        header, preamble, build_outline(body_paragraphs), closing, tail, plan_title, annexes
    )


def _is_decision_article(paragraph: str) -> bool:
    return bool(re.match(r"^Điều\s+\d{1,2}\s*[.:]", paragraph)) or fold(paragraph) in (
        "quyet dinh:",
        "quyet dinh :",
    )


def _issues_a_plan(header: list[str], paragraphs: list[str]) -> bool:
    is_decision = any(fold(line).rstrip(".: ") == "quyet dinh" for line in header)
    return is_decision and any(_is_plan_start(p) for p in paragraphs)


def _is_plan_start(paragraph: str) -> bool:
    return paragraph.strip().rstrip(".") in ("KẾ HOẠCH", "CHƯƠNG TRÌNH", "PHƯƠNG ÁN", "ĐỀ ÁN")


def _split_decision(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    at = next(i for i, p in enumerate(paragraphs) if _is_plan_start(p))
    return paragraphs[:at], paragraphs[at:]


def _plan_title(plan: list[str]) -> tuple[list[str], list[str]]:
    """The plan's title lines (below "KẾ HOẠCH", above "(Kèm theo …)"), and its body."""
    title: list[str] = []
    index = 1
    while index < len(plan):
        paragraph = plan[index]
        folded = fold(paragraph)
        if folded.startswith(("(kem theo", "(ban hanh kem", "kem theo", "(ban hanh theo")):
            index += 1
            break
        if starts_marker(paragraph) or _is_preamble_start(paragraph):
            break
        title.append(paragraph)
        index += 1
    return title, plan[index:]


def _drop_unsigned_signature(paragraphs: list[str]) -> list[str]:
    """The plan inside a decision ends with the issuer's name in capitals, unsigned."""
    while paragraphs and is_upper(paragraphs[-1]) and not starts_marker(paragraphs[-1]):
        paragraphs = paragraphs[:-1]
    return paragraphs


ANNEX = re.compile(r"^(?:PHỤ LỤC|Phụ lục)\b(?!\s+(?:kèm|số\s+\d+\s+kèm))")


def _split_annexes(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Annexes start at a "PHỤ LỤC" heading after the body's last section; a data table
    anywhere goes with them too, so task tables are read in one place."""
    for i, paragraph in enumerate(paragraphs):
        if i > 0 and ANNEX.match(paragraph) and is_upper(paragraph.split("(")[0]):
            tables = [p for p in paragraphs[:i] if isinstance(p, TableLine)]
            body = [p for p in paragraphs[:i] if not isinstance(p, TableLine)]
            return body, tables + paragraphs[i:]
    tables = [p for p in paragraphs if isinstance(p, TableLine)]
    return [p for p in paragraphs if not isinstance(p, TableLine)], tables


def _join_hyphens(lines: list[str]) -> list[str]:
    joined: list[str] = []
    for line in lines:
        if (
            joined
            and not isinstance(line, TableLine)
            and not isinstance(joined[-1], TableLine)
            and re.search(r"\S-$", joined[-1])
            and line[:1].isalnum()
        ):
            joined[-1] += line
        else:
            joined.append(line)
    return joined


def _is_tail_start(paragraph: str) -> bool:
    folded = fold(paragraph)
    return folded.startswith("noi nhan") or folded.startswith("(gui kem")


def _body_start(lines: list[str]) -> int:
    """Index of the first line after the header: the preamble or the first section."""
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        cut_opener = len(line.split()) == 1 and _is_preamble_start(f"{line} {following}")
        if _is_preamble_start(line) or ROMAN.match(line) or cut_opener:
            return i
        if NUMBERED.match(line) and i > 0 and not BULLET.match(line):
            return i
    return 0


def build_outline(paragraphs: list[str]) -> Node:
    root = Node("root", "", "")
    section = root
    items: list[Node] = []  # open numbered items of the current section, outermost first
    letter: Node | None = None
    bullets: list[tuple[str, Node]] = []

    def container() -> Node:
        if letter is not None:
            return letter
        return items[-1] if items else section

    for paragraph in paragraphs:
        if m := ROMAN.match(paragraph):
            section = Node("section", m[1], m[2].strip())
            root.children.append(section)
            items, letter, bullets = [], None, []
        elif (m := NUMBERED.match(paragraph)) and int(m[1].split(".")[0]) <= 60:
            node = Node("item", m[1], m[2].strip())
            while items and items[-1].depth >= node.depth:
                items.pop()
            (items[-1] if items else section).children.append(node)
            items.append(node)
            letter, bullets = None, []
        elif m := LETTERED.match(paragraph):
            letter = Node("letter", m[1], m[2].strip())
            (items[-1] if items else section).children.append(letter)
            bullets = []
        elif m := BULLET.match(paragraph):
            node = Node("bullet", m[1], m[2].strip())
            marks = [mark for mark, _ in bullets]
            if m[1] in marks:
                del bullets[marks.index(m[1]) :]
            parent = bullets[-1][1] if bullets else container()
            parent.children.append(node)
            bullets.append((m[1], node))
        else:
            container().children.append(Node("para", "", paragraph))
            bullets = []
    return root
