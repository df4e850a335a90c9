"""Seed 003 (Ninh Bình, National Digital Transformation Day 2025) entered by hand as the demo
plan: its six activities with their windows and lead units, and the duties of section V."""

from __future__ import annotations

import datetime
from pathlib import Path

from hocvuso.orgunits.models import OrgUnit
from hocvuso.plans.importer import read_plan
from hocvuso.plans.models import Plan
from hocvuso.plans.services import (
    add_activity,
    add_task,
    create_plan,
    create_plan_from_draft,
    publish_plan,
)

TITLE = "Tổ chức Ngày Chuyển đổi số Quốc gia (10/10) năm 2025 trên địa bàn tỉnh Ninh Bình"
D = datetime.date

# (title, start, end, window as written, lead code or "communes", partner codes)
ACTIVITIES = [
    (
        "Chiến dịch truyền thông “Chuyển đổi số: nhanh hơn, hiệu quả hơn, gần dân hơn”",
        D(2025, 10, 1),
        D(2025, 10, 30),
        "",
        "NB-SKHCN",
        ["NB-VPUBND", "NB-SVHTT", "NB-BPTTH"],
    ),
    (
        "Hưởng ứng “Ngày hội toàn dân học tập số”",
        None,
        None,
        "Theo kế hoạch của Bộ Khoa học và Công nghệ",
        "NB-SKHCN",
        [],
    ),
    (
        "Lễ phát động phong trào “Bình dân học vụ số”",
        D(2025, 11, 1),
        D(2025, 11, 30),
        "Tháng 11 năm 2025",
        "NB-SKHCN",
        ["NB-BTGDV", "NB-VPUBND", "NB-CA", "NB-SVHTT", "NB-BPTTH"],
    ),
    (
        "Chiến dịch “Đi từng ngõ, gõ từng nhà”",
        D(2025, 10, 1),
        D(2025, 10, 30),
        "",
        "communes",
        ["NB-VPUBND", "NB-CA", "NB-SKHCN"],
    ),
    (
        "Tuần lễ hưởng ứng học tập suốt đời năm 2025",
        D(2025, 10, 6),
        D(2025, 10, 10),
        "",
        "NB-SGDDT",
        ["NB-SKHCN", "NB-SVHTT", "NB-HKH", "NB-BPTTH"],
    ),
    (
        "Tôn vinh tổ chức, cá nhân tiêu biểu về chuyển đổi số",
        None,
        None,
        "Theo kế hoạch của Bộ KH&CN và Kế hoạch số 02/KH-UBND ngày 09/7/2025",
        "NB-SKHCN",
        ["NB-SNV"],
    ),
]


def load_demo_plan(province: OrgUnit, hoalu_wards: list[OrgUnit]) -> Plan | None:
    if Plan.objects.filter(title=TITLE).exists():
        return None
    units = {u.code: u for u in OrgUnit.objects.filter(code__startswith="NB-")}
    plan = create_plan(
        actor=None,
        issuing_unit=province,
        kind=Plan.Kind.DX_DAY,
        title=TITLE,
        place="Ninh Bình",
        legal_bases=[
            {"number": "505/QĐ-TTg", "date": "2022-04-22", "issuer": "Thủ tướng Chính phủ"},
            {"number": "2873/QĐ-BKHCN", "date": "2025-09-24", "issuer": "Bộ Khoa học và Công nghệ"},
        ],
        signer_name="Hà Lan Anh",
        signer_title="Phó Chủ tịch",
    )
    door_to_door = None
    for title, start, end, window, lead, partners in ACTIVITIES:
        activity = add_activity(
            actor=None,
            plan=plan,
            title=title,
            starts_on=start,
            ends_on=end,
            window_text=window,
            lead_unit=None if lead == "communes" else units[lead],
            partner_units=[units[c] for c in partners],
            unmatched_units=["UBND các xã, phường"] if lead == "communes" else [],
        )
        if lead == "communes":
            door_to_door = activity
    add_task(
        actor=None,
        plan=plan,
        unit=units["NB-SKHCN"],
        text="Chủ trì, phối hợp triển khai các nội dung của Kế hoạch; tổng hợp, báo cáo kết quả.",
        deadline=D(2025, 11, 30),
    )
    add_task(
        actor=None,
        plan=plan,
        unit=units["NB-BPTTH"],
        text="Đẩy mạnh thông tin, tuyên truyền về Ngày Chuyển đổi số Quốc gia năm 2025.",
        deadline=D(2025, 10, 30),
    )
    for ward in hoalu_wards:
        add_task(
            actor=None,
            plan=plan,
            unit=ward,
            activity=door_to_door,
            text="Chỉ đạo Tổ công nghệ số cộng đồng đi từng ngõ, gõ từng nhà, hướng dẫn người dân "
            "sử dụng dịch vụ công trực tuyến, thanh toán trực tuyến, thương mại điện tử.",
            deadline=D(2025, 10, 30),
        )
    return publish_plan(plan=plan, actor=None)


DRAFT_TITLE = "Tổ chức Lễ phát động phong trào “Bình dân học vụ số” trên địa bàn tỉnh Ninh Bình"
DRAFT_SOURCE = (
    Path(__file__).resolve().parent.parent / "plans/tests/samples/000_ninh_binh_launch.txt"
)


def load_demo_draft(province: OrgUnit) -> Plan | None:
    """Seed 000 read by the importer and left as a draft, so the review screen has work."""
    draft = read_plan(DRAFT_SOURCE.read_bytes(), DRAFT_SOURCE.name)
    if Plan.objects.filter(title=draft["title"]).exists():
        return None
    return create_plan_from_draft(actor=None, issuing_unit=province, draft=draft)
