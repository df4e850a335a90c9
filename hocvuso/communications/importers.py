"""A unit's monthly report of outputs (the Excel sheet units already send with their Zalo
screenshots), imported into a campaign all or nothing.

The shared table rules hold (``core.tables``): the upload kind's size limit and spreadsheet
bombs refused before parsing, CSV in UTF-8, UTF-16 or Windows-1258, .xlsx/.xls/.ods, control
characters dropped, one number parser. Headers are found by meaning, with or without
diacritics, and a title block may sit above them (the template's own two lines do). Each row
is checked by ``services.check_output`` — the phone form's checks — plus what only a file
can get wrong: a link twice in it, a link already logged (the first entry named), a channel
not on the list. Every bad row is named by its line; a file with any is imported not at all.
Text that starts like a formula is kept as text: exports neutralise it
(``core.tables.writing``).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocvuso.communications import services
from hocvuso.communications.models import Campaign, Channel, Output, OutputImport, OutputKind
from hocvuso.core.models import AuditLog
from hocvuso.core.services import record_audit
from hocvuso.core.tables import (
    MAX_INTEGER,
    ImportRejected,
    NumberError,
    RowError,
    cell_text,
    fold,
    parse_number,
    read_table,
    rejected,
)
from hocvuso.orgunits.models import OrgUnit

if TYPE_CHECKING:
    from hocvuso.accounts.models import User

# The bounds of a class's sign-in sheet (``core.tables.LIMITS``) fit a unit's month: a few
# hundred rows at most.
KIND = "attendees"
# Each row is one ``log_output``: a file beyond this is not a monthly report.
MAX_ROWS = 2000
MAX_ERRORS = 200
HEADER_SEARCH_LINES = 30

FIELD_TITLES = {
    "published_on": gettext_lazy("Ngày"),
    "channel": gettext_lazy("Kênh"),
    "kind": gettext_lazy("Loại"),
    "title": gettext_lazy("Tiêu đề/Nội dung"),
    "url": gettext_lazy("Đường dẫn"),
    "quantity": gettext_lazy("Số lượng"),
    "views": gettext_lazy("Lượt xem"),
    "shares": gettext_lazy("Lượt chia sẻ"),
    "attendees": gettext_lazy("Người tham dự"),
    "hashtag_used": gettext_lazy("Hashtag (có/không)"),
    "note": gettext_lazy("Ghi chú"),
}
REQUIRED = ("published_on", "title")

HEADERS: dict[str, str | None] = {
    **dict.fromkeys(("stt", "tt", "so tt", "so thu tu"), None),
    **dict.fromkeys(
        (
            "ngay",
            "ngay dang",
            "ngay phat",
            "ngay dang, phat",
            "ngay dang/phat",
            "ngay thuc hien",
            "ngay to chuc",
            "thoi gian",
            "ngay thang",
            "date",
        ),
        "published_on",
    ),
    **dict.fromkeys(
        ("kenh", "kenh truyen thong", "kenh dang", "hinh thuc", "phuong tien", "channel"),
        "channel",
    ),
    **dict.fromkeys(("loai", "loai san pham", "the loai", "loai tin bai", "kind", "type"), "kind"),
    **dict.fromkeys(
        (
            "tieu de/noi dung",
            "tieu de, noi dung",
            "tieu de",
            "noi dung",
            "ten tin bai",
            "ten san pham",
            "ten bai",
            "tieu de bai viet",
            "title",
        ),
        "title",
    ),
    **dict.fromkeys(("duong dan", "link", "duong link", "lien ket", "url", "dia chi trang"), "url"),
    **dict.fromkeys(("so luong", "sl", "so luong san pham", "quantity"), "quantity"),
    **dict.fromkeys(("luot xem", "so luot xem", "luot tiep can", "views"), "views"),
    **dict.fromkeys(("luot chia se", "so luot chia se", "shares"), "shares"),
    **dict.fromkeys(
        ("nguoi tham du", "so nguoi tham du", "so nguoi tham gia", "nguoi tham gia"), "attendees"
    ),
    **dict.fromkeys(
        (
            "hashtag (co/khong)",
            "hashtag",
            "co hashtag",
            "co dung hashtag",
            "su dung hashtag",
            "dung hashtag",
        ),
        "hashtag_used",
    ),
    **dict.fromkeys(("ghi chu", "note"), "note"),
}

YES = {"co", "x", "1", "yes", "dung", "co dung", "co su dung", "true"}
NO = {"", "khong", "0", "no", "k", "false", "khong dung", "-"}

# What people write in the "Kênh" column besides the channel's own name.
CHANNEL_WORDS = {
    "bao": "newspaper",
    "bao in": "newspaper",
    "bao dien tu": "newspaper",
    "bao chi": "newspaper",
    "tap chi": "newspaper",
    "truyen hinh": "television",
    "dai truyen hinh": "television",
    "phat thanh": "radio",
    "dai phat thanh": "radio",
    "cong thong tin": "portal",
    "cong thong tin dien tu": "portal",
    "trang thong tin dien tu": "portal",
    "trang thong tin": "portal",
    "website": "portal",
    "fb": "facebook",
    "fanpage": "facebook",
    "twitter": "x",
    "loa": "loudspeaker",
    "loa truyen thanh": "loudspeaker",
    "truyen thanh co so": "loudspeaker",
    "dai truyen thanh": "loudspeaker",
    "bang ron": "banner",
    "bang-ron": "banner",
    "pano": "banner",
    "pa-no": "banner",
    "pa no": "banner",
    "ap phich": "banner",
    "khau hieu": "banner",
    "co dong truc quan": "banner",
    "led": "led",
    "man hinh led": "led",
    "bang dien tu": "led",
    "hoi nghi": "meeting",
    "hoi thao": "meeting",
    "lop boi duong": "meeting",
    "tap huan": "meeting",
    "sinh hoat": "meeting",
    "khac": "other",
}
KIND_WORDS = {
    "tin": OutputKind.NEWS,
    "tin bai": OutputKind.NEWS,
    "bai": OutputKind.ARTICLE,
    "bai bao": OutputKind.ARTICLE,
    "phong su": OutputKind.FEATURE,
    "ky su": OutputKind.FEATURE,
    "video": OutputKind.VIDEO,
    "clip": OutputKind.VIDEO,
    "livestream": OutputKind.LIVESTREAM,
    "truc tiep": OutputKind.LIVESTREAM,
    "bai dang": OutputKind.POST,
    "post": OutputKind.POST,
    "phat thanh": OutputKind.BROADCAST,
    "phat song": OutputKind.BROADCAST,
    "ban tin": OutputKind.BROADCAST,
    "bang ron": OutputKind.BANNER,
    "pano": OutputKind.BANNER,
    "pa no": OutputKind.BANNER,
    "ap phich": OutputKind.BANNER,
    "man hinh": OutputKind.SCREEN,
    "led": OutputKind.SCREEN,
    "hoi nghi": OutputKind.MEETING,
    "buoi tuyen truyen": OutputKind.MEETING,
    "khac": OutputKind.OTHER,
}


def template_columns() -> list[str]:
    """The template's columns, in order (STT first), as the import reads them."""
    return ["STT", *(str(t) for t in FIELD_TITLES.values())]


