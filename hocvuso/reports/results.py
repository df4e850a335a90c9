"""The results report ("Báo cáo kết quả") of a unit for a period, laid out once for both
files: what the unit's subtree did — duties of the plans, launch ceremonies, door-to-door
guidance, and the figures of the indicators against their targets — as headings, short
paragraphs and tables. ``exports.results_docx`` and ``exports.results_pdf`` draw it.

The words are Vietnamese whatever the reader's interface language: it is an administrative
document (Nghị định 30/2020/NĐ-CP), like the plan and ceremony exports.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from hocvuso.core.documents import BLANK, issuer_lines, place_and_date
from hocvuso.events.selectors import ceremonies_under
from hocvuso.fieldwork.selectors import coverage
from hocvuso.orgunits.models import OrgUnit
from hocvuso.plans.selectors import progress_under
from hocvuso.reports import periods as P
from hocvuso.reports.models import DataSet, Indicator
from hocvuso.reports.numbers import format_value
from hocvuso.reports.selectors import completeness, targets_for, values_for

MOVEMENT = "“Bình dân học vụ số”"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
# The units left behind named in the text, at most: the rest are counted.
LISTED = 30


@dataclass
class Block:
    """A heading, a paragraph, or a ruled table (widths in mm, adding up to 165)."""

    kind: str  # "heading", "para" or "table"
    text: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[object]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    align: list[str] = field(default_factory=list)  # "L", "C" or "R" per column
    bold_rows: list[int] = field(default_factory=list)

    def cells(self) -> list[list[tuple[str, str]]]:
        """Each row's cells as (text, alignment), numbers written as Vietnamese write them."""
        return [
            [(_text(v), self.align[n] if n < len(self.align) else "L") for n, v in enumerate(row)]
            for row in self.rows
        ]


