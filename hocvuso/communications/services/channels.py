"""The channel list: the province's editors add a channel, rename one, set the web
addresses that recognise its links, take one off the list. Audited."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hocvuso.communications.models import Channel
from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.core.tables.text import clean_typed

if TYPE_CHECKING:
    from hocvuso.accounts.models import User

CHANNEL_FIELDS = ("name", "family", "domains", "active")
MAX_DOMAINS = 20
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def normalise_domains(text: str) -> str:
    """ "https://www.BaoNinhBinh.org.vn/tin-tuc, nbtv.vn" → "baoninhbinh.org.vn nbtv.vn": one
    host per entry, lower-cased, without scheme, "www." or path; a Vietnamese error naming
    the first entry that is no web address."""
    domains: list[str] = []
    for entry in re.split(r"[\s,;]+", clean_typed(text or "").lower()):
        if not entry:
            continue
        host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", entry).split("/", 1)[0].split(":", 1)[0]
        host = host.removeprefix("www.")
        if len(host) > 100 or not _DOMAIN.fullmatch(host):
            raise ValidationError(
                {"domains": _("“%(entry)s” không phải là tên miền.") % {"entry": entry[:60]}}
            )
        if host not in domains:
            domains.append(host)
    if len(domains) > MAX_DOMAINS:
        raise ValidationError(
            {"domains": _("Tối đa %(n)d tên miền mỗi kênh.") % {"n": MAX_DOMAINS}}
        )
    return " ".join(domains)


def _check_name(name: str, *, exclude: int | None = None) -> str:
    name = " ".join(clean_typed(name or "").split())
    if not name:
        raise ValidationError({"name": _("Hãy nhập tên kênh.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Tên kênh dài quá 100 ký tự.")})
    if Channel.objects.filter(name__iexact=name).exclude(pk=exclude).exists():
        raise ValidationError({"name": _("Đã có kênh “%(name)s”.") % {"name": name}})
    return name


def _check_family(family: str) -> str:
    if family not in Channel.Family.values:
        raise ValidationError({"family": _("Nhóm kênh không hợp lệ.")})
    return family


def _code(name: str) -> str:
    base = (slugify(name.replace("đ", "d").replace("Đ", "D")) or "kenh")[:32]
    code, n = base, 2
    while Channel.objects.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


@transaction.atomic
def add_channel(*, actor: User | None, name: str, family: str, domains: str = "") -> Channel:
    """A new channel, placed last."""
    name = _check_name(name)
    channel = Channel(
        code=_code(name),
        name=name,
        family=_check_family(family),
        domains=normalise_domains(domains),
        position=(
            Channel.objects.order_by("-position").values_list("position", flat=True).first() or 0
        )
        + 1,
    )
    channel.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=channel,
        changes=diff({}, snapshot(channel, CHANNEL_FIELDS)),
    )
    return channel


@transaction.atomic
def update_channel(
    *, actor: User | None, channel: Channel, name: str, family: str, domains: str, active: bool
) -> Channel:
    """Rename a channel, change its group or its web addresses, take it off (or back on) the
    list; outputs keep their channel."""
    before = snapshot(channel, CHANNEL_FIELDS)
    channel.name = _check_name(name, exclude=channel.pk)
    channel.family = _check_family(family)
    channel.domains = normalise_domains(domains)
    channel.active = bool(active)
    channel.save(update_fields=list(CHANNEL_FIELDS))
    changes = diff(before, snapshot(channel, CHANNEL_FIELDS))
    if changes:
        record_audit(actor=actor, action=AuditLog.Action.UPDATE, obj=channel, changes=changes)
    return channel