def file_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def already_imported(sha256: str) -> ImportRejected | None:
    """The refusal of a file imported before, naming the first import."""
    first = (
        OutputImport.objects.filter(sha256=sha256)
        .select_related("unit", "campaign", "imported_by")
        .order_by("created_at")
        .first()
    )
    if first is None:
        return None
    who = (
        first.imported_by.get_full_name() or first.imported_by.username
        if first.imported_by
        else "—"
    )
    return rejected(
        _(
            "Tệp này đã được nhập ngày %(day)s bởi %(who)s (“%(name)s”, %(rows)d sản phẩm của "
            "%(unit)s): không nhập lại."
        )
        % {
            "day": timezone.localtime(first.created_at).strftime("%d/%m/%Y %H:%M"),
            "who": who,
            "name": first.filename,
            "rows": first.rows,
            "unit": first.unit.name,
        }
    )


# ---------------------------------------------------------------------------- cells


def _guess(title: str) -> str | None:
    key = fold(title).strip(" .:*")
    if key not in HEADERS:
        key = re.sub(r"\s*\(.*\)$", "", key)
    return HEADERS.get(key)


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T].*)?$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T].*)?$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_day(value: object) -> datetime.date | None:
    """A day as a spreadsheet holds it (a date cell) or as people type it: 05/10/2025 (day
    first, as in Vietnam), 5-10-2025, 2025-10-05, an Excel serial day number."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    try:
        if match := _DMY.match(text):
            d, m, y = match.groups()
            return datetime.date(int(y), int(m), int(d))
        if match := _YMD.match(text):
            y, m, d = match.groups()
            return datetime.date(int(y), int(m), int(d))
        if _SERIAL.match(text):
            day = _EXCEL_EPOCH + datetime.timedelta(days=int(float(text)))
            return day if 2000 <= day.year <= 2100 else None
    except (ValueError, OverflowError):
        return None
    return None


class Vocabulary:
    """The channels and kinds by what people write for them, loaded once per file."""

    def __init__(self) -> None:
        self.channels = list(Channel.objects.filter(active=True).order_by("position", "name"))
        by_code = {c.code: c for c in self.channels}
        self.channel_words: dict[str, Channel] = {}
        for channel in self.channels:
            names = {fold(channel.name), fold(channel.code)}
            names |= {part.strip() for part in fold(channel.name).split(",")}
            names |= set(channel.domain_list())
            for name in names:
                if name:
                    self.channel_words.setdefault(name, channel)
        for word, code in CHANNEL_WORDS.items():
            if code in by_code:
                self.channel_words.setdefault(word, by_code[code])
        # Files are in Vietnamese whatever language the request happens to be in.
        with translation.override("vi"):
            labels = {fold(str(label)): value for value, label in OutputKind.choices}
        self.kinds: dict[str, str] = {**KIND_WORDS, **labels}
        for folded, value in labels.items():
            for part in folded.split(","):
                self.kinds.setdefault(part.strip(), value)
        self.kinds.update({value: value for value in OutputKind.values})

    def channel(self, text: str) -> Channel | None:
        """The channel ``text`` names: whole ("Băng-rôn, pa-nô, áp phích"), or its first
        part ("Băng-rôn, pa-nô")."""
        folded = fold(text).strip(" .:")
        found = self.channel_words.get(folded)
        if found is None and "," in folded:
            found = self.channel_words.get(folded.split(",", 1)[0].strip())
        return found

    def kind(self, text: str) -> str | None:
        return self.kinds.get(fold(text).strip(" .:"))

    def channel_names(self) -> str:
        return ", ".join(c.name for c in self.channels)


# ---------------------------------------------------------------------------- reading


@dataclass
class Row:
    line: int
    data: services.OutputInput
    url_key: str
    channel_name: str
    kind_label: str


@dataclass
class OutputsPreview:
    """What a monthly report holds: its rows, the columns understood, and every problem."""

    header_line: int = 0
    columns: dict[int, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def column_titles(self) -> list[str]:
        return [str(FIELD_TITLES[key]) for key in self.columns.values()]

    @property
    def quantity(self) -> int:
        return sum(r.data.quantity or 0 for r in self.rows)


def _find_header(table: list[tuple[int, list]]) -> tuple[int, int, list[str], dict[int, str]]:
    """The header among the first lines (a title block may sit above it): its position in
    ``table``, its line, its cells and the field of each column understood."""
    for position, (line, cells) in enumerate(table):
        if line > HEADER_SEARCH_LINES:
            break
        titles = [cell_text(c) for c in cells]
        columns: dict[int, str] = {}
        for index, title in enumerate(titles):
            key = _guess(title) if title else None
            if key and key not in columns.values():
                columns[index] = key
        if all(key in columns.values() for key in REQUIRED):
            return position, line, titles, columns
    raise rejected(
        _("Không tìm thấy dòng tiêu đề cột (cần có ít nhất các cột: %(columns)s).")
        % {"columns": ", ".join(str(FIELD_TITLES[k]) for k in REQUIRED)}
    )


def _number(values: dict[str, object], key: str, problems: dict[str, str]) -> int | None:
    text = cell_text(values.get(key))
    try:
        value = parse_number(text, whole=True, maximum=MAX_INTEGER)
    except NumberError as exc:
        problems[key] = _("%(column)s: %(reason)s") % {
            "column": FIELD_TITLES[key],
            "reason": exc.messages[0],
        }
        return None
    return int(value) if value is not None else None


def _row_input(
    values: dict[str, object], words: Vocabulary, problems: dict[str, str]
) -> services.OutputInput:
    """The row as the phone form would have sent it; what the file got wrong in ``problems``
    by field (a field named there is not checked again by ``check_output``)."""
    channel_text = cell_text(values.get("channel"))
    channel = words.channel(channel_text) if channel_text else None
    if channel_text and channel is None:
        problems["channel"] = _("kênh “%(name)s” không có trong danh sách (%(names)s)") % {
            "name": channel_text[:60],
            "names": words.channel_names(),
        }
    kind_text = cell_text(values.get("kind"))
    kind = words.kind(kind_text) if kind_text else ""
    if kind is None:
        problems["kind"] = _("loại “%(name)s” không có trong danh sách") % {"name": kind_text[:60]}
        kind = ""
    raw_day = values.get("published_on")
    day = parse_day(raw_day) if cell_text(raw_day) else None
    if cell_text(raw_day) and day is None:
        problems["published_on"] = _("ngày “%(text)s” không hợp lệ (ghi ngày/tháng/năm)") % {
            "text": cell_text(raw_day)[:20]
        }
    hashtag_text = fold(cell_text(values.get("hashtag_used")))
    if hashtag_text not in YES | NO:
        problems["hashtag_used"] = _("cột hashtag ghi “có” hoặc “không”")
    quantity = _number(values, "quantity", problems)
    data = services.OutputInput(
        title=cell_text(values.get("title")),
        published_on=day,
        channel=channel,
        kind=kind,
        url=cell_text(values.get("url")),
        quantity=1 if quantity is None and not cell_text(values.get("quantity")) else quantity,
        views=_number(values, "views", problems),
        shares=_number(values, "shares", problems),
        attendees=_number(values, "attendees", problems),
        hashtag_used=hashtag_text in YES,
        note=cell_text(values.get("note")),
    )
    return data


def read_outputs(
    campaign: Campaign, unit: OrgUnit, filename: str, content: bytes
) -> OutputsPreview:
    """Every row of a monthly report checked as ``log_output`` would check it, nothing
    written. Raises ``ImportRejected`` for a file that cannot be read at all."""
    if not campaign.is_published:
        raise rejected(_("Chiến dịch chưa được ban hành: chưa nhập được sản phẩm."))
    if not services.may_log_for(campaign, unit):
        raise rejected(_("%(unit)s không được giao chiến dịch này.") % {"unit": unit.name})
    table = read_table(filename, content, kind=KIND, raw=True)
    position, line, titles, columns = _find_header(table)
    preview = OutputsPreview(header_line=line, columns=columns)
    preview.ignored = [t for i, t in enumerate(titles) if t and i not in columns]
    body = table[position + 1 :]
    if len(body) > MAX_ROWS:
        raise rejected(
            _("Tệp có %(n)d dòng: mỗi tệp nhận tối đa %(max)d dòng; hãy tách thành nhiều tệp.")
            % {"n": len(body), "max": MAX_ROWS}
        )
    words = Vocabulary()
    seen: dict[str, int] = {}
    for line, cells in body:
        values = {key: cells[i] for i, key in columns.items() if i < len(cells)}
        if not any(cell_text(v) for v in values.values()):
            continue
        problems: dict[str, str] = {}
        data = _row_input(values, words, problems)
        fields, errors = services.check_output(campaign, data)
        problems = {**errors, **problems}
        key = fields["url_key"]
        if key and key in seen:
            problems["url"] = _("đường dẫn trùng với dòng %(line)d") % {"line": seen[key]}
        elif key:
            seen[key] = line
        if problems:
            preview.errors.append(RowError(line, "; ".join(problems.values())))
            if len(preview.errors) >= MAX_ERRORS:
                preview.errors.append(RowError(0, _("Tệp có quá nhiều dòng lỗi.")))
                break
            continue
        channel = fields["channel"]
        kind = fields["kind"]
        data.channel, data.kind = channel, kind
        preview.rows.append(
            Row(line, data, key, channel.name, str(OutputKind(kind).label) if kind else "")
        )
    _refuse_links_logged(preview, seen)
    preview.errors.sort(key=lambda e: e.line)
    if not preview.rows and not preview.errors:
        preview.errors.append(RowError(0, _("Tệp không có dòng nào để nhập.")))
    return preview


def _refuse_links_logged(preview: OutputsPreview, seen: dict[str, int]) -> None:
    """A link already an output refuses its row, naming the first entry (one query)."""
    if not seen:
        return
    logged = Output.objects.filter(url_key__in=list(seen)).select_related("unit", "campaign")
    for first in logged:
        line = seen[first.url_key]
        message = services.DuplicateLink(first).messages[0]
        preview.errors.append(RowError(line, message))
    bad = {e.line for e in preview.errors}
    preview.rows = [r for r in preview.rows if r.line not in bad]


# ---------------------------------------------------------------------------- writing


def import_outputs(
    *,
    actor: User | None,
    campaign: Campaign,
    unit: OrgUnit,
    filename: str,
    content: bytes,
) -> OutputImport:
    """Log every row of the file as ``unit``'s outputs (``log_output(via="import")``, the
    file's ``OutputImport`` as their source), all or nothing: any bad row, or any row the
    write refuses (a link logged in between), rejects the file whole. The same file twice is
    refused naming the first import. Audited: one row for the file, one per output."""
    sha = file_sha256(content)
    if (refusal := already_imported(sha)) is not None:
        raise refusal
    preview = read_outputs(campaign, unit, filename, content)
    if preview.errors:
        raise ImportRejected(preview.errors)
    with transaction.atomic():
        # One import of a campaign at a time: the same file sent twice at once is then
        # refused by the second, here, rather than counted twice.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        if (refusal := already_imported(sha)) is not None:
            raise refusal
        source = OutputImport.objects.create(
            unit=unit,
            campaign=campaign,
            filename=filename[:255],
            sha256=sha,
            rows=len(preview.rows),
            imported_by=actor,
        )
        refused: list[RowError] = []
        for row in preview.rows:
            try:
                services.log_output(
                    actor=actor,
                    campaign=campaign,
                    unit=unit,
                    data=row.data,
                    via=Output.Via.IMPORT,
                    source=source,
                )
            except ValidationError as exc:
                refused.append(RowError(row.line, " ".join(exc.messages)))
        if refused:
            raise ImportRejected(refused)
        record_audit(
            actor=actor,
            action=AuditLog.Action.IMPORT,
            obj=source,
            unit=unit,
            changes={
                "outputs": len(preview.rows),
                "campaign": campaign.pk,
                "file": filename[:100],
            },
        )
    return source
