"""Issue 5: coverage by unit and period against population, rolled up the tree; the places
left behind; follow-ups due; the leaderboard — and only inside one's own units."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from hocvuso.fieldwork import selectors, services
from hocvuso.fieldwork.services import record_visits
from hocvuso.fieldwork.tests.conftest import DAY, visit
from hocvuso.orgunits.services import create_unit, set_population

OCTOBER = datetime.date(2025, 10, 1)


@pytest.fixture
def visited(tree, team):
    """Hoa Lư's village: 10 households, 3 reached in October (one visited twice), one more in
    November. Nam Hoa Lư's village: 20 households, never visited."""
    set_population(actor=None, unit=tree.hoalu_village, year=2025, households=10, adults=25)
    set_population(actor=None, unit=tree.namhoalu_village, year=2025, households=20, adults=40)
    v = tree.hoalu_village
    record_visits(
        actor=None,
        teams=[team],
        rows=[
            visit(team, v, household="Số 1", people_guided=2, women=1),
            visit(team, v, household="Số 2", people_guided=3, services=["dvc"]),
            visit(team, v, household="Số 3", people_guided=1, aged_60_plus=1),
            visit(team, v, household="Số 1", people_guided=1, visited_on=DAY.replace(day=20)),
            visit(
                team, v, household="Số 4", people_guided=2, visited_on=datetime.date(2025, 11, 3)
            ),
        ],
    )
    return team


def test_coverage_rolls_up_from_villages_to_the_province(tree, visited) -> None:
    result = selectors.coverage(tree.province, start=OCTOBER, end=OCTOBER)
    total = result.total
    assert (total.visits, total.people, total.reached) == (4, 7, 3)
    # Denominators come from the villages: no figures at commune or province level.
    assert (total.households, total.adults) == (30, 65)
    assert total.household_percent == 10.0
    rows = {row.unit.name: row for row in result.rows}
    assert (rows["Phường Hoa Lư"].reached, rows["Phường Hoa Lư"].households) == (3, 10)
    assert rows["Phường Nam Hoa Lư"].reached == 0
    assert rows["Phường Nam Hoa Lư"].last_visited_on is None
    assert (total.women, total.aged_60_plus) == (1, 1)
    services = {service.code: (n, people) for service, n, people in result.services}
    assert services["vneid"] == (3, 4)
    assert services["dvc"] == (1, 3)


def test_households_reached_accumulate_over_months(tree, visited) -> None:
    result = selectors.coverage(tree.hoalu, start=OCTOBER, end=datetime.date(2025, 11, 1))
    assert result.total.reached == 4
    assert [(m.month, n, reached) for m, n, _people, reached in result.trend] == [
        (10, 4, 3),
        (11, 1, 4),
    ]
    november = selectors.coverage(
        tree.hoalu, start=datetime.date(2025, 11, 1), end=datetime.date(2025, 11, 1)
    )
    assert (november.total.visits, november.total.reached) == (1, 4)


def test_the_place_never_visited_comes_first_then_the_least_covered(tree, visited) -> None:
    village = create_unit(actor=None, parent=tree.hoalu, name="Tổ dân phố số 2", kind="village")
    set_population(actor=None, unit=village, year=2025, households=50, adults=None)
    rows = selectors.left_behind(tree.province, end=datetime.date(2025, 11, 30))
    names = [row.unit.name for row in rows]
    assert names[:2] == ["Tổ dân phố số 2", "Thôn Đông"] or names[:2] == [
        "Thôn Đông",
        "Tổ dân phố số 2",
    ]
    assert names[2] == "Tổ dân phố số 1"
    assert rows[2].household_percent == 40.0
    # Communes with villages are covered through them, not listed.
    assert "Phường Hoa Lư" not in names
    assert [t.name for t in rows[0].teams] == ["Tổ CNS phường Hoa Lư"] or rows[
        0
    ].unit.name == "Thôn Đông"


