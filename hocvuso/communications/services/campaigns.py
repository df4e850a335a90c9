"""Campaigns: writing one, saying which units it addresses and what each should produce,
publishing it (the units' focal points are told), and its resources.

Callers hold MANAGE_CAMPAIGNS on the campaign's owner (the views check); every service
validates the whole campaign, writes, and records one audit row in the same transaction."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hocvuso.communications.models import (
    AssignedUnit,
    Campaign,
    CampaignResource,
    CampaignTarget,
    Channel,
    Expectation,
)
from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.core.tables.text import clean_typed
from hocvuso.core.uploads import CheckedUpload
from hocvuso.orgunits.models import OrgUnit, UnitGroup

if TYPE_CHECKING:
    from hocvuso.accounts.models import User

CAMPAIGN_FIELDS = (
    "title",
    "starts_on",
    "ends_on",
    "hashtags",
    "key_messages",
    "slogans",
    "description",
    "activity",
    "event",
    "is_public",
)
MAX_DAYS = 366
MAX_HASHTAGS = 10
MAX_TARGETS = 50
MAX_RESOURCES = 30
_HASHTAG = re.compile(r"#?([\w]{2,60})", re.UNICODE)


def normalise_hashtags(text: str) -> str:
    """ "#BinhDanHocVuSo, ChuyenDoiSo" → "#BinhDanHocVuSo #ChuyenDoiSo": each tag once, with
    its "#", letters, digits and "_" only; a Vietnamese error when one is not a tag."""
    tags: list[str] = []
    for word in re.split(r"[\s,;]+", clean_typed(text or "")):
        if not word:
            continue
        match = _HASHTAG.fullmatch(word)
        if match is None:
            raise ValidationError(
                {
                    "hashtags": _("“%(tag)s” không phải là hashtag (chỉ chữ, số và dấu _).")
                    % {"tag": word[:40]}
                }
            )
        tag = "#" + match.group(1)
        if tag.lower() not in {t.lower() for t in tags}:
            tags.append(tag)
    if len(tags) > MAX_HASHTAGS:
        raise ValidationError({"hashtags": _("Tối đa %(n)d hashtag.") % {"n": MAX_HASHTAGS}})
    return " ".join(tags)


def _check_campaign(campaign: Campaign) -> None:
    errors: dict[str, str] = {}
    if not campaign.title:
        errors["title"] = _("Hãy nhập tên chiến dịch.")
    if campaign.starts_on and campaign.ends_on:
        if campaign.ends_on < campaign.starts_on:
            errors["ends_on"] = _("Ngày kết thúc phải từ ngày bắt đầu trở đi.")
        elif (campaign.ends_on - campaign.starts_on).days > MAX_DAYS:
            errors["ends_on"] = _("Một chiến dịch kéo dài tối đa %(n)d ngày.") % {"n": MAX_DAYS}
    if errors:
        raise ValidationError(errors)


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: clean_typed(v) if isinstance(v, str) else v for k, v in fields.items()}
    if "hashtags" in cleaned:
        cleaned["hashtags"] = normalise_hashtags(cleaned["hashtags"])
    return cleaned


@transaction.atomic
def create_campaign(
    *,
    actor: User | None,
    owner: OrgUnit,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    is_demo: bool = False,
    **fields: Any,
) -> Campaign:
    """A draft campaign of ``owner``. Audited."""
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    fields = _clean(fields)
    campaign = Campaign(
        owner=owner,
        title=" ".join(clean_typed(title).split()),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
        is_demo=is_demo,
        **fields,
    )
    _check_campaign(campaign)
    campaign.full_clean()
    campaign.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=campaign,
        unit=owner,
        changes=diff({}, snapshot(campaign, CAMPAIGN_FIELDS)),
    )
    return campaign


@transaction.atomic
def update_campaign(*, actor: User | None, campaign: Campaign, **fields: Any) -> Campaign:
    """Change a campaign's fields; a published one's window may not leave out outputs
    already logged. Audited with the changes."""
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    fields = _clean(fields)
    if "title" in fields:
        fields["title"] = " ".join(fields["title"].split())
    before = snapshot(campaign, CAMPAIGN_FIELDS)
    for name, value in fields.items():
        setattr(campaign, name, value)
    _check_campaign(campaign)
    outside = campaign.outputs.exclude(
        published_on__range=(campaign.starts_on, campaign.ends_on)
    ).count()
    if outside:
        raise ValidationError(
            {
                "starts_on": _(
                    "%(n)d sản phẩm đã ghi nằm ngoài khoảng thời gian mới; hãy giữ khoảng "
                    "thời gian bao gồm chúng."
                )
                % {"n": outside}
            }
        )
    campaign.full_clean()
    campaign.save(update_fields=[*fields, "updated_at"])
    changes = diff(before, snapshot(campaign, CAMPAIGN_FIELDS))
    if changes:
        record_audit(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=campaign,
            unit_id=campaign.owner_id,
            changes=changes,
        )
    return campaign


# --- Whom a campaign addresses, and what they should produce


@dataclass(frozen=True)
class ExpectationInput:
    channel: Channel
    quantity: int
    per: str = Expectation.Per.WINDOW


@dataclass(frozen=True)
class TargetInput:
    """One of: ``unit_kind`` (an ``OrgUnit.Kind``), ``group`` or ``unit``."""

    unit_kind: str = ""
    group: UnitGroup | None = None
    unit: OrgUnit | None = None
    expectations: Sequence[ExpectationInput] = field(default_factory=tuple)


def _check_targets(campaign: Campaign, targets: Sequence[TargetInput]) -> None:
    if len(targets) > MAX_TARGETS:
        raise ValidationError(_("Tối đa %(n)d nhóm đơn vị được giao.") % {"n": MAX_TARGETS})
    root = campaign.owner.path[: OrgUnit.steplen]
    seen: set[tuple[str, int | None, int | None]] = set()
    for target in targets:
        chosen = [bool(target.unit_kind), target.group is not None, target.unit is not None]
        if sum(chosen) != 1:
            raise ValidationError(_("Mỗi dòng giao chọn đúng một: loại đơn vị, nhóm hoặc đơn vị."))
        if target.unit_kind and target.unit_kind not in OrgUnit.Kind.values:
            raise ValidationError(_("Loại đơn vị không hợp lệ."))
        if target.unit is not None and not target.unit.path.startswith(root):
            raise ValidationError(
                _("“%(unit)s” không thuộc tỉnh của đơn vị chủ trì.") % {"unit": target.unit.name}
            )
        key = (
            target.unit_kind,
            getattr(target.group, "pk", None),
            getattr(target.unit, "pk", None),
        )
        if key in seen:
            raise ValidationError(_("Một nhóm đơn vị được giao hai lần."))
        seen.add(key)
        channels = [e.channel.pk for e in target.expectations]
        if len(channels) != len(set(channels)):
            raise ValidationError(_("Một kênh có hai chỉ tiêu cho cùng nhóm đơn vị."))
        for expectation in target.expectations:
            if not 1 <= expectation.quantity <= 10_000:
                raise ValidationError(_("Chỉ tiêu mỗi kênh từ 1 đến 10.000 sản phẩm."))
            if expectation.per not in Expectation.Per.values:
                raise ValidationError(_("Chu kỳ chỉ tiêu không hợp lệ."))


def units_of_targets(campaign: Campaign) -> set[int]:
    """The pks of the units the campaign's targets name, inside the owner's province."""
    root = campaign.owner.path[: OrgUnit.steplen]
    province = OrgUnit.objects.filter(path__startswith=root)
    ids: set[int] = set()
    for target in campaign.targets.all():
        if target.unit_id:
            ids.add(target.unit_id)
        elif target.group_id:
            ids |= set(province.filter(groups=target.group_id).values_list("pk", flat=True))
        else:
            ids |= set(province.filter(kind=target.unit_kind).values_list("pk", flat=True))
    return ids


def refresh_assignments(campaign: Campaign) -> tuple[int, int]:
    """Bring ``AssignedUnit`` in line with the targets (after they change, or the tree
    does): returns (added, removed)."""
    wanted = units_of_targets(campaign)
    have = set(AssignedUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
    removed = have - wanted
    if removed:
        AssignedUnit.objects.filter(campaign=campaign, unit_id__in=removed).delete()
    AssignedUnit.objects.bulk_create(
        [AssignedUnit(campaign=campaign, unit_id=pk) for pk in sorted(wanted - have)],
        batch_size=1000,
    )
    return len(wanted - have), len(removed)


@transaction.atomic
def set_targets(
    *, actor: User | None, campaign: Campaign, targets: Sequence[TargetInput]
) -> Campaign:
    """Replace whom the campaign addresses and their expected outputs; the assigned units
    follow. Units newly addressed by a published campaign are told. Audited."""
    _check_targets(campaign, targets)
    before = set(AssignedUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
    campaign.targets.all().delete()  # their expectations go with them
    for target in targets:
        row = CampaignTarget.objects.create(
            campaign=campaign, unit_kind=target.unit_kind, group=target.group, unit=target.unit
        )
        Expectation.objects.bulk_create(
            Expectation(
                campaign=campaign,
                target=row,
                channel=e.channel,
                quantity=e.quantity,
                per=e.per,
            )
            for e in target.expectations
        )
    added, removed = refresh_assignments(campaign)
    record_audit(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=campaign,
        unit_id=campaign.owner_id,
        changes={
            "targets": [str(t) for t in campaign.targets.all()],
            "units_added": added,
            "units_removed": removed,
        },
    )
    if campaign.is_published and added:
        new = set(AssignedUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
        _tell_units(campaign, new - before, actor=actor)
    return campaign


@transaction.atomic
def publish_campaign(*, actor: User | None, campaign: Campaign) -> Campaign:
    """Issue the campaign: its units can log outputs, and their focal points are told."""
    if campaign.is_published:
        raise ValidationError(_("Chiến dịch đã được ban hành."))
    if not campaign.targets.exists():
        raise ValidationError(
            _("Hãy giao chiến dịch cho ít nhất một nhóm đơn vị trước khi ban hành.")
        )
    campaign.status = Campaign.Status.PUBLISHED
    campaign.save(update_fields=["status", "updated_at"])
    refresh_assignments(campaign)
    record_audit(
        actor=actor,
        action=AuditLog.Action.CAMPAIGN_PUBLISHED,
        obj=campaign,
        unit_id=campaign.owner_id,
        changes={"status": [Campaign.Status.DRAFT, Campaign.Status.PUBLISHED]},
    )
    units = set(AssignedUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
    _tell_units(campaign, units, actor=actor)
    return campaign


def _tell_units(campaign: Campaign, unit_ids: Iterable[int], *, actor: User | None) -> None:
    from hocvuso.accounts.selectors import focal_points_by_unit
    from hocvuso.accounts.services import notify

    units = OrgUnit.objects.filter(pk__in=list(unit_ids))
    people = {u.pk: u for users in focal_points_by_unit(units).values() for u in users}
    if not people:
        return
    notify(
        users=people.values(),
        actor=actor,
        subject=_("Chiến dịch truyền thông mới: %(title)s") % {"title": campaign.title},
        body=_("Từ %(start)s đến %(end)s. Hãy ghi lại các tin bài, bài đăng, băng-rôn… của đơn vị.")
        % {
            "start": campaign.starts_on.strftime("%d/%m/%Y"),
            "end": campaign.ends_on.strftime("%d/%m/%Y"),
        },
        url=reverse("communications:campaign", args=[campaign.pk]),
    )


# --- Resources


@transaction.atomic
def add_resource(
    *,
    actor: User | None,
    campaign: Campaign,
    title: str,
    url: str = "",
    upload: CheckedUpload | None = None,
) -> CampaignResource:
    """A link or a file units should use. Audited."""
    from hocvuso.communications.services.links import check_url

    title = " ".join(clean_typed(title).split())[:300]
    try:
        url = check_url(url)
    except ValidationError as exc:
        raise ValidationError({"url": exc.messages[0]}) from exc
    if not title:
        raise ValidationError({"title": _("Hãy nhập tên tài liệu.")})
    if not url and upload is None:
        raise ValidationError({"url": _("Hãy dán đường dẫn hoặc chọn một tệp.")})
    if campaign.resources.count() >= MAX_RESOURCES:
        raise ValidationError(_("Tối đa %(n)d tài liệu mỗi chiến dịch.") % {"n": MAX_RESOURCES})
    resource = CampaignResource(
        campaign=campaign, title=title, url=url, position=campaign.resources.count()
    )
    if upload is not None:
        resource.original_name = upload.original_name
        resource.size = upload.size
        resource.content_type = upload.content_type
        resource.file.save(upload.storage_name, upload.file, save=False)
    resource.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=resource,
        unit_id=campaign.owner_id,
        changes={"title": title, "url": url, "file": resource.original_name},
    )
    return resource


@transaction.atomic
def remove_resource(*, actor: User | None, resource: CampaignResource) -> None:
    record_audit(
        actor=actor,
        action=AuditLog.Action.DELETE,
        obj=resource,
        unit_id=resource.campaign.owner_id,
        changes={"title": [resource.title, None]},
    )
    resource.delete()
