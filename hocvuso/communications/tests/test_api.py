"""The communications API: the phone's send of an output (idempotent by its id, refused by
field in Vietnamese, 403/404 for the wrong persona) and the scoped lists."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest

from hocvuso.communications.models import Output
from hocvuso.communications.services import (
    TargetInput,
    create_campaign,
    log_output,
    publish_campaign,
    set_targets,
)
from hocvuso.communications.tests.conftest import channel, output

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today_in_window")]

OUTPUTS = "/api/communications/outputs"


def send(client, **fields):
    return client.post(OUTPUTS, json.dumps(fields, default=str), content_type="application/json")


def body(campaign, unit, **fields):
    return {
        "id": str(uuid.uuid4()),
        "campaign": campaign.pk,
        "unit": unit.pk,
        "title": "Phát thanh về Bình dân học vụ số",
        "channel": "loudspeaker",
        "published_on": "2025-11-14",
        **fields,
    }


def test_an_output_sent_twice_is_saved_once(client, tree, campaign, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    fields = body(campaign, tree.hoalu, channel=None, url="https://zalo.me/g/abc", views=120)
    first = send(client, **fields)
    assert first.status_code == 201
    answer = first.json()
    assert (answer["channel"], answer["kind"], answer["views"]) == ("zalo", "post", 120)
    assert answer["via"] == "phone"
    again = send(client, **{**fields, "title": "khác"})
    assert again.status_code == 200
    assert again.json()["id"] == fields["id"]
    assert again.json()["title"] == fields["title"]
    assert Output.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"published_on": "2025-09-01"}, "published_on", "ngoài thời gian"),
        ({"url": "javascript:alert(1)"}, "url", "http://"),
        ({"quantity": -2}, "quantity", "từ 1"),
        ({"channel": "myspace"}, "channel", "không có trong danh sách"),
        ({"channel": None}, "channel", "chọn kênh"),
        ({"title": ""}, "title", "tiêu đề"),
        ({"attendees": 10**8}, "attendees", "1.000.000"),
    ],
)
def test_a_refused_output_says_why_by_field(
    client, tree, campaign, hoalu_focal_point, fields, field, words
):
    client.force_login(hoalu_focal_point)
    response = send(client, **body(campaign, tree.hoalu, **fields))
    assert response.status_code == 400
    assert words in response.json()["errors"][field]
    assert words in response.json()["detail"]
    assert not Output.objects.exists()


def test_a_link_already_logged_is_refused_naming_the_first(
    client, tree, campaign, hoalu_focal_point
):
    log_output(
        actor=None,
        campaign=campaign,
        unit=tree.namhoalu,
        data=output(
            title="Bài đầu tiên",
            url="https://baoninhbinh.org.vn/bai-1",
            channel=channel("newspaper"),
        ),
    )
    client.force_login(hoalu_focal_point)
    response = send(
        client, **body(campaign, tree.hoalu, url="http://baoninhbinh.org.vn/bai-1/?utm_source=x")
    )
    assert response.status_code == 400
    assert "Bài đầu tiên" in response.json()["errors"]["url"]
    assert Output.objects.count() == 1


def test_a_shape_error_is_named_in_vietnamese(client, tree, campaign, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    response = send(client, **body(campaign, tree.hoalu, id="không-phải-uuid", quantity="ba"))
    assert response.status_code == 422
    assert "UUID" in response.json()["detail"]


def test_a_viewer_is_refused_and_a_hidden_campaign_is_not_found(
    client, tree, campaign, viewer, other_commune_focal_point
):
    client.force_login(viewer)
    assert send(client, **body(campaign, tree.hoalu)).status_code == 403
    own = create_campaign(
        actor=None,
        owner=tree.hoalu,
        title="Riêng Hoa Lư",
        starts_on=datetime.date(2025, 11, 1),
        ends_on=datetime.date(2025, 11, 30),
    )
    set_targets(actor=None, campaign=own, targets=[TargetInput(unit=tree.hoalu_village)])
    publish_campaign(actor=None, campaign=own)
    client.force_login(other_commune_focal_point)
    assert send(client, **body(own, tree.namhoalu)).status_code == 404
    # A unit outside the caller's sight is not found either.
    assert send(client, **body(campaign, tree.hoalu)).status_code == 404
    assert client.get(f"/api/communications/campaigns/{own.pk}").status_code == 404
    assert not Output.objects.exists()


def test_the_lists_are_scoped_and_filtered(
    client, tree, campaign, hoalu_focal_point, other_commune_focal_point
):
    for unit, code in ((tree.hoalu, "banner"), (tree.namhoalu, "led")):
        log_output(actor=None, campaign=campaign, unit=unit, data=output(channel=channel(code)))
    client.force_login(hoalu_focal_point)
    channels = client.get("/api/communications/channels").json()
    assert len(channels) == 15
    assert "youtu.be" in next(c for c in channels if c["code"] == "youtube")["domains"]
    campaigns = client.get("/api/communications/campaigns").json()
    assert [c["id"] for c in campaigns["items"]] == [campaign.pk]
    assert campaigns["items"][0]["hashtags"] == ["#BinhDanHocVuSo", "#ChuyenDoiSoNinhBinh"]
    mine = client.get(OUTPUTS, {"campaign": campaign.pk}).json()
    assert mine["count"] == 1
    assert mine["items"][0]["unit_name"] == "Phường Hoa Lư"
    assert client.get(OUTPUTS, {"channel": "led"}).json()["count"] == 0
    assert client.get(OUTPUTS, {"date_from": "2025-10-11"}).json()["count"] == 0
    assert client.get(OUTPUTS, {"unit": tree.namhoalu.pk}).json()["count"] == 0
