"""The campaign pages: the list, writing a campaign, whom it addresses, publishing it, its
resources — as the agency's focal point who runs it and the communes it addresses see them."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import make_person
from hocvuso.accounts.models import Notification
from hocvuso.communications.models import AssignedUnit, Campaign, CampaignResource, Expectation
from hocvuso.communications.services import create_campaign
from hocvuso.communications.tests.conftest import END, START, channel
from hocvuso.core.models import AuditLog
from hocvuso.core.roles import Role
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.services import create_unit, ensure_group

pytestmark = pytest.mark.django_db


def _form(**fields: object) -> dict[str, object]:
    return {
        "title": "Tuyên truyền Phong trào “Bình dân học vụ số”",
        "starts_on": "2025-10-01",
        "ends_on": "2025-11-30",
        "hashtags": "BinhDanHocVuSo, #ChuyenDoiSo",
        "key_messages": "Không ai bị bỏ lại phía sau\nHọc số cùng nhau",
        "slogans": "Bình dân học vụ số — mỗi người dân một kỹ năng số",
        "is_public": "on",
        **fields,
    }


# --- The list


def _campaign(tree, title: str, start: datetime.date, days: int = 10) -> Campaign:
    return create_campaign(
        actor=None,
        owner=tree.agency,
        title=title,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=days),
    )


def test_the_list_groups_running_upcoming_and_ended_campaigns(
    client, tree, agency_focal_point, time_machine
):
    time_machine.move_to(datetime.datetime(2025, 11, 15, 9, 0, tzinfo=datetime.UTC))
    _campaign(tree, "Đang chạy ABC", datetime.date(2025, 11, 10))
    _campaign(tree, "Sắp tới DEF", datetime.date(2025, 12, 1))
    _campaign(tree, "Đã xong GHI", datetime.date(2025, 9, 1))
    client.force_login(agency_focal_point)
    page = client.get(reverse("communications:campaigns")).content.decode()
    running, upcoming, ended = (
        page.index(t) for t in ("Đang chạy ABC", "Sắp tới DEF", "Đã xong GHI")
    )
    assert page.index("Đang diễn ra") < running < page.index("Sắp diễn ra") < upcoming
    assert page.index("Đã kết thúc") < ended
    assert "Sở Khoa học và Công nghệ" in page
    assert reverse("communications:campaign_create") in page


def test_the_list_takes_the_same_queries_for_three_or_thirty_campaigns(
    client, tree, agency_focal_point, django_assert_max_num_queries
):
    client.force_login(agency_focal_point)
    for n in range(3):
        _campaign(tree, f"Chiến dịch {n}", START)
    client.get(reverse("communications:campaigns"))  # the session and the user, cached
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("communications:campaigns"))
    for n in range(27):
        _campaign(tree, f"Chiến dịch thêm {n}", START)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("communications:campaigns")).status_code == 200


def test_a_commune_sees_the_campaigns_addressed_to_it_but_not_drafts(
    client, tree, draft, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    assert draft.title not in client.get(reverse("communications:campaigns")).content.decode()
    assert client.get(reverse("communications:campaign", args=[draft.pk])).status_code == 404


# --- Writing one


def test_the_agency_focal_point_creates_a_campaign_then_is_sent_to_its_targets(
    client, tree, agency_focal_point
):
    client.force_login(agency_focal_point)
    response = client.post(reverse("communications:campaign_create"), _form(owner=tree.agency.pk))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("communications:campaign_targets", args=[campaign.pk])
    assert campaign.owner == tree.agency
    assert campaign.hashtags == "#BinhDanHocVuSo #ChuyenDoiSo"
    assert campaign.status == Campaign.Status.DRAFT
    assert AuditLog.objects.filter(action="create", object_id=str(campaign.pk)).exists()


def test_a_campaign_is_owned_only_by_a_unit_its_author_manages(client, tree, agency_focal_point):
    client.force_login(agency_focal_point)
    response = client.post(reverse("communications:campaign_create"), _form(owner=tree.hoalu.pk))
    assert response.status_code == 400
    assert not Campaign.objects.exists()


def test_a_bad_hashtag_or_a_backwards_window_is_refused_in_vietnamese(
    client, tree, agency_focal_point
):
    client.force_login(agency_focal_point)
    url = reverse("communications:campaign_create")
    page = client.post(url, _form(owner=tree.agency.pk, hashtags="#ok <b>x</b>")).content.decode()
    assert "không phải là hashtag" in page
    assert "<b>x</b>" not in page
    page = client.post(url, _form(owner=tree.agency.pk, ends_on="2025-09-01")).content.decode()
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi" in page
    assert not Campaign.objects.exists()


def test_a_viewer_cannot_create_a_campaign(client, tree, viewer):
    client.force_login(viewer)
    assert client.get(reverse("communications:campaign_create")).status_code == 403


def test_a_campaign_links_to_a_plan_activity_the_author_sees(client, tree, agency_focal_point):
    from hocvuso.plans import services as pl

    plan = pl.create_plan(actor=None, issuing_unit=tree.agency, kind="other", title="Kế hoạch 01")
    activity = pl.add_activity(
        actor=None,
        plan=plan,
        title="Tháng cao điểm truyền thông",
        starts_on=START,
        ends_on=END,
    )
    client.force_login(agency_focal_point)
    url = reverse("communications:campaign_create")
    page = client.get(url, {"activity": activity.pk}).content.decode()
    assert "Tháng cao điểm truyền thông" in page
    client.post(url, _form(owner=tree.agency.pk, activity=activity.pk))
    assert Campaign.objects.get().activity == activity


def test_the_owner_edits_the_campaign(client, campaign, agency_focal_point):
    client.force_login(agency_focal_point)
    url = reverse("communications:campaign_edit", args=[campaign.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(title="Tuyên truyền (đợt 2)"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Tuyên truyền (đợt 2)"
    assert campaign.owner.kind == OrgUnit.Kind.AGENCY


def test_a_communes_focal_point_cannot_edit_the_agencys_campaign(
    client, campaign, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    page = client.get(reverse("communications:campaign", args=[campaign.pk]))
    assert page.status_code == 200
    assert reverse("communications:campaign_edit", args=[campaign.pk]) not in page.content.decode()
    for name in ("campaign_edit", "campaign_targets"):
        url = reverse(f"communications:{name}", args=[campaign.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, _form(title="Đổi tên")).status_code == 403
    publish = reverse("communications:campaign_publish", args=[campaign.pk])
    assert client.post(publish).status_code == 403
    assert Campaign.objects.get(pk=campaign.pk).title == campaign.title


def test_another_communes_draft_is_not_found(
    client, tree, hoalu_focal_point, other_commune_focal_point
):
    draft = create_campaign(
        actor=other_commune_focal_point,
        owner=tree.namhoalu,
        title="Nháp của Nam Hoa Lư",
        starts_on=START,
        ends_on=END,
    )
    client.force_login(hoalu_focal_point)
    for name in ("campaign", "campaign_edit", "campaign_targets", "outputs_import"):
        assert client.get(reverse(f"communications:{name}", args=[draft.pk])).status_code == 404
    assert (
        client.post(reverse("communications:campaign_publish", args=[draft.pk])).status_code == 404
    )


# --- The page


def test_the_page_shows_window_hashtags_messages_and_expectations(
    client, campaign, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    page = client.get(reverse("communications:campaign", args=[campaign.pk])).content.decode()
    assert "01/10/2025 – 30/11/2025" in page
    assert "#BinhDanHocVuSo" in page
    assert "Không ai bị bỏ lại phía sau" in page
    assert "Mọi đơn vị: Xã/Phường/Đặc khu" in page
    assert "Hệ thống loa truyền thanh cơ sở: 1 sản phẩm mỗi tuần" in page
    assert "Băng-rôn, pa-nô, áp phích: 1 sản phẩm cả đợt" in page
    # Read-only for an addressed unit, which may import its monthly report.
    assert reverse("communications:campaign_targets", args=[campaign.pk]) not in page
    assert reverse("communications:outputs_import", args=[campaign.pk]) in page


# --- Whom it addresses


def _targets_post(*blocks: tuple[str, list[tuple[int, int, str]]]) -> dict[str, object]:
    data: dict[str, object] = {"blocks": str(len(blocks))}
    for i, (whom, rows) in enumerate(blocks):
        data[f"t{i}_whom"] = whom
        for j, (channel_pk, quantity, per) in enumerate([*rows, ("", "", "window")]):
            data[f"t{i}_e{j}_channel"] = str(channel_pk)
            data[f"t{i}_e{j}_quantity"] = str(quantity)
            data[f"t{i}_e{j}_per"] = per
    return data


def test_targets_every_commune_and_the_press_group_resolve_to_their_units(
    client, tree, draft, agency_focal_point
):
    press_group = ensure_group(actor=None, name="Cơ quan báo chí", slug="bao-chi")
    newspaper = create_unit(
        actor=None, parent=tree.province, name="Báo Ninh Bình", kind=OrgUnit.Kind.PRESS
    )
    newspaper.groups.add(press_group)
    client.force_login(agency_focal_point)
    url = reverse("communications:campaign_targets", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "Mọi đơn vị: Xã/Phường/Đặc khu" in page
    assert "Cơ quan báo chí" in page
    banner, newspaper_channel = channel("banner"), channel("newspaper")
    response = client.post(
        url,
        _targets_post(
            ("kind:commune", [(banner.pk, 2, "window")]),
            (f"group:{press_group.pk}", [(newspaper_channel.pk, 4, "month")]),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assigned = set(AssignedUnit.objects.filter(campaign=draft).values_list("unit", flat=True))
    assert assigned == {tree.hoalu.pk, tree.namhoalu.pk, newspaper.pk}
    expected = set(Expectation.objects.values_list("channel__code", "quantity", "per"))
    assert expected == {("banner", 2, "window"), ("newspaper", 4, "month")}


def test_one_unit_is_found_by_name_and_addressed(client, tree, draft, agency_focal_point):
    client.force_login(agency_focal_point)
    url = reverse("communications:campaign_targets", args=[draft.pk])
    page = client.get(url, {"q": "to dan pho"}).content.decode()
    assert f'value="unit:{tree.hoalu_village.pk}"' in page
    response = client.post(url, _targets_post((f"unit:{tree.hoalu_village.pk}", [])))
    assert response.status_code == 302
    assert list(AssignedUnit.objects.filter(campaign=draft).values_list("unit", flat=True)) == [
        tree.hoalu_village.pk
    ]


def test_a_unit_of_another_province_cannot_be_addressed(client, tree, draft, agency_focal_point):
    other = create_unit(actor=None, parent=None, name="Tỉnh Khác", kind="province", code="99")
    commune = create_unit(actor=None, parent=other, name="Xã Ngoài", kind="commune")
    client.force_login(agency_focal_point)
    url = reverse("communications:campaign_targets", args=[draft.pk])
    before = set(AssignedUnit.objects.filter(campaign=draft).values_list("unit", flat=True))
    response = client.post(url, _targets_post((f"unit:{commune.pk}", [])))
    assert response.status_code == 400
    assert "Xã Ngoài" not in client.get(url, {"q": "xa ngoai"}).content.decode()
    assert set(AssignedUnit.objects.filter(campaign=draft).values_list("unit", flat=True)) == before


def test_an_expectation_without_a_quantity_is_refused(client, tree, draft, agency_focal_point):
    client.force_login(agency_focal_point)
    url = reverse("communications:campaign_targets", args=[draft.pk])
    data = _targets_post(("kind:commune", []))
    data["t0_e0_channel"] = str(channel("facebook").pk)
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Hãy nhập số lượng cho kênh này" in response.content.decode()
    assert set(Expectation.objects.values_list("channel__code", flat=True)) == {
        "loudspeaker",
        "banner",
    }


# --- Publishing


def test_publishing_tells_the_focal_points_and_says_how_many_units(
    client, tree, draft, agency_focal_point, hoalu_focal_point, other_commune_focal_point
):
    client.force_login(agency_focal_point)
    response = client.post(reverse("communications:campaign_publish", args=[draft.pk]), follow=True)
    assert "báo cho đầu mối của 2 đơn vị" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_published
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"hoalu", "namhoalu"}
    again = client.post(reverse("communications:campaign_publish", args=[draft.pk]), follow=True)
    assert "đã được ban hành" in again.content.decode()


def test_publishing_needs_a_post(client, draft, agency_focal_point):
    client.force_login(agency_focal_point)
    assert (
        client.get(reverse("communications:campaign_publish", args=[draft.pk])).status_code == 405
    )


# --- Resources


def test_resources_a_link_and_a_file_that_the_communes_download(
    client, tree, campaign, agency_focal_point, hoalu_focal_point
):
    client.force_login(agency_focal_point)
    url = reverse("communications:campaign_resource_add", args=[campaign.pk])
    client.post(url, {"title": "Bộ nhận diện", "url": "https://binhdanhocvuso.gov.vn/nhan-dien"})
    pdf = SimpleUploadedFile("Áp phích.pdf", b"%PDF-1.4\n1 0 obj\n", "application/pdf")
    assert client.post(url, {"title": "Áp phích A3", "file": pdf}).status_code == 302
    link, poster = CampaignResource.objects.order_by("pk")
    client.force_login(hoalu_focal_point)
    page = client.get(reverse("communications:campaign", args=[campaign.pk])).content.decode()
    assert "https://binhdanhocvuso.gov.vn/nhan-dien" in page
    download = client.get(
        reverse("communications:campaign_resource_file", args=[campaign.pk, poster.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    delete = reverse("communications:campaign_resource_delete", args=[campaign.pk, link.pk])
    assert client.post(delete).status_code == 403
    client.force_login(agency_focal_point)
    assert client.post(delete).status_code == 302
    assert list(CampaignResource.objects.all()) == [poster]


def test_a_program_named_pdf_or_a_javascript_link_is_refused(client, campaign, agency_focal_point):
    client.force_login(agency_focal_point)
    url = reverse("communications:campaign_resource_add", args=[campaign.pk])
    fake = SimpleUploadedFile("ap-phich.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    page = client.post(url, {"title": "Áp phích", "file": fake})
    assert page.status_code == 400
    assert "không phải" in page.content.decode()
    page = client.post(url, {"title": "Áp phích", "url": "javascript:alert(1)"})
    assert "http://" in page.content.decode()
    assert not CampaignResource.objects.exists()


def test_a_village_team_member_does_not_see_it_and_a_commune_viewer_only_reads_it(
    client, tree, campaign
):
    member = make_person("tm", Role.TEAM_MEMBER, tree.hoalu_village)
    client.force_login(member)
    assert client.get(reverse("communications:campaign", args=[campaign.pk])).status_code == 404
    client.force_login(make_person("hoaluviewer", Role.VIEWER, tree.hoalu))
    page = client.get(reverse("communications:campaign", args=[campaign.pk]))
    assert page.status_code == 200
    assert reverse("communications:outputs_import", args=[campaign.pk]) not in page.content.decode()


def test_the_unit_search_sends_htmx_only_the_editor(client, tree, draft, agency_focal_point):
    client.force_login(agency_focal_point)
    url = reverse("communications:campaign_targets", args=[draft.pk])
    response = client.get(url, {"q": "hoa lu"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="editor">')
    assert f'value="unit:{tree.hoalu.pk}"' in page
    assert "HX-Request" in response["Vary"]
