from __future__ import annotations

import datetime
import uuid

import pytest

from hocvuso.fieldwork import services
from hocvuso.fieldwork.services import VisitInput

DAY = datetime.date(2025, 10, 10)


@pytest.fixture
def team(tree):
    team = services.create_team(actor=None, unit=tree.hoalu, name="Tổ CNS phường Hoa Lư")
    services.add_member(actor=None, team=team, name="Nguyễn Văn Tổ", role="leader")
    return team


def visit(team, village, **fields) -> VisitInput:
    values = {
        "id": uuid.uuid4(),
        "team_id": team.pk,
        "village_id": village.pk,
        "visited_on": DAY,
        "household": "Số 12, ngõ 3",
        "people_guided": 3,
        "services": ["vneid"],
    }
    values.update(fields)
    return VisitInput(**values)
