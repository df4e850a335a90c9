"""Issue 14: each activity's lead and partner units get a duty for it, due at the end of
its window — seed 003's Sở Giáo dục và Đào tạo owns the lifelong-learning week and follows
it in "my duties"."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from conftest import make_person
from hocvuso.core.roles import Role
from hocvuso.orgunits.services import create_unit
from hocvuso.plans.exports import plan_docx
from hocvuso.plans.models import Plan
from hocvuso.plans.services import create_plan_from_draft, delete_draft_tasks, publish_plan

SAMPLES = Path(__file__).parent / "samples"
WEEK = "Triển khai Tuần lễ hưởng ứng học tập suốt đời năm 2025"


@pytest.fixture
def agencies(tree):
    """The seeds' departments beside the tree's Sở Khoa học và Công nghệ."""
    names = [
        ("Sở Văn hóa và Thể thao", "agency"),
        ("Sở Giáo dục và Đào tạo", "agency"),
        ("Văn phòng Ủy ban nhân dân tỉnh", "agency"),
        ("Công an tỉnh", "agency"),
        ("Báo và Phát thanh, Truyền hình Ninh Bình", "press"),
    ]
    return {n: create_unit(actor=None, parent=tree.province, name=n, kind=k) for n, k in names}


def _import_seed_003(client, tree) -> Plan:
    name = "003_ninh_binh_dx_day.txt"
    response = client.post(
        reverse("plans:import"),
        {
            "file": SimpleUploadedFile(name, (SAMPLES / name).read_bytes()),
            "issuing_unit": tree.province.pk,
        },
    )
    assert response.status_code == 302
    return Plan.objects.get()


def test_seed_003s_lifelong_learning_week_gives_its_lead_and_partners_duties(
    client, tree, agencies, coordinator
):
    client.force_login(coordinator)
    plan = _import_seed_003(client, tree)
    week = plan.activities.get(description__startswith=WEEK)
    education = agencies["Sở Giáo dục và Đào tạo"]
    (lead,) = week.tasks.filter(unit=education)
    assert lead.text == f"Chủ trì: {week.description}"
    assert lead.deadline == datetime.date(2025, 10, 10), "the window's end"
    partners = week.tasks.filter(text=f"Phối hợp: {week.description}")
    assert set(partners.values_list("unit", flat=True)) == {
        tree.agency.pk,
        agencies["Sở Văn hóa và Thể thao"].pk,
        agencies["Báo và Phát thanh, Truyền hình Ninh Bình"].pk,
        tree.hoalu.pk,
        tree.namhoalu.pk,
    }
    assert set(partners.values_list("deadline", flat=True)) == {datetime.date(2025, 10, 10)}
    # No unit is the province's association for learning: it stays a name, with no duty.
    assert "Hội khuyến học tỉnh" in week.unmatched_units
    assert not week.tasks.filter(unit_name="Hội khuyến học tỉnh").exists()


def test_seed_003s_education_department_sees_its_duty_once_published(
    client, tree, agencies, coordinator
):
    client.force_login(coordinator)
    plan = _import_seed_003(client, tree)
    delete_draft_tasks(actor=coordinator, tasks=plan.tasks.filter(unit__isnull=True))
    publish_plan(plan=plan, actor=coordinator)
    education = make_person("sgddt", Role.FOCAL_POINT, agencies["Sở Giáo dục và Đào tạo"])
    client.force_login(education)
    page = client.get(reverse("plans:duties")).content.decode()
    assert f"Chủ trì: {WEEK}" in page
    assert "Hạn 10/10/2025" in page
    assert "Phường Hoa Lư" not in page, "the communes' partner duties are theirs, not its"


def _draft(activity: dict, tasks: list[dict]) -> dict:
    return {
        "kind": "dx_day",
        "title": "Ngày Chuyển đổi số",
        "activities": [activity],
        "tasks": tasks,
    }


def test_an_activity_duty_is_given_once_and_not_over_the_same_implementation_duty(
    tree, coordinator
):
    text = "Tổ chức ngày hội học tập số tại cộng đồng"
    activity = {
        "text": text,
        "starts_on": "2025-10-06",
        "ends_on": None,
        "lead": ["Sở Khoa học và Công nghệ"],
        # The lead listed again among the partners, and a collective name for the communes.
        "partners": ["Sở KH&CN", "UBND các xã, phường"],
    }
    # The implementation section already gives Hoa Lư the activity itself as its duty.
    tasks = [{"unit": "Phường Hoa Lư", "text": text.upper() + ".", "deadline": "2025-10-20"}]
    plan = create_plan_from_draft(
        actor=coordinator, issuing_unit=tree.province, draft=_draft(activity, tasks)
    )
    duties = sorted(
        (t.unit.name, t.text.split(":")[0], t.deadline) for t in plan.tasks.select_related("unit")
    )
    assert duties == [
        ("Phường Hoa Lư", text.upper() + ".", datetime.date(2025, 10, 20)),
        ("Phường Nam Hoa Lư", "Phối hợp", datetime.date(2025, 10, 6)),
        ("Sở Khoa học và Công nghệ", "Chủ trì", datetime.date(2025, 10, 6)),
    ], "a window with only a first day is due that day"


def test_an_activitys_unmatched_lead_waits_for_the_reviewer_but_an_unmatched_partner_does_not(
    tree, coordinator
):
    activity = {
        "text": "Tôn vinh điển hình",
        "ends_on": "2025-12-31",
        "lead": ["Sở Nội vụ"],
        "partners": ["Cục Chuyển đổi số Quốc gia", "Phường Hoa Lư"],
    }
    plan = create_plan_from_draft(
        actor=coordinator, issuing_unit=tree.province, draft=_draft(activity, [])
    )
    assert sorted((t.unit_name, t.unit_id is None) for t in plan.tasks.all()) == [
        ("Phường Hoa Lư", False),
        ("Sở Nội vụ", True),
    ]


def test_the_exported_plan_prints_partner_duties_with_their_activity(tree, coordinator):
    activity = {
        "text": "Tổ chức ngày hội học tập số tại cộng đồng",
        "ends_on": "2025-10-10",
        "lead": ["Sở Khoa học và Công nghệ"],
        "partners": ["Phường Hoa Lư"],
    }
    tasks = [{"unit": "Phường Nam Hoa Lư", "text": "Báo cáo kết quả", "deadline": None}]
    plan = create_plan_from_draft(
        actor=coordinator, issuing_unit=tree.province, draft=_draft(activity, tasks)
    )
    assert plan.tasks.filter(text__startswith="Phối hợp: ").count() == 1
    text = "\n".join(p.text for p in Document(io.BytesIO(plan_docx(plan))).paragraphs)
    assert "Phối hợp: " not in text
    assert "Chủ trì: " not in text
    assert "Báo cáo kết quả" in text


def test_a_corpus_plans_activity_tables_give_their_leads_and_partners_duties(
    client, tree, agencies, coordinator
):
    """A plan from another province (markdown from a portal), uploaded as .md: each item laid
    out as "Nhiệm vụ / Cơ quan thực hiện (Đơn vị chủ trì, Đơn vị phối hợp) / Thời gian" gives
    its lead and partners duties, due at the end of "Hoàn thành trong năm 2025"."""
    client.force_login(coordinator)
    name = "8e9a425dd83e56b3.md"
    response = client.post(
        reverse("plans:import"),
        {
            "file": SimpleUploadedFile(name, (SAMPLES / name).read_bytes()),
            "issuing_unit": tree.province.pk,
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    strategy = plan.activities.get(description__startswith="Xây dựng các Chiến lược")
    assert (strategy.starts_on, strategy.ends_on) == (None, datetime.date(2025, 12, 31))
    (lead,) = strategy.tasks.filter(unit=tree.agency)
    assert lead.text.startswith("Chủ trì: Xây dựng các Chiến lược")
    assert lead.deadline == datetime.date(2025, 12, 31)
    # "Các Sở, ban, ngành" partner it: every other department gets its partner duty.
    partners = strategy.tasks.exclude(unit=tree.agency)
    assert {t.unit for t in partners} == set(agencies.values()) - {
        agencies["Báo và Phát thanh, Truyền hình Ninh Bình"]
    }
    assert {(t.text[:10], t.deadline) for t in partners} == {
        ("Phối hợp: ", datetime.date(2025, 12, 31))
    }
    # The duties of the implementation section are there too, read from unit-headed items.
    assert plan.tasks.filter(unit=tree.agency, activity=None).exists()
