"""The communications app's API: the channel list, campaigns and outputs the caller sees, and
the phone's send of one output — idempotent by the id the phone made, so a send retried after
a dropped answer never logs it twice. Every read goes through the communications selectors:
a campaign or an output outside the caller's units answers 404."""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from hocvuso.communications import selectors
from hocvuso.communications.models import Campaign, Channel, Output
from hocvuso.communications.services import OutputInput, log_output
from hocvuso.core.api import ErrorOut, Id, PathId, choice, paginated
from hocvuso.orgunits.selectors import user_can, visible_unit

router = Router(tags=["communications"])
Family = choice(Channel.Family)
CampaignStatus = choice(Campaign.Status)
Via = choice(Output.Via)


# --- Channels ----------------------------------------------------------------------------


class ChannelOut(Schema):
    id: int
    code: str
    name: str
    family: Family
    # The addresses a pasted link is recognised by ("facebook.com", "youtu.be").
    domains: list[str]
    active: bool

    @staticmethod
    def resolve_domains(channel: Channel) -> list[str]:
        return channel.domain_list()


@router.get("/channels", response=list[ChannelOut])
def list_channels(request: HttpRequest) -> QuerySet[Channel]:
    """Every channel, in the list's order (the same for everyone)."""
    return Channel.objects.order_by("position", "name")


# --- Campaigns ---------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    title: str
    owner_id: int
    owner_name: str
    starts_on: datetime.date
    ends_on: datetime.date
    hashtags: list[str]
    key_messages: str
    slogans: str
    status: CampaignStatus

    @staticmethod
    def resolve_owner_name(campaign: Campaign) -> str:
        return campaign.owner.name

    @staticmethod
    def resolve_hashtags(campaign: Campaign) -> list[str]:
        return campaign.hashtag_list()


class CampaignFilters(Schema):
    status: CampaignStatus | None = None
    # Campaigns whose window includes this day.
    on: datetime.date | None = None


@router.get("/campaigns", response=list[CampaignOut])
@paginated
def list_communication_campaigns(
    request: HttpRequest, filters: Query[CampaignFilters]
) -> QuerySet[Campaign]:
    """Campaigns the caller sees: their units' own, and the published ones addressing them,
    the latest first."""
    rows = selectors.campaigns_visible_to(request.user).select_related("owner")
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.on:
        rows = rows.filter(starts_on__lte=filters.on, ends_on__gte=filters.on)
    return rows.order_by("-starts_on", "pk")


@router.get("/campaigns/{campaign_id}", response=CampaignOut)
def get_communication_campaign(request: HttpRequest, campaign_id: PathId) -> Campaign:
    """One campaign; 404 when the caller may not see it."""
    return selectors.get_campaign_for_user(request.user, campaign_id)


# --- Outputs -----------------------------------------------------------------------------


class OutputOut(Schema):
    id: uuid.UUID
    campaign_id: int
    unit_id: int
    unit_name: str
    # The channel's code ("facebook", "loudspeaker").
    channel: str
    kind: str
    title: str
    url: str
    published_on: datetime.date
    quantity: int
    views: int | None
    shares: int | None
    attendees: int | None
    hashtag_used: bool
    hidden: bool
    via: Via

    @staticmethod
    def resolve_unit_name(output: Output) -> str:
        return output.unit.name

    @staticmethod
    def resolve_channel(output: Output) -> str:
        return output.channel.code


