"""What the campaign's owner sees: each unit's outputs by channel against what it is
expected to produce, the silent units, the weekly trend, the hashtag's use, the gallery, the
spreadsheet — and who may see them."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_person
from hocvuso.communications.models import Campaign, Output
from hocvuso.communications.selectors.board import Window, expected_in
from hocvuso.communications.services import (
    TargetInput,
    create_campaign,
    log_output,
    publish_campaign,
    set_targets,
)
from hocvuso.communications.tests.conftest import END, START, channel, output
from hocvuso.core.roles import Role
from hocvuso.core.uploads import check_upload
from hocvuso.orgunits.services import create_unit
from tests import badinput

pytestmark = pytest.mark.django_db

D = datetime.date
PAGES = ["board", "silent", "gallery", "board_xlsx", "board_csv", "report_docx"]


def log(campaign, unit, **fields):
    saved, _created = log_output(actor=None, campaign=campaign, unit=unit, data=output(**fields))
    return saved


@pytest.fixture
def outputs(tree, campaign, today_in_window):
    """Phường Hoa Lư broadcast three times and hung 12 banners (with the hashtag); Phường
    Nam Hoa Lư logged nothing; the agency (the owner, not addressed) posted once."""
    loud = channel("loudspeaker")
    for day in (D(2025, 10, 10), D(2025, 10, 20), D(2025, 11, 11)):
        log(campaign, tree.hoalu, title=f"Phát thanh {day:%d/%m}", day=day, channel=loud)
    log(
        campaign,
        tree.hoalu,
        title="Băng-rôn tại trụ sở",
        day=D(2025, 10, 5),
        channel=channel("banner"),
        quantity=12,
        hashtag_used=True,
    )
    log(
        campaign,
        tree.agency,
        title="Bài đăng phát động",
        day=D(2025, 10, 1),
        url="https://www.facebook.com/svhtt/posts/1",
        hashtag_used=True,
        views=5000,
    )
    return campaign


def signed_in(client, user):
    client.force_login(user)
    return client


def url(name, campaign, query=""):
    return reverse(f"communications:{name}", args=[campaign.pk]) + (f"?{query}" if query else "")


def cells(board):
    """{(unit name, channel code): (count, quantity, expected, below)} of the cells with
    anything in them."""
    found = {}
    for row in board.rows:
        for ch, cell in zip(board.channels, row.cells, strict=True):
            if cell.count or cell.expected:
                found[(row.name, ch.code)] = (cell.count, cell.quantity, cell.expected, cell.below)
    return found


# --- expectations scaled to the window


def test_expectations_are_scaled_to_the_window(campaign):
    whole = Window(START, END)  # 61 days
    week = Window(START, D(2025, 10, 7))
    assert expected_in(1, "week", whole, campaign) == 9
    assert expected_in(1, "week", week, campaign) == 1
    assert expected_in(2, "month", whole, campaign) == 4
    assert expected_in(1, "window", whole, campaign) == 1
    # One banner for the whole campaign is not yet due in its first week.
    assert expected_in(1, "window", week, campaign) == 0


# --- the board


def test_the_board_counts_each_unit_by_channel_against_expectations(
    client, tree, outputs, agency_focal_point
):
    response = signed_in(client, agency_focal_point).get(url("board", outputs))
    assert response.status_code == 200
    board = response.context["board"]
    assert cells(board) == {
        ("Phường Hoa Lư", "loudspeaker"): (3, 3, 9, True),
        ("Phường Hoa Lư", "banner"): (1, 12, 1, False),
        ("Phường Nam Hoa Lư", "loudspeaker"): (0, 0, 9, True),
        ("Phường Nam Hoa Lư", "banner"): (0, 0, 1, True),
        ("Sở Khoa học và Công nghệ", "facebook"): (1, 1, 0, False),
    }
    assert board.count == Output.objects.count() == 5
    assert (board.assigned, board.reporting, board.silent, board.short) == (2, 1, 1, 2)
    # The fewest first: the silent commune on top.
    assert response.context["page"].object_list[0].name == "Phường Nam Hoa Lư"
    totals = {
        ch.code: (c.count, c.quantity) for ch, c in zip(board.channels, board.totals, strict=True)
    }
    assert totals == {"facebook": (1, 1), "loudspeaker": (3, 3), "banner": (1, 12)}
    hashtag = {ch.code: (c.count, c.hashtag) for ch, c in board.hashtag_by_channel()}
    assert hashtag == {"facebook": (1, 1), "loudspeaker": (3, 0), "banner": (1, 1)}
    html = response.content.decode()
    assert html.count('class="cell-overdue"') == 3
    assert "1 (12)/1" in html
    assert "(không được giao)" in html


def test_the_weekly_trend_counts_outputs_per_week(client, outputs, agency_focal_point):
    client = signed_in(client, agency_focal_point)
    page = client.get(url("board", outputs))
    # The page asks for the trend once shown; without JavaScript the link opens it.
    assert page.context["trend"] is None
    assert 'hx-get="?part=trend"' in page.content.decode()
    response = client.get(url("board", outputs, "part=trend"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="trend"')
    assert "<html" not in html
    # A fragment renders no template of its own, so the test client keeps no context: read
    # the bars' titles ("01/10: 2").
    weeks = re.findall(r"<title>(\d\d/\d\d): (\d+)</title>", html)
    assert weeks[:3] == [("01/10", "2"), ("06/10", "1"), ("13/10", "0")]
    assert sum(int(n) for _day, n in weeks) == 5
    assert len(weeks) == 9  # the weeks of 29/09 … 24/11, the first cut to the window
    whole = client.get(url("board", outputs, "part=trend"))
    assert "01/10 – 05/10" in whole.content.decode()
    assert whole.context["board"].count == 5


def test_a_shorter_window_and_a_kind_of_unit(client, outputs, agency_focal_point):
    client = signed_in(client, agency_focal_point)
    response = client.get(url("board", outputs, "from=01/10/2025&to=2025-10-07&kind=commune"))
    board = response.context["board"]
    assert response.context["problems"] == []
    assert board.window == Window(D(2025, 10, 1), D(2025, 10, 7))
    assert cells(board) == {
        ("Phường Hoa Lư", "loudspeaker"): (0, 0, 1, True),
        ("Phường Hoa Lư", "banner"): (1, 12, 0, False),
        ("Phường Nam Hoa Lư", "loudspeaker"): (0, 0, 1, True),
    }
    assert "Sở Khoa học và Công nghệ" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=31/02/2025", "không phải là ngày"),
        ("to=2026-01-01", "nằm ngoài thời gian của chiến dịch"),
        ("from=20/11/2025&to=01/11/2025", "phải trước hoặc bằng"),
        ("kind=<script>", "không giao cho loại đơn vị này"),
    ],
)
def test_a_bad_filter_says_why_and_shows_the_whole_window(
    client, outputs, agency_focal_point, query, message
):
    response = signed_in(client, agency_focal_point).get(url("board", outputs, query))
    assert response.status_code == 200
    assert any(message in p for p in response.context["problems"])
    assert response.context["board"].count == 5
    assert "<script>" not in response.content.decode()


def test_rows_come_a_page_at_a_time_and_all_on_demand(
    client, tree, outputs, agency_focal_point, settings, monkeypatch
):
    from hocvuso.communications.views import board as views

    monkeypatch.setattr(views, "ROWS_PER_PAGE", 1)
    client = signed_in(client, agency_focal_point)
    first = client.get(url("board", outputs))
    assert len(first.context["page"].object_list) == 1
    assert "Xem cả 3 đơn vị" in first.content.decode()
    everything = client.get(url("board", outputs, "all=1&sort=-total"))
    names = [r.name for r in everything.context["page"].object_list]
    assert names == ["Phường Hoa Lư", "Sở Khoa học và Công nghệ", "Phường Nam Hoa Lư"]


def test_the_board_is_a_fragment_for_htmx(client, outputs, agency_focal_point):
    response = signed_in(client, agency_focal_point).get(
        url("board", outputs), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="board">')
    assert "<html" not in html


def _communes(tree, n, start):
    return [
        create_unit(
            actor=None,
            parent=tree.province,
            name=f"Xã Thử {start + i}",
            kind="commune",
            code=f"99{start + i:03d}",
        )
        for i in range(n)
    ]


def test_the_board_runs_the_same_queries_whatever_its_size(
    client, tree, campaign, agency_focal_point, today_in_window
):
    from hocvuso.communications.services import refresh_assignments

    client = signed_in(client, agency_focal_point)

    def queries() -> int:
        client.get(url("board", campaign))  # the session and the scope are cached after
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("board", campaign))
        assert response.status_code == 200
        return len(captured)

    log(campaign, tree.hoalu, channel=channel("loudspeaker"))
    small = queries()
    for n, unit in enumerate(_communes(tree, 6, 0)):
        refresh_assignments(campaign)
        log(campaign, unit, title=f"Tin {n}", channel=channel("meeting"), day=D(2025, 10, 2 + n))
        log(campaign, unit, title=f"Loa {n}", channel=channel("loudspeaker"))
    assert queries() == small
    assert small <= 12


# --- silent units


def test_silent_units_are_ranked_with_their_focal_points(
    client,
    tree,
    outputs,
    agency_focal_point,
    hoalu_focal_point,
    other_commune_focal_point,
    time_machine,
):
    client = signed_in(client, agency_focal_point)
    # 15/11: Hoa Lư's last broadcast (11/11) is within the last 7 days.
    response = client.get(url("silent", outputs))
    rows = response.context["rows"]
    assert [(r.unit.name, r.last_on, r.silent_days) for r in rows] == [
        ("Phường Nam Hoa Lư", None, None)
    ]
    assert rows[0].focal_points == [other_commune_focal_point]
    assert other_commune_focal_point.email in response.content.decode()
    # 20/11: Hoa Lư has been silent for nine days, after the commune that never logged.
    time_machine.move_to(datetime.datetime(2025, 11, 20, 9, 0, tzinfo=datetime.UTC))
    rows = client.get(url("silent", outputs)).context["rows"]
    assert [(r.unit.name, r.silent_days) for r in rows] == [
        ("Phường Nam Hoa Lư", None),
        ("Phường Hoa Lư", 9),
    ]
    assert rows[1].focal_points == [hoalu_focal_point]
    # ?days=10 counts back ten days: Hoa Lư is not silent.
    rows = client.get(url("silent", outputs, "days=10")).context["rows"]
    assert [r.unit.name for r in rows] == ["Phường Nam Hoa Lư"]


def test_a_campaign_looked_at_after_it_ended_is_judged_at_its_end(
    client, tree, outputs, agency_focal_point, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC))
    response = signed_in(client, agency_focal_point).get(url("silent", outputs))
    assert response.context["judged_on"] == END
    assert [(r.unit.name, r.silent_days) for r in response.context["rows"]] == [
        ("Phường Nam Hoa Lư", None),
        ("Phường Hoa Lư", 19),  # 11/11 to 30/11
    ]


def test_a_unit_with_nothing_in_a_shorter_window_is_silent(
    client, tree, outputs, agency_focal_point
):
    response = signed_in(client, agency_focal_point).get(
        url("silent", outputs, "from=12/10/2025&to=18/10/2025")
    )
    rows = response.context["rows"]
    # Hoa Lư logged on 10/10 (before) and 20/10 (after), nothing in between.
    assert [(r.unit.name, r.last_on, r.in_window) for r in rows] == [
        ("Phường Nam Hoa Lư", None, 0),
        ("Phường Hoa Lư", D(2025, 10, 10), 0),
    ]


def test_before_the_window_starts_nobody_is_silent(
    client, tree, campaign, agency_focal_point, time_machine
):
    time_machine.move_to(datetime.datetime(2025, 9, 20, 9, 0, tzinfo=datetime.UTC))
    response = signed_in(client, agency_focal_point).get(url("silent", campaign))
    assert response.context["rows"] == []
    assert "chưa đến lúc đánh giá" in response.content.decode()


@pytest.mark.parametrize("days", ["0", "abc", "367", "-3", "٣"])
def test_a_bad_number_of_days_says_why(client, outputs, agency_focal_point, days):
    response = signed_in(client, agency_focal_point).get(url("silent", outputs, f"days={days}"))
    assert response.status_code == 200
    assert response.context["days"] == 7
    assert any("Số ngày phải là số nguyên" in p for p in response.context["problems"])


def test_the_silent_list_runs_the_same_queries_whatever_its_size(
    client, tree, campaign, agency_focal_point, today_in_window
):
    from hocvuso.communications.services import refresh_assignments

    client = signed_in(client, agency_focal_point)

    def queries() -> int:
        client.get(url("silent", campaign))
        with CaptureQueriesContext(connection) as captured:
            client.get(url("silent", campaign))
        return len(captured)

    small = queries()
    for unit in _communes(tree, 5, 0):
        make_person(f"fp{unit.pk}", Role.FOCAL_POINT, unit)
    refresh_assignments(campaign)
    assert queries() == small
    assert small <= 10


# --- the gallery


def photo(name="bang-ron.png"):
    return check_upload(SimpleUploadedFile(name, badinput.png_bytes(), "image/png"), "photo")


def test_the_gallery_lists_the_photos_of_banners_and_screens_by_unit(
    client, tree, campaign, agency_focal_point, today_in_window
):
    def logged(unit, title, code, day):
        saved, _ = log_output(
            actor=None,
            campaign=campaign,
            unit=unit,
            data=output(title=title, day=day, channel=channel(code), photos=[photo()]),
        )
        return saved.photos.get()

    banner = logged(tree.hoalu, "Băng-rôn ngã tư", "banner", D(2025, 10, 5))
    screen = logged(tree.namhoalu, "Màn hình LED chợ", "led", D(2025, 10, 25))
    logged(tree.hoalu, "Ảnh chụp bài đăng", "zalo", D(2025, 10, 6))  # a screenshot: not shown
    client = signed_in(client, agency_focal_point)
    response = client.get(url("gallery", campaign))
    assert [p.pk for p, _url in response.context["photos"]] == [banner.pk, screen.pk]
    html = response.content.decode()
    assert "Ảnh chụp bài đăng" not in html
    assert (
        html.index("Phường Hoa Lư")
        < html.index("Băng-rôn ngã tư")
        < html.index("Phường Nam Hoa Lư")
    )
    # Never the file's own address: media is not public.
    assert banner.file.url not in html
    assert "/media/" not in html
    later = client.get(url("gallery", campaign, "from=20/10/2025"))
    assert [p.pk for p, _url in later.context["photos"]] == [screen.pk]


# --- the spreadsheet


def test_the_spreadsheet_holds_the_board_and_the_outputs_and_no_formula(
    client, tree, agency_focal_point, today_in_window
):
    campaign = create_campaign(
        actor=None, owner=tree.agency, title="=1+1 Tuyên truyền", starts_on=START, ends_on=END
    )
    set_targets(actor=None, campaign=campaign, targets=[TargetInput(unit_kind="commune")])
    publish_campaign(actor=None, campaign=campaign)
    log(campaign, tree.hoalu, title='=HYPERLINK("http://x")', channel=channel("loudspeaker"))
    log(campaign, tree.hoalu, title="Băng-rôn", channel=channel("banner"), quantity=12)
    response = signed_in(client, agency_focal_point).get(url("board_xlsx", campaign))
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == f'attachment; filename="truyen-thong-{campaign.pk}.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    units, outputs_sheet = book.worksheets
    assert units["A1"].value.startswith("=1+1 Tuyên truyền")
    assert units["A1"].data_type == "s"
    header = [c.value for c in units[3]]
    rows = {r[0]: r for r in units.iter_rows(min_row=4, values_only=True)}
    hoalu = dict(zip(header, rows["Phường Hoa Lư"], strict=True))
    assert hoalu["Băng-rôn, pa-nô, áp phích: sản phẩm"] == 1
    assert hoalu["Băng-rôn, pa-nô, áp phích: số lượng"] == 12
    assert hoalu["Hệ thống loa truyền thanh cơ sở: sản phẩm"] == 1
    assert hoalu["Tổng sản phẩm"] == 2
    assert rows["Tổng cộng"][header.index("Tổng sản phẩm")] == 2
    title_cells = [row[4] for row in outputs_sheet.iter_rows(min_row=4)]
    formula = next(c for c in title_cells if c.value == '=HYPERLINK("http://x")')
    assert formula.data_type == "s"
    assert outputs_sheet.max_row == 3 + 2


def test_past_its_limit_the_spreadsheet_says_so_and_the_csv_holds_every_output(
    client, tree, outputs, agency_focal_point, monkeypatch
):
    from hocvuso.communications import exports

    monkeypatch.setattr(exports, "XLSX_OUTPUTS_LIMIT", 2)
    client = signed_in(client, agency_focal_point)
    book = load_workbook(io.BytesIO(client.get(url("board_xlsx", outputs)).content))
    sheet = book.worksheets[1]
    assert "2 sản phẩm đầu tiên trong tổng số 5: tải tệp CSV để có đủ." in sheet["A1"].value
    assert sheet.max_row == 3 + 2
    response = client.get(url("board_csv", outputs, "kind=commune"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="san-pham-{outputs.pk}.csv"'
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][0] == "Ngày đăng, phát"
    # The commune's four outputs, by date; the agency's post is not a commune's.
    assert [(row[0], row[1], row[4], row[6]) for row in lines[1:]] == [
        ("05/10/2025", "Phường Hoa Lư", "Băng-rôn tại trụ sở", "12"),
        ("10/10/2025", "Phường Hoa Lư", "Phát thanh 10/10", "1"),
        ("20/10/2025", "Phường Hoa Lư", "Phát thanh 20/10", "1"),
        ("11/11/2025", "Phường Hoa Lư", "Phát thanh 11/11", "1"),
    ]


def test_the_csv_never_holds_a_formula(client, tree, campaign, agency_focal_point, today_in_window):
    log(campaign, tree.hoalu, title="=1+1", channel=channel("loudspeaker"))
    response = signed_in(client, agency_focal_point).get(url("board_csv", campaign))
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[1][4] == "'=1+1"


# --- who may see it


@pytest.mark.parametrize("name", PAGES)
def test_a_communes_focal_point_may_not_see_the_agencys_board(
    client, campaign, hoalu_focal_point, name
):
    # The campaign addresses the commune, which sees it, but does not run it.
    response = signed_in(client, hoalu_focal_point).get(url(name, campaign))
    assert response.status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_another_provinces_focal_point_does_not_see_it_at_all(client, tree, campaign, name):
    other = create_unit(actor=None, parent=None, name="Tỉnh Hà Nam", kind="province", code="35")
    outsider = make_person("hanam", Role.COORDINATOR, other)
    response = signed_in(client, outsider).get(url(name, campaign))
    assert response.status_code == 404


def test_a_draft_is_seen_by_its_owner_only(client, draft, agency_focal_point, coordinator):
    assert signed_in(client, agency_focal_point).get(url("board", draft)).status_code == 200
    assert Campaign.objects.get(pk=draft.pk).status == Campaign.Status.DRAFT
    # The province's coordinator manages everything under it, the agency included.
    client.logout()
    assert signed_in(client, coordinator).get(url("board", draft)).status_code == 200


def test_signing_in_is_required(client, campaign):
    response = client.get(url("board", campaign))
    assert response.status_code == 302
