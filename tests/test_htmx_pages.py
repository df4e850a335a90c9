"""Every URL that answers both a page and, to htmx, a fragment of it says so in ``Vary``:
otherwise a browser going Back (or a proxy) serves the cached fragment as the whole page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone

from hocvuso.events.services import create_event, register_bridge_point
from hocvuso.plans.services import create_plan
from hocvuso.reports import periods
from hocvuso.reports.services import create_dataset, create_indicator

VIEWS = Path(__file__).resolve().parent.parent / "hocvuso"


@pytest.fixture
def urls(tree, coordinator) -> list[str]:
    plan = create_plan(actor=None, issuing_unit=tree.province, kind="other", title="Kế hoạch")
    event = create_event(actor=None, organiser=tree.province, title="Lễ", starts_at=timezone.now())
    point = register_bridge_point(actor=None, event=event, host=tree.hoalu)
    indicator = create_indicator(actor=None, code="x", name="Chỉ số")
    dataset = create_dataset(
        actor=None,
        owner_unit=tree.province,
        code="m",
        name="Báo cáo tháng",
        indicators=[indicator],
        assigned_kinds=["commune"],
        period_type=periods.PeriodType.MONTHLY,
        deadline_days=5,
    )
    return [
        "/units/search/?q=hoa",
        "/audit/",
        f"/plans/{plan.pk}/progress/",
        f"/events/{event.pk}/bridge-points/",
        f"/events/{event.pk}/control/?part=tally",
        f"/events/p/{point.access_token}/",
        f"/reports/forms/{dataset.pk}/",
        f"/reports/pivot/?unit={tree.province.pk}",
    ]


def test_every_page_with_a_fragment_varies_on_hx_request(client, coordinator, urls):
    client.force_login(coordinator)
    for url in urls:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            vary = [v.strip().lower() for v in response.get("Vary", "").split(",")]
            assert "hx-request" in vary, (url, headers, response.get("Vary"))


def test_views_render_fragments_only_through_render_page():
    """A view that builds ``template#fragment`` itself would skip the ``Vary`` header; the
    one exception is a POST's answer, which no cache keeps."""
    allowed = {"reports/entry.html#saved"}
    found = []
    for path in VIEWS.rglob("views*.py"):
        found += re.findall(r'"([\w/]+\.html#\w+)"', path.read_text())
    for path in VIEWS.rglob("views/*.py"):
        found += re.findall(r'"([\w/]+\.html#\w+)"', path.read_text())
        found += re.findall(r'template \+= "#', path.read_text())
    assert set(found) <= allowed, found
