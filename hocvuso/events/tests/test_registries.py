"""Issue 4: delegates invited by category who answer from their own link, a bridge point's
list of names imported from Excel (all or nothing), and the side registries — booths, parade
vehicles, agreements to sign."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hocvuso.core.models import AuditLog
from hocvuso.events import services
from hocvuso.events.models import AttendeeName, Delegate, RegistryEntry

START = datetime.datetime(2025, 11, 8, 1, 0, tzinfo=datetime.UTC)  # 08:00 in Vietnam
BEFORE = START - datetime.timedelta(days=3)


@pytest.fixture
def event(tree):
    event = services.create_event(
        actor=None, organiser=tree.province, title="Lễ phát động", starts_at=START
    )
    services.add_bridge_points(actor=None, event=event, hosts=[tree.hoalu])
    return event


@pytest.fixture
def point(event):
    return event.bridge_points.get()


def xlsx(*rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("danh-sach.xlsx", buffer.getvalue())


# --- Delegates


@pytest.mark.parametrize(
    ("persona", "status"),
    [("coordinator", 200), ("viewer", 403), ("hoalu_focal_point", 403)],
)
def test_only_organisers_see_delegates_by_name(request, client, event, persona, status) -> None:
    services.invite_delegate(actor=None, event=event, name="Nguyễn Văn An", category="province")
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("events:delegates", args=[event.pk]))
    assert page.status_code == status
    assert ("Nguyễn Văn An" in page.text) is (status == 200)
    # Everyone who sees the event sees the figures.
    detail = client.get(reverse("events:detail", args=[event.pk])).text
    assert "Lãnh đạo tỉnh" in detail
    assert "Nguyễn Văn An" not in detail


def test_an_organiser_invites_and_records_an_answer_given_by_phone(
    client, tree, event, coordinator
) -> None:
    client.force_login(coordinator)
    client.post(
        reverse("events:delegate_add", args=[event.pk]),
        {
            "new-category": "agency",
            "new-name": "Trần Thị Bình",
            "new-position": "Giám đốc Sở",
            "new-unit": "NB-SKHCN",
            "new-rsvp": "pending",
        },
    )
    delegate = Delegate.objects.get()
    assert (delegate.unit, delegate.rsvp, delegate.responded_at) == (tree.agency, "pending", None)
    prefix = f"d{delegate.pk}"
    client.post(
        reverse("events:delegate_edit", args=[event.pk, delegate.pk]),
        {
            f"{prefix}-category": "agency",
            f"{prefix}-name": "Trần Thị Bình",
            f"{prefix}-rsvp": "accepted",
        },
    )
    delegate.refresh_from_db()
    assert delegate.rsvp == "accepted"
    assert delegate.responded_at is not None
    log = AuditLog.objects.filter(
        object_type="events.delegate", object_id=str(delegate.pk), action="update"
    ).get()
    assert log.changes["rsvp"] == ["pending", "accepted"]


def test_a_delegate_without_a_name_is_refused_in_vietnamese(client, event, coordinator) -> None:
    client.force_login(coordinator)
    response = client.post(
        reverse("events:delegate_add", args=[event.pk]),
        {"new-category": "press", "new-name": "  ", "new-rsvp": "pending"},
    )
    assert response.status_code == 400
    assert "Trường này là bắt buộc." in response.text
    assert not Delegate.objects.exists()


def test_a_delegate_answers_from_their_link_without_an_account(client, event) -> None:
    delegate = services.invite_delegate(
        actor=None, event=event, name="Lê Văn Cường", category="central"
    )
    url = reverse("events:rsvp", args=[delegate.rsvp_token])
    with time_machine.travel(BEFORE, tick=False):
        page = client.get(url)
        assert "Lê Văn Cường" in page.text
        assert "Lễ phát động" in page.text
        response = client.post(url, {"answer": "yes"})
        assert response.url == f"{url}?sent=1"
        client.post(url, {"answer": "yes"})  # a double tap
        delegate.refresh_from_db()
        assert delegate.rsvp == "accepted"
        assert (
            AuditLog.objects.filter(
                object_type="events.delegate", object_id=str(delegate.pk), action="rsvp_answered"
            ).count()
            == 1
        )
        client.post(url, {"answer": "no"})  # a change of mind
        delegate.refresh_from_db()
        assert delegate.rsvp == "declined"
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        late = client.post(url, {"answer": "yes"})
    assert late.status_code == 400
    assert "Buổi lễ đã bắt đầu" in late.text
    delegate.refresh_from_db()
    assert delegate.rsvp == "declined"


def test_a_wrong_invitation_link_says_so(client, event) -> None:
    response = client.get(reverse("events:rsvp", args=["khong-dung"]))
    assert response.status_code == 404
    assert "Đường dẫn không còn hiệu lực" in response.text


def test_the_delegates_page_takes_the_same_queries_for_3_or_30(
    client, event, coordinator, django_assert_max_num_queries
) -> None:
    client.force_login(coordinator)
    url = reverse("events:delegates", args=[event.pk])

    def invite(n):
        for i in range(n):
            services.invite_delegate(actor=None, event=event, name=f"Khách {i}", category="other")

    invite(3)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    invite(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).text.count("Khách ") >= 30


# --- A bridge point's list of names


def test_names_imported_from_excel_replace_the_list(client, event, point, coordinator) -> None:
    client.force_login(coordinator)
    url = reverse("events:attendee_names", args=[event.pk, point.pk])
    client.post(url, {"file": xlsx(["Họ và tên"], ["Người cũ"])})
    response = client.post(
        url,
        {
            "file": xlsx(
                ["STT", "Họ và tên", "Thành phần", "Chức vụ, đơn vị"],
                [1, "Nguyễn Thị Hoa", "Học sinh", "Lớp 11A, THPT Hoa Lư A"],
                [2, "Đinh Văn Nam", "Lãnh đạo", "Chủ tịch UBND phường"],
                [None, None, None, None],
                [3, "Phạm Thu", "", ""],
            )
        },
        follow=True,
    )
    assert "Đã nhập danh sách 3 người dự." in response.text
    names = list(AttendeeName.objects.values_list("line", "name", "category"))
    assert names == [
        (2, "Nguyễn Thị Hoa", "students"),
        (3, "Đinh Văn Nam", "leaders"),
        (5, "Phạm Thu", ""),
    ]
    assert "Nguyễn Thị Hoa" in response.text
    log = AuditLog.objects.filter(object_id=str(point.pk), changes__attendee_names=3).get()
    assert "Nguyễn" not in str(log.changes)  # the count, never the names


def test_a_bad_sheet_names_every_bad_line_and_keeps_the_old_list(
    client, event, point, coordinator
) -> None:
    client.force_login(coordinator)
    url = reverse("events:attendee_names", args=[event.pk, point.pk])
    client.post(url, {"file": xlsx(["Họ và tên"], ["Người cũ"])})
    response = client.post(
        url,
        {
            "file": xlsx(
                ["Họ và tên", "Thành phần"],
                ["Nguyễn Thị Hoa", "Học sinh"],
                ["", "Người dân"],
                ["Trần Văn Tâm", "Người ngoài hành tinh"],
            )
        },
    )
    assert response.status_code == 400
    assert "Dòng 3: thiếu họ và tên." in response.text
    assert "Dòng 4: thành phần “Người ngoài hành tinh” không có trong danh mục" in response.text
    assert list(AttendeeName.objects.values_list("name", flat=True)) == ["Người cũ"]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (xlsx(["Tên đơn vị", "Số người"], ["A", 1]), "thiếu cột “Họ và tên”"),
        (xlsx(["Họ và tên"]), "Tệp chỉ có dòng tiêu đề"),
        (SimpleUploadedFile("a.pdf", b"%PDF-1.4"), "Chỉ nhận tệp Excel"),
        (SimpleUploadedFile("a.xlsx", b"not a workbook"), "không phải tệp Excel hợp lệ"),
    ],
)
def test_files_that_are_not_a_list_of_names(client, event, point, coordinator, upload, message):
    client.force_login(coordinator)
    response = client.post(
        reverse("events:attendee_names", args=[event.pk, point.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert message in response.text
    assert not AttendeeName.objects.exists()


def test_a_csv_list_works_too(client, event, point, coordinator) -> None:
    client.force_login(coordinator)
    csv = "Họ và tên;Thành phần\nHoàng Văn Minh;Tổ công nghệ số\n".encode()
    client.post(
        reverse("events:attendee_names", args=[event.pk, point.pk]),
        {"file": SimpleUploadedFile("ds.csv", csv)},
    )
    assert list(AttendeeName.objects.values_list("name", "category")) == [
        ("Hoàng Văn Minh", "team_members")
    ]


def test_only_organisers_import_names(client, event, point, hoalu_focal_point) -> None:
    client.force_login(hoalu_focal_point)
    response = client.post(
        reverse("events:attendee_names", args=[event.pk, point.pk]),
        {"file": xlsx(["Họ và tên"], ["Ai đó"])},
    )
    assert response.status_code == 403
    assert not AttendeeName.objects.exists()


# --- Side registries


def test_booths_parade_vehicles_and_signings(client, tree, event, coordinator, viewer) -> None:
    client.force_login(coordinator)
    client.post(
        reverse("events:registry_add", args=[event.pk, "booth"]),
        {
            "reg-booth-participant": "VNPT Ninh Bình",
            "reg-booth-description": "Ký số, VNeID mức 2",
            "reg-booth-quantity": "2",
        },
    )
    client.post(
        reverse("events:registry_add", args=[event.pk, "parade"]),
        {
            "reg-parade-participant": "Phường Hoa Lư",
            "reg-parade-unit": "14329",
            "reg-parade-quantity": "3",
        },
    )
    client.post(
        reverse("events:registry_add", args=[event.pk, "signing"]),
        {
            "reg-signing-participant": "UBND tỉnh Ninh Bình",
            "reg-signing-partner": "Tập đoàn Viettel",
            "reg-signing-description": "Hợp tác chuyển đổi số",
        },
    )
    registry = {e.kind: e for e in RegistryEntry.objects.all()}
    assert registry["booth"].quantity == 2
    assert registry["parade"].unit == tree.hoalu
    assert registry["signing"].partner == "Tập đoàn Viettel"
    page = client.get(reverse("events:detail", args=[event.pk])).text
    assert "UBND tỉnh Ninh Bình — Tập đoàn Viettel" in page
    client.force_login(viewer)
    assert "Ký số, VNeID mức 2" in client.get(reverse("events:detail", args=[event.pk])).text
    refused = client.post(reverse("events:registry_delete", args=[event.pk, registry["booth"].pk]))
    assert refused.status_code == 403
    client.force_login(coordinator)
    client.post(reverse("events:registry_delete", args=[event.pk, registry["booth"].pk]))
    assert RegistryEntry.objects.count() == 2
    assert AuditLog.objects.filter(action="delete", changes__participant="VNPT Ninh Bình").exists()


def test_a_registry_line_without_a_participant_is_refused(client, event, coordinator) -> None:
    client.force_login(coordinator)
    response = client.post(
        reverse("events:registry_add", args=[event.pk, "booth"]),
        {"reg-booth-participant": "", "reg-booth-quantity": "1"},
        follow=True,
    )
    assert "Chưa lưu được" in response.text
    assert not RegistryEntry.objects.exists()
    unknown = client.post(reverse("events:registry_add", args=[event.pk, "fireworks"]))
    assert unknown.status_code == 404


def test_delegates_are_listed_central_leaders_first(client, event, coordinator) -> None:
    for name, category in [("Phóng viên", "press"), ("Thứ trưởng", "central"), ("Sở", "agency")]:
        services.invite_delegate(actor=None, event=event, name=name, category=category)
    client.force_login(coordinator)
    page = client.get(reverse("events:delegates", args=[event.pk])).text
    assert page.index("Thứ trưởng") < page.index("Sở") < page.index("Phóng viên")
