"""Outputs: the one write behind every way a unit logs what it published — the phone form
(offline or not), the Excel import and the API — and its edits.

A unit logs outputs for a published campaign that addresses it (or that it owns), dated
inside the campaign's window and not in the future. An output's id may be made on the phone:
sending it again returns the output already saved, so a retried send never counts twice. A
link is one output: logged twice, the second is refused naming the first."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.communications.models import (
    AssignedUnit,
    Campaign,
    Channel,
    Output,
    OutputImport,
    OutputKind,
)
from hocvuso.communications.services.links import check_url, recognise_channel, url_key
from hocvuso.communications.services.tallies import add_to_tally
from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.core.tables.text import clean_typed
from hocvuso.core.uploads import CheckedUpload
from hocvuso.orgunits.models import OrgUnit

if TYPE_CHECKING:
    from hocvuso.accounts.models import User

OUTPUT_FIELDS = (
    "channel",
    "kind",
    "title",
    "url",
    "published_on",
    "quantity",
    "views",
    "shares",
    "attendees",
    "hashtag_used",
    "note",
)
MAX_QUANTITY = 100_000
MAX_VIEWS = 1_000_000_000
MAX_SHARES = 100_000_000
MAX_ATTENDEES = 1_000_000
MAX_PHOTOS = 5
MAX_TITLE = 300

# The kind an output on a channel most often is, when the person does not say.
DEFAULT_KINDS = {
    Channel.Family.PRESS: OutputKind.ARTICLE,
    Channel.Family.PORTAL: OutputKind.NEWS,
    Channel.Family.SOCIAL: OutputKind.POST,
    Channel.Family.GRASSROOTS: OutputKind.BROADCAST,
    Channel.Family.VISUAL: OutputKind.BANNER,
    Channel.Family.MEETING: OutputKind.MEETING,
    Channel.Family.OTHER: OutputKind.OTHER,
}
_CODE_KINDS = {"youtube": OutputKind.VIDEO, "tiktok": OutputKind.VIDEO, "led": OutputKind.SCREEN}


def default_kind(channel: Channel) -> str:
    return _CODE_KINDS.get(channel.code) or DEFAULT_KINDS.get(channel.family, OutputKind.OTHER)


@dataclass
class OutputInput:
    """What a person typed for one output; ``channel`` may be None when the link names it."""

    title: str
    published_on: datetime.date | None
    channel: Channel | None = None
    kind: str = ""
    url: str = ""
    quantity: int | None = 1
    views: int | None = None
    shares: int | None = None
    attendees: int | None = None
    hashtag_used: bool = False
    note: str = ""
    photos: Sequence[CheckedUpload] = field(default_factory=tuple)


class DuplicateLink(ValidationError):
    """The link is already an output: ``first`` names it."""

    def __init__(self, first: Output) -> None:
        self.first = first
        super().__init__(
            {
                "url": _(
                    "Đường dẫn này đã được ghi ngày %(day)s: “%(title)s” của %(unit)s "
                    "(chiến dịch “%(campaign)s”)."
                )
                % {
                    "day": first.published_on.strftime("%d/%m/%Y"),
                    "title": first.title[:80],
                    "unit": first.unit.name,
                    "campaign": first.campaign.title[:80],
                }
            }
        )


def may_log_for(campaign: Campaign, unit: OrgUnit) -> bool:
    """Whether ``unit`` logs outputs for ``campaign``: it is addressed by it, or owns it."""
    if unit.pk == campaign.owner_id:
        return True
    return AssignedUnit.objects.filter(campaign=campaign, unit=unit).exists()


def _bounded(value: int | None, *, top: int, name: str, label: str, errors: dict) -> int | None:
    if value is None:
        return None
    if value < 0 or value > top:
        errors[name] = _("%(label)s phải từ 0 đến %(top)s.") % {
            "label": label,
            "top": f"{top:,}".replace(",", "."),
        }
    return value


def check_output(
    campaign: Campaign, data: OutputInput, *, today: datetime.date | None = None
) -> tuple[dict[str, object], dict[str, str]]:
    """The output's fields as saved, and every problem by field, in Vietnamese — nothing
    written. Shared by the form, the import (each row) and the API."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    title = " ".join(clean_typed(data.title or "").split())
    if not title:
        errors["title"] = _("Hãy nhập tiêu đề hoặc mô tả ngắn.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("Tiêu đề dài quá %(n)d ký tự.") % {"n": MAX_TITLE}
    url = ""
    try:
        url = check_url(data.url)
    except ValidationError as exc:
        errors["url"] = exc.messages[0]
    channel = data.channel or (recognise_channel(url) if url else None)
    if channel is None:
        errors["channel"] = (
            _("Không nhận ra kênh từ đường dẫn này; hãy chọn kênh.") if url else _("Hãy chọn kênh.")
        )
    kind = data.kind or (default_kind(channel) if channel else "")
    if kind and kind not in OutputKind.values:
        errors["kind"] = _("Loại sản phẩm không hợp lệ.")
    day = data.published_on
    if day is None:
        errors["published_on"] = _("Hãy nhập ngày đăng, phát (ngày/tháng/năm).")
    elif day > today:
        errors["published_on"] = _("Ngày đăng, phát không được sau hôm nay.")
    elif not campaign.starts_on <= day <= campaign.ends_on:
        errors["published_on"] = _(
            "Ngày %(day)s nằm ngoài thời gian của chiến dịch (%(start)s – %(end)s)."
        ) % {
            "day": day.strftime("%d/%m/%Y"),
            "start": campaign.starts_on.strftime("%d/%m/%Y"),
            "end": campaign.ends_on.strftime("%d/%m/%Y"),
        }
    quantity = data.quantity
    if quantity is None:
        errors["quantity"] = _("Hãy nhập số lượng.")
    elif not 1 <= quantity <= MAX_QUANTITY:
        errors["quantity"] = _("Số lượng phải từ 1 đến %(top)s.") % {"top": "100.000"}
    views = _bounded(data.views, top=MAX_VIEWS, name="views", label=_("Lượt xem"), errors=errors)
    shares = _bounded(
        data.shares, top=MAX_SHARES, name="shares", label=_("Lượt chia sẻ"), errors=errors
    )
    attendees = _bounded(
        data.attendees,
        top=MAX_ATTENDEES,
        name="attendees",
        label=_("Số người tham dự"),
        errors=errors,
    )
    note = " ".join(clean_typed(data.note or "").split())
    if len(note) > 500:
        errors["note"] = _("Ghi chú dài quá 500 ký tự.")
    if len(data.photos) > MAX_PHOTOS:
        errors["photos"] = _("Tối đa %(n)d ảnh mỗi sản phẩm.") % {"n": MAX_PHOTOS}
    fields = {
        "channel": channel,
        "kind": kind,
        "title": title,
        "url": url,
        "url_key": url_key(url),
        "published_on": day,
        "quantity": quantity,
        "views": views,
        "shares": shares,
        "attendees": attendees,
        "hashtag_used": bool(data.hashtag_used),
        "note": note,
    }
    return fields, errors


def first_with_link(key: str, *, exclude: uuid.UUID | None = None) -> Output | None:
    if not key:
        return None
    found = Output.objects.select_related("unit", "campaign").filter(url_key=key)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found.first()


def _save_photos(output: Output, photos: Sequence[CheckedUpload], actor: User | None) -> None:
    from hocvuso.communications.services.photos import store_photo

    for upload in photos:
        store_photo(output=output, upload=upload, actor=actor)


@transaction.atomic
def log_output(
    *,
    actor: User | None,
    campaign: Campaign,
    unit: OrgUnit,
    data: OutputInput,
    output_id: uuid.UUID | None = None,
    via: str = Output.Via.FORM,
    source: OutputImport | None = None,
) -> tuple[Output, bool]:
    """Log one output of ``unit`` (the caller holds LOG_OUTPUTS there) for ``campaign``.
    Returns (output, created): an ``output_id`` already saved for this unit and campaign
    returns that output unchanged. Every problem is raised at once as a ValidationError by
    field; a link already logged raises ``DuplicateLink``. ``source`` is the monthly file an
    imported output came from. Audited."""
    if output_id is not None:
        existing = Output.objects.filter(pk=output_id).first()
        if existing is not None:
            if existing.unit_id != unit.pk or existing.campaign_id != campaign.pk:
                raise ValidationError(_("Mã sản phẩm này đã được dùng cho đơn vị khác."))
            return existing, False
    if not campaign.is_published:
        raise ValidationError(_("Chiến dịch chưa được ban hành."))
    if not may_log_for(campaign, unit):
        raise ValidationError(_("%(unit)s không được giao chiến dịch này.") % {"unit": unit.name})
    fields, errors = check_output(campaign, data)
    if errors:
        raise ValidationError(errors)
    if (first := first_with_link(fields["url_key"])) is not None:
        raise DuplicateLink(first)
    output = Output(
        id=output_id or uuid.uuid4(),
        campaign=campaign,
        unit=unit,
        via=via,
        created_by=actor,
        source=source,
        **fields,
    )
    try:
        with transaction.atomic():
            output.save(force_insert=True)
    except IntegrityError:
        # Another send won the race: the same id (a retried phone) or the same link.
        if output_id is not None and (same := Output.objects.filter(pk=output_id).first()):
            return same, False
        if (first := first_with_link(fields["url_key"])) is not None:
            raise DuplicateLink(first) from None
        raise
    add_to_tally(output)
    _save_photos(output, data.photos, actor)
    record_audit(
        actor=actor,
        action=AuditLog.Action.OUTPUTS_LOGGED,
        obj=output,
        unit=unit,
        changes={
            **diff({}, snapshot(output, OUTPUT_FIELDS)),
            "via": via,
            "photos": len(data.photos),
        },
    )
    return output, True


@transaction.atomic
def update_output(*, actor: User | None, output: Output, data: OutputInput) -> Output:
    """Change a logged output (its unit's focal point, or the campaign's owner). New photos
    are added to those it has. Audited with the changes."""
    fields, errors = check_output(output.campaign, data)
    if errors:
        raise ValidationError(errors)
    if (first := first_with_link(fields["url_key"], exclude=output.pk)) is not None:
        raise DuplicateLink(first)
    if output.photos.count() + len(data.photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("Tối đa %(n)d ảnh mỗi sản phẩm.") % {"n": MAX_PHOTOS}})
    before = snapshot(output, OUTPUT_FIELDS)
    add_to_tally(output, -1)
    for name, value in fields.items():
        setattr(output, name, value)
    output.save()
    add_to_tally(output)
    _save_photos(output, data.photos, actor)
    changes = diff(before, snapshot(output, OUTPUT_FIELDS))
    if changes or data.photos:
        record_audit(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=output,
            unit_id=output.unit_id,
            changes={**changes, "photos_added": len(data.photos)},
        )
    return output


@transaction.atomic
def delete_output(*, actor: User | None, output: Output) -> None:
    """Remove an output logged by mistake, its photos with it. Audited."""
    record_audit(
        actor=actor,
        action=AuditLog.Action.DELETE,
        obj=output,
        unit_id=output.unit_id,
        changes=diff(snapshot(output, OUTPUT_FIELDS), {}),
    )
    for photo in output.photos.all():
        photo.file.delete(save=False)
        if photo.thumbnail:
            photo.thumbnail.delete(save=False)
    add_to_tally(output, -1)
    output.delete()


@transaction.atomic
def set_output_hidden(*, actor: User | None, output: Output, hidden: bool) -> Output:
    """Show or hide an output on the campaign's public page (the campaign's owner)."""
    if output.hidden != hidden:
        output.hidden = hidden
        output.save(update_fields=["hidden", "updated_at"])
        record_audit(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=output,
            unit_id=output.unit_id,
            changes={"hidden": [not hidden, hidden]},
        )
    return output
