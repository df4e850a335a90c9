from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from hocvuso.plans.models import Plan, Task
from hocvuso.plans.services import add_task, create_plan, publish_plan


@pytest.fixture
def published(tree, coordinator):
    plan = create_plan(
        actor=coordinator, issuing_unit=tree.province, kind=Plan.Kind.OTHER, title="Kế hoạch A"
    )
    for unit in (tree.hoalu, tree.namhoalu):
        add_task(
            actor=coordinator,
            plan=plan,
            unit=unit,
            text=f"Việc của {unit.name}",
            deadline=datetime.date(2025, 10, 30),
        )
    return publish_plan(plan=plan, actor=coordinator)


def test_focal_point_sees_own_duty_and_not_the_other_communes(client, published, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    page = client.get("/plans/duties/").content.decode()
    assert "Việc của Phường Hoa Lư" in page
    assert "Việc của Phường Nam Hoa Lư" not in page
    other = published.tasks.get(unit__name="Phường Nam Hoa Lư")
    assert client.get(f"/plans/duties/{other.pk}/").status_code == 404
    assert (
        client.post(f"/plans/duties/{other.pk}/", {"status": "done", "note": "x"}).status_code
        == 404
    )


def test_reporting_progress_with_evidence_through_the_page(client, published, hoalu_focal_point):
    own = published.tasks.get(unit__name="Phường Hoa Lư")
    client.force_login(hoalu_focal_point)
    photo = SimpleUploadedFile(
        "anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50, content_type="image/png"
    )
    response = client.post(
        f"/plans/duties/{own.pk}/",
        {"status": "done", "note": "Đã hoàn thành, 120 hộ.", "files": [photo]},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == Task.Status.DONE
    assert "anh.png" in client.get(f"/plans/duties/{own.pk}/").content.decode()


def test_viewer_reads_but_cannot_report(client, published, viewer):
    own = published.tasks.get(unit__name="Phường Hoa Lư")
    client.force_login(viewer)
    page = client.get(f"/plans/duties/{own.pk}/").content.decode()
    assert "Gửi báo cáo" not in page
    response = client.post(f"/plans/duties/{own.pk}/", {"status": "done", "note": "x"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == Task.Status.NOT_STARTED


@time_machine.travel(datetime.datetime(2025, 11, 2, 9, tzinfo=datetime.UTC))
def test_overdue_filter_after_the_deadline(client, published, coordinator):
    client.force_login(coordinator)
    page = client.get("/plans/duties/", {"overdue": "1"}).content.decode()
    assert page.count("quá hạn") >= 2
    assert "Việc của Phường Nam Hoa Lư" in page


def test_draft_plan_is_hidden_from_the_units_it_names(client, tree, coordinator, hoalu_focal_point):
    draft = create_plan(
        actor=coordinator, issuing_unit=tree.province, kind=Plan.Kind.OTHER, title="Nháp"
    )
    add_task(actor=coordinator, plan=draft, unit=tree.hoalu, text="Việc nháp")
    client.force_login(hoalu_focal_point)
    assert client.get(f"/plans/{draft.pk}/").status_code == 404
    assert "Việc nháp" not in client.get("/plans/duties/").content.decode()


def test_duty_list_query_count_is_flat(
    client, published, coordinator, tree, django_assert_max_num_queries
):
    plan = create_plan(
        actor=coordinator, issuing_unit=tree.province, kind=Plan.Kind.OTHER, title="B"
    )
    for n in range(25):
        add_task(actor=coordinator, plan=plan, unit=tree.hoalu, text=f"Việc {n}")
    publish_plan(plan=plan, actor=coordinator)
    client.force_login(coordinator)
    with django_assert_max_num_queries(6):
        assert client.get("/plans/duties/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(f"/plans/{plan.pk}/").status_code == 200
