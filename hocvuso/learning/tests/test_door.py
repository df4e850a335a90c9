"""Attendance at the door: the rotating code, a learner's phone checking in, the trainer's
roll call — refusals in Vietnamese with nothing written, nobody counted twice."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from hocvuso.core.models import AuditLog
from hocvuso.learning.models import ClassSession, Enrolment, Learner
from hocvuso.learning.services import AlreadyCheckedIn, CheckinRefused, check_in, current_code
from hocvuso.learning.services.checkin import WINDOW_SECONDS, code_for, issue_ticket, window_of
from hocvuso.learning.tests.conftest import make_class, person

pytestmark = pytest.mark.django_db


def later(seconds: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=seconds)


def form(tree, ticket, name="Nguyễn Thị Hoa", year="1968", **extra):
    return {
        "ticket": ticket,
        "name": name,
        "birth_year": year,
        "commune": tree.hoalu.pk,
        "village": tree.hoalu_village.pk,
        **extra,
    }


def refused(match: str):
    return pytest.raises(CheckinRefused, match=match)


# --- The code


def test_the_screen_code_works_now_and_for_one_window_more(tree, session):
    code = current_code(session).code
    assert len(code) == 8
    assert check_in(session=session, code=code, person=person(tree), now=later(WINDOW_SECONDS))
    assert Enrolment.objects.get(session=session).via == "qr"


def test_a_code_that_rotated_out_is_refused_and_nothing_written(tree, session):
    code = current_code(session).code
    with refused("Mã đã hết hạn, hãy quét lại mã trên màn hình"):
        check_in(session=session, code=code, person=person(tree), now=later(2 * WINDOW_SECONDS))
    assert not Enrolment.objects.exists()
    assert not Learner.objects.exists()
    assert not AuditLog.objects.filter(action=AuditLog.Action.ATTENDANCE_TAKEN).exists()


def test_another_class_code_is_refused_as_such(tree, session, course):
    other = make_class(tree, course, host=tree.namhoalu, organiser=tree.namhoalu)
    with refused("lớp khác"):
        check_in(session=session, code=current_code(other).code, person=person(tree))
    with refused("không đúng"):
        check_in(session=session, code="AAAAAAAA", person=person(tree))
    assert not Enrolment.objects.exists()


def test_after_the_class_ended_and_before_it_opens_are_refused(tree, course):
    ended = make_class(tree, course, starts_in=datetime.timedelta(hours=-3))
    with refused("đã kết thúc"):
        check_in(session=ended, code=current_code(ended).code, person=person(tree))
    # A short grace after the end: the last ones out of the hall still check in.
    just = make_class(tree, course, starts_in=datetime.timedelta(hours=-2, minutes=-5))
    assert check_in(session=just, code=current_code(just).code, person=person(tree))
    early = make_class(tree, course, starts_in=datetime.timedelta(hours=1))
    with refused("Chưa đến giờ điểm danh"):
        check_in(session=early, code=current_code(early).code, person=person(tree))
    cancelled = make_class(tree, course, status=ClassSession.Status.CANCELLED)
    with refused("hủy"):
        check_in(session=cancelled, code=current_code(cancelled).code, person=person(tree))
    assert Enrolment.objects.count() == 1


def test_late_after_fifteen_minutes(tree, course):
    on_time = make_class(tree, course, starts_in=datetime.timedelta(minutes=-5))
    late = make_class(tree, course, starts_in=datetime.timedelta(minutes=-20))
    assert (
        check_in(session=on_time, code=current_code(on_time).code, person=person(tree)).status
        == "present"
    )
    assert (
        check_in(session=late, code=current_code(late).code, person=person(tree)).status == "late"
    )


def test_someone_already_checked_in_is_told_when_and_counted_once(tree, session):
    code = current_code(session).code
    first = check_in(session=session, code=code, person=person(tree))
    with pytest.raises(AlreadyCheckedIn, match="Bạn đã điểm danh lúc"):
        check_in(session=session, code=code, person=person(tree, name=" nguyễn thị  HOA"))
    assert Enrolment.objects.filter(session=session).count() == 1
    assert Enrolment.objects.get().pk == first.pk


def test_a_registered_learner_checking_in_keeps_their_enrolment(tree, session):
    from hocvuso.learning.services import find_or_create_learner

    learner, _ = find_or_create_learner(actor=None, person=person(tree))
    registered = Enrolment.objects.create(session=session, learner=learner, via="registration")
    enrolment = check_in(session=session, code=current_code(session).code, person=person(tree))
    assert enrolment.pk == registered.pk
    assert enrolment.status == "present"


def test_a_bad_person_is_refused_with_the_reason(tree, session):
    with refused("CCCD"):
        check_in(
            session=session,
            code=current_code(session).code,
            person=person(tree, name="012345678912"),
        )
    assert not Enrolment.objects.exists()


def test_a_ticket_outlives_the_code_for_the_minutes_spent_typing(tree, session):
    ticket = issue_ticket(session, current_code(session).code)
    assert check_in(session=session, code=ticket, person=person(tree), now=later(5 * 60))
    with refused("quét lại"):
        check_in(session=session, code=ticket[:-2] + "xx", person=person(tree, name="Lê Văn Tư"))
    with refused("Đã quá lâu"):
        check_in(
            session=session, code=ticket, person=person(tree, name="Lê Văn Năm"), now=later(11 * 60)
        )


# --- The learner's page


def test_a_phone_checks_in_through_the_page_without_an_account(client, tree, session):
    url = reverse("learn:checkin", args=[session.pk, current_code(session).code])
    page = client.get(url)
    assert page.status_code == 200
    assert "csrftoken" in page.cookies
    assert "Tổ dân phố số 1" in page.content.decode()  # the host commune's villages
    ticket = page.context["form"].initial["ticket"]
    done = client.post(url, form(tree, ticket))
    assert done.status_code == 200
    assert "Đã điểm danh lúc" in done.content.decode()
    again = client.post(url, form(tree, ticket))
    assert "Bạn đã điểm danh lúc" in again.content.decode()
    assert Enrolment.objects.filter(session=session, status="present").count() == 1
    learner = Learner.objects.get()
    assert learner.village_id == tree.hoalu_village.pk
    assert learner.name not in url


def test_the_page_refuses_an_old_code_in_vietnamese(client, tree, session):
    old = code_for(session, window_of(timezone.now()) - 3)
    page = client.get(reverse("learn:checkin", args=[session.pk, old]))
    assert page.status_code == 400
    assert "Mã đã hết hạn" in page.content.decode()


def test_a_person_of_another_commune_checks_in_without_a_village(client, tree, session):
    url = reverse("learn:checkin", args=[session.pk, current_code(session).code])
    ticket = client.get(url).context["form"].initial["ticket"]
    data = form(tree, ticket, commune=tree.namhoalu.pk)
    assert client.post(url, data).status_code == 200
    learner = Learner.objects.get()
    assert (learner.commune_id, learner.village_id) == (tree.namhoalu.pk, None)


def test_a_bad_form_names_its_fields_and_writes_nothing(client, tree, session):
    url = reverse("learn:checkin", args=[session.pk, current_code(session).code])
    ticket = client.get(url).context["form"].initial["ticket"]
    answer = client.post(url, form(tree, ticket, name="", year="năm"))
    assert answer.status_code == 400
    assert not Enrolment.objects.exists()


def test_one_address_cannot_flood_the_door(client, tree, session, settings):
    settings.CHECKIN_RATE_LIMIT = "3/m"
    cache.clear()
    url = reverse("learn:checkin", args=[session.pk, "AAAAAAAA"])
    answers = [client.get(url).status_code for _ in range(4)]
    assert answers == [400, 400, 400, 429]
    assert "Quá nhiều lượt" in client.get(url).content.decode()
    cache.clear()


# --- The hall's screen


def test_the_screen_shows_the_code_the_count_and_initials_only(
    client, tree, session, hoalu_focal_point
):
    check_in(session=session, code=current_code(session).code, person=person(tree))
    client.force_login(hoalu_focal_point)
    page = client.get(reverse("learning:class_qr", args=[session.pk]))
    body = page.content.decode()
    assert current_code(session).code in body
    assert "Đã điểm danh: 1" in body
    assert "N. T. H." in body
    assert "Nguyễn Thị Hoa" not in body
    fragment = client.get(reverse("learning:class_qr", args=[session.pk]), HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<div id="screen"')


# --- The roll call


def marks_url(session):
    return reverse("learning:roll_marks", args=[session.pk])


def post_marks(client, session, marks):
    return client.post(
        marks_url(session), json.dumps({"marks": marks}), content_type="application/json"
    )


def test_the_roll_endpoint_is_idempotent_under_retry(client, tree, session, hoalu_focal_point):
    learner = Learner.objects.create(
        name="Trần Văn Bình",
        name_key="trần văn bình",
        birth_year=1955,
        commune=tree.hoalu,
    )
    listed = Enrolment.objects.create(session=session, learner=learner)
    walk_in = {
        "id": str(uuid.uuid4()),
        "status": "late",
        "person": {
            "name": "Vũ Thị Lan",
            "birth_year": 1980,
            "commune_id": tree.hoalu.pk,
            "village_id": tree.hoalu_village.pk,
        },
    }
    marks = [{"id": str(listed.pk), "status": "present", "learner_id": learner.pk}, walk_in]
    client.force_login(hoalu_focal_point)
    first = post_marks(client, session, marks)
    assert first.status_code == 200, first.content
    assert sorted(first.json()["saved"]) == sorted(m["id"] for m in marks)
    assert first.json()["learners_added"] == 1
    again = post_marks(client, session, marks)  # the answer was lost: the phone sends again
    assert again.json()["saved"] == []
    assert sorted(again.json()["duplicates"]) == sorted(m["id"] for m in marks)
    assert Enrolment.objects.filter(session=session).count() == 2
    assert Learner.objects.count() == 2
    assert Enrolment.objects.get(pk=walk_in["id"]).via == "roll"


def test_a_bad_line_is_refused_by_its_id_and_the_others_kept(
    client, tree, session, hoalu_focal_point
):
    stranger = Learner.objects.create(
        name="Người Lạ",
        name_key="người lạ",
        birth_year=1970,
        commune=tree.namhoalu,
    )
    good = {
        "id": str(uuid.uuid4()),
        "status": "present",
        "person": {"name": "Đỗ Minh", "birth_year": 1990, "commune_id": tree.hoalu.pk},
    }
    foreign = {"id": str(uuid.uuid4()), "status": "present", "learner_id": stranger.pk}
    typed = {"id": str(uuid.uuid4()), "status": "present", "person": {"name": 5}}
    client.force_login(hoalu_focal_point)
    answer = post_marks(client, session, [good, foreign, typed]).json()
    assert answer["saved"] == [good["id"]]
    assert set(answer["rejected"]) == {foreign["id"], typed["id"]}
    assert not Enrolment.objects.filter(learner=stranger).exists()
    bad = client.post(marks_url(session), "{", content_type="application/json")
    assert bad.status_code == 400
    assert "JSON" in bad.json()["detail"]


def test_the_roll_page_lists_the_class_for_its_trainer(client, tree, session, hoalu_focal_point):
    check_in(session=session, code=current_code(session).code, person=person(tree))
    client.force_login(hoalu_focal_point)
    page = client.get(reverse("learning:roll_call", args=[session.pk]))
    assert page.status_code == 200
    assert [line["name"] for line in page.context["roll"]] == ["Nguyễn Thị Hoa"]
    assert "roll-data" in page.content.decode()
    assert client.get(reverse("learning:roll_service_worker")).status_code == 200


def test_personas(client, tree, session, other_commune_focal_point, viewer, coordinator):
    urls = [reverse(n, args=[session.pk]) for n in ("learning:class_qr", "learning:roll_call")]
    line = [
        {
            "id": str(uuid.uuid4()),
            "status": "present",
            "person": {"name": "Đỗ Minh", "birth_year": 1990, "commune_id": tree.hoalu.pk},
        }
    ]
    client.force_login(other_commune_focal_point)
    assert [client.get(u).status_code for u in urls] == [404, 404]
    assert post_marks(client, session, line).status_code == 404
    client.force_login(viewer)
    assert [client.get(u).status_code for u in urls] == [403, 403]
    assert post_marks(client, session, line).status_code == 403
    assert not Enrolment.objects.exists()
    client.force_login(coordinator)
    assert post_marks(client, session, line).status_code == 200
    client.logout()
    assert client.get(urls[0]).status_code == 302
