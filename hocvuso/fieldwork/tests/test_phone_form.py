"""Issue 5: the phone form is served with what it needs offline, and is installable."""

from __future__ import annotations

import json

from django.urls import reverse

from hocvuso.fieldwork import services


def test_a_member_gets_the_form_with_their_team_villages_and_topics(
    client, tree, team, team_member
) -> None:
    services.add_member(actor=None, team=team, name="Trần Thị Thành", user=team_member)
    client.force_login(team_member)
    page = client.get(reverse("fieldwork:log"))
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    teams, topics = (
        json.loads(page.text.split(f'id="{name}" type="application/json">')[1].split("<")[0])
        for name in ("fw-teams", "fw-services")
    )
    assert teams[0]["name"] == "Tổ CNS phường Hoa Lư"
    assert {v["name"] for v in teams[0]["villages"]} == {"Phường Hoa Lư", "Tổ dân phố số 1"}
    assert {"code": "vneid", "name": "Định danh điện tử VNeID mức 2"} in topics
    assert f'href="{reverse("fieldwork:manifest")}"' in page.text


def test_someone_in_no_team_is_told_so_not_shown_a_form(client, other_commune_focal_point):
    client.force_login(other_commune_focal_point)
    assert client.get(reverse("fieldwork:log")).status_code == 404


def test_the_service_worker_and_manifest(client) -> None:
    worker = client.get(reverse("fieldwork:service_worker"))
    assert worker["Content-Type"].startswith("text/javascript")
    assert "no-cache" in worker["Cache-Control"]
    manifest = client.get(reverse("fieldwork:manifest")).json()
    assert manifest["start_url"] == reverse("fieldwork:log")
    assert manifest["scope"] == "/fieldwork/"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
