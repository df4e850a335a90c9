"""The demo's door-to-door guidance: teams in every Hoa Lư residential group, weeks of
visits, places left behind."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hocvuso.demo.services import load_demo
from hocvuso.fieldwork import selectors
from hocvuso.fieldwork.models import Team, Visit
from hocvuso.orgunits.models import OrgUnit


@pytest.mark.django_db
def test_the_demo_has_teams_visits_and_places_left_behind() -> None:
    load_demo()
    load_demo()  # idempotent
    assert Team.objects.count() == 32  # 4 wards x 8 residential groups
    assert Visit.objects.count() > 500
    member = Team.objects.get(members__user__username="tocongnghe")
    assert member.unit.name == "Tổ dân phố số 1"
    ward = OrgUnit.objects.get(name="Phường Hoa Lư")
    today = timezone.localdate()
    coverage = selectors.coverage(ward, start=today.replace(day=1, month=1), end=today)
    assert 0 < coverage.total.household_percent < 50
    left = selectors.left_behind(ward, end=today)
    assert left[0].last_visited_on is None
    assert left[0].teams
