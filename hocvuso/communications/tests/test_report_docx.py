"""The directive's report ("Báo cáo kết quả tuyên truyền …") as .docx: the administrative
layout, and figures by level and channel that are the outputs', read back with python-docx."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document

from hocvuso.communications.models import Output
from hocvuso.communications.services import log_output
from hocvuso.communications.tests.conftest import channel, output
from hocvuso.orgunits.services import create_unit

pytestmark = pytest.mark.django_db

D = datetime.date


def log(campaign, unit, **fields):
    saved, _created = log_output(actor=None, campaign=campaign, unit=unit, data=output(**fields))
    return saved


@pytest.fixture
def press(tree):
    return create_unit(actor=None, parent=tree.province, name="Báo Ninh Bình", kind="press")


@pytest.fixture
def logged(tree, campaign, press, today_in_window):
    """A commune's broadcasts and banners, the press's articles, the owner's post, and the
    other commune silent. The press is added to the campaign's units."""
    from hocvuso.communications.services import TargetInput, set_targets

    set_targets(
        actor=None,
        campaign=campaign,
        targets=[TargetInput(unit_kind="commune"), TargetInput(unit_kind="press")],
    )
    loud = channel("loudspeaker")
    for day in (D(2025, 10, 3), D(2025, 10, 17), D(2025, 11, 14)):
        log(campaign, tree.hoalu, title=f"Phát thanh {day:%d/%m}", day=day, channel=loud)
    log(
        campaign,
        tree.hoalu,
        title="Băng-rôn",
        day=D(2025, 10, 5),
        channel=channel("banner"),
        quantity=12,
    )
    log(
        campaign,
        press,
        title="Ninh Bình phát động phong trào",
        day=D(2025, 10, 2),
        url="https://baoninhbinh.org.vn/phat-dong-1",
        channel=channel("newspaper"),
        views=12000,
        hashtag_used=True,
    )
    log(
        campaign,
        press,
        title="Tổ công nghệ số cộng đồng",
        day=D(2025, 11, 13),
        url="https://baoninhbinh.org.vn/to-cong-nghe-2",
        channel=channel("newspaper"),
        views=800,
    )
    log(
        campaign,
        tree.agency,
        title="Bài đăng của Sở",
        day=D(2025, 10, 1),
        url="https://www.facebook.com/svhtt/posts/9",
        hashtag_used=True,
    )
    return campaign


def number(text: str) -> int:
    return int(text.replace(".", ""))


def read_back(response) -> Document:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return Document(io.BytesIO(response.content))


def table_rows(table) -> dict[str, list[str]]:
    return {row.cells[0].text: [c.text for c in row.cells[1:]] for row in table.rows[1:]}


def get(client, user, campaign, query=""):
    client.force_login(user)
    path = reverse("communications:report_docx", args=[campaign.pk])
    return client.get(path + (f"?{query}" if query else ""))


def test_the_report_is_laid_out_as_an_administrative_document(client, logged, agency_focal_point):
    document = read_back(get(client, agency_focal_point, logged))
    header = document.tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    assert "TỈNH NINH BÌNH" in left
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in left
    assert "/BC" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "Ninh Bình, ngày 15 tháng 11 năm 2025" in right
    text = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in text
    assert "Kết quả tuyên truyền Phong trào “Bình dân học vụ số”" in text
    assert "(từ ngày 01/10/2025 đến ngày 30/11/2025)" in text
    headings = [t for t in text if t[:3] in {"I. ", "II.", "III"}]
    assert headings == ["I. CÔNG TÁC TRIỂN KHAI", "II. KẾT QUẢ THỰC HIỆN", "III. ĐÁNH GIÁ CHUNG"]
    signature = document.tables[-1]
    recipients, signer = (cell.text for cell in signature.rows[0].cells)
    assert recipients.startswith("Nơi nhận:")
    assert "Lưu: VT." in recipients
    assert "THỦ TRƯỞNG ĐƠN VỊ" in signer


def test_its_figures_by_level_and_channel_are_the_outputs(client, logged, agency_focal_point):
    document = read_back(get(client, agency_focal_point, logged))
    levels = table_rows(document.tables[1])
    # Units addressed, units that logged, outputs, their quantity.
    assert [number(v) for v in levels["Cơ quan báo chí"]] == [1, 1, 2, 2]
    assert [number(v) for v in levels["Cấp xã (xã, phường, đặc khu)"]] == [2, 1, 4, 15]
    # The owner is not addressed, but its post counts.
    assert [number(v) for v in levels["Sở, ban, ngành, đoàn thể cấp tỉnh"]] == [0, 0, 1, 1]
    assert [number(v) for v in levels["Tổng cộng"]] == [3, 2, Output.objects.count(), 18]
    channels = table_rows(document.tables[2])
    # Press, provincial, communes, total, quantity.
    assert [number(v) for v in channels["Báo in, báo điện tử"]] == [2, 0, 0, 2, 2]
    assert [number(v) for v in channels["Hệ thống loa truyền thanh cơ sở"]] == [0, 0, 3, 3, 3]
    assert [number(v) for v in channels["Băng-rôn, pa-nô, áp phích"]] == [0, 0, 1, 1, 12]
    assert [number(v) for v in channels["Facebook"]] == [0, 1, 0, 1, 1]
    assert [number(v) for v in channels["Tổng cộng"]] == [2, 1, 4, 7, 18]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "đã thực hiện 7 sản phẩm tuyên truyền (tổng số lượng 18) trên 4 kênh" in text
    assert "2/3 đơn vị được giao đã có sản phẩm" in text
    assert "2 sản phẩm (29%) có dùng hashtag" in text
    # The most read article first among the notable outputs.
    notable = [t for t in text.splitlines() if t.startswith("- “")]
    assert notable[0].startswith("- “Ninh Bình phát động phong trào” (Báo Ninh Bình")
    assert "12.000 lượt xem" in notable[0]
    assert "Còn 1/3 đơn vị được giao chưa có sản phẩm tuyên truyền: Phường Nam Hoa Lư." in text


def test_a_window_gives_that_windows_figures(client, logged, agency_focal_point):
    document = read_back(get(client, agency_focal_point, logged, "from=01/11/2025&to=30/11/2025"))
    text = [p.text for p in document.paragraphs]
    assert "(từ ngày 01/11/2025 đến ngày 30/11/2025)" in text
    levels = table_rows(document.tables[1])
    # The 14/11 broadcast; the press article of 13/11.
    assert [number(v) for v in levels["Tổng cộng"]] == [3, 2, 2, 2]


def test_a_campaign_with_nothing_logged_still_reports(client, campaign, agency_focal_point):
    document = read_back(get(client, agency_focal_point, campaign))
    levels = table_rows(document.tables[1])
    assert [number(v) for v in levels["Tổng cộng"]] == [2, 0, 0, 0]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Chưa có sản phẩm nào trong thời gian này." in text
    assert "Phường Hoa Lư; Phường Nam Hoa Lư" in text
