"""Issue 6: teams and visits through the API — in the caller's units only, paginated,
filtered by team, village and period."""

from __future__ import annotations

import datetime

import pytest

from hocvuso.fieldwork import services

from .conftest import DAY, visit


@pytest.fixture
def visits(tree, team, coordinator):
    other = services.create_team(actor=None, unit=tree.namhoalu, name="Tổ CNS Nam Hoa Lư")
    rows = [
        visit(team, tree.hoalu_village),
        visit(team, tree.hoalu_village, household="Số 3", visited_on=DAY.replace(day=2)),
        visit(
            team,
            tree.hoalu,
            household="Số 7",
            outcome="follow_up",
            follow_up_on=DAY + datetime.timedelta(days=7),
            services=["dvc"],
        ),
        visit(other, tree.namhoalu_village, household="Số 9"),
    ]
    batch = services.record_visits(actor=coordinator, teams=[team, other], rows=rows)
    assert not batch.rejected
    return rows


def items(response):
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_teams_in_scope_only(client, tree, team, visits, hoalu_focal_point, coordinator):
    client.force_login(hoalu_focal_point)
    assert [t["name"] for t in items(client.get("/api/fieldwork/teams"))] == [
        "Tổ CNS phường Hoa Lư"
    ]
    assert client.get(f"/api/fieldwork/teams/{team.pk}").json()["unit_name"] == "Phường Hoa Lư"
    client.force_login(coordinator)
    assert len(items(client.get("/api/fieldwork/teams"))) == 2
    under = items(client.get("/api/fieldwork/teams", {"unit": tree.namhoalu.pk}))
    assert [t["name"] for t in under] == ["Tổ CNS Nam Hoa Lư"]
    other = under[0]["id"]
    client.force_login(hoalu_focal_point)
    assert client.get(f"/api/fieldwork/teams/{other}").status_code == 404
    assert items(client.get("/api/fieldwork/teams", {"unit": tree.namhoalu.pk})) == []


def test_visits_in_scope_newest_first(client, visits, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    rows = items(client.get("/api/fieldwork/visits"))
    assert {r["household"] for r in rows[:2]} == {"so 12 ngo 3", "so 7"}
    assert rows[2]["household"] == "so 3"
    follow_up = next(r for r in rows if r["household"] == "so 7")
    assert follow_up["services"] == ["dvc"]
    assert follow_up["outcome"] == "follow_up"
    assert "note" not in follow_up


def test_visits_filtered_by_team_village_period_and_outcome(
    client, tree, team, visits, coordinator
):
    client.force_login(coordinator)
    url = "/api/fieldwork/visits"
    assert len(items(client.get(url))) == 4
    assert len(items(client.get(url, {"team": team.pk}))) == 3
    assert len(items(client.get(url, {"village": tree.hoalu_village.pk}))) == 2
    assert len(items(client.get(url, {"date_from": DAY.isoformat()}))) == 3
    early = items(client.get(url, {"date_to": (DAY - datetime.timedelta(days=1)).isoformat()}))
    assert [r["household"] for r in early] == ["so 3"]
    assert len(items(client.get(url, {"outcome": "follow_up"}))) == 1
    page = client.get(url, {"limit": 2, "offset": 2}).json()
    assert page["count"] == 4
    assert len(page["items"]) == 2


def test_the_visits_list_takes_a_fixed_number_of_queries(
    client, tree, team, coordinator, django_assert_max_num_queries
):
    rows = [visit(team, tree.hoalu_village, household=f"Số {n}") for n in range(30)]
    services.record_visits(actor=coordinator, teams=[team], rows=rows)
    client.force_login(coordinator)
    with django_assert_max_num_queries(7):
        assert len(items(client.get("/api/fieldwork/visits", {"limit": 200}))) == 30
