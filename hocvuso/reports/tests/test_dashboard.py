"""Issue 6, analysis: a unit's dashboard — progress towards the year's targets, a trend of the
key counts over twelve months and the unit's children compared, as SVG drawn on the server
with the figures beside it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.services import add_children_bulk
from hocvuso.reports import periods
from hocvuso.reports.services import set_target
from hocvuso.reports.tests.test_pivot import save

DASHBOARD = reverse("reports:dashboard")


@pytest.fixture(autouse=True)
def _november_2025():
    with time_machine.travel(datetime.datetime(2025, 11, 15, 3, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def figures(dataset, tree, october):
    september = periods.month(2025, 9)
    save(dataset, tree.hoalu_village, october, adults="100", skilled="90", guided="12")
    save(dataset, tree.hoalu, october, adults="300", skilled="150")
    save(dataset, tree.namhoalu_village, october, adults="600", skilled="300", guided="30")
    save(dataset, tree.namhoalu_village, september, adults="10", skilled="1", guided="7")
    return tree


def test_progress_towards_the_year_targets(client, coordinator, figures, indicators):
    tree = figures
    share = indicators["share"]
    set_target(actor=None, indicator=share, unit=tree.province, year=2025, value=Decimal(80))
    client.force_login(coordinator)
    page = client.get(DASHBOARD, {"unit": tree.province.pk}).text
    assert "Tiến độ chỉ tiêu năm 2025" in page
    # (90 + 150 + 300 + 1) / (100 + 300 + 600 + 10) over the year: 53.6 %, 67 % of 80 %
    assert "<strong>53,6%</strong>" in page
    assert "/ 80%" in page
    assert "đạt 67%" in page


def test_a_commune_is_held_to_the_province_share_but_not_to_its_counts(
    client, coordinator, figures, indicators
):
    tree = figures
    set_target(actor=None, indicator=indicators["share"], unit=tree.province, year=2025, value=80)
    set_target(
        actor=None, indicator=indicators["adults"], unit=tree.province, year=2025, value=5000
    )
    set_target(actor=None, indicator=indicators["skilled"], unit=tree.hoalu, year=2025, value=480)
    client.force_login(coordinator)
    page = client.get(DASHBOARD, {"unit": tree.hoalu.pk}).text
    assert "<strong>60%</strong>" in page  # 240 / 400
    assert "chỉ tiêu của Tỉnh Ninh Bình" in page
    assert "đạt 75%" in page
    assert "/ 5.000" not in page  # a province's head count is no commune's target
    assert "<strong>240</strong>" in page
    assert "đạt 50%" in page  # its own target: 240 of 480


def test_the_trend_is_an_inline_svg_with_its_figures_in_a_table(
    client, coordinator, figures, indicators
):
    client.force_login(coordinator)
    page = client.get(DASHBOARD, {"unit": figures.province.pk}).text
    assert "Diễn biến 12 tháng gần nhất" in page
    assert '<svg role="img" aria-label="Người được hướng dẫn"' in page
    assert "<script" not in page.split("<main", 1)[1]
    assert "cdn" not in page.lower()
    assert '<th scope="row">Tháng 10/2025</th><td class="num">42</td>' in page
    assert '<th scope="row">Tháng 09/2025</th><td class="num">7</td>' in page


def test_the_children_are_compared_largest_first_and_names_are_escaped(
    client, coordinator, figures, indicators, dataset, october
):
    tree = figures
    (odd,) = add_children_bulk(
        tree.province, [OrgUnit(name="Xã <b>Mới</b>", kind=OrgUnit.Kind.COMMUNE)], actor=None
    )
    save(dataset, odd, october, guided="5")
    client.force_login(coordinator)
    page = client.get(
        DASHBOARD, {"unit": tree.province.pk, "indicator": indicators["guided"].pk}
    ).text
    assert "So sánh các đơn vị trực thuộc, năm 2025" in page
    assert "<b>Mới</b>" not in page
    assert "Xã &lt;b&gt;Mới&lt;/b&gt;" in page
    table = page.split("Xem số liệu từng đơn vị", 1)[1]
    order = [table.index(name) for name in ("Nam Hoa Lư", "Phường Hoa Lư", "Xã &lt;b&gt;")]
    assert order == sorted(order)  # 37, 12, 5


def test_a_focal_point_sees_their_commune(client, hoalu_focal_point, figures):
    client.force_login(hoalu_focal_point)
    page = client.get(DASHBOARD).text
    assert "<h1>Phường Hoa Lư</h1>" in page
    assert client.get(DASHBOARD, {"unit": figures.province.pk}).status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_units(
    client, coordinator, figures, indicators, dataset, october, django_assert_max_num_queries
):
    tree = figures
    set_target(actor=None, indicator=indicators["share"], unit=tree.province, year=2025, value=80)
    client.force_login(coordinator)
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as before:
        client.get(DASHBOARD)
    # A constant budget: the built-in indicators the learning app computes (issue 15) add
    # their sources' queries (one per depth, one per period for a stock), not per unit; the
    # communications app's (issue 16) four more.
    assert len(before) <= 52
    for commune in add_children_bulk(
        tree.province,
        [OrgUnit(name=f"Xã {n}", kind=OrgUnit.Kind.COMMUNE) for n in range(15)],
        actor=None,
    ):
        save(dataset, commune, october, guided="1", adults="2")
    with django_assert_max_num_queries(len(before)):
        page = client.get(DASHBOARD).text
    assert "Xã 14" in page
