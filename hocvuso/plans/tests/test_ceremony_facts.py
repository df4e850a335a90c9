"""Issue 14 (4): what a ceremony plan says beyond venue, attendance, quotas and programme —
the registration cut-off, a date that is only a window, invitee groups, each level's chair,
quotas shared by unit and minimum-to-maximum durations — read from the seeds and from small
hand-written texts of each form."""

from __future__ import annotations

from pathlib import Path

import pytest

from hocvuso.plans.importer import read_plan
from hocvuso.plans.importer.ceremony import (
    chairs_by_level,
    count_units,
    delegate_categories,
    event_date,
    program_durations,
    quota_problems,
    quota_shares,
    registration_deadline,
    split_chair,
)
from hocvuso.plans.importer.structure import split_document

SAMPLES = Path(__file__).parent / "samples"


def seed(name: str) -> dict:
    path = SAMPLES / name
    return read_plan(path.read_bytes(), path.name)


@pytest.fixture(scope="module")
def ninh_binh() -> dict:
    return seed("000_ninh_binh_launch.txt")["event"]


@pytest.fixture(scope="module")
def thanh_hoa() -> dict:
    return seed("001_thanh_hoa_launch.txt")["event"]


@pytest.fixture(scope="module")
def binh_phuoc() -> dict:
    return seed("002_binh_phuoc_launch.txt")


# --- the registration cut-off


def test_the_closing_gives_the_registration_cut_off(ninh_binh) -> None:
    assert ninh_binh["registration_deadline"] == "2025-11-05"


def test_a_cut_off_keeps_its_time_of_day(thanh_hoa) -> None:
    # "tổng hợp số lượng điểm cầu, đại biểu tham dự … báo cáo UBND tỉnh trước 07 giờ 30 ngày
    # 08/5/2025": the province-wide figures are due then.
    assert thanh_hoa["registration_deadline"] == "2025-05-08T07:30"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Các xã đăng ký số lượng người tham dự trước 16 giờ ngày 03/11/2025.", "2025-11-03T16:00"),
        ("Gửi danh sách đại biểu về Sở trước ngày 05 tháng 11 năm 2025", "2025-11-05"),
        ("Các đơn vị báo cáo kết quả thực hiện trước ngày 30/11/2025", None),  # not attendance
        ("Các điểm cầu đăng ký thành phần tham dự theo hướng dẫn", None),  # no date
    ],
)
def test_registration_cut_off_forms(text, expected) -> None:
    assert registration_deadline([text]) == expected


# --- the ceremony's date


def test_a_week_is_kept_as_a_window_and_flagged(binh_phuoc) -> None:
    event = binh_phuoc["event"]
    assert event["starts_at"] is None
    assert (event["window_start"], event["window_end"]) == ("2025-04-14", "2025-04-18")
    assert event["date_is_vague"] is True
    assert event["date_text"].startswith("01 buổi trong tuần làm việc thứ 16/2025")
    assert any("chưa ấn định ngày tổ chức" in w for w in binh_phuoc["warnings"])


def test_a_ten_day_window_is_no_day_either(ninh_binh) -> None:
    assert ninh_binh["date_is_vague"] is True
    assert (ninh_binh["window_start"], ninh_binh["window_end"]) == ("2025-11-01", "2025-11-10")


def test_a_moment_is_not_vague(thanh_hoa) -> None:
    assert thanh_hoa["starts_at"] == "2025-05-08T08:00"
    assert thanh_hoa["date_is_vague"] is False
    assert thanh_hoa["window_start"] is None


@pytest.mark.parametrize(
    ("text", "vague", "window"),
    [
        ("Ngày 08/5/2025", False, (None, None)),  # a day without its hour is still a day
        ("Quý IV/2025", True, ("2025-10-01", "2025-12-31")),
        ("Tháng 11 năm 2025", True, ("2025-11-01", "2025-11-30")),
        ("Theo lịch làm việc của UBND tỉnh", False, (None, None)),  # no date at all
    ],
)
def test_date_forms(text, vague, window) -> None:
    facts = event_date(text, None)
    assert facts["date_is_vague"] is vague
    assert (facts["window_start"], facts["window_end"]) == window


# --- invitee groups


