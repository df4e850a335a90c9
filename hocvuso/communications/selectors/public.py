"""Reads of a campaign's public page, for everyone without an account: a published campaign
whose owner left it public, and its outputs that are not hidden — their title, link, unit,
channel, kind and date only. Nobody's name: neither who logged an output nor who wrote the
campaign is ever read here."""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, QuerySet

from hocvuso.communications.models import Campaign, Output

# The columns of an output the public page shows; nothing else leaves the database.
PUBLIC_FIELDS = (
    "title",
    "url",
    "published_on",
    "kind",
    "quantity",
    "unit__name",
    "channel__name",
)


def get_public_campaign(pk: int) -> Campaign | None:
    """The campaign if it is published and public, else None (the page answers 404: a draft
    or a private campaign is not said to exist)."""
    return (
        Campaign.objects.filter(pk=pk, status=Campaign.Status.PUBLISHED, is_public=True)
        .select_related("owner")
        .only(
            "pk",
            "title",
            "starts_on",
            "ends_on",
            "hashtags",
            "key_messages",
            "slogans",
            "updated_at",
            "owner__name",
        )
        .first()
    )


def public_outputs(campaign: Campaign) -> QuerySet[Output]:
    """The campaign's outputs not hidden by its owner, newest first (a stable order for
    pages), as dicts of PUBLIC_FIELDS."""
    return (
        Output.objects.filter(campaign=campaign, hidden=False)
        .order_by("-published_on", "-created_at", "pk")
        .values(*PUBLIC_FIELDS)
    )


def public_outputs_state(campaign: Campaign) -> tuple[int, datetime.datetime | None]:
    """How many outputs the page lists and the last time one changed: logging, editing,
    hiding or deleting one changes the pair, so a cached page keyed by it is never stale
    about outputs. One query."""
    found = Output.objects.filter(campaign=campaign, hidden=False).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    return found["n"], found["last"]


def public_channels(campaign: Campaign) -> list[tuple[str, int]]:
    """(channel name, outputs) of the listed outputs, the busiest channel first. One query."""
    return list(
        Output.objects.filter(campaign=campaign, hidden=False)
        .values("channel__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "channel__name")
        .values_list("channel__name", "n")
    )
