"""A unit's monthly Excel report of outputs: previewed, then imported all or nothing; every
bad row named by its line; the same file twice refused naming the first import."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import make_person
from hocvuso.communications.models import Output, OutputImport
from hocvuso.communications.services import log_output
from hocvuso.communications.tests.conftest import channel, output
from hocvuso.core.models import AuditLog
from hocvuso.core.roles import Role
from tests import badinput as B

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today_in_window")]

HEADER = [
    "STT",
    "Ngày",
    "Kênh",
    "Loại",
    "Tiêu đề/Nội dung",
    "Đường dẫn",
    "Số lượng",
    "Lượt xem",
    "Lượt chia sẻ",
    "Người tham dự",
    "Hashtag (có/không)",
    "Ghi chú",
]
GOOD = [
    [
        "1",
        "05/10/2025",
        "Facebook",
        "Bài đăng",
        "Ra quân Bình dân học vụ số",
        "https://www.facebook.com/hoalu/posts/1",
        "",
        "1200",
        "35",
        "",
        "có",
        "",
    ],
    [
        "2",
        "2025-10-12",
        "",
        "",
        "Video hướng dẫn VNeID",
        "https://youtu.be/abc123",
        "1",
        "800",
        "",
        "",
        "không",
        "",
    ],
    [
        "3",
        "20/10/2025",
        "Băng-rôn, pa-nô",
        "",
        "Băng-rôn tại nhà văn hóa các tổ dân phố",
        "",
        "12",
        "",
        "",
        "",
        "",
        "Treo ở 12 tổ",
    ],
    ["4", "25/10/2025", "Loa truyền thanh", "", "Bản tin tuần", "", "3", "", "", "", "", ""],
]


def _url(campaign) -> str:
    return reverse("communications:outputs_import", args=[campaign.pk])


def _file(rows, name="bao-cao-thang-10.csv", **kw) -> SimpleUploadedFile:
    maker = B.xlsx_bytes if name.endswith(".xlsx") else B.csv_bytes
    return SimpleUploadedFile(name, maker(rows, **kw))


def test_a_good_file_is_previewed_then_imported_as_the_units_outputs(
    client, tree, campaign, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    preview = client.post(_url(campaign), {"file": _file([HEADER, *GOOD])})
    page = preview.content.decode()
    assert preview.status_code == 200, page
    assert "4 dòng, 17 sản phẩm của Phường Hoa Lư" in page
    assert "YouTube" in page  # the channel recognised from the link
    assert not Output.objects.exists()
    token = preview.context["token"]
    done = client.post(_url(campaign), {"token": token}, follow=True)
    assert "Đã nhập 4 sản phẩm của Phường Hoa Lư" in done.content.decode()
    source = OutputImport.objects.get()
    outputs = Output.objects.filter(source=source)
    assert outputs.count() == 4
    assert set(outputs.values_list("unit", flat=True)) == {tree.hoalu.pk}
    assert set(outputs.values_list("via", flat=True)) == {"import"}
    banner = outputs.get(channel__code="banner")
    assert (banner.quantity, banner.kind, banner.note) == (12, "banner", "Treo ở 12 tổ")
    post = outputs.get(channel__code="facebook")
    assert (post.views, post.shares, post.hashtag_used) == (1200, 35, True)
    assert AuditLog.objects.filter(action="import", object_id=str(source.pk)).exists()
    assert AuditLog.objects.filter(action="outputs_logged").count() == 4


def test_an_xlsx_with_a_title_above_and_headers_without_diacritics(
    client, tree, campaign, hoalu_focal_point
):
    header = ["STT", "Ngay", "Kenh", "Tieu de", "Duong dan", "So luong"]
    rows = [
        ["BÁO CÁO SẢN PHẨM TRUYỀN THÔNG THÁNG 10/2025"],
        ["Phường Hoa Lư"],
        header,
        ["1", "06/10/2025", "Zalo", "Tin nhắn nhóm tổ dân phố", "https://zalo.me/g/abc", "2"],
    ]
    client.force_login(hoalu_focal_point)
    response = client.post(_url(campaign), {"file": _file(rows, "bao-cao.xlsx"), "confirm": "1"})
    assert response.status_code == 302
    assert Output.objects.get().channel.code == "zalo"


def test_every_bad_row_is_named_by_its_line_and_nothing_is_written(
    client, tree, campaign, hoalu_focal_point
):
    log_output(
        actor=None,
        campaign=campaign,
        unit=tree.namhoalu,
        data=output(
            title="Bài của Nam Hoa Lư",
            url="https://baoninhbinh.org.vn/bai-1",
            channel=channel("newspaper"),
        ),
    )
    rows = [
        HEADER,
        GOOD[0],
        ["2", "05/09/2025", "Facebook", "", "Trước đợt", "", "", "", "", "", "", ""],
        ["3", "06/10/2025", "Facebook", "", "Số âm", "", "-3", "", "", "", "", ""],
        [
            "4",
            "06/10/2025",
            "Facebook",
            "",
            "Sai đường dẫn",
            "ftp://x.vn/a",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "5",
            "07/10/2025",
            "Facebook",
            "",
            "Trùng dòng 2",
            "https://facebook.com/hoalu/posts/1?fbclid=z",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "6",
            "08/10/2025",
            "Báo điện tử",
            "",
            "Đã ghi",
            "https://baoninhbinh.org.vn/bai-1",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        ["7", "09/10/2025", "Bồ câu đưa thư", "", "Kênh lạ", "", "", "", "", "", "", ""],
        ["8", "32/10/2025", "Facebook", "", "Ngày sai", "", "", "", "", "", "", ""],
    ]
    client.force_login(hoalu_focal_point)
    before = AuditLog.objects.count()
    response = client.post(_url(campaign), {"file": _file(rows), "confirm": "1"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Dòng 2:" not in page
    assert "Dòng 3: Ngày 05/09/2025 nằm ngoài thời gian của chiến dịch" in page
    assert "Dòng 4: Số lượng phải từ 1 đến 100.000" in page
    assert "Dòng 5: Đường dẫn phải bắt đầu bằng http:// hoặc https://" in page
    assert "Dòng 6: đường dẫn trùng với dòng 2" in page
    assert (
        "Dòng 7: Đường dẫn này đã được ghi ngày 10/10/2025: “Bài của Nam Hoa Lư” "
        "của Phường Nam Hoa Lư" in page
    )
    assert "Dòng 8: kênh “Bồ câu đưa thư” không có trong danh sách" in page
    assert "Dòng 9: ngày “32/10/2025” không hợp lệ" in page
    assert Output.objects.count() == 1
    assert not OutputImport.objects.exists()
    assert AuditLog.objects.count() == before


def test_the_same_file_twice_is_refused_naming_the_first_import(
    client, tree, campaign, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    content = B.csv_bytes([HEADER, *GOOD])
    first = client.post(
        _url(campaign), {"file": SimpleUploadedFile("thang-10.csv", content), "confirm": "1"}
    )
    assert first.status_code == 302
    again = client.post(_url(campaign), {"file": SimpleUploadedFile("lan-2.csv", content)})
    page = again.content.decode()
    assert again.status_code == 400
    assert "Tệp này đã được nhập ngày" in page
    assert "“thang-10.csv”" in page
    assert "4 sản phẩm của Phường Hoa Lư" in page
    assert OutputImport.objects.count() == 1
    assert Output.objects.count() == 4


def test_the_template_filled_in_imports(client, tree, campaign, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    response = client.get(reverse("communications:outputs_import_template", args=[campaign.pk]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert [c.value for c in sheet[3]] == HEADER
    for column, value in enumerate(
        [
            1,
            "15/10/2025",
            "Facebook",
            "Bài đăng",
            "Livestream lễ ra quân",
            "https://fb.watch/xyz",
            1,
        ],
        start=1,
    ):
        sheet.cell(row=4, column=column, value=value)
    sheet.cell(row=5, column=2, value=datetime.date(2025, 10, 16))
    sheet.cell(row=5, column=3, value="Hệ thống loa truyền thanh cơ sở")
    sheet.cell(row=5, column=5, value="Phát bản tin")
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("mau.xlsx", buffer.getvalue())
    response = client.post(_url(campaign), {"file": upload, "confirm": "1"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    days = set(Output.objects.values_list("published_on", flat=True))
    assert days == {datetime.date(2025, 10, 15), datetime.date(2025, 10, 16)}


def test_the_owners_manager_imports_for_an_addressed_unit(
    client, tree, campaign, agency_focal_point
):
    client.force_login(agency_focal_point)
    page = client.get(_url(campaign)).content.decode()
    assert "Phường Nam Hoa Lư" in page
    response = client.post(
        _url(campaign),
        {"file": _file([HEADER, GOOD[2]]), "unit": tree.namhoalu.pk, "confirm": "1"},
    )
    assert response.status_code == 302
    assert Output.objects.get().unit == tree.namhoalu


def test_a_focal_point_imports_only_for_their_own_unit(client, tree, campaign, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    response = client.post(
        _url(campaign),
        {"file": _file([HEADER, GOOD[2]]), "unit": tree.namhoalu.pk, "confirm": "1"},
    )
    assert response.status_code == 400
    assert not Output.objects.exists()


def test_who_may_not_import(client, tree, campaign):
    client.force_login(make_person("hoaluviewer", Role.VIEWER, tree.hoalu))
    assert client.get(_url(campaign)).status_code == 403
    client.force_login(make_person("teamhoalu", Role.TEAM_MEMBER, tree.hoalu))
    assert client.get(_url(campaign)).status_code == 403


def test_a_draft_takes_no_report(client, tree, draft, agency_focal_point):
    client.force_login(agency_focal_point)
    response = client.post(_url(draft), {"file": _file([HEADER, GOOD[2]]), "unit": tree.hoalu.pk})
    assert response.status_code == 400
    assert "chưa được ban hành" in response.content.decode()


def test_a_file_without_the_needed_columns_says_which(client, tree, campaign, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    response = client.post(_url(campaign), {"file": _file([["STT", "Kênh"], ["1", "Zalo"]])})
    assert response.status_code == 400
    assert "Không tìm thấy dòng tiêu đề cột" in response.content.decode()


def test_a_confirmation_whose_file_is_gone_says_to_upload_again(
    client, tree, campaign, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    response = client.post(_url(campaign), {"token": "0" * 32})
    assert response.status_code == 400
    assert "hãy tải lại tệp" in response.content.decode()
    assert not Output.objects.exists()
