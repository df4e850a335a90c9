"""Figures of the outputs for the reports app: the computed indicators' sums (by unit path
prefix and day) and the communications section of the results report (by channel, by child
unit, by campaign). Not scoped to a user: the reports app checks the user may see the unit
whose subtree is summed, as for every source.

Every output counts, hidden from the public page or not: hiding is about the public page,
not about what the unit did."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Substr

from hocvuso.communications.models import Output, OutputKind
from hocvuso.orgunits.models import OrgUnit

# What an output measures: "count" counts entries (an article is one), "quantity" sums their
# quantity (12 banners, a week's 7 broadcasts logged at once), "attendees" sums the people
# who came to a meeting.
MEASURES = ("count", "quantity", "attendees")
# The kinds whose entries often record several at once, so a figure of them sums quantity.
KINDS_BY_QUANTITY = frozenset(
    {OutputKind.BROADCAST, OutputKind.BANNER, OutputKind.SCREEN, OutputKind.MEETING}
)
OUTPUT_KINDS = OutputKind.choices


def _under(paths: Sequence[str]) -> Q:
    condition = Q()
    for path in paths:
        condition |= Q(unit__path__startswith=path)
    return condition


def _window(start: datetime.date, end: datetime.date) -> QuerySet[Output]:
    return Output.objects.filter(published_on__gte=start, published_on__lte=end)


def output_sums(
    *,
    paths: Sequence[str],
    length: int,
    start: datetime.date,
    end: datetime.date,
    measure: str = "count",
    family: str | None = None,
    kind: str | None = None,
    hashtag: bool = False,
) -> list[tuple[str, datetime.date, int]]:
    """Outputs of the units under ``paths`` dated in [start, end], by the first ``length``
    characters of the logging unit's path and by day: their number, quantity or attendees
    (``measure``), optionally only a channel family, a kind, or those that used the
    campaign's hashtag. One query."""
    if measure not in MEASURES:
        raise ValueError(measure)
    rows = _window(start, end).filter(_under(paths))
    if family is not None:
        rows = rows.filter(channel__family=family)
    if kind is not None:
        rows = rows.filter(kind=kind)
    if hashtag:
        rows = rows.filter(hashtag_used=True)
    total = Count("pk") if measure == "count" else Sum(measure)
    return list(
        rows.annotate(prefix=Substr("unit__path", 1, length))
        .values_list("prefix", "published_on")
        .annotate(total=total)
        .order_by()
    )


# --- The results report's section


@dataclass
class Tally:
    """What a set of outputs adds up to."""

    outputs: int = 0
    quantity: int = 0
    hashtag: int = 0
    views: int = 0
    attendees: int = 0

    def add(self, other: Tally) -> None:
        self.outputs += other.outputs
        self.quantity += other.quantity
        self.hashtag += other.hashtag
        self.views += other.views
        self.attendees += other.attendees


@dataclass
class ChannelFigures:
    name: str
    family: str
    tally: Tally


@dataclass
class UnitFigures:
    unit: OrgUnit
    total: Tally = field(default_factory=Tally)
    # Outputs (entries) by channel family.
    families: dict[str, int] = field(default_factory=dict)


@dataclass
class CampaignFigures:
    pk: int
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    outputs: int
    units: int


@dataclass
class Published:
    """What ``unit``'s subtree published in a window: by channel, by child unit, by
    campaign, and in all."""

    total: Tally
    channels: list[ChannelFigures]
    units: list[UnitFigures]
    campaigns: list[CampaignFigures]


def _tally_of(rows: QuerySet) -> QuerySet:
    return rows.annotate(
        n=Count("pk"),
        q=Sum("quantity"),
        h=Count("pk", filter=Q(hashtag_used=True)),
        v=Coalesce(Sum("views"), 0),
        a=Coalesce(Sum("attendees"), 0),
    ).order_by()


def published_under(unit: OrgUnit, *, start: datetime.date, end: datetime.date) -> Published:
    """The outputs of ``unit`` and its subtree dated in [start, end]. Four queries, whatever
    the number of outputs or units: by channel, by child unit and family, the children's
    names, by campaign (none but the first when nothing was published)."""
    rows = _window(start, end).filter(unit__path__startswith=unit.path)
    channels = [
        ChannelFigures(name, family, Tally(n, q, h, v, a))
        for name, family, n, q, h, v, a in _tally_of(
            rows.values("channel", "channel__position", "channel__name", "channel__family")
        )
        .order_by("channel__position", "channel__name")
        .values_list("channel__name", "channel__family", "n", "q", "h", "v", "a")
    ]
    total = Tally()
    for figures in channels:
        total.add(figures.tally)
    child_len = len(unit.path) + OrgUnit.steplen
    units: dict[str, UnitFigures] = {}
    if channels:
        for prefix, family, n, q, h, v, a in _tally_of(
            rows.annotate(prefix=Substr("unit__path", 1, child_len)).values(
                "prefix", "channel__family"
            )
        ).values_list("prefix", "channel__family", "n", "q", "h", "v", "a"):
            units.setdefault(prefix, UnitFigures(OrgUnit(path=prefix)))
            units[prefix].total.add(Tally(n, q, h, v, a))
            units[prefix].families[family] = units[prefix].families.get(family, 0) + n
        # The names of the children with outputs, and of the unit itself (its own
        # outputs, logged by it rather than a child, have its own path as prefix).
        for child in OrgUnit.objects.filter(path__in=list(units)).only("pk", "path", "name"):
            units[child.path].unit = child
    campaigns = (
        [
            CampaignFigures(pk, title, starts_on, ends_on, n, u)
            for pk, title, starts_on, ends_on, n, u in rows.values(
                "campaign", "campaign__title", "campaign__starts_on", "campaign__ends_on"
            )
            .annotate(n=Count("pk"), u=Count("unit", distinct=True))
            .order_by("-n", "campaign__title")
            .values_list(
                "campaign",
                "campaign__title",
                "campaign__starts_on",
                "campaign__ends_on",
                "n",
                "u",
            )
        ]
        if channels
        else []
    )
    return Published(
        total=total,
        channels=channels,
        units=[units[p] for p in sorted(units)],
        campaigns=campaigns,
    )
