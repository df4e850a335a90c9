"""Issue 5: the phone's sync — batches through the API, idempotent by the visit's id, each
record saved or rejected with its reason, only for the teams the person belongs to."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from hocvuso.fieldwork import services
from hocvuso.fieldwork.models import VillageMonth, Visit

URL = "/api/fieldwork/visits/batch"


def payload(team, village, n=1, **fields):
    visits = []
    for i in range(n):
        visit = {
            "id": str(uuid.uuid4()),
            "team": team.pk,
            "village": village.pk,
            "visited_on": "2025-10-10",
            "household": f"Số {i + 1}",
            "people_guided": 2,
            "services": ["dvc", "vneid"],
        }
        visit.update(fields)
        visits.append(visit)
    return {"visits": visits}


def post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


@pytest.fixture
def member(tree, team, team_member):
    services.add_member(actor=None, team=team, name="Trần Thị Thành", user=team_member)
    return team_member


def test_the_url_is_the_api_route() -> None:
    assert reverse("api:sync_visits") == URL


def test_a_member_syncs_a_batch_and_a_retry_saves_nothing_twice(client, tree, team, member):
    client.force_login(member)
    body = payload(team, tree.hoalu_village, n=3)
    first = post(client, body)
    assert first.status_code == 200
    assert len(first.json()["saved"]) == 3
    again = post(client, body)
    assert again.json() == {
        "saved": [],
        "duplicates": [v["id"] for v in body["visits"]],
        "rejected": {},
    }
    assert Visit.objects.count() == 3
    assert Visit.objects.filter(recorded_by=member).count() == 3
    assert VillageMonth.objects.get().visits == 3


def test_each_record_gets_its_own_answer(client, tree, team, member) -> None:
    client.force_login(member)
    body = payload(team, tree.hoalu_village, n=2)
    body["visits"][1]["household"] = "001203004567"
    answer = post(client, body).json()
    assert answer["saved"] == [body["visits"][0]["id"]]
    assert "Không ghi số CCCD" in answer["rejected"][body["visits"][1]["id"]]


@pytest.mark.parametrize(
    ("persona", "saved"),
    [
        ("coordinator", 1),  # a role over the team's commune
        ("hoalu_focal_point", 1),
        ("other_commune_focal_point", 0),
        ("viewer", 0),  # sees, does not log
    ],
)
def test_who_may_log_for_a_team(request, client, tree, team, persona, saved) -> None:
    client.force_login(request.getfixturevalue(persona))
    answer = post(client, payload(team, tree.hoalu_village)).json()
    assert len(answer["saved"]) == saved
    if not saved:
        assert "tổ không thuộc phạm vi của bạn" in next(iter(answer["rejected"].values()))


def test_no_session_no_sync(client, tree, team) -> None:
    assert post(client, payload(team, tree.hoalu_village)).status_code == 401
    assert not Visit.objects.exists()


def test_a_batch_over_500_is_refused_whole(client, tree, team, member) -> None:
    client.force_login(member)
    assert post(client, payload(team, tree.hoalu_village, n=501)).status_code == 422
    assert not Visit.objects.exists()
