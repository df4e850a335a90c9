"""Logging an output: the one write behind the phone, the import and the API — its checks,
the link logged twice, the retried send, and who may log for a campaign."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError

from hocvuso.communications.models import AssignedUnit, Output
from hocvuso.communications.services import (
    DuplicateLink,
    log_output,
    recognise_channel,
    url_key,
)
from hocvuso.communications.tests.conftest import channel, output
from hocvuso.core.models import AuditLog

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today_in_window")]


def log(campaign, unit, data, **kw):
    return log_output(actor=None, campaign=campaign, unit=unit, data=data, **kw)


def errors_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_every_commune_is_addressed_and_the_agency_owns(tree, campaign):
    assigned = set(AssignedUnit.objects.filter(campaign=campaign).values_list("unit", flat=True))
    assert assigned == {tree.hoalu.pk, tree.namhoalu.pk}


def test_a_pasted_link_names_its_channel_and_kind(tree, campaign):
    saved, created = log(
        campaign,
        tree.hoalu,
        output(url="https://www.facebook.com/phuonghoalu/posts/123?fbclid=abc"),
    )
    assert created
    assert (saved.channel.code, saved.kind) == ("facebook", "post")
    assert saved.url_key == "facebook.com/phuonghoalu/posts/123"
    assert AuditLog.objects.filter(action="outputs_logged", object_id=str(saved.pk)).exists()


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://youtu.be/dQw4w9WgXcQ", "youtube"),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"),
        ("https://zalo.me/g/abcdef", "zalo"),
        ("https://vt.tiktok.com/ZS123/", "tiktok"),
        ("https://twitter.com/x/status/1", "x"),
        ("https://ninhbinh.gov.vn/tin-tuc/1", "portal"),
        ("https://example.org/a", None),
        ("https://notfacebook.com/a", None),
    ],
)
def test_links_are_recognised_by_their_domain(db, url, code):
    found = recognise_channel(url)
    assert (found.code if found else None) == code


def test_the_same_article_twice_is_refused_naming_the_first(tree, campaign):
    _first, _ = log(campaign, tree.hoalu, output(title="Bài một", url="https://youtu.be/abc"))
    with pytest.raises(DuplicateLink) as exc:
        log(campaign, tree.namhoalu, output(title="Bài hai", url="http://youtu.be/abc/#t=1"))
    message = errors_of(exc)["url"][0]
    assert "Bài một" in message
    assert "Phường Hoa Lư" in message
    assert "10/10/2025" in message
    assert Output.objects.count() == 1
    assert url_key("https://YouTu.be/abc?utm_source=zalo") == "youtu.be/abc"


def test_a_retried_send_returns_the_output_already_saved(tree, campaign):
    key = uuid.uuid4()
    first, created = log(campaign, tree.hoalu, output(channel=channel("banner")), output_id=key)
    again, created_again = log(
        campaign, tree.hoalu, output(title="khác", channel=channel("banner")), output_id=key
    )
    assert created
    assert not created_again
    assert again.pk == first.pk
    assert again.title == "Tin tuyên truyền"
    assert Output.objects.count() == 1


def test_an_id_of_another_unit_is_refused(tree, campaign):
    key = uuid.uuid4()
    log(campaign, tree.hoalu, output(channel=channel("banner")), output_id=key)
    with pytest.raises(ValidationError, match="đơn vị khác"):
        log(campaign, tree.namhoalu, output(channel=channel("banner")), output_id=key)


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"url": "javascript:alert(1)"}, "url", "http://"),
        ({"url": "ftp://example.org/a"}, "url", "ftp"),
        ({"url": "https://" + "a" * 600 + ".vn"}, "url", "dài quá"),
        ({"day": datetime.date(2025, 9, 30), "channel": "banner"}, "published_on", "ngoài"),
        ({"day": datetime.date(2025, 11, 16), "channel": "banner"}, "published_on", "sau hôm nay"),
        ({"day": None, "channel": "banner"}, "published_on", "ngày"),
        ({"quantity": 0, "channel": "banner"}, "quantity", "từ 1"),
        ({"quantity": -3, "channel": "banner"}, "quantity", "từ 1"),
        ({"quantity": 10**9, "channel": "banner"}, "quantity", "100.000"),
        ({"views": -1, "channel": "facebook"}, "views", "Lượt xem"),
        ({"title": "   ", "channel": "banner"}, "title", "tiêu đề"),
        ({"title": "x" * 301, "channel": "banner"}, "title", "300"),
        ({"url": "https://example.org/a"}, "channel", "chọn kênh"),
        ({}, "channel", "chọn kênh"),
    ],
)
def test_bad_outputs_are_refused_by_field_and_nothing_is_saved(
    tree, campaign, fields, field, words
):
    fields = dict(fields)
    day = fields.pop("day", datetime.date(2025, 10, 10))
    if "channel" in fields:
        fields["channel"] = channel(fields["channel"])
    data = output(day=day, **fields)
    with pytest.raises(ValidationError) as exc:
        log(campaign, tree.hoalu, data)
    assert words in " ".join(errors_of(exc)[field])
    assert not Output.objects.exists()
    assert not AuditLog.objects.filter(action="outputs_logged").exists()


def test_a_unit_not_addressed_cannot_log(tree, campaign):
    with pytest.raises(ValidationError, match="không được giao"):
        log(campaign, tree.hoalu_village, output(channel=channel("banner")))
    _owner, created = log(campaign, tree.agency, output(channel=channel("newspaper")))
    assert created


def test_a_draft_takes_no_output(tree, draft):
    with pytest.raises(ValidationError, match="chưa được ban hành"):
        log(draft, tree.hoalu, output(channel=channel("banner")))


def test_control_characters_are_stripped_from_what_is_typed(tree, campaign):
    saved, _ = log(
        campaign,
        tree.hoalu,
        output(title="Băng\x00rôn\u202e  tại\x1b hội trường", channel=channel("banner")),
    )
    assert "\x00" not in saved.title
    assert "\u202e" not in saved.title
    assert "\x1b" not in saved.title


def test_the_boards_tallies_follow_every_write_and_match_a_recount(tree, campaign):
    from hocvuso.communications.models import OutputTally
    from hocvuso.communications.selectors import board as sel
    from hocvuso.communications.services import delete_output, update_output
    from hocvuso.communications.services.tallies import refresh_tallies

    def tallies():
        return sorted(
            OutputTally.objects.filter(outputs__gt=0).values_list(
                "unit_id", "channel_id", "outputs", "quantity", "hashtag"
            )
        )

    banners, _ = log(campaign, tree.hoalu, output(channel=channel("banner"), quantity=12))
    post, _ = log(campaign, tree.hoalu, output(url="https://facebook.com/p/1", hashtag_used=True))
    log(campaign, tree.namhoalu, output(url="https://zalo.me/p/2"))
    update_output(
        actor=None,
        output=post,
        data=output(channel=channel("zalo"), url="https://zalo.me/p/9", hashtag_used=False),
    )
    delete_output(actor=None, output=banners)
    kept = tallies()
    assert kept == [
        (tree.hoalu.pk, channel("zalo").pk, 1, 1, 0),
        (tree.namhoalu.pk, channel("zalo").pk, 1, 1, 0),
    ]
    refresh_tallies(campaign.pk)
    assert tallies() == kept
    # The whole window reads the tallies, a narrower one the outputs: the same figures.
    whole = sel.board(campaign, window=sel.Window.of(campaign))
    part = sel.board(
        campaign, window=sel.Window(campaign.starts_on, campaign.ends_on.replace(day=29))
    )
    assert [(r.unit_id, r.count, r.quantity) for r in whole.rows] == [
        (r.unit_id, r.count, r.quantity) for r in part.rows
    ]
