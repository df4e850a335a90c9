"""Issue 13 (defects 8 and 14, deliver 8): a phone's batch with one bad record saves the good
ones and refuses the bad one with its reason, in Vietnamese; a visit's day, its follow-up
and its members present are held to what a campaign can plausibly record — the same rules
for the phone's sync and the file import."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine

from hocvuso.core.models import AuditLog
from hocvuso.fieldwork import services
from hocvuso.fieldwork.models import Visit
from hocvuso.fieldwork.tests.test_import_export import csv_file, upload
from hocvuso.fieldwork.tests.test_sync_api import URL, payload, post

# 23:30 in Hà Nội on 10 October 2025 (16:30 UTC): "tomorrow" is the 11th there.
LATE_EVENING = datetime.datetime(2025, 10, 10, 16, 30, tzinfo=datetime.UTC)


@pytest.fixture
def member(tree, team, team_member):
    services.add_member(actor=None, team=team, name="Trần Thị Thành", user=team_member)
    return team_member


@pytest.fixture
def phone(client, member):
    client.force_login(member)
    return client


def claims() -> list[int]:
    rows = AuditLog.objects.filter(object_type="fieldwork.team", changes__has_key="visits_added")
    return [row.changes["visits_added"] for row in rows]


def test_a_nul_in_one_note_refuses_that_visit_and_saves_the_others(phone, tree, team):
    body = payload(team, tree.hoalu_village, n=3)
    body["visits"][1]["note"] = "Bà cụ\x00 chưa có điện thoại"
    response = post(phone, body)
    assert response.status_code == 200
    answer = response.json()
    bad = body["visits"][1]["id"]
    assert sorted(answer["saved"]) == sorted(v["id"] for v in body["visits"] if v["id"] != bad)
    assert "“ghi chú” có ký tự NUL" in answer["rejected"][bad]
    assert Visit.objects.count() == 2
    assert not Visit.objects.filter(pk=bad).exists()
    assert claims() == [2]


def test_a_nul_in_the_household_is_refused_too(phone, tree, team):
    body = payload(team, tree.hoalu_village, n=2, household="Số 12\x00")
    answer = post(phone, body).json()
    assert answer["saved"] == []
    assert all("“hộ gia đình” có ký tự NUL" in r for r in answer["rejected"].values())
    assert not Visit.objects.exists()
    assert claims() == []


def test_a_broken_character_is_refused_with_its_reason(phone, tree, team):
    body = payload(team, tree.hoalu_village, n=2)
    text = json.dumps(body).replace('"services"', '"note": "\\ud800", "services"', 1)
    response = phone.post(URL, text, content_type="application/json")
    assert response.status_code == 200
    answer = response.json()
    assert len(answer["saved"]) == 1
    assert "“ghi chú” có ký tự không hợp lệ" in answer["rejected"][body["visits"][0]["id"]]


def test_pasted_control_characters_are_cleaned_not_refused(phone, tree, team):
    body = payload(team, tree.hoalu_village, note="Dòng một\x0bdòng hai\x07")
    assert len(post(phone, body).json()["saved"]) == 1
    assert Visit.objects.get().note == "Dòng một dòng hai"


def test_a_note_too_long_is_refused_on_its_own(phone, tree, team):
    body = payload(team, tree.hoalu_village, n=2)
    body["visits"][0]["note"] = "x" * 501
    answer = post(phone, body).json()
    assert len(answer["saved"]) == 1
    assert "“ghi chú” dài quá 500 ký tự" in answer["rejected"][body["visits"][0]["id"]]


@time_machine.travel(LATE_EVENING, tick=False)
@pytest.mark.parametrize(
    ("day", "reason"),
    [
        ("1900-01-01", "ngày hướng dẫn trước 01/01/2020"),
        ("2019-12-31", "ngày hướng dẫn trước 01/01/2020"),
        ("2020-01-01", None),
        ("2025-10-11", None),  # tomorrow in Việt Nam: a phone's clock may run ahead
        ("2025-10-12", "ngày hướng dẫn ở tương lai"),
    ],
)
def test_the_day_of_a_visit_is_within_the_campaign(phone, tree, team, day, reason):
    body = payload(team, tree.hoalu_village, visited_on=day)
    answer = post(phone, body).json()
    if reason is None:
        assert len(answer["saved"]) == 1
    else:
        assert reason in answer["rejected"][body["visits"][0]["id"]]
        assert not Visit.objects.exists()


@time_machine.travel(datetime.datetime(2025, 10, 10, 18, 0, tzinfo=datetime.UTC), tick=False)
def test_tomorrow_is_counted_in_viet_nam_time(phone, tree, team):
    # 18:00 UTC is already 01:00 on the 11th in Hà Nội: the 12th is tomorrow there.
    body = payload(team, tree.hoalu_village, visited_on="2025-10-12")
    assert len(post(phone, body).json()["saved"]) == 1


def test_a_follow_up_more_than_a_year_away_is_refused(phone, tree, team):
    body = payload(team, tree.hoalu_village, outcome="follow_up", follow_up_on="2027-01-01")
    answer = post(phone, body).json()
    assert "cách ngày hướng dẫn hơn một năm" in next(iter(answer["rejected"].values()))


def test_the_last_day_a_calendar_has_is_refused_not_a_server_error(phone, tree, team):
    body = payload(
        team,
        tree.hoalu_village,
        visited_on="9999-12-31",
        outcome="follow_up",
        follow_up_on="9999-12-31",
    )
    response = post(phone, body)
    assert response.status_code == 200
    assert "ngày hướng dẫn ở tương lai" in next(iter(response.json()["rejected"].values()))


@pytest.mark.parametrize(
    ("present", "reason"),
    [
        ([2**70], "“1180591620717411303424” không phải thành viên của tổ"),
        ([-1], "“-1” không phải thành viên của tổ"),
        (["other team"], "không phải thành viên của tổ"),
        (["twice"], "được ghi hai lần"),
        (list(range(1, 20_001)), "ghi 20000 người, quá 30 người của một tổ"),
    ],
)
def test_members_present_are_the_teams_members_each_once(
    phone, tree, team, member, present, reason
):
    own = team.members.get(user=member).pk
    if present == ["other team"]:
        other = services.create_team(actor=None, unit=tree.namhoalu, name="Tổ CNS Nam Hoa Lư")
        present = [services.add_member(actor=None, team=other, name="Lê Văn Khác").pk]
    elif present == ["twice"]:
        present = [own, own]
    body = payload(team, tree.hoalu_village, n=2)
    body["visits"][0]["members_present"] = present
    body["visits"][1]["members_present"] = [own]
    response = post(phone, body)
    assert response.status_code == 200
    answer = response.json()
    assert reason in answer["rejected"][body["visits"][0]["id"]]
    assert "“thành viên tham gia”" in answer["rejected"][body["visits"][0]["id"]]
    assert answer["saved"] == [body["visits"][1]["id"]]
    assert Visit.objects.get().members_present == [own]


def test_members_present_that_are_no_numbers_refuse_the_batch_by_name(phone, tree, team):
    """A record of the wrong shape is no phone of ours: the batch is refused whole (the
    phone then sends halves, so its other records still go through)."""
    body = payload(team, tree.hoalu_village, members_present=["abc"])
    response = post(phone, body)
    assert response.status_code == 422
    assert "members_present" in response.text
    assert not Visit.objects.exists()


def test_the_import_holds_visits_to_the_same_days(client, hoalu_focal_point, tree, team):
    client.force_login(hoalu_focal_point)
    line = "01/01/1900;Tổ CNS phường Hoa Lư;Tổ dân phố số 1;Số 12, ngõ 3;3;VNeID mức 2;xong;;1"
    response = upload(client, tree, csv_file(line))
    assert response.status_code == 400
    assert "ngày hướng dẫn trước 01/01/2020" in response.text
    assert not Visit.objects.exists()


def test_one_rule_for_both_the_sync_and_the_import() -> None:
    today = datetime.date(2025, 10, 10)
    check = services.visit_value_problems
    assert check(visited_on=datetime.date(1900, 1, 1), today=today)
    assert check(visited_on=today + datetime.timedelta(days=2), today=today)
    assert check(visited_on=today + datetime.timedelta(days=1), today=today) == []
    assert check(visited_on=today, today=today, members_present=[True], team_members={1}) == [
        "“thành viên tham gia”: “True” không phải mã thành viên"
    ]
