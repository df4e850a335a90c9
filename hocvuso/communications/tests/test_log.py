"""Logging outputs on the phone form, a unit's outputs, editing, deleting and hiding them, and
their photos: what a focal point sees, what the wrong persona is refused."""

from __future__ import annotations

import datetime
import io
import os
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from hocvuso.communications.models import Output, OutputPhoto
from hocvuso.communications.services import (
    TargetInput,
    create_campaign,
    log_output,
    publish_campaign,
    set_targets,
)
from hocvuso.communications.services.photos import check_photo, make_thumbnail
from hocvuso.communications.tests.conftest import channel, output
from hocvuso.core.models import AuditLog
from hocvuso.core.uploads import UploadRefused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today_in_window")]

DAY = "2025-11-14"


def form_url(campaign) -> str:
    return reverse("communications:log_output", args=[campaign.pk])


def jpeg(width: int = 1200, height: int = 800, name: str = "bang-ron.jpg") -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(data, "JPEG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/jpeg")


def bomb_png() -> bytes:
    """A valid PNG header declaring 100,000 by 100,000 pixels, with hardly any data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def hoalu_focal_point_unit(campaign) -> int:
    return campaign.assigned.get(unit__name="Phường Hoa Lư").unit_id


def post(client, campaign, **fields):
    data = {"title": "Tin tuyên truyền", "published_on": DAY, **fields}
    return client.post(form_url(campaign), data)


@pytest.fixture
def hoalu_campaign(tree):
    """Phường Hoa Lư's own campaign, addressed to its village only."""
    campaign = create_campaign(
        actor=None,
        owner=tree.hoalu,
        title="Tuần lễ chuyển đổi số Hoa Lư",
        starts_on=datetime.date(2025, 11, 1),
        ends_on=datetime.date(2025, 11, 30),
    )
    set_targets(actor=None, campaign=campaign, targets=[TargetInput(unit=tree.hoalu_village)])
    return publish_campaign(actor=None, campaign=campaign)


# --- Choosing a campaign, the form


def test_the_log_page_lists_the_running_campaign_first(client, tree, campaign, hoalu_focal_point):
    over = create_campaign(
        actor=None,
        owner=tree.agency,
        title="Chiến dịch tháng 9",
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2025, 12, 31),
    )
    set_targets(actor=None, campaign=over, targets=[TargetInput(unit_kind="commune")])
    publish_campaign(actor=None, campaign=over)
    ended = create_campaign(
        actor=None,
        owner=tree.agency,
        title="Chiến dịch đã xong",
        starts_on=datetime.date(2025, 8, 1),
        ends_on=datetime.date(2025, 8, 31),
    )
    set_targets(actor=None, campaign=ended, targets=[TargetInput(unit_kind="commune")])
    publish_campaign(actor=None, campaign=ended)
    client.force_login(hoalu_focal_point)
    page = client.get(reverse("communications:log")).content.decode()
    assert page.index("Chiến dịch tháng 9") < page.index(campaign.title) < page.index("đã xong")
    assert page.count("Đang diễn ra") == 2


def test_the_form_opens_with_today_the_hashtags_and_the_domain_table(
    client, campaign, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    response = client.get(form_url(campaign))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="2025-11-15"' in page  # today, inside the window
    assert 'max="2025-11-15"' in page
    assert "#BinhDanHocVuSo" in page
    assert '"youtu.be", "youtube"' in page  # the phone recognises links offline
    assert 'capture="environment"' in page
    # One unit to log for: nothing to choose.
    assert f'type="hidden" name="unit" value="{hoalu_focal_point_unit(campaign)}"' in page
    assert '<select name="unit"' not in page


def test_a_good_output_is_saved_and_the_form_is_ready_for_the_next(
    client, tree, campaign, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    response = post(
        client, campaign, url="https://www.facebook.com/hoalu/posts/1", hashtag_used="on"
    )
    saved = Output.objects.get()
    assert (saved.unit, saved.channel.code, saved.kind) == (tree.hoalu, "facebook", "post")
    assert saved.hashtag_used
    assert saved.created_by == hoalu_focal_point
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Đã lưu: Tin tuyên truyền." in page
    assert 'value="2025-11-14"' in page  # the day is kept
    assert f'<option value="{channel("facebook").pk}" selected>' in page  # so is the channel
    assert page.count("Tin tuyên truyền") >= 2  # and the output is in today's list


def test_a_banner_is_a_photo_and_a_count(client, campaign, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    response = client.post(
        form_url(campaign),
        {
            "title": "Băng-rôn tại hội trường",
            "published_on": DAY,
            "channel": channel("banner").pk,
            "quantity": "3",
            "photos": [jpeg()],
        },
    )
    assert response.status_code == 302
    banner = Output.objects.get()
    assert (banner.kind, banner.quantity) == ("banner", 3)
    photo = banner.photos.get()
    with photo.thumbnail.open("rb") as fh, Image.open(fh) as small:
        assert max(small.size) == 480
        assert small.format == "JPEG"


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"url": "javascript:alert(1)"}, "http://"),
        ({"url": "https://example.org/a"}, "hãy chọn kênh"),
        ({"published_on": "2025-09-30", "channel": "banner"}, "ngoài thời gian"),
        ({"published_on": "2025-11-20", "channel": "banner"}, "sau hôm nay"),
        ({"published_on": "30/02/2025", "channel": "banner"}, "ngày"),
        ({"quantity": "0", "channel": "banner"}, "từ 1"),
        ({"quantity": "1000000", "channel": "banner"}, "100.000"),
        ({"quantity": "ba", "channel": "banner"}, "số nguyên"),
        ({"views": "-5", "channel": "facebook"}, "0"),
        ({"title": "   ", "channel": "banner"}, "tiêu đề"),
        ({"channel": ""}, "Hãy chọn kênh"),
    ],
)
def test_each_bad_field_is_refused_next_to_it_and_nothing_saved(
    client, campaign, hoalu_focal_point, fields, words
):
    fields = dict(fields)
    if fields.get("channel"):
        fields["channel"] = channel(fields["channel"]).pk
    client.force_login(hoalu_focal_point)
    response = post(client, campaign, **fields)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert 'class="error"' in response.content.decode()
    assert not Output.objects.exists()
    assert not AuditLog.objects.filter(action="outputs_logged").exists()


