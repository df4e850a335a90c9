"""The channel list: the province's editors keep it; a domain added recognises links."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hocvuso.communications.models import Channel
from hocvuso.communications.services import recognise_channel
from hocvuso.communications.services.channels import normalise_domains
from hocvuso.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_domains_are_hosts_whatever_was_pasted():
    assert normalise_domains("https://www.BaoNinhBinh.org.vn/tin-tuc, nbtv.vn nbtv.vn") == (
        "baoninhbinh.org.vn nbtv.vn"
    )
    with pytest.raises(Exception, match="không phải là tên miền"):
        normalise_domains("báo ninh bình")


def test_the_coordinator_adds_the_provinces_newspaper_and_its_links_are_recognised(
    client, coordinator
):
    client.force_login(coordinator)
    newspaper = Channel.objects.get(code="newspaper")
    response = client.post(
        reverse("communications:channel_edit", args=[newspaper.pk]),
        {
            f"{newspaper.pk}-name": newspaper.name,
            f"{newspaper.pk}-family": "press",
            f"{newspaper.pk}-domains": "https://baoninhbinh.org.vn/",
            f"{newspaper.pk}-active": "on",
        },
    )
    assert response.status_code == 302
    assert recognise_channel("https://baoninhbinh.org.vn/a-123.html").code == "newspaper"
    response = client.post(
        reverse("communications:channels"),
        {"new-name": "Bản tin nội bộ", "new-family": "other", "new-domains": "noibo.vn"},
    )
    assert response.status_code == 302
    assert recognise_channel("http://noibo.vn/x").name == "Bản tin nội bộ"
    assert AuditLog.objects.filter(object_type="communications.channel").count() == 2
    page = client.get(reverse("communications:channels")).content.decode()
    assert "baoninhbinh.org.vn" in page


def test_a_bad_domain_or_a_name_twice_is_refused_and_nothing_changes(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("communications:channels"),
        {"new-name": "Facebook", "new-family": "social", "new-domains": "fb.vn"},
    )
    assert "Đã có kênh" in response.content.decode()
    facebook = Channel.objects.get(code="facebook")
    client.post(
        reverse("communications:channel_edit", args=[facebook.pk]),
        {
            f"{facebook.pk}-name": "Facebook",
            f"{facebook.pk}-family": "social",
            f"{facebook.pk}-domains": "javascript:alert(1)",
        },
    )
    facebook.refresh_from_db()
    assert facebook.domains == "facebook.com fb.com fb.watch"
    assert not AuditLog.objects.filter(object_type="communications.channel").exists()


def test_a_communes_focal_point_reads_the_list_but_cannot_change_it(client, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    page = client.get(reverse("communications:channels"))
    assert page.status_code == 200
    assert "Thêm kênh" not in page.content.decode()
    response = client.post(
        reverse("communications:channels"), {"new-name": "X", "new-family": "other"}
    )
    assert response.status_code == 403
    facebook = Channel.objects.get(code="facebook")
    response = client.post(
        reverse("communications:channel_edit", args=[facebook.pk]),
        {f"{facebook.pk}-name": "X", f"{facebook.pk}-family": "other"},
    )
    assert response.status_code == 403
    assert Channel.objects.get(code="facebook").name == "Facebook"
