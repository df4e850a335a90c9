"""Writing a campaign: its window and hashtags, whom it addresses, publishing it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from hocvuso.accounts.models import Notification
from hocvuso.communications.models import AssignedUnit, Campaign
from hocvuso.communications.services import (
    TargetInput,
    create_campaign,
    normalise_hashtags,
    publish_campaign,
    set_targets,
    update_campaign,
)
from hocvuso.communications.tests.conftest import END, START
from hocvuso.core.models import AuditLog
from hocvuso.orgunits.services import ensure_group

pytestmark = pytest.mark.django_db


def test_hashtags_are_normalised_once_each():
    assert normalise_hashtags("BinhDanHocVuSo, #ChuyenDoiSo #binhdanhocvuso") == (
        "#BinhDanHocVuSo #ChuyenDoiSo"
    )
    with pytest.raises(ValidationError, match="không phải là hashtag"):
        normalise_hashtags("#ok <script>")


def test_a_window_backwards_or_over_a_year_is_refused(tree):
    with pytest.raises(ValidationError, match="từ ngày bắt đầu"):
        create_campaign(actor=None, owner=tree.agency, title="X", starts_on=END, ends_on=START)
    with pytest.raises(ValidationError, match="tối đa"):
        create_campaign(
            actor=None,
            owner=tree.agency,
            title="X",
            starts_on=START,
            ends_on=START + datetime.timedelta(days=400),
        )
    assert not Campaign.objects.exists()


def test_publishing_tells_the_focal_points_of_the_units_addressed(
    tree, draft, hoalu_focal_point, other_commune_focal_point
):
    publish_campaign(actor=None, campaign=draft)
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {hoalu_focal_point.username, other_commune_focal_point.username}
    assert AuditLog.objects.filter(action="campaign_published").exists()
    with pytest.raises(ValidationError, match="đã được ban hành"):
        publish_campaign(actor=None, campaign=draft)


def test_a_campaign_without_targets_cannot_be_published(tree):
    campaign = create_campaign(
        actor=None, owner=tree.agency, title="Trống", starts_on=START, ends_on=END
    )
    with pytest.raises(ValidationError, match="ít nhất một"):
        publish_campaign(actor=None, campaign=campaign)


def test_targets_by_group_and_unit_resolve_to_units(tree, draft):
    telecoms = ensure_group(actor=None, name="Doanh nghiệp viễn thông", slug="vien-thong")
    tree.agency.groups.add(telecoms)
    set_targets(
        actor=None,
        campaign=draft,
        targets=[TargetInput(group=telecoms), TargetInput(unit=tree.hoalu_village)],
    )
    assigned = set(AssignedUnit.objects.filter(campaign=draft).values_list("unit", flat=True))
    assert assigned == {tree.agency.pk, tree.hoalu_village.pk}
    with pytest.raises(ValidationError, match="đúng một"):
        set_targets(actor=None, campaign=draft, targets=[TargetInput()])


def test_the_window_cannot_shrink_past_outputs_logged(tree, campaign, time_machine):
    from hocvuso.communications.services import log_output
    from hocvuso.communications.tests.conftest import channel, output

    time_machine.move_to(datetime.datetime(2025, 11, 15, 9, 0, tzinfo=datetime.UTC))
    log_output(
        actor=None, campaign=campaign, unit=tree.hoalu, data=output(channel=channel("banner"))
    )
    with pytest.raises(ValidationError, match="nằm ngoài"):
        update_campaign(actor=None, campaign=campaign, starts_on=datetime.date(2025, 10, 15))