def test_the_same_link_twice_names_the_first(client, tree, campaign, hoalu_focal_point):
    log_output(
        actor=None,
        campaign=campaign,
        unit=tree.namhoalu,
        data=output(title="Clip của Nam Hoa Lư", url="https://youtu.be/abc"),
    )
    client.force_login(hoalu_focal_point)
    response = post(client, campaign, url="https://youtu.be/abc?si=zalo")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Clip của Nam Hoa Lư" in page
    assert "Phường Nam Hoa Lư" in page
    assert Output.objects.count() == 1


def test_a_photo_that_is_not_an_image_is_refused_with_the_output(
    client, campaign, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    fake = SimpleUploadedFile("bang-ron.jpg", b"\xff\xd8\xff" + b"not a picture" * 50)
    response = post(client, campaign, channel=channel("banner").pk, photos=[fake])
    assert response.status_code == 400
    assert "không mở được" in response.content.decode()
    assert not Output.objects.exists()
    assert not OutputPhoto.objects.exists()


def test_a_viewer_may_not_log(client, campaign, viewer):
    client.force_login(viewer)
    assert client.get(form_url(campaign)).status_code == 403
    response = post(client, campaign, channel=channel("banner").pk)
    assert response.status_code == 403
    assert not Output.objects.exists()


def test_another_communes_focal_point_finds_neither_the_campaign_nor_the_outputs(
    client, tree, hoalu_campaign, hoalu_focal_point, other_commune_focal_point
):
    saved, _ = log_output(
        actor=None,
        campaign=hoalu_campaign,
        unit=tree.hoalu,
        data=output(day=datetime.date(2025, 11, 10), channel=channel("banner")),
    )
    client.force_login(other_commune_focal_point)
    assert client.get(form_url(hoalu_campaign)).status_code == 404
    assert post(client, hoalu_campaign, channel=channel("banner").pk).status_code == 404
    for name in ("output_edit", "output_delete"):
        assert client.get(reverse(f"communications:{name}", args=[saved.pk])).status_code == 404
        assert client.post(reverse(f"communications:{name}", args=[saved.pk])).status_code == 404
    assert client.post(reverse("communications:output_hide", args=[saved.pk])).status_code == 404
    assert Output.objects.count() == 1


def test_a_pasted_link_is_recognised_by_the_server_too(client, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    url = reverse("communications:recognise")
    assert "Kênh: YouTube" in client.get(url, {"url": "https://youtu.be/x"}).content.decode()
    assert "không nhận ra" in client.get(url, {"url": "https://vd.vn/a"}).content.decode().lower()
    assert "http://" in client.get(url, {"url": "ftp://vd.vn/a"}).content.decode()


def test_the_service_worker_is_a_script(client):
    response = client.get(reverse("communications:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b"/communications/" in response.content


# --- A unit's outputs


def _log_many(campaign, unit, n, start=0):
    for i in range(start, start + n):
        log_output(
            actor=None,
            campaign=campaign,
            unit=unit,
            data=output(
                title=f"Bài {i}",
                day=datetime.date(2025, 10, 1) + datetime.timedelta(days=i % 40),
                url=f"https://facebook.com/hoalu/posts/{i}",
            ),
        )


def test_the_outputs_page_filters_and_keeps_its_query_count_as_it_grows(
    client, tree, campaign, hoalu_focal_point, django_assert_max_num_queries
):
    _log_many(campaign, tree.hoalu, 3)
    log_output(
        actor=None,
        campaign=campaign,
        unit=tree.namhoalu,
        data=output(title="Của Nam Hoa Lư", channel=channel("banner")),
    )
    client.force_login(hoalu_focal_point)
    url = reverse("communications:outputs")
    with django_assert_max_num_queries(14) as small:
        page = client.get(url, {"unit": tree.hoalu.pk}).content.decode()
    assert "Bài 2" in page
    assert "Của Nam Hoa Lư" not in page
    _log_many(campaign, tree.hoalu, 60, start=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url, {"unit": tree.hoalu.pk}).content.decode()
    assert "Trang 1/2" in page
    filtered = client.get(
        url,
        {
            "unit": tree.hoalu.pk,
            "channel": channel("facebook").pk,
            "date_from": "2025-10-02",
            "date_to": "2025-10-02",
        },
    ).content.decode()
    assert "Bài 1<" in filtered
    assert "Bài 2<" not in filtered


def test_an_output_is_corrected_then_deleted(client, tree, campaign, hoalu_focal_point):
    saved, _ = log_output(
        actor=None, campaign=campaign, unit=tree.hoalu, data=output(channel=channel("banner"))
    )
    client.force_login(hoalu_focal_point)
    edit = reverse("communications:output_edit", args=[saved.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "title": "Băng-rôn đã sửa",
            "published_on": "2025-10-12",
            "channel": saved.channel_id,
            "quantity": "4",
        },
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.title, saved.quantity) == ("Băng-rôn đã sửa", 4)
    bad = client.post(
        edit, {"title": "x", "published_on": "2025-12-31", "channel": saved.channel_id}
    )
    assert bad.status_code == 400
    client.post(
        edit,
        {
            "title": "Băng-rôn",
            "published_on": "2025-10-12",
            "channel": saved.channel_id,
            "photos": [jpeg()],
        },
    )
    photo = saved.photos.get()
    files = [photo.file.path, photo.thumbnail.path]
    delete = reverse("communications:output_delete", args=[saved.pk])
    assert "Xóa sản phẩm?" in client.get(delete).content.decode()
    assert Output.objects.exists()
    assert client.post(delete).status_code == 302
    assert not Output.objects.exists()
    assert not any(os.path.exists(f) for f in files)  # the photo and its thumbnail go too
    assert AuditLog.objects.filter(action="delete", object_id=str(saved.pk)).exists()


def test_a_photo_is_served_to_who_sees_the_output_only(
    client, tree, campaign, hoalu_focal_point, other_commune_focal_point, coordinator
):
    upload = check_photo(jpeg())
    saved, _ = log_output(
        actor=None,
        campaign=campaign,
        unit=tree.hoalu,
        data=output(channel=channel("banner"), photos=[upload]),
    )
    photo = saved.photos.get()
    url = reverse("communications:output_photo", args=[saved.pk, photo.pk])
    for person in (hoalu_focal_point, coordinator):
        client.force_login(person)
        response = client.get(url, {"size": "small"})
        assert response.status_code == 200
        assert b"".join(response).startswith(b"\xff\xd8\xff")
    client.force_login(other_commune_focal_point)
    assert client.get(url).status_code == 404


def test_only_the_campaigns_owner_hides_an_output(
    client, tree, campaign, hoalu_focal_point, agency_focal_point
):
    saved, _ = log_output(
        actor=None, campaign=campaign, unit=tree.hoalu, data=output(channel=channel("banner"))
    )
    url = reverse("communications:output_hide", args=[saved.pk])
    client.force_login(hoalu_focal_point)
    assert client.post(url).status_code == 403
    client.force_login(agency_focal_point)
    assert client.post(url, {"hidden": "1"}).status_code == 302
    saved.refresh_from_db()
    assert saved.hidden
    client.post(url, {"hidden": "0"})
    saved.refresh_from_db()
    assert not saved.hidden


# --- Photos


def test_a_photo_gets_an_upright_thumbnail_of_480_pixels():
    thumbnail = make_thumbnail(jpeg(2000, 1000).file, name="a.jpg")
    assert (thumbnail.width, thumbnail.height) == (480, 240)


def test_a_file_that_is_not_an_image_is_refused_in_vietnamese():
    with pytest.raises(UploadRefused, match="JPEG"):
        check_photo(SimpleUploadedFile("a.jpg", b"%PDF-1.4 not a photo"))
    with pytest.raises(UploadRefused, match="chỉ nhận"):
        check_photo(SimpleUploadedFile("a.gif", b"GIF89a" + b"\x00" * 10))


def test_a_photo_too_large_is_refused_before_it_is_read():
    big = SimpleUploadedFile("a.jpg", b"\xff\xd8\xff" + b"\x00" * (8 * 1024 * 1024))
    with pytest.raises(UploadRefused, match="8 MB"):
        check_photo(big)


def test_a_decompression_bomb_is_refused_from_its_header():
    with pytest.raises(UploadRefused, match="quá nhiều điểm ảnh"):
        check_photo(SimpleUploadedFile("bom.png", bomb_png()))