def _text(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


@dataclass
class ResultsReport:
    unit: OrgUnit
    period: P.Period
    issuer: list[str]
    number: str
    place_date: str
    subject: str
    blocks: list[Block]
    recipients: list[str]
    signer_title: str
    signer_name: str = ""

    @property
    def title(self) -> str:
        return f"Báo cáo {self.subject[:1].lower()}{self.subject[1:]}"

    def text(self) -> str:
        """Every word of the report in order, for tests and search."""
        words = [*self.issuer, self.subject]
        for block in self.blocks:
            words.append(block.text)
            words += block.headers
            words += [str(v) for row in block.rows for v in row]
        return "\n".join(w for w in words if w)


def results_report(unit: OrgUnit, period: P.Period, *, today: datetime.date) -> ResultsReport:
    """The results of ``unit``'s subtree in ``period``, as at ``today``. Callers check the
    user may see ``unit`` (a role covers the subtree). About twenty queries, whatever the
    size of the subtree."""
    phrase = period_phrase(period)
    datasets = datasets_for(unit)
    blocks = [
        Block(
            "para",
            f"Thực hiện phong trào {MOVEMENT}, {unit.name} báo cáo kết quả thực hiện {phrase} "
            f"(từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}) như sau:",
        )
    ]
    sections = [
        ("KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO KẾ HOẠCH", _duties(unit, period, today)),
        ("LỄ PHÁT ĐỘNG VÀ CÁC ĐIỂM CẦU", _ceremonies(unit, period)),
        ("HƯỚNG DẪN “ĐI TỪNG NGÕ, GÕ TỪNG NHÀ”", _door_to_door(unit, period)),
        ("KẾT QUẢ CÁC CHỈ TIÊU", _indicators(unit, period, datasets)),
        ("LỚP HỌC VÀ NGƯỜI ĐƯỢC HỌC KỸ NĂNG SỐ", _learning(unit, period, today)),
        ("CÔNG TÁC TUYÊN TRUYỀN", _communications(unit, period)),
    ]
    notes = _notes(unit, period, datasets)
    if notes:
        sections.append(("KHÓ KHĂN, VƯỚNG MẮC, KIẾN NGHỊ", notes))
    for numeral, (heading, content) in zip(ROMAN, sections, strict=False):
        blocks.append(Block("heading", f"{numeral}. {heading}"))
        blocks += content
    blocks.append(
        Block(
            "para",
            f"Trên đây là báo cáo kết quả thực hiện phong trào {MOVEMENT} {phrase} "
            f"của {unit.name}.",
        )
    )
    parent = OrgUnit.objects.get_parent(unit) if unit.depth > 1 else None
    issuer = ([parent.name.upper()] if parent else []) + issuer_lines(unit.name)
    return ResultsReport(
        unit=unit,
        period=period,
        issuer=issuer,
        number=f"{BLANK}/BC",
        place_date=place_and_date(_place(unit), today, year=today.year),
        subject=f"Kết quả thực hiện phong trào {MOVEMENT} {phrase}",
        blocks=blocks,
        recipients=[f"Ban Chỉ đạo phong trào {MOVEMENT} cấp trên", "Lưu: VT"],
        signer_title="THỦ TRƯỞNG ĐƠN VỊ",
    )


def period_phrase(period: P.Period) -> str:
    """How the period reads inside a sentence: "tháng 10/2025", "quý IV/2025", "năm 2025",
    or "đợt" and the campaign's dates."""
    if period.type == P.PeriodType.CAMPAIGN:
        return f"đợt {period.label}"
    return period.label[:1].lower() + period.label[1:]


def _place(unit: OrgUnit) -> str:
    """The province's name without its kind ("Tỉnh Ninh Bình" → "Ninh Bình")."""
    root = unit if unit.depth == 1 else OrgUnit.objects.get(path=unit.path[: OrgUnit.steplen])
    if root.short_name:
        return root.short_name
    for prefix in ("Thành phố ", "Tỉnh "):
        if root.name.startswith(prefix):
            return root.name.removeprefix(prefix)
    return root.name


def _n(value: int | None) -> str:
    return "" if value is None else f"{value:,}".replace(",", ".")


def _percent(part: int, whole: int | None) -> str:
    if not whole:
        return ""
    return format_value((Decimal(100) * part / whole).quantize(Decimal("0.1"), ROUND_HALF_UP))


# ---------------------------------------------------------------------------- sections


def _duties(unit: OrgUnit, period: P.Period, today: datetime.date) -> list[Block]:
    rows = progress_under(unit, today=today, start=period.start, end=period.end)
    if not rows:
        return [Block("para", "Không có nhiệm vụ nào được giao theo các kế hoạch đã ban hành.")]
    total = sum(r.tally.total for r in rows)
    done = sum(r.tally.done for r in rows)
    in_progress = sum(r.tally.in_progress for r in rows)
    overdue = sum(r.tally.overdue for r in rows)
    done_in_period = sum(r.done_in_period for r in rows)
    text = (
        f"{unit.name} và các đơn vị trực thuộc được giao {_n(total)} nhiệm vụ theo "
        f"{_n(len(rows))} kế hoạch: đã hoàn thành {_n(done)} nhiệm vụ "
        f"({_percent(done, total)}%), trong đó {_n(done_in_period)} nhiệm vụ hoàn thành trong "
        f"kỳ; đang thực hiện {_n(in_progress)}; chưa thực hiện {_n(total - done - in_progress)}."
    )
    if overdue:
        text += (
            f" Còn {_n(overdue)} nhiệm vụ quá hạn chưa hoàn thành (tính đến ngày {today:%d/%m/%Y})."
        )
    else:
        text += " Không có nhiệm vụ nào quá hạn."
    table = [
        [
            n,
            f"{r.plan.title} ({r.plan.number})" if r.plan.number else r.plan.title,
            r.tally.total,
            r.tally.done,
            r.tally.in_progress,
            r.tally.overdue,
            r.done_in_period,
        ]
        for n, r in enumerate(rows, start=1)
    ]
    table.append(["", "Tổng cộng", total, done, in_progress, overdue, done_in_period])
    return [
        Block("para", text),
        Block(
            "table",
            headers=[
                "STT",
                "Kế hoạch",
                "Số nhiệm vụ",
                "Đã hoàn thành",
                "Đang thực hiện",
                "Quá hạn",
                "Hoàn thành trong kỳ",
            ],
            rows=table,
            widths=[11, 59, 19, 19, 19, 18, 20],
            align=["C", "L", "R", "R", "R", "R", "R"],
            bold_rows=[len(table) - 1],
        ),
    ]


def _ceremonies(unit: OrgUnit, period: P.Period) -> list[Block]:
    zone = ZoneInfo(settings.TIME_ZONE)
    since = datetime.datetime.combine(period.start, datetime.time.min, zone)
    until = datetime.datetime.combine(
        period.end + datetime.timedelta(days=1), datetime.time.min, zone
    )
    rows = ceremonies_under(unit, start=since, end=until)
    if not rows:
        return [Block("para", "Trong kỳ không có lễ phát động nào có điểm cầu tại đơn vị.")]
    points = sum(r.points for r in rows)
    connected = sum(r.connected for r in rows)
    expected = sum(r.expected for r in rows)
    attendees = sum(r.attendees for r in rows)
    text = (
        f"Trong kỳ, {unit.name} tham gia {_n(len(rows))} lễ phát động với {_n(points)} điểm "
        f"cầu ({_n(connected)} điểm cầu đã kết nối); {_n(attendees)} người tham dự tại các "
        f"điểm cầu (dự kiến {_n(expected)} người)."
    )
    table: list[list[object]] = [
        [
            n,
            r.event.title,
            f"{r.event.starts_at.astimezone(zone):%d/%m/%Y}",
            r.points,
            r.connected,
            r.expected,
            r.attendees,
        ]
        for n, r in enumerate(rows, start=1)
    ]
    table.append(["", "Tổng cộng", "", points, connected, expected, attendees])
    return [
        Block("para", text),
        Block(
            "table",
            headers=[
                "STT",
                "Lễ phát động",
                "Ngày",
                "Điểm cầu",
                "Đã kết nối",
                "Người dự kiến",
                "Người tham dự",
            ],
            rows=table,
            widths=[11, 53, 25, 18, 18, 20, 20],
            align=["C", "L", "C", "R", "R", "R", "R"],
            bold_rows=[len(table) - 1],
        ),
    ]


def _door_to_door(unit: OrgUnit, period: P.Period) -> list[Block]:
    figures = coverage(unit, start=period.start, end=period.end)
    total = figures.total
    if not (total.visits or total.reached):
        return [Block("para", "Chưa ghi nhận lượt hướng dẫn nào của các Tổ công nghệ số.")]
    text = (
        f"Các Tổ công nghệ số cộng đồng đã thực hiện {_n(total.visits)} lượt đến hộ, hướng dẫn "
        f"{_n(total.people)} lượt người. Đến hết kỳ, {_n(total.reached)} hộ đã được hướng dẫn "
        "ít nhất một lần"
    )
    if total.households:
        text += (
            f" trên tổng số {_n(total.households)} hộ "
            f"({_percent(total.reached, total.households)}%)"
        )
    blocks = [Block("para", text + ".")]
    rows = [
        [
            f.unit.name,
            f.visits,
            f.people,
            f.reached,
            _n(f.households),
            _percent(f.reached, f.households),
        ]
        for f in figures.rows
        if f.visits or f.reached
    ]
    behind = [f.unit.name for f in figures.rows if not (f.visits or f.reached)]
    if rows:
        rows.append(
            [
                "Tổng cộng",
                total.visits,
                total.people,
                total.reached,
                _n(total.households),
                _percent(total.reached, total.households),
            ]
        )
        blocks.append(
            Block(
                "table",
                headers=[
                    "Đơn vị",
                    "Lượt đến hộ",
                    "Lượt người được hướng dẫn",
                    "Hộ đã được hướng dẫn",
                    "Tổng số hộ",
                    "Tỷ lệ hộ (%)",
                ],
                rows=rows,
                widths=[55, 21, 24, 23, 21, 21],
                align=["L", "R", "R", "R", "R", "R"],
                bold_rows=[len(rows) - 1],
            )
        )
    if behind:
        names = ", ".join(behind[:LISTED])
        if len(behind) > LISTED:
            names += f" và {_n(len(behind) - LISTED)} đơn vị khác"
        blocks.append(
            Block("para", f"Chưa có lượt hướng dẫn nào ở {_n(len(behind))} đơn vị: {names}.")
        )
    return blocks


def _learning(unit: OrgUnit, period: P.Period, today: datetime.date) -> list[Block]:
    """Classes, attendances, the people trained by group against Plan 01's shares,
    completions and VNeID's confirmations, read from the learning app's summaries."""
    from hocvuso.learning.selectors import coverage as learning

    figures = learning.coverage(unit, start=period.start, end=period.end, today=today)
    total = figures.total
    if not (total.trained_total or total.classes_held or total.vneid):
        return [Block("para", "Chưa ghi nhận lớp học hay người được học kỹ năng số nào.")]
    text = (
        f"Trong kỳ, {unit.name} và các đơn vị trực thuộc đã tổ chức {_n(total.classes_held)} "
        f"lớp với {_n(total.attendances)} lượt người dự; {_n(total.new_total)} người được học "
        f"lần đầu; {_n(total.completions)} lượt hoàn thành khóa học (tại lớp và trên nền tảng "
        f"{MOVEMENT}). Đến hết kỳ, {_n(total.trained_total)} người đã được học kỹ năng số "
        "(mỗi người tính một lần)"
    )
    if total.vneid is not None:
        text += f"; {_n(total.vneid)} người được xác nhận kỹ năng số cơ bản trên VNeID"
    rows: list[list[object]] = [
        [
            str(s.label),
            s.trained,
            _n(s.size),
            _percent(s.trained, s.size),
            f"{s.target}" if s.target else "",
        ]
        for s in figures.shares
    ]
    blocks = [
        Block("para", text + "."),
        Block(
            "table",
            headers=[
                "Đối tượng",
                "Đã được học",
                "Tổng số",
                "Tỷ lệ (%)",
                f"Mục tiêu năm {figures.end.year} (%)",
            ],
            rows=rows,
            widths=[61, 26, 26, 24, 28],
            align=["L", "R", "R", "R", "R"],
        ),
    ]
    if figures.rows:
        by_unit = [
            [
                f.unit.name,
                f.classes_held,
                f.attendances,
                f.trained_total,
                _percent(f.adults_trained, f.sizes.get("adults")),
            ]
            for f in figures.rows
        ]
        blocks.append(
            Block(
                "table",
                headers=[
                    "Đơn vị",
                    "Lớp đã tổ chức",
                    "Lượt người dự",
                    "Người đã được học",
                    "Tỷ lệ người trưởng thành (%)",
                ],
                rows=by_unit,
                widths=[57, 25, 25, 28, 30],
                align=["L", "R", "R", "R", "R"],
            )
        )
    behind = learning.left_behind(unit, end=period.end, limit=None)
    if behind:
        names = ", ".join(r.unit.name for r in behind[:LISTED])
        if len(behind) > LISTED:
            names += f" và {_n(len(behind) - LISTED)} nơi khác"
        blocks.append(
            Block(
                "para",
                f"Chưa có lớp học trong {learning.LEFT_BEHIND_MONTHS} tháng gần nhất của kỳ ở "
                f"{_n(len(behind))} thôn, tổ dân phố: {names}.",
            )
        )
    return blocks


# The channel families' names in the report, in the order of Channel.Family.
FAMILIES = (
    ("press", "Báo chí, PT-TH"),
    ("portal", "Cổng TTĐT"),
    ("social", "Mạng xã hội"),
    ("grassroots", "Loa cơ sở"),
    ("visual", "Trực quan"),
    ("meeting", "Hội nghị"),
    ("other", "Khác"),
)


def _communications(unit: OrgUnit, period: P.Period) -> list[Block]:
    """What the subtree published in the period, read from the outputs its units logged:
    by channel, by child unit and channel family, and the campaigns they answered."""
    from hocvuso.communications.selectors.sources import published_under

    figures = published_under(unit, start=period.start, end=period.end)
    total = figures.total
    if not total.outputs:
        return [Block("para", "Chưa ghi nhận sản phẩm truyền thông nào trong kỳ.")]
    text = (
        f"Trong kỳ, {unit.name} và các đơn vị trực thuộc đã đăng, phát {_n(total.outputs)} "
        f"sản phẩm truyền thông về phong trào (tổng số lượng {_n(total.quantity)}) hưởng ứng "
        f"{_n(len(figures.campaigns))} chiến dịch; {_n(total.hashtag)} sản phẩm có dùng "
        "hashtag của chiến dịch"
    )
    if total.views:
        text += f"; {_n(total.views)} lượt xem được ghi nhận"
    if total.attendees:
        text += f"; {_n(total.attendees)} người tham dự các buổi tuyên truyền"
    rows: list[list[object]] = [
        [n, c.name, c.tally.outputs, c.tally.quantity, c.tally.hashtag, c.tally.views or ""]
        for n, c in enumerate(figures.channels, start=1)
    ]
    rows.append(["", "Tổng cộng", total.outputs, total.quantity, total.hashtag, total.views or ""])
    blocks = [
        Block("para", text + "."),
        Block(
            "table",
            headers=["STT", "Kênh", "Số sản phẩm", "Số lượng", "Có hashtag", "Lượt xem"],
            rows=rows,
            widths=[11, 62, 23, 23, 23, 23],
            align=["C", "L", "R", "R", "R", "R"],
            bold_rows=[len(rows) - 1],
        ),
    ]
    used = [(c, name) for c, name in FAMILIES if any(u.families.get(c) for u in figures.units)]
    if figures.units:
        # Narrower figure columns when every family is there: the unit's name keeps 37 mm.
        width = 20 if len(used) < 6 else 16
        blocks.append(
            Block(
                "table",
                headers=["Đơn vị", *(name for _c, name in used), "Tổng số"],
                rows=[
                    [u.unit.name, *(u.families.get(c, 0) for c, _name in used), u.total.outputs]
                    for u in figures.units
                ],
                widths=[165 - width * (len(used) + 1)] + [width] * (len(used) + 1),
                align=["L"] + ["R"] * (len(used) + 1),
            )
        )
    titles = [
        f"“{c.title}” ({c.starts_on:%d/%m/%Y}–{c.ends_on:%d/%m/%Y}): {_n(c.outputs)} sản phẩm "
        f"của {_n(c.units)} đơn vị"
        for c in figures.campaigns[:LISTED]
    ]
    if len(figures.campaigns) > LISTED:
        titles.append(f"và {_n(len(figures.campaigns) - LISTED)} chiến dịch khác")
    blocks.append(Block("para", "Các chiến dịch: " + "; ".join(titles) + "."))
    return blocks


def datasets_for(unit: OrgUnit) -> list[DataSet]:
    """Active forms that count for ``unit``: owned by it or an ancestor (a province's form,
    for a commune), or by a unit of its subtree."""
    step = OrgUnit.steplen
    ancestors = [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]
    return list(
        DataSet.objects.filter(is_active=True)
        .filter(Q(owner_unit__path__in=ancestors) | Q(owner_unit__path__startswith=unit.path))
        .select_related("owner_unit")
        .order_by("name")
    )


def _indicators(unit: OrgUnit, period: P.Period, datasets: list[DataSet]) -> list[Block]:
    indicators: dict[int, Indicator] = {}
    for dataset in datasets:
        for member in dataset.members.select_related(
            "indicator__numerator", "indicator__denominator"
        ):
            if member.indicator.is_numeric:
                indicators.setdefault(member.indicator_id, member.indicator)
    if not indicators:
        return [Block("para", "Chưa có biểu mẫu báo cáo nào áp dụng cho đơn vị.")]
    chosen = list(indicators.values())
    values = values_for(chosen, [unit], [period])
    targets = targets_for(chosen, [unit], period.end.year)
    blocks = [
        Block(
            "para",
            "Số liệu tổng hợp từ các biểu mẫu báo cáo định kỳ và dữ liệu của hệ thống, tính "
            f"chung cho {unit.name} và các đơn vị trực thuộc; mức đạt so với chỉ tiêu giao "
            f"năm {period.end.year}.",
        )
    ]
    for dataset in datasets:
        if dataset.period_type != period.type:
            continue
        c = completeness(dataset, period, unit)
        if c.total.assigned:
            blocks.append(
                Block(
                    "para",
                    f"Biểu mẫu “{dataset.name}”: {_n(c.total.submitted)}/{_n(c.total.assigned)} "
                    f"đơn vị đã gửi báo cáo kỳ này ({_n(c.total.on_time)} đúng hạn, "
                    f"{_n(c.total.late)} muộn).",
                )
            )
    rows: list[list[object]] = []
    for n, indicator in enumerate(chosen, start=1):
        value = values.get((indicator.pk, unit.pk, period.key))
        target = targets.get((indicator.pk, unit.pk))
        reached = ""
        if isinstance(value, Decimal) and target:
            reached = format_value((value * 100 / target).quantize(Decimal("0.1"), ROUND_HALF_UP))
        rows.append(
            [
                n,
                indicator.name,
                indicator.unit_of_measure,
                format_value(value, indicator) if isinstance(value, Decimal) else "",
                format_value(target, indicator) if target is not None else "",
                reached,
            ]
        )
    blocks.append(
        Block(
            "table",
            headers=[
                "STT",
                "Chỉ tiêu",
                "Đơn vị tính",
                "Kết quả",
                f"Chỉ tiêu năm {period.end.year}",
                "Mức đạt (%)",
            ],
            rows=rows,
            widths=[11, 66, 20, 23, 25, 20],
            align=["C", "L", "C", "R", "R", "R"],
        )
    )
    return blocks


def _notes(unit: OrgUnit, period: P.Period, datasets: list[DataSet]) -> list[Block]:
    """What the unit itself wrote in the text fields of its forms for the period."""
    texts: dict[int, Indicator] = {}
    for dataset in datasets:
        for member in dataset.members.select_related("indicator"):
            if not member.indicator.is_numeric:
                texts.setdefault(member.indicator_id, member.indicator)
    if not texts:
        return []
    values = values_for(list(texts.values()), [unit], [period])
    return [
        Block("para", f"- {indicator.label}: {text.strip()}")
        for indicator in texts.values()
        if isinstance(text := values.get((indicator.pk, unit.pk, period.key)), str) and text.strip()
    ]
