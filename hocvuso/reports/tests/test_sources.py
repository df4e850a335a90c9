"""Issue 6: indicators computed from the system's own records — door-to-door visits, teams,
ceremonies, duties, population — through one mechanism, rolled up the tree."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest

from hocvuso.events.models import Event
from hocvuso.events.services import add_bridge_points, create_event, report_attendance
from hocvuso.fieldwork.services import VisitInput, add_member, create_team, record_visits
from hocvuso.orgunits.services import set_population
from hocvuso.plans.models import Task
from hocvuso.reports import periods
from hocvuso.reports.selectors import form_for, values_for
from hocvuso.reports.services import create_dataset, create_indicator, save_values
from hocvuso.reports.sources import SOURCES

OCTOBER = periods.month(2025, 10)
NOVEMBER = periods.month(2025, 11)


def computed(code, source, **fields):
    return create_indicator(actor=None, code=code, name=code, source=source, **fields)


@pytest.fixture
def visits(tree):
    team = create_team(actor=None, unit=tree.hoalu, name="Tổ CNS Hoa Lư")
    add_member(actor=None, team=team, name="Trưởng tổ", role="leader")
    add_member(actor=None, team=team, name="Tổ viên", role="member")
    rows = [
        VisitInput(
            id=uuid.uuid4(),
            team_id=team.pk,
            village_id=tree.hoalu_village.pk,
            visited_on=day,
            household=f"Số {n}",
            people_guided=people,
            services=["vneid"],
        )
        for n, (day, people) in enumerate(
            [
                (datetime.date(2025, 10, 3), 3),
                (datetime.date(2025, 10, 20), 2),
                (datetime.date(2025, 11, 2), 4),
            ]
        )
    ]
    batch = record_visits(actor=None, teams=[team], rows=rows)
    assert len(batch.saved) == 3
    return team


def test_people_guided_come_from_the_visits_by_month_and_up_the_tree(tree, visits):
    guided = computed("c-guided", "fieldwork.people_guided")
    figures = values_for([guided], [tree.province, tree.hoalu, tree.namhoalu], [OCTOBER, NOVEMBER])
    assert figures[(guided.pk, tree.province.pk, "2025-10")] == 5
    assert figures[(guided.pk, tree.hoalu.pk, "2025-11")] == 4
    assert (guided.pk, tree.namhoalu.pk, "2025-10") not in figures
    quarter = values_for([guided], [tree.province], [periods.quarter(2025, 4)])
    assert quarter[(guided.pk, tree.province.pk, "2025-Q4")] == 9


def test_teams_and_members_are_counted_as_they_stand(tree, visits):
    teams = computed("c-teams", "fieldwork.teams")
    members = computed("c-members", "fieldwork.team_members")
    figures = values_for([teams, members], [tree.province], [OCTOBER])
    assert figures[(teams.pk, tree.province.pk, "2025-10")] == 1
    assert figures[(members.pk, tree.province.pk, "2025-10")] == 2


def test_bridge_points_and_attendees_come_from_the_ceremonies(tree):
    event = create_event(
        actor=None,
        organiser=tree.province,
        title="Lễ phát động",
        starts_at=datetime.datetime(2025, 10, 10, 8, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2025, 10, 10, 10, tzinfo=datetime.UTC),
        mode=Event.Mode.HYBRID,
    )
    points = add_bridge_points(actor=None, event=event, hosts=[tree.hoalu, tree.namhoalu])
    report_attendance(
        bridge_point=points[0],
        submission_id=uuid.uuid4(),
        counts={"residents": 40, "officials": 10},
        field="actual",
    )
    bridge = computed("c-points", "events.bridge_points")
    attendees = computed("c-attendees", "events.attendees")
    figures = values_for([bridge, attendees], [tree.province, tree.hoalu], [OCTOBER])
    assert figures[(bridge.pk, tree.province.pk, "2025-10")] == 2
    assert figures[(attendees.pk, tree.province.pk, "2025-10")] == 50
    assert figures[(attendees.pk, tree.hoalu.pk, "2025-10")] == 50


def test_duties_done_are_counted_in_the_month_they_were_done(tree):
    from hocvuso.plans.services import create_plan

    plan = create_plan(actor=None, issuing_unit=tree.province, kind="other", title="KH")
    for n, done_on in enumerate([datetime.date(2025, 10, 5), None]):
        Task.objects.create(
            plan=plan,
            unit=tree.hoalu,
            text=f"Việc {n}",
            status=Task.Status.DONE if done_on else Task.Status.IN_PROGRESS,
            done_on=done_on,
        )
    done = computed("c-done", "plans.tasks_done")
    figures = values_for([done], [tree.province], [OCTOBER])
    assert figures[(done.pk, tree.province.pk, "2025-10")] == 1


def test_a_ratio_of_a_typed_count_over_the_computed_adults(tree):
    set_population(actor=None, unit=tree.hoalu, year=2025, adults=1000, households=400)
    set_population(actor=None, unit=tree.namhoalu, year=2025, adults=3000, households=900)
    adults = computed("c-adults", "orgunits.adults")
    skilled = create_indicator(actor=None, code="c-skilled", name="Có kỹ năng số")
    share = create_indicator(
        actor=None,
        code="c-share",
        name="Tỷ lệ",
        value_type="percentage",
        aggregation="ratio",
        numerator=skilled,
        denominator=adults,
    )
    dataset = create_dataset(
        actor=None,
        owner_unit=tree.province,
        code="c-form",
        name="Biểu",
        indicators=[adults, skilled, share],
        assigned_kinds=["commune"],
    )
    for unit, n in ((tree.hoalu, "800"), (tree.namhoalu, "1.200")):
        save_values(actor=None, dataset=dataset, unit=unit, period=OCTOBER, values={skilled.pk: n})
    figures = values_for([share], [tree.province, tree.hoalu], [OCTOBER])
    assert figures[(share.pk, tree.province.pk, "2025-10")] == Decimal("50.0")
    assert figures[(share.pk, tree.hoalu.pk, "2025-10")] == Decimal("80.0")
    form = form_for(dataset, tree.hoalu, OCTOBER)
    assert [r.display for r in form.rows] == ["1.000", "800", "80%"]


def test_every_source_answers_for_an_empty_province(tree):
    for source in SOURCES.values():
        assert source.compute([tree.province], [OCTOBER]) == {}
