"""Issue 6, analysis: the pivot — indicators by units by periods, a total row computed by
each indicator's rule, drilled down the tree, against the year's targets, exported to Excel."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.services import add_children_bulk
from hocvuso.reports import periods
from hocvuso.reports.selectors import pivot
from hocvuso.reports.services import save_values, set_target

PIVOT = reverse("reports:pivot")


def save(dataset, unit, period, **by_code):
    ids = {m.indicator.code: m.indicator_id for m in dataset.members.select_related("indicator")}
    save_values(
        actor=None,
        dataset=dataset,
        unit=unit,
        period=period,
        values={ids[f"t-{k}"]: v for k, v in by_code.items()},
    )


@pytest.fixture
def figures(dataset, tree, october):
    """Hoa Lư: 400 adults, 240 skilled (60 %); Nam Hoa Lư: 600 adults, 300 skilled (50 %)."""
    september = periods.month(2025, 9)
    save(dataset, tree.hoalu_village, october, adults="100", skilled="90")
    save(dataset, tree.hoalu, october, adults="300", skilled="150")
    save(dataset, tree.namhoalu_village, october, adults="600", skilled="300")
    save(dataset, tree.namhoalu_village, september, adults="10", skilled="1")
    return tree


def params(indicators, unit=None, **extra):
    query = {"indicator": [i.pk for i in indicators], "end": "2025-10", "count": "2", **extra}
    if unit is not None:
        query["unit"] = unit.pk
    return query


def test_the_total_row_is_computed_by_the_rule_not_by_adding_rows(figures, indicators, october):
    tree = figures
    share, adults = indicators["share"], indicators["adults"]
    table = pivot([adults, share], tree.province, [periods.month(2025, 9), october])
    by_indicator = {t.indicator.pk: t for t in table.tables}
    total = by_indicator[share.pk].total
    assert total.unit == tree.province
    # (90 + 150 + 300) / (100 + 300 + 600), not 60 % + 50 %
    assert total.cells == [Decimal("10.0"), Decimal("54.0")]
    rows = {r.unit.name: r.cells for r in by_indicator[share.pk].rows}
    assert rows["Phường Hoa Lư"] == [None, Decimal("60.0")]
    assert rows["Phường Nam Hoa Lư"] == [Decimal("10.0"), Decimal("50.0")]
    assert by_indicator[adults.pk].total.displays == ["10", "1.000"]


def test_rows_are_the_children_territorial_first(figures, indicators, october):
    tree = figures
    table = pivot([indicators["adults"]], tree.province, [october])
    names = [r.unit.name for r in table.tables[0].rows]
    assert names == ["Phường Hoa Lư", "Phường Nam Hoa Lư", "Sở Khoa học và Công nghệ"]
    assert [r.can_drill for r in table.tables[0].rows] == [True, True, False]


def test_a_target_is_compared_with_the_year_figure(figures, indicators, october):
    tree = figures
    adults = indicators["adults"]
    set_target(actor=None, indicator=adults, unit=tree.hoalu, year=2025, value=Decimal(800))
    table = pivot([adults], tree.province, [october])
    assert table.has_targets
    row = next(r for r in table.tables[0].rows if r.unit == tree.hoalu)
    assert (row.year_value, row.target, row.progress) == (Decimal(400), Decimal(800), 50)
    assert table.tables[0].total.target is None


def test_the_page_drills_down_and_the_breadcrumb_goes_back_up(
    client, coordinator, figures, indicators
):
    tree = figures
    client.force_login(coordinator)
    page = client.get(PIVOT, params([indicators["adults"], indicators["share"]])).text
    assert "Tỉnh Ninh Bình (toàn đơn vị)" in page
    assert f"unit={tree.hoalu.pk}" in page
    assert "1.000" in page
    page = client.get(PIVOT, params([indicators["adults"]], tree.hoalu)).text
    assert "Tổ dân phố số 1" in page
    assert "Phường Nam Hoa Lư" not in page
    assert f'<a href="?indicator={indicators["adults"].pk}&amp;' in page  # breadcrumb link
    assert f"unit={tree.province.pk}" in page


def test_htmx_gets_only_the_table_and_history_restore_the_page(
    client, coordinator, figures, indicators
):
    client.force_login(coordinator)
    query = params([indicators["adults"]])
    fragment = client.get(PIVOT, query, HTTP_HX_REQUEST="true")
    assert fragment.text.lstrip().startswith('<div id="pivot"')
    assert "<html" not in fragment.text
    assert "HX-Request" in fragment["Vary"]
    restored = client.get(
        PIVOT, query, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restored.text


def test_without_javascript_the_form_keeps_the_choices(client, coordinator, figures, indicators):
    client.force_login(coordinator)
    adults = indicators["adults"]
    page = client.get(PIVOT, params([adults], period_type="quarterly")).text
    assert f'value="{adults.pk}" checked' in page
    assert '<option value="quarterly" selected>' in page
    assert 'value="2025-10"' in page
    # months add up into the quarters: Q3 (September) and Q4 (October)
    assert "Q3/2025" in page
    assert "Q4/2025" in page


def test_choosing_no_indicator_asks_for_one(client, coordinator, tree):
    client.force_login(coordinator)
    page = client.get(PIVOT, {"shown": "1"}).text
    assert "Hãy chọn ít nhất một chỉ tiêu." in page


def test_a_focal_point_starts_at_their_commune_and_cannot_reach_the_province(
    client, hoalu_focal_point, figures, indicators
):
    tree = figures
    client.force_login(hoalu_focal_point)
    page = client.get(PIVOT, params([indicators["adults"]])).text
    assert "Phường Hoa Lư (toàn đơn vị)" in page
    assert "Phường Nam Hoa Lư" not in page
    assert client.get(PIVOT, params([indicators["adults"]], tree.province)).status_code == 404
    xlsx = reverse("reports:pivot_xlsx")
    assert client.get(xlsx, params([indicators["adults"]], tree.namhoalu)).status_code == 404


def test_the_pivot_downloads_as_excel(client, coordinator, figures, indicators):
    client.force_login(coordinator)
    response = client.get(
        reverse("reports:pivot_xlsx"), params([indicators["adults"], indicators["share"]])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="so-lieu-')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c for c in row if c not in (None, "")] for row in sheet.iter_rows(values_only=True)]
    assert ["Người trưởng thành", "Tỉnh Ninh Bình", 10, 1000] in rows
    assert ["Tỷ lệ người trưởng thành có kỹ năng số", "Tỉnh Ninh Bình", 10, 54] in rows


def test_the_number_of_queries_does_not_grow_with_the_units(
    client, coordinator, figures, indicators, dataset, october, django_assert_max_num_queries
):
    tree = figures
    client.force_login(coordinator)
    chosen = [indicators["adults"], indicators["share"], indicators["guided"]]
    set_target(actor=None, indicator=chosen[0], unit=tree.hoalu, year=2025, value=Decimal(1))
    client.get(PIVOT, params(chosen))  # warm the session and the user's scope
    with django_assert_max_num_queries(10):
        assert client.get(PIVOT, params(chosen)).status_code == 200
    communes = add_children_bulk(
        tree.province,
        [OrgUnit(name=f"Xã {n}", kind=OrgUnit.Kind.COMMUNE) for n in range(20)],
        actor=None,
    )
    for commune in communes:
        (village,) = add_children_bulk(
            commune, [OrgUnit(name=f"Thôn {commune.name}", kind="village")], actor=None
        )
        save(dataset, village, october, adults="10", skilled="5", guided="3")
    with django_assert_max_num_queries(10):
        page = client.get(PIVOT, params(chosen)).text
    assert "Xã 19" in page
    assert "1.200" in page  # 1,000 + 20 × 10 adults in the province


def test_a_week_adds_into_its_month_beside_the_month_own_value(dataset, tree, indicators):
    october = periods.month(2025, 10)
    save(dataset, tree.hoalu_village, october, adults="100")
    save(dataset, tree.namhoalu_village, periods.parse("2025-W42"), adults="5")  # 13–19/10
    table = pivot([indicators["adults"]], tree.province, [periods.month(2025, 9), october])
    assert table.tables[0].total.cells == [None, Decimal(105)]


def test_an_average_is_the_mean_of_the_values_below_not_of_the_rows(tree):
    from hocvuso.reports.models import Indicator
    from hocvuso.reports.services import create_dataset, create_indicator

    mean = create_indicator(
        actor=None, code="t-mean", name="Điểm trung bình", aggregation=Indicator.Aggregation.AVERAGE
    )
    form = create_dataset(
        actor=None, owner_unit=tree.province, code="t-avg", name="Điểm", indicators=[mean]
    )
    october, november = periods.month(2025, 10), periods.month(2025, 11)
    for unit, month, value in [
        (tree.hoalu_village, october, "10"),
        (tree.hoalu, october, "40"),
        (tree.namhoalu_village, october, "20"),
        (tree.namhoalu_village, november, "30"),
    ]:
        save_values(actor=None, dataset=form, unit=unit, period=month, values={mean.pk: value})
    table = pivot([mean], tree.province, [october, november])
    # (10 + 40 + 20) / 3, not the mean of Hoa Lư's 25 and Nam Hoa Lư's 20
    assert table.tables[0].total.cells == [Decimal("23.33"), Decimal(30)]
    quarter = pivot([mean], tree.province, [periods.quarter(2025, 4)])
    assert quarter.tables[0].total.cells == [Decimal(25)]  # (10 + 40 + 20 + 30) / 4


@pytest.mark.parametrize(
    "value", ["0", "-0", "7", "999", "1000", "-1234", "1234567", "12.50", "0.05", "-3.25"]
)
def test_cells_read_as_everywhere_else(indicators, value):
    from hocvuso.reports.numbers import format_value
    from hocvuso.reports.selectors import PivotRow

    for indicator in (indicators["adults"], indicators["share"]):
        row = PivotRow(indicator, None, [Decimal(value), None])
        assert row.displays == [format_value(Decimal(value), indicator), ""]


@pytest.mark.parametrize(
    ("name", "shown"),
    [("Tỉnh Ninh Bình\x07", "Tỉnh Ninh Bình"), ('=HYPERLINK("http://x","y")', None)],
)
def test_a_unit_name_with_a_control_character_or_a_formula_downloads_as_text(
    client, coordinator, figures, indicators, name, shown
):
    OrgUnit.objects.filter(pk=figures.province.pk).update(name=name)
    client.force_login(coordinator)
    response = client.get(reverse("reports:pivot_xlsx"), params([indicators["adults"]]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows(min_row=4) for c in row if c.value == (shown or name)]
    assert cells
    assert all(c.data_type == "s" for c in cells)