def test_follow_ups_due_until_someone_goes_back(tree, team) -> None:
    v = tree.hoalu_village
    asked = visit(
        team,
        v,
        household="Số 7",
        outcome="follow_up",
        follow_up_on=DAY + datetime.timedelta(days=3),
    )
    record_visits(actor=None, teams=[team], rows=[asked])
    today = DAY + datetime.timedelta(days=5)
    assert [x.household for x in selectors.follow_ups_due(tree.province, today=today)] == ["so 7"]
    assert not selectors.follow_ups_due(tree.province, today=DAY)
    back = visit(team, v, household="số 7", visited_on=DAY + datetime.timedelta(days=4))
    record_visits(actor=None, teams=[team], rows=[back])
    assert not selectors.follow_ups_due(tree.province, today=today)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("hoalu_focal_point", 200),
        ("viewer", 200),
        ("other_commune_focal_point", 404),
    ],
)
def test_who_sees_a_communes_coverage(request, client, tree, visited, persona, status) -> None:
    client.force_login(request.getfixturevalue(persona))
    page = client.get(
        reverse("fieldwork:coverage"), {"unit": tree.hoalu.pk, "start": "2025-10", "end": "2025-11"}
    )
    assert page.status_code == status
    if status == 200:
        assert "Tổ dân phố số 1" in page.text
        assert "4 / 10 (40.0%)" in page.text or "4</strong> / 10" in page.text


def test_the_coverage_page_takes_the_same_queries_for_more_villages_and_visits(
    client, tree, visited, coordinator, django_assert_max_num_queries
) -> None:
    client.force_login(coordinator)
    url = reverse("fieldwork:coverage")
    query = {"unit": tree.province.pk, "start": "2025-10", "end": "2025-11"}
    with django_assert_max_num_queries(40) as few:
        client.get(url, query)
    for i in range(5):
        village = create_unit(actor=None, parent=tree.hoalu, name=f"Thôn thử {i}", kind="village")
        record_visits(
            actor=None, teams=[visited], rows=[visit(visited, village, household=f"Số {i}")]
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, query).status_code == 200


def test_the_leaderboard_ranks_teams_by_visits(client, tree, visited, coordinator) -> None:
    other = services.create_team(actor=None, unit=tree.namhoalu, name="Tổ CNS Nam Hoa Lư")
    record_visits(actor=None, teams=[other], rows=[visit(other, tree.namhoalu_village)])
    ranked = list(
        selectors.leaderboard(tree.province, start=OCTOBER, end=datetime.date(2025, 10, 31))
    )
    assert [(t.name, t.visit_count) for t in ranked] == [
        ("Tổ CNS phường Hoa Lư", 4),
        ("Tổ CNS Nam Hoa Lư", 1),
    ]
    client.force_login(coordinator)
    page = client.get(
        reverse("fieldwork:teams"), {"unit": tree.province.pk, "start": "2025-10", "end": "2025-10"}
    )
    assert page.text.index("Tổ CNS phường Hoa Lư") < page.text.index("Tổ CNS Nam Hoa Lư")


def test_a_focal_point_adds_members_to_their_own_team_only(
    client, tree, team, hoalu_focal_point, other_commune_focal_point
) -> None:
    url = reverse("fieldwork:team", args=[team.pk])
    client.force_login(other_commune_focal_point)
    assert client.post(url, {"name": "Người lạ", "role": "member"}).status_code == 404
    client.force_login(hoalu_focal_point)
    client.post(url, {"name": "Lê Thị Mai", "role": "member", "phone": "0912345678"})
    assert team.members.filter(name="Lê Thị Mai").exists()
    assert "Lê Thị Mai" in client.get(url).text


def test_a_team_belongs_to_a_commune_or_a_village(client, tree, coordinator) -> None:
    client.force_login(coordinator)
    response = client.post(
        reverse("fieldwork:team_create"), {"name": "Tổ sở", "unit": tree.agency.pk}
    )
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.text
    created = client.post(
        reverse("fieldwork:team_create"), {"name": "Tổ thôn Đông", "unit": tree.namhoalu_village.pk}
    )
    assert created.status_code == 302


def test_linking_a_member_to_their_account_lets_them_log(
    client, tree, team, hoalu_focal_point, team_member, viewer
) -> None:
    client.force_login(team_member)
    assert client.get(reverse("fieldwork:log")).status_code == 404  # not in the team yet
    client.force_login(hoalu_focal_point)
    url = reverse("fieldwork:team", args=[team.pk])
    page = client.get(url).text
    assert f'value="{team_member.pk}"' in page
    assert f'value="{viewer.pk}"' not in page  # a role elsewhere: not offered
    client.post(url, {"name": "Trần Văn Tổ", "role": "member", "user": team_member.pk})
    client.force_login(team_member)
    assert client.get(reverse("fieldwork:log")).status_code == 200


def test_a_villages_coverage_leads_back_to_its_commune_and_province(
    client, coordinator, tree
) -> None:
    client.force_login(coordinator)
    page = client.get(reverse("fieldwork:coverage"), {"unit": tree.hoalu_village.pk}).text
    assert f"?unit={tree.hoalu.pk}&amp;" in page
    assert f"?unit={tree.province.pk}&amp;" in page
