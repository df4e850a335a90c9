"""Issue 6: plans and their duties through the API — scoped like the pages, paginated,
filtered by status, unit and deadline."""

from __future__ import annotations

import datetime

import pytest

from hocvuso.plans.models import Plan
from hocvuso.plans.services import add_task, create_plan, publish_plan

OCT_10 = datetime.date(2025, 10, 10)
OCT_30 = datetime.date(2025, 10, 30)


@pytest.fixture
def plan(tree, coordinator):
    plan = create_plan(
        actor=coordinator,
        issuing_unit=tree.province,
        kind=Plan.Kind.DX_DAY,
        title="Ngày Chuyển đổi số Quốc gia 2025",
        number="",
        place="Ninh Bình",
    )
    add_task(actor=coordinator, plan=plan, unit=tree.hoalu, text="Đến từng nhà", deadline=OCT_30)
    add_task(actor=coordinator, plan=plan, unit=tree.hoalu_village, text="Họp tổ", deadline=OCT_10)
    add_task(actor=coordinator, plan=plan, unit=tree.namhoalu, text="Đến từng nhà")
    return plan


def items(response):
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_a_draft_is_listed_only_inside_the_issuing_unit(client, plan, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    assert items(client.get("/api/plans/")) == []
    assert client.get(f"/api/plans/{plan.pk}").status_code == 404
    assert client.get(f"/api/plans/{plan.pk}/tasks").status_code == 404


def test_a_published_plan_shows_each_unit_only_its_duties(
    client, plan, coordinator, hoalu_focal_point
):
    publish_plan(plan=plan, actor=coordinator)
    client.force_login(hoalu_focal_point)
    [listed] = items(client.get("/api/plans/"))
    assert listed["title"] == "Ngày Chuyển đổi số Quốc gia 2025"
    assert listed["status"] == "published"
    assert listed["issuing_unit_name"] == "Tỉnh Ninh Bình"
    tasks = items(client.get(f"/api/plans/{plan.pk}/tasks"))
    assert [t["unit_name"] for t in tasks] == ["Tổ dân phố số 1", "Phường Hoa Lư"]
    assert [t["unit_name"] for t in items(client.get("/api/plans/tasks"))] == [
        "Tổ dân phố số 1",
        "Phường Hoa Lư",
    ]


def test_plans_filtered_by_status_kind_and_issuing_unit(client, plan, coordinator, tree):
    client.force_login(coordinator)
    assert len(items(client.get("/api/plans/", {"status": "draft"}))) == 1
    assert items(client.get("/api/plans/", {"status": "published"})) == []
    assert items(client.get("/api/plans/", {"kind": "launch_ceremony"})) == []
    assert len(items(client.get("/api/plans/", {"issuing_unit": tree.province.pk}))) == 1
    assert items(client.get("/api/plans/", {"issuing_unit": tree.hoalu.pk})) == []
    assert client.get("/api/plans/", {"status": "lost"}).status_code == 422


def test_duties_filtered_by_status_unit_and_deadline(client, plan, coordinator, tree):
    client.force_login(coordinator)
    url = f"/api/plans/{plan.pk}/tasks"
    everything = items(client.get(url))
    # Soonest deadline first; a duty without one last.
    assert [t["text"] for t in everything] == ["Họp tổ", "Đến từng nhà", "Đến từng nhà"]
    assert everything[2]["deadline"] is None
    under_hoalu = items(client.get(url, {"unit": tree.hoalu.pk}))
    assert {t["unit_name"] for t in under_hoalu} == {"Phường Hoa Lư", "Tổ dân phố số 1"}
    window = items(client.get(url, {"deadline_from": "2025-10-11", "deadline_to": "2025-10-30"}))
    assert [t["unit_name"] for t in window] == ["Phường Hoa Lư"]
    assert items(client.get(url, {"status": "done"})) == []
    assert len(items(client.get(url, {"status": "not_started"}))) == 3


def test_a_unit_out_of_scope_filters_to_nothing(client, plan, coordinator, hoalu_focal_point, tree):
    publish_plan(plan=plan, actor=coordinator)
    client.force_login(hoalu_focal_point)
    assert items(client.get("/api/plans/tasks", {"unit": tree.namhoalu.pk})) == []


def test_duties_say_when_they_are_overdue(client, plan, coordinator, time_machine):
    time_machine.move_to(datetime.datetime(2025, 10, 20, 3, 0, tzinfo=datetime.UTC))
    client.force_login(coordinator)
    tasks = items(client.get(f"/api/plans/{plan.pk}/tasks"))
    assert [(t["text"], t["overdue"]) for t in tasks] == [
        ("Họp tổ", True),
        ("Đến từng nhà", False),
        ("Đến từng nhà", False),
    ]


def test_the_list_takes_a_fixed_number_of_queries(
    client, plan, coordinator, tree, django_assert_max_num_queries
):
    for n in range(20):
        add_task(actor=coordinator, plan=plan, unit=tree.namhoalu_village, text=f"Việc {n}")
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        assert len(items(client.get("/api/plans/tasks", {"limit": 100}))) == 23