class OutputFilters(Schema):
    campaign: Id | None = None
    # Outputs of this unit and of the units under it.
    unit: Id | None = None
    # A channel's code.
    channel: str = Field("", max_length=40)
    # The day of publication, both ends included.
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@router.get("/outputs", response=list[OutputOut])
@paginated
def list_outputs(request: HttpRequest, filters: Query[OutputFilters]) -> QuerySet[Output]:
    """Outputs the caller sees (their units', and those of the campaigns they run), the
    latest first."""
    rows = selectors.outputs_visible_to(request.user)
    if filters.campaign:
        rows = rows.filter(campaign_id=filters.campaign)
    if filters.unit:
        unit = visible_unit(request.user, filters.unit)
        rows = rows.filter(unit__path__startswith=unit.path) if unit else rows.none()
    if filters.channel:
        rows = rows.filter(channel__code=filters.channel.replace("\x00", ""))
    if filters.date_from:
        rows = rows.filter(published_on__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(published_on__lte=filters.date_to)
    return rows.select_related("unit", "channel").order_by("-published_on", "-created_at", "pk")


class OutputIn(Schema):
    """One output as the phone sends it. The checks are the form's (``check_output``): each
    problem comes back by field, in Vietnamese."""

    # Made on the phone when the output was typed: the same output sent again is this id.
    id: uuid.UUID
    campaign: Id
    unit: Id
    # A channel's code; none when the link names it (facebook.com, youtu.be…).
    channel: str | None = Field(None, max_length=40)
    # news, article, feature, video, livestream, post, broadcast, banner, screen, meeting,
    # other; empty for the channel's usual kind.
    kind: str = Field("", max_length=20)
    title: str = Field("", max_length=1000)
    url: str = Field("", max_length=2000)
    published_on: datetime.date | None = None
    quantity: int | None = 1
    views: int | None = None
    shares: int | None = None
    attendees: int | None = None
    hashtag_used: bool = False
    note: str = Field("", max_length=1000)


class OutputErrorsOut(Schema):
    """The output was not saved: the reasons in one sentence, and each by its field."""

    detail: str
    # Empty when the request itself could not be read (a body that is not JSON).
    errors: dict[str, str] = {}


def _refusal(exc: ValidationError) -> OutputErrorsOut:
    errors: dict[str, str] = {}
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            if name != "__all__" and messages:
                errors[name] = messages[0]
    return OutputErrorsOut(detail=" ".join(exc.messages), errors=errors)


@router.post(
    "/outputs",
    response={200: OutputOut, 201: OutputOut, 400: OutputErrorsOut, 403: ErrorOut, 404: ErrorOut},
)
def create_output(request: HttpRequest, payload: OutputIn) -> Status:
    """Log one output of ``unit`` for ``campaign`` (the phone's queue sends each this way).
    201 when saved now; 200 with the output already saved when its id was sent before (a
    retry); 400 with the reasons by field (a date outside the campaign's window, a link
    already logged — naming the first —, a quantity out of bounds…), nothing saved; 403 for
    a caller who sees the unit but may not log its outputs; 404 for a campaign or a unit the
    caller does not see."""
    campaign = selectors.get_campaign_for_user(request.user, payload.campaign)
    unit = visible_unit(request.user, payload.unit)
    if unit is None:
        raise Http404
    if not user_can(request.user, unit, selectors.LOG_OUTPUTS):
        raise PermissionDenied
    channel = None
    if payload.channel:
        # PostgreSQL refuses a NUL even in a comparison: no code holds one.
        code = payload.channel.replace("\x00", "")
        channel = Channel.objects.filter(code=code, active=True).first()
        if channel is None:
            message = _("Kênh “%(code)s” không có trong danh sách.") % {"code": code[:40]}
            return Status(400, OutputErrorsOut(detail=message, errors={"channel": message}))
    data = OutputInput(
        title=payload.title,
        published_on=payload.published_on,
        channel=channel,
        kind=payload.kind,
        url=payload.url,
        quantity=payload.quantity,
        views=payload.views,
        shares=payload.shares,
        attendees=payload.attendees,
        hashtag_used=payload.hashtag_used,
        note=payload.note,
    )
    # The browser's session is the phone form's queue; a token is another program.
    via = Output.Via.API if "HTTP_AUTHORIZATION" in request.META else Output.Via.PHONE
    try:
        output, created = log_output(
            actor=request.user,
            campaign=campaign,
            unit=unit,
            data=data,
            output_id=payload.id,
            via=via,
        )
    except ValidationError as exc:
        return Status(400, _refusal(exc))
    return Status(201 if created else 200, output)
