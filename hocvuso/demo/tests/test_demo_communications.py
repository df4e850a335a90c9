"""The demo's communications: seed 003's media campaign and seed 004's directive, outputs of
the press, the four Hoa Lư wards and other communes with banner photos, silent communes — all
dated inside the windows and never after the day the demo is loaded."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Max
from django.utils import timezone

from hocvuso.accounts.models import User
from hocvuso.communications.models import (
    AssignedUnit,
    Campaign,
    CampaignTarget,
    Channel,
    Expectation,
    Output,
    OutputPhoto,
)
from hocvuso.communications.selectors import campaigns_to_log, campaigns_visible_to
from hocvuso.communications.services import recognise_channel
from hocvuso.demo.communications import (
    DIRECTIVE_TITLE,
    DIRECTIVE_WINDOW,
    MEDIA_TITLE,
    MEDIA_WINDOW,
)
from hocvuso.demo.data import DEMO_PASSWORD, HOA_LU_WARDS
from hocvuso.demo.services import load_demo
from hocvuso.orgunits.models import OrgUnit

TWO_WEEKS = datetime.timedelta(days=14)


def _counts() -> dict[str, int]:
    models = (Campaign, CampaignTarget, Expectation, AssignedUnit, Output, OutputPhoto)
    return {m.__name__: m.objects.count() for m in models}


def _silent(campaign: Campaign) -> tuple[set[str], set[str]]:
    """The communes the campaign addresses with nothing logged, and those with something
    logged but nothing in the two weeks before the window's end (or today)."""
    last = min(campaign.ends_on, timezone.localdate())
    communes = OrgUnit.objects.filter(
        kind="commune", pk__in=campaign.assigned.values("unit")
    ).values_list("name", "pk")
    latest = dict(
        campaign.outputs.values("unit")
        .annotate(last=Max("published_on"))
        .values_list("unit", "last")
    )
    never = {name for name, pk in communes if pk not in latest}
    stopped = {name for name, pk in communes if pk in latest and latest[pk] <= last - TWO_WEEKS}
    return never, stopped