def test_invitee_headings_become_delegate_categories(ninh_binh) -> None:
    groups = ninh_binh["delegate_categories"]
    assert [(g["name"], g["category"]) for g in groups] == [
        ("Đại biểu Trung ương", "central"),
        ("Đại biểu cấp tỉnh", "province"),
    ]
    assert groups[0]["invitees"][0].startswith("Mời đại diện Lãnh đạo Bộ Khoa học và Công nghệ")
    assert len(groups[1]["invitees"]) == 10
    assert "Các đồng chí Thường trực Tỉnh ủy" in groups[1]["invitees"]


def test_a_lettered_invitee_heading_is_one_group(binh_phuoc) -> None:
    (group,) = binh_phuoc["event"]["delegate_categories"]
    assert group["name"] == "Đại biểu khách mời"
    assert group["invitees"] == binh_phuoc["event"]["invitees"]


def test_a_plan_with_bridge_points_only_has_no_invitee_groups(thanh_hoa) -> None:
    assert thanh_hoa["delegate_categories"] == []


def test_invitee_groups_in_a_hand_written_outline() -> None:
    doc = split_document(
        "II. NỘI DUNG\n3. Thành phần\n- Đại biểu các doanh nghiệp:\n+ Viettel tỉnh.\n"
        "+ VNPT tỉnh.\n- Đại biểu cơ quan báo chí: Báo tỉnh, Đài tỉnh.\n"
    )
    assert [
        (g["name"], g["category"], g["invitees"]) for g in delegate_categories(doc.body.walk())
    ] == [
        ("Đại biểu các doanh nghiệp", "enterprise", ["Viettel tỉnh", "VNPT tỉnh"]),
        ("Đại biểu cơ quan báo chí", "press", ["Báo tỉnh, Đài tỉnh"]),
    ]


# --- chairs and attendees by level


def test_each_level_has_its_chair_and_attendees(thanh_hoa) -> None:
    chairs = {c["level"]: (c["chair"], c["attendees"]) for c in thanh_hoa["chairs"]}
    assert set(chairs) == {"agency", "district", "commune", "village"}
    assert chairs["village"] == (
        "Đồng chí Bí thư chi bộ thôn",
        "Ban Công tác mặt trận, Chi hội Nông dân, Chi hội Phụ nữ, Chi hội Cựu chiến binh, "
        "Chi đoàn Thanh niên Cộng sản Hồ Chí Minh, Tổ công nghệ số cộng đồng và người dân "
        "trên địa bàn",
    )
    assert chairs["commune"][0] == "Đồng chí Bí thư đảng ủy xã"
    assert chairs["district"][0] == "Đồng chí Bí thư Huyện ủy"
    assert chairs["agency"] == (
        "Đồng chí lãnh đạo ban, sở, ngành, đơn vị",
        "Toàn thể cán bộ, đảng viên, công chức, viên chức, người lao động của cơ quan, đơn vị",
    )


def test_the_main_hall_gives_no_level_default(ninh_binh) -> None:
    chairs = {c["level"]: c for c in ninh_binh["chairs"]}
    assert set(chairs) == {"agency", "commune"}
    assert chairs["agency"]["chair"] == "Lãnh đạo đơn vị"  # "… do Lãnh đạo đơn vị chủ trì"
    assert chairs["commune"]["chair"] == ""


@pytest.mark.parametrize(
    ("lines", "chair", "attendees"),
    [
        (
            ["Chủ tịch UBND xã chủ trì; cán bộ, công chức xã"],
            "Chủ tịch UBND xã",
            "cán bộ, công chức xã",
        ),
        (
            ["Đồng chí Hiệu trưởng chủ trì. Thành phần gồm: Toàn thể giáo viên"],
            "Đồng chí Hiệu trưởng",
            "Toàn thể giáo viên",
        ),
        (["Toàn thể người lao động"], "", "Toàn thể người lao động"),
    ],
)
def test_chair_forms(lines, chair, attendees) -> None:
    assert split_chair(lines) == (chair, attendees)


def test_levels_from_bridge_point_headings() -> None:
    points = [
        {"name": "điểm cầu các thôn, tổ dân phố", "attendees": ["Trưởng thôn chủ trì"]},
        {"name": "điểm cầu các xã, phường", "attendees": ["Chủ tịch UBND xã chủ trì"]},
        {"name": "điểm cầu chính", "attendees": ["Chủ tịch UBND tỉnh chủ trì"]},
    ]
    assert [(c["level"], c["chair"]) for c in chairs_by_level(points)] == [
        ("village", "Trưởng thôn"),
        ("commune", "Chủ tịch UBND xã"),
    ]


