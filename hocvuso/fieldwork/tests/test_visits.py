"""Issue 5: visits are saved once whatever the retries, never hold an ID number, and keep
the per-village summaries right."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from hocvuso.fieldwork.models import Household, ServiceMonth, VillageMonth, Visit
from hocvuso.fieldwork.services import household_ref, record_visits
from hocvuso.fieldwork.tests.conftest import DAY, visit


def test_a_retried_batch_saves_each_visit_once(tree, team) -> None:
    rows = [visit(team, tree.hoalu_village), visit(team, tree.hoalu_village, household="Số 14")]
    first = record_visits(actor=None, teams=[team], rows=rows)
    again = record_visits(actor=None, teams=[team], rows=rows)
    assert sorted(first.saved) == sorted(r.id for r in rows)
    assert sorted(again.duplicates) == sorted(r.id for r in rows)
    assert again.saved == []
    assert Visit.objects.count() == 2


def test_bad_rows_are_refused_with_reasons_and_good_ones_kept(tree, team) -> None:
    good = visit(team, tree.hoalu_village)
    elsewhere = visit(team, tree.namhoalu_village)
    with_id = visit(team, tree.hoalu_village, household="CCCD 001203004567")
    too_many = visit(team, tree.hoalu_village, people_guided=0, women=2)
    batch = record_visits(actor=None, teams=[team], rows=[good, elsewhere, with_id, too_many])
    assert batch.saved == [good.id]
    assert "không thuộc địa bàn của tổ" in batch.rejected[elsewhere.id]
    assert "Không ghi số CCCD" in batch.rejected[with_id.id]
    assert "số người được hướng dẫn phải từ 1 đến 50" in batch.rejected[too_many.id]
    assert "“nữ” phải từ 0" in batch.rejected[too_many.id]
    assert not Visit.objects.filter(household__contains="001203004567").exists()


def test_a_follow_up_needs_its_date(tree, team) -> None:
    row = visit(team, tree.hoalu_village, outcome="follow_up")
    batch = record_visits(actor=None, teams=[team], rows=[row])
    assert "ngày hẹn" in batch.rejected[row.id]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Số 12, Ngõ 3", "so 12 ngo 3"),
        ("  so 12   ngo 3 ", "so 12 ngo 3"),
        ("Xóm Đông", "xom dong"),
    ],
)
def test_household_references_are_folded(typed, stored) -> None:
    assert household_ref(typed) == stored


@pytest.mark.parametrize("typed", ["001203004567", "0912.345.678", "CMND 123 456 789"])
def test_id_and_phone_numbers_are_refused(typed) -> None:
    with pytest.raises(ValidationError, match="CCCD"):
        household_ref(typed)


def test_summaries_follow_the_visits(tree, team) -> None:
    village = tree.hoalu_village
    record_visits(
        actor=None,
        teams=[team],
        rows=[
            visit(team, village, household="Số 1", people_guided=2, women=1),
            visit(team, village, household="số 1", people_guided=1, services=["dvc", "vneid"]),
            visit(team, village, household="Số 2", people_guided=4, aged_60_plus=2),
            visit(
                team,
                village,
                household="Số 1",
                visited_on=DAY + datetime.timedelta(days=31),
                people_guided=1,
            ),
        ],
    )
    assert Household.objects.count() == 2
    october, november = VillageMonth.objects.order_by("month")
    assert (october.month, october.visits, october.new_households) == (
        datetime.date(2025, 10, 1),
        3,
        2,
    )
    assert (october.people_guided, october.women, october.aged_60_plus) == (7, 1, 2)
    assert (november.visits, november.new_households, november.people_guided) == (1, 0, 1)
    vneid = ServiceMonth.objects.get(service__code="vneid", month=october.month)
    assert (vneid.visits, vneid.people) == (3, 7)
    assert ServiceMonth.objects.get(service__code="dvc").people == 1


def test_an_older_visit_arriving_late_moves_the_household_to_its_first_month(tree, team):
    village = tree.hoalu_village
    record_visits(actor=None, teams=[team], rows=[visit(team, village, household="Số 9")])
    late = visit(team, village, household="Số 9", visited_on=DAY - datetime.timedelta(days=40))
    record_visits(actor=None, teams=[team], rows=[late])
    months = {m.month.month: m.new_households for m in VillageMonth.objects.all()}
    assert months == {8: 1, 10: 0}
