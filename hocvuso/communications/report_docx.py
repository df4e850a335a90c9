"""The directive's report of a campaign ("Báo cáo kết quả tuyên truyền …"): what each level —
the press, the provincial agencies and unions, the communes — did, by channel, over a window,
as a Vietnamese administrative document (.docx, ``core.documents``: issuer and number, motto,
place and date, sections I to III, the tables and their totals, notable outputs, "Nơi nhận" and
the signature block).

The figures are the board's (``selectors.board.board``), so the page and the report say the
same thing. Imported only by the request that builds it: python-docx is not loaded otherwise.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.utils import translation
from docx import Document
from docx.shared import Mm

from hocvuso.communications.models import Campaign, Expectation, Output
from hocvuso.communications.selectors.board import Board, Window, board, notable_outputs
from hocvuso.core import documents
from hocvuso.core.documents import BLANK, body, grid_table, line
from hocvuso.orgunits.models import OrgUnit

# The words of the document are not translated: it is a Vietnamese administrative document
# whatever language its reader's interface uses.
MOVEMENT = "“Bình dân học vụ số”"
ROMAN = ("I", "II", "III")
K = OrgUnit.Kind
# (key, the level as the report names it, the kinds of unit it gathers); a kind not listed
# (agencies, unions, schools, enterprises, the province itself…) is provincial.
LEVELS = (
    ("press", "Cơ quan báo chí", (K.PRESS,)),
    ("province", "Sở, ban, ngành, đoàn thể cấp tỉnh", ()),
    ("commune", "Cấp xã (xã, phường, đặc khu)", (K.COMMUNE, K.VILLAGE, K.DISTRICT)),
)
MAX_SILENT_NAMED = 40


def level_of(kind: str) -> str:
    for key, _label, kinds in LEVELS:
        if kind in kinds:
            return key
    return "province"


@dataclass
class Level:
    key: str
    label: str
    assigned: int = 0
    reporting: int = 0
    count: int = 0
    quantity: int = 0
    by_channel: list[int] = field(default_factory=list)  # outputs, per board column


def levels_of(figures: Board) -> list[Level]:
    """The board's figures gathered by level: units assigned and reporting, outputs and what
    they amount to, and outputs per channel (the board's columns)."""
    levels = {
        key: Level(key, label, by_channel=[0] * len(figures.channels)) for key, label, _k in LEVELS
    }
    for row in figures.rows:
        level = levels[level_of(row.kind)]
        if row.assigned:
            level.assigned += 1
            level.reporting += bool(row.count)
        level.count += row.count
        level.quantity += row.quantity
        for n, cell in enumerate(row.cells):
            level.by_channel[n] += cell.count
    return list(levels.values())


def report_docx(campaign: Campaign, *, window: Window, today: datetime.date) -> bytes:
    """The report of ``window`` as .docx bytes. Callers check the user manages the
    campaign."""
    # Labels the models give (a target's kind, "mỗi tuần") in Vietnamese, whoever asks.
    with translation.override("vi"):
        return _report(campaign, window, today)


def _report(campaign: Campaign, window: Window, today: datetime.date) -> bytes:
    figures = board(campaign, window=window)
    levels = levels_of(figures)
    document = Document()
    documents.set_up_page(document)
    owner = campaign.owner
    issuer = _issuer(owner)
    documents.header(
        document,
        issuer,
        f"{BLANK}/BC",
        documents.place_and_date(_place(owner), today, year=today.year),
    )
    subject = _subject(campaign)
    span = f"từ ngày {window.start:%d/%m/%Y} đến ngày {window.end:%d/%m/%Y}"
    line(document, "BÁO CÁO", bold=True, align="center", before=18, after=0)
    line(document, subject, bold=True, align="center", after=0)
    line(document, f"({span})", italic=True, align="center", after=12)
    body(
        document,
        f"Thực hiện phong trào {MOVEMENT} và chiến dịch “{campaign.title.strip()}”, "
        f"{owner.name} báo cáo kết quả tuyên truyền {span} như sau:",
    )
    line(document, f"{ROMAN[0]}. CÔNG TÁC TRIỂN KHAI", bold=True, before=6)
    _deployment(document, campaign, levels)
    line(document, f"{ROMAN[1]}. KẾT QUẢ THỰC HIỆN", bold=True, before=6)
    _results(document, figures, levels, window)
    line(document, f"{ROMAN[2]}. ĐÁNH GIÁ CHUNG", bold=True, before=6)
    _assessment(document, figures)
    body(document, f"Trên đây là báo cáo kết quả tuyên truyền {span} của {owner.name}.")
    documents.signature_block(
        document,
        recipients=[
            f"Ban Chỉ đạo phong trào {MOVEMENT} tỉnh (để báo cáo)",
            "Các đơn vị được giao",
            "Lưu: VT",
        ],
        signer_title="THỦ TRƯỞNG ĐƠN VỊ",
        signer_name="",
    )
    documents.set_properties(document, title=f"{subject} ({span})", author=issuer[-1])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _issuer(owner: OrgUnit) -> list[str]:
    # A parent body sits above the issuer, not in bold (as the results report prints it).
    parent = OrgUnit.objects.get_parent(owner) if owner.depth > 1 else None
    return ([parent.name.upper()] if parent else []) + documents.issuer_lines(owner.name)


def _place(owner: OrgUnit) -> str:
    """The province's name without its kind ("Tỉnh Ninh Bình" → "Ninh Bình")."""
    root = owner if owner.depth == 1 else OrgUnit.objects.get(path=owner.path[: OrgUnit.steplen])
    if root.short_name:
        return root.short_name
    for prefix in ("Thành phố ", "Tỉnh "):
        if root.name.startswith(prefix):
            return root.name.removeprefix(prefix)
    return root.name


def _subject(campaign: Campaign) -> str:
    title = " ".join(campaign.title.split())
    if title.lower().startswith("tuyên truyền"):
        # "Tuyên truyền Phong trào …" → "Kết quả tuyên truyền Phong trào …"
        return f"Kết quả {title[:1].lower()}{title[1:]}"
    return f"Kết quả tuyên truyền {title}"


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def _deployment(document: object, campaign: Campaign, levels: list[Level]) -> None:
    assigned = sum(level.assigned for level in levels)
    parts = [f"{_n(level.assigned)} {level.label.lower()}" for level in levels if level.assigned]
    body(
        document,
        f"Chiến dịch được triển khai từ ngày {campaign.starts_on:%d/%m/%Y} đến ngày "
        f"{campaign.ends_on:%d/%m/%Y}, giao cho {_n(assigned)} đơn vị"
        + (f" ({'; '.join(parts)})" if parts else "")
        + ".",
    )
    if campaign.hashtags:
        body(document, f"Hashtag của chiến dịch: {campaign.hashtags}.")
    if messages := " ".join(campaign.key_messages.split()):
        body(document, f"Thông điệp chính: {messages}")
    expectations = (
        Expectation.objects.filter(campaign=campaign)
        .select_related("target__group", "target__unit", "channel")
        .order_by("target_id", "channel__position")
    )
    for e in expectations:
        body(
            document,
            f"- Chỉ tiêu đối với {e.target}: {e.channel.name}, {e.quantity} sản phẩm "
            f"{e.get_per_display()}.",
        )


def _results(document: object, figures: Board, levels: list[Level], window: Window) -> None:
    used = sum(1 for cell in figures.totals if cell.count)
    body(
        document,
        f"Trong thời gian trên, các đơn vị đã thực hiện {_n(figures.count)} sản phẩm tuyên "
        f"truyền (tổng số lượng {_n(figures.quantity)}) trên {used} kênh; "
        f"{_n(figures.reporting)}/{_n(figures.assigned)} đơn vị được giao đã có sản phẩm; "
        f"{_n(figures.hashtag)} sản phẩm ({_percent(figures.hashtag, figures.count)}) có dùng "
        "hashtag của chiến dịch.",
    )
    line(document, "1. Kết quả theo cấp", bold=True, indent=Mm(10))
    rows: list[list[object]] = [
        [level.label, level.assigned, level.reporting, level.count, level.quantity]
        for level in levels
    ]
    rows.append(
        [
            "Tổng cộng",
            sum(level.assigned for level in levels),
            sum(level.reporting for level in levels),
            figures.count,
            figures.quantity,
        ]
    )
    grid_table(
        document,
        ["Cấp", "Đơn vị được giao", "Đơn vị đã có sản phẩm", "Số sản phẩm", "Số lượng"],
        rows,
        [Mm(w) for w in (55, 27, 27, 28, 28)],
        bold_rows=[len(rows) - 1],
    )
    line(document, "", after=0)
    line(document, "2. Kết quả theo kênh", bold=True, indent=Mm(10))
    by_channel: list[list[object]] = []
    for n, (channel, total) in enumerate(zip(figures.channels, figures.totals, strict=True)):
        if total.count:
            by_channel.append(
                [
                    channel.name,
                    *(level.by_channel[n] for level in levels),
                    total.count,
                    total.quantity,
                ]
            )
    by_channel.append(
        ["Tổng cộng", *(level.count for level in levels), figures.count, figures.quantity]
    )
    grid_table(
        document,
        ["Kênh", "Báo chí", "Cấp tỉnh", "Cấp xã", "Tổng số sản phẩm", "Số lượng"],
        by_channel,
        [Mm(w) for w in (47, 22, 22, 22, 26, 26)],
        bold_rows=[len(by_channel) - 1],
    )
    line(document, "", after=0)
    line(document, "3. Sản phẩm tiêu biểu", bold=True, indent=Mm(10))
    notable = notable_outputs(figures.campaign, window=window)
    if not notable:
        body(document, "Chưa có sản phẩm nào trong thời gian này.")
    for output in notable:
        body(document, f"- {_notable(output)}")


def _notable(output: Output) -> str:
    reach = [
        f"{_n(value)} {label}"
        for value, label in (
            (output.views, "lượt xem"),
            (output.shares, "lượt chia sẻ"),
            (output.attendees, "người tham dự"),
        )
        if value
    ]
    facts = [output.unit.name, output.channel.name, f"{output.published_on:%d/%m/%Y}"]
    if output.quantity > 1:
        facts.append(f"số lượng {_n(output.quantity)}")
    text = f"“{output.title}” ({', '.join(facts)})"
    if reach:
        text += f": {', '.join(reach)}"
    if output.url:
        text += f"; {output.url}"
    return text + "."


def _assessment(document: object, figures: Board) -> None:
    silent = [row.name for row in figures.rows if row.assigned and row.silent]
    if not silent:
        body(document, "Tất cả các đơn vị được giao đã có sản phẩm tuyên truyền.")
    else:
        named = "; ".join(silent[:MAX_SILENT_NAMED])
        more = len(silent) - MAX_SILENT_NAMED
        tail = f" và {_n(more)} đơn vị khác" if more > 0 else ""
        body(
            document,
            f"Còn {_n(len(silent))}/{_n(figures.assigned)} đơn vị được giao chưa có sản phẩm "
            f"tuyên truyền: {named}{tail}.",
        )
    if figures.short:
        body(
            document,
            f"{_n(figures.short)} đơn vị chưa đạt chỉ tiêu trên ít nhất một kênh; đề nghị các "
            "đơn vị tiếp tục triển khai và cập nhật kết quả trên nền tảng Học vụ số.",
        )