@pytest.mark.django_db
def test_the_demo_has_the_two_campaigns_their_outputs_and_silent_communes() -> None:
    load_demo()
    loaded = _counts()
    load_demo()  # idempotent
    assert _counts() == loaded
    today = timezone.localdate()
    media = Campaign.objects.get(title=MEDIA_TITLE)
    directive = Campaign.objects.get(title=DIRECTIVE_TITLE)
    for campaign, window in ((media, MEDIA_WINDOW), (directive, DIRECTIVE_WINDOW)):
        assert campaign.is_demo
        assert campaign.is_published
        assert (campaign.starts_on, campaign.ends_on) == window
        outputs = campaign.outputs.all()
        assert outputs.exists()
        assert not outputs.filter(is_demo=False).exists()
        assert not outputs.exclude(published_on__range=(campaign.starts_on, today)).exists()
        assert not outputs.filter(published_on__gt=campaign.ends_on).exists()
    # Seed 003: Sở KH&CN's campaign, the plan's first activity, its slogan.
    assert media.owner.code == "NB-SKHCN"
    assert media.activity is not None
    assert media.activity.title == MEDIA_TITLE
    assert "Chuyển đổi số: nhanh hơn, hiệu quả hơn, gần dân hơn" in media.slogans
    # Seed 004: Sở VH&TT's, to the press and every commune, with its messages and channels.
    assert directive.owner.code == "NB-SVHTT"
    assert "#BinhDanHocVuSo" in directive.hashtag_list()
    assert "Nghị quyết số 57-NQ/TW" in directive.key_messages
    assert "Đại sứ số" in directive.key_messages
    assert "màn hình LED" in directive.description
    assert set(directive.targets.values_list("unit_kind", flat=True)) == {"press", "commune"}
    assert directive.assigned.filter(unit__kind="commune").count() == 129
    assert directive.expectations.filter(channel__code="loudspeaker", per="week").exists()
    assert directive.resources.filter(url="https://binhdanhocvuso.gov.vn/").exists()

    # The press, the four Hoa Lư wards and other communes logged.
    units = set(directive.outputs.values_list("unit__name", flat=True))
    assert "Báo và Phát thanh, Truyền hình Ninh Bình" in units
    assert set(HOA_LU_WARDS) <= units
    others = directive.outputs.filter(unit__kind="commune").exclude(unit__name__in=HOA_LU_WARDS)
    assert others.values("unit").distinct().count() >= 20
    families = set(directive.outputs.values_list("channel__family", flat=True))
    assert {"press", "portal", "social", "grassroots", "visual", "meeting"} <= families
    # Some communes never logged, some stopped two weeks or more before the end.
    never, stopped = _silent(directive)
    assert never
    assert stopped
    assert not (never | stopped) & set(HOA_LU_WARDS)

    # Banners and the LED screen come with their photo, a JPEG.
    visual = Output.objects.filter(channel__family="visual")
    assert visual.count() > 10
    assert not visual.filter(photos__isnull=True).exists()
    photo = OutputPhoto.objects.filter(output__channel__code="led").get()
    assert photo.content_type == "image/jpeg"
    with photo.file.open("rb") as fh:
        assert fh.read(3) == b"\xff\xd8\xff"

    # Ninh Bình's press is recognised from its addresses; the press's articles were.
    newspaper = Channel.objects.get(code="newspaper")
    assert "baoninhbinh.org.vn" in newspaper.domain_list()
    assert "nbtv.vn" in Channel.objects.get(code="television").domain_list()
    assert recognise_channel("https://baoninhbinh.org.vn/bai-viet-d1.html") == newspaper
    articles = directive.outputs.filter(url__startswith="https://baoninhbinh.org.vn/")
    assert articles.exists()
    assert set(articles.values_list("channel__code", flat=True)) == {"newspaper"}

    # Sở VH&TT's focal point sees both campaigns; the press's logs for both; Phường Hoa
    # Lư's focal point is asked to log for the directive.
    svhtt = User.objects.get(username="svhtt")
    assert svhtt.check_password(DEMO_PASSWORD)
    assert {media, directive} <= set(campaigns_visible_to(svhtt))
    baochi = User.objects.get(username="baochi")
    assert baochi.check_password(DEMO_PASSWORD)
    assert {media, directive} <= set(campaigns_to_log(baochi))
    assert directive.outputs.filter(unit__code="NB-BPTTH", created_by=baochi).exists()
    hoalu = User.objects.get(username="hoalu")
    assert directive in campaigns_to_log(hoalu)


@pytest.mark.django_db
def test_loaded_inside_the_window_the_demo_has_only_what_was_logged_so_far(
    time_machine,
) -> None:
    time_machine.move_to(datetime.datetime(2025, 11, 15, 9, 0, tzinfo=datetime.UTC))
    load_demo()
    today = datetime.date(2025, 11, 15)
    directive = Campaign.objects.get(title=DIRECTIVE_TITLE)
    media = Campaign.objects.get(title=MEDIA_TITLE)
    assert directive.outputs.aggregate(last=Max("published_on"))["last"] <= today
    assert media.outputs.filter(published_on__gt=datetime.date(2025, 10, 20)).exists()
    never, stopped = _silent(directive)
    assert never
    assert stopped
    so_far = set(directive.outputs.values_list("pk", flat=True))
    media_so_far = media.outputs.count()

    # Loaded again after the window: the rest of the month is logged, nothing twice.
    time_machine.move_to(datetime.datetime(2025, 12, 5, 9, 0, tzinfo=datetime.UTC))
    load_demo()
    now = set(directive.outputs.values_list("pk", flat=True))
    assert so_far < now
    assert directive.outputs.filter(published_on__gt=today).exists()
    assert media.outputs.count() == media_so_far  # its window had ended by the first load
    never, stopped = _silent(directive)
    assert never
    assert stopped