# --- quotas shared by unit, units of count


def test_a_per_ward_rate_gives_one_share_per_named_ward(ninh_binh) -> None:
    (share,) = ninh_binh["quota_shares"]
    assert share["group"] == "Tổ công nghệ số cộng đồng tiêu biểu"
    assert [(s["unit"], s["count"]) for s in share["shares"]] == [
        ("Phường Hoa Lư", 25),
        ("Phường Đông Hoa Lư", 25),
        ("Phường Tây Hoa Lư", 25),
        ("Phường Nam Hoa Lư", 25),
    ]
    # The quotas themselves are as the gold keeps them.
    assert ninh_binh["quotas"][-1]["sub"] == []


def test_a_rate_without_named_units_gives_no_share(binh_phuoc) -> None:
    # "(mỗi huyện/thị/thành phố cử 01 tổ cấp xã và 01 tổ cấp thôn)" names no unit.
    assert binh_phuoc["event"]["quota_shares"] == []


def test_teams_are_not_people(binh_phuoc) -> None:
    units = binh_phuoc["event"]["count_units"]
    assert units["Tổ Công nghệ số cộng đồng và Đề án 06"] == "people"
    assert units["tổ cấp xã"] == units["tổ cấp thôn"] == "teams"
    assert units["Công an tỉnh"] == "people"
    assert any("tính bằng tổ" in w for w in binh_phuoc["warnings"])


def test_shares_and_units_in_hand_written_lines() -> None:
    quotas = [{"group": "Đoàn viên", "count": 60, "sub": [{"group": "đội hình", "count": 3}]}]
    lines = [
        "Đoàn viên: 60 người, gồm 3 đội hình (thuộc các xã An Hòa và Bình Minh; mỗi xã 30 người)"
    ]
    (share,) = quota_shares(lines, quotas)
    assert [(s["unit"], s["count"]) for s in share["shares"]] == [
        ("Xã An Hòa", 30),
        ("Xã Bình Minh", 30),
    ]
    assert count_units(lines, quotas) == {"Đoàn viên": "people", "đội hình": "teams"}


def test_sub_quotas_that_do_not_add_up_warn() -> None:
    quotas = [
        {
            "group": "Khối A",
            "count": 100,
            "sub": [{"group": "x", "count": 50}, {"group": "y", "count": 40}],
        },
        {
            "group": "Khối B",
            "count": 90,
            "sub": [{"group": "x", "count": 50}, {"group": "y", "count": 40}],
        },
    ]
    assert quota_problems(quotas) == ["Các nhóm con của chỉ tiêu “Khối A” cộng lại 90, khác 100."]


def test_the_seed_quotas_add_up(ninh_binh) -> None:
    assert not [w for w in seed("000_ninh_binh_launch.txt")["warnings"] if "nhóm con" in w]


# --- durations


def test_a_duty_gives_its_programme_item_a_minimum_and_maximum(binh_phuoc) -> None:
    program = {p["title"]: p for p in binh_phuoc["event"]["program"]}
    documentary = program["Chiếu phóng sự tổng quan về Chuyển đổi số"]
    assert (documentary["min_minutes"], documentary["cap_minutes"]) == (8, 10)
    music = program["Văn nghệ chào mừng"]
    assert (music["min_minutes"], music["cap_minutes"]) == (None, 15)
    # Sentences about the movement name it in every line: that is no match.
    launch = program["Bấm nút Phát động phong trào “Bình dân học vụ số”"]
    assert (launch["min_minutes"], launch["cap_minutes"]) == (None, None)


def test_a_duration_on_the_item_itself_leaves_its_title() -> None:
    program = [{"title": "Chiếu phim tư liệu (thời lượng 5 - 7 phút)", "cap_minutes": None}]
    (item,) = program_durations([], program)
    assert (item["title"], item["min_minutes"], item["cap_minutes"]) == ("Chiếu phim tư liệu", 5, 7)


def test_the_slot_is_read_as_before(ninh_binh) -> None:
    assert (ninh_binh["program_start"], ninh_binh["program_end"]) == ("08:00", "09:30")
