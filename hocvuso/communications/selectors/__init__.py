"""Reads of the communications app that depend on the user, all scoped through
``orgunits.selectors.scope_for_user``.

A campaign is seen by whoever sees its owner, and — once published — by whoever sees one of
the units it addresses. An output is seen by whoever sees its unit, and by whoever sees the
campaign's owner (the owner follows every unit's outputs)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from hocvuso.communications.models import AssignedUnit, Campaign, Output
from hocvuso.core import roles as R
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import holds_on_a_province, scope_for_user, user_can

if TYPE_CHECKING:
    from hocvuso.accounts.models import User

# Who writes and runs a campaign: its owner's editors (Sở VH&TT's focal point for seed 004).
MANAGE_CAMPAIGNS = R.EDIT_UNITS
# Who logs a unit's outputs: its editors (a commune's focal point).
LOG_OUTPUTS = R.EDIT_UNITS


def can_edit_channels(user: User) -> bool:
    """The channel list is the province's: its editors (EDIT_UNITS on a root) keep it."""
    return holds_on_a_province(user, R.EDIT_UNITS)


def campaigns_visible_to(user: User, *, roles: Iterable[str] = R.VIEW) -> QuerySet[Campaign]:
    base = Campaign.objects.all()
    owned = Q(pk__in=scope_for_user(base, user, via="owner", roles=roles).values("pk"))
    addressed = Q(
        status=Campaign.Status.PUBLISHED,
        pk__in=scope_for_user(AssignedUnit.objects.all(), user, via="unit", roles=roles).values(
            "campaign"
        ),
    )
    return base.filter(owned | addressed)


def get_campaign_for_user(user: User, pk: int, *, manage: bool = False) -> Campaign:
    """The campaign if ``user`` sees it (else 404); with ``manage``, only if they also
    manage its owner (else 403)."""
    campaign = (
        campaigns_visible_to(user)
        .select_related("owner", "activity", "event")
        .filter(pk=pk)
        .first()
    )
    if campaign is None:
        raise Http404
    if manage and not can_manage(user, campaign):
        raise PermissionDenied
    return campaign


def can_manage(user: User, campaign: Campaign) -> bool:
    return user_can(user, campaign.owner, MANAGE_CAMPAIGNS)


def outputs_visible_to(user: User) -> QuerySet[Output]:
    base = Output.objects.all()
    return base.filter(
        Q(pk__in=scope_for_user(base, user, via="unit").values("pk"))
        | Q(campaign__in=scope_for_user(Campaign.objects.all(), user, via="owner").values("pk"))
    )


def get_output_for_user(user: User, pk: object, *, edit: bool = False) -> Output:
    """The output if ``user`` sees it (else 404); with ``edit``, only if they log for its
    unit or manage its campaign (else 403)."""
    output = (
        outputs_visible_to(user)
        .select_related("campaign", "campaign__owner", "unit", "channel")
        .filter(pk=pk)
        .first()
    )
    if output is None:
        raise Http404
    if edit and not can_edit_output(user, output):
        raise PermissionDenied
    return output


def can_edit_output(user: User, output: Output) -> bool:
    return user_can(user, output.unit, LOG_OUTPUTS) or can_manage(user, output.campaign)


def units_logging_for(user: User, campaign: Campaign) -> QuerySet[OrgUnit]:
    """The units ``user`` may log outputs for in ``campaign``: those it addresses, and its
    owner, where the user holds LOG_OUTPUTS. A commune's focal point gets their commune."""
    addressed = OrgUnit.objects.filter(
        Q(pk__in=AssignedUnit.objects.filter(campaign=campaign).values("unit"))
        | Q(pk=campaign.owner_id)
    )
    return scope_for_user(addressed, user, roles=LOG_OUTPUTS).order_by("path")


def campaigns_to_log(user: User) -> QuerySet[Campaign]:
    """Published campaigns ``user`` logs outputs for (a unit of theirs is addressed or owns
    it), the running ones first."""
    mine = scope_for_user(OrgUnit.objects.all(), user, roles=LOG_OUTPUTS)
    return (
        Campaign.objects.filter(status=Campaign.Status.PUBLISHED)
        .filter(
            Q(owner__in=mine.values("pk"))
            | Q(pk__in=AssignedUnit.objects.filter(unit__in=mine.values("pk")).values("campaign"))
        )
        .order_by("-ends_on", "title")
    )
