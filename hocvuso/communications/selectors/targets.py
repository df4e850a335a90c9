"""Reads behind the campaign pages: the units a campaign may address, and the units a person
imports a monthly report for. Callers have already found the campaign through
``get_campaign_for_user``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from hocvuso.communications.models import AssignedUnit, Campaign
from hocvuso.communications.selectors import can_manage, units_logging_for
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import search_words

if TYPE_CHECKING:
    from hocvuso.accounts.models import User

SEARCH_LIMIT = 20


def _province_of(campaign: Campaign) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(path__startswith=campaign.owner.path[: OrgUnit.steplen])


def addressable_units(
    campaign: Campaign, query: str, *, limit: int = SEARCH_LIMIT
) -> list[OrgUnit]:
    """Units of the owner's province whose name holds every word of ``query`` (with or
    without diacritics), shallowest first. For the campaign's managers only: a campaign of
    Sở VH&TT addresses communes its focal point has no role on, and only names are shown."""
    words = search_words(query)
    if not words:
        return []
    units = _province_of(campaign).exclude(kind=OrgUnit.Kind.PROVINCE)
    for word in words:
        units = units.filter(search_text__contains=word)
    return list(units.order_by("depth", "name")[:limit])


def addressable_by_pk(campaign: Campaign, pks: Iterable[int]) -> dict[int, OrgUnit]:
    return _province_of(campaign).in_bulk(list(pks))


def import_units(user: User, campaign: Campaign) -> QuerySet[OrgUnit]:
    """The units ``user`` imports a monthly report of outputs for: the campaign's managers
    for any unit it addresses (and the owner), anyone else for the units they log for (a
    commune's focal point: their commune)."""
    if can_manage(user, campaign):
        return OrgUnit.objects.filter(
            Q(pk__in=AssignedUnit.objects.filter(campaign=campaign).values("unit"))
            | Q(pk=campaign.owner_id)
        ).order_by("path")
    return units_logging_for(user, campaign)
