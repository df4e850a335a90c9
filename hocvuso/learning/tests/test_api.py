"""Issue 15, deliver 8: the learning API — a trainer's phone sends the roll in batches that
count nobody twice, each line saved or refused with its reason; the reads show only the
caller's units, the phone masked, in a fixed number of queries."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_person
from hocvuso.core.models import AuditLog
from hocvuso.core.roles import Role
from hocvuso.learning.models import (
    ClassSession,
    Course,
    Enrolment,
    Learner,
    PlatformCompletion,
    PlatformImport,
)
from hocvuso.learning.services import record_attendance
from hocvuso.learning.tests.conftest import make_class, walk_in

pytestmark = pytest.mark.django_db


def attendance_url(session: ClassSession) -> str:
    return f"/api/learning/classes/{session.pk}/attendance"


def post(client, session, body):
    return client.post(attendance_url(session), json.dumps(body), content_type="application/json")


def line(tree, status="present", **person):
    values = {"name": "Nguyễn Thị Hoa", "birth_year": 1968, "commune_id": tree.hoalu.pk}
    values.update(person)
    return {"id": str(uuid.uuid4()), "status": status, "person": values}


def items(response):
    assert response.status_code == 200, response.content[:400]
    return response.json()["items"]


def test_the_url_is_the_api_route(session):
    assert reverse("api:take_attendance", kwargs={"class_id": session.pk}) == attendance_url(
        session
    )


def test_a_retried_batch_counts_nobody_twice(client, tree, session, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    body = {
        "marks": [
            line(tree),
            line(tree, "late", name="Trần Văn Bình", birth_year=1955),
            line(tree, "absent", name="Lê Thị Cúc", birth_year=1990, phone="0912345678"),
        ]
    }
    first = post(client, session, body)
    assert first.status_code == 200, first.content
    assert len(first.json()["saved"]) == 3
    assert first.json()["learners_added"] == 3
    again = post(client, session, body)
    assert again.json()["saved"] == []
    assert sorted(again.json()["unchanged"]) == sorted(m["id"] for m in body["marks"])
    # The same person typed again on another phone, under a new line: still one person.
    other = post(client, session, {"marks": [line(tree, name=" nguyễn thị  HOA ")]})
    assert other.json()["rejected"] == {}
    assert Enrolment.objects.filter(session=session).count() == 3
    assert Learner.objects.count() == 3
    assert AuditLog.objects.filter(action=AuditLog.Action.ATTENDANCE_TAKEN).count() == 1


def test_a_line_changes_its_enrolment_and_knows_a_learner_by_id(
    client, tree, session, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    first = line(tree, "registered")
    post(client, session, {"marks": [first]})
    learner = Learner.objects.get()
    answer = post(
        client,
        session,
        {"marks": [{"id": first["id"], "status": "present", "learner_id": learner.pk}]},
    )
    assert answer.json()["saved"] == [first["id"]]
    enrolment = Enrolment.objects.get()
    assert enrolment.status == "present"
    assert enrolment.checked_in_at is not None


def test_each_bad_line_is_refused_with_its_reason_and_the_good_ones_kept(
    client, tree, session, hoalu_focal_point, other_commune_focal_point
):
    elsewhere = make_class(tree, session.course, host=tree.namhoalu, organiser=tree.namhoalu)
    used = walk_in(tree, name="Đỗ Văn Tài", commune_id=tree.namhoalu.pk)
    record_attendance(actor=None, session=elsewhere, marks=[used], via="roll")
    client.force_login(hoalu_focal_point)
    good = line(tree)
    bad = {
        "status": line(tree, "asleep", name="Phạm Thu"),
        "id-number": line(tree, name="012345678901"),
        "year": line(tree, birth_year=1850),
        "agency": line(tree, commune_id=tree.agency.pk),
        "village": line(tree, name="Vũ Thị Lan", village_id=tree.namhoalu_village.pk),
        "phone": line(tree, name="Hà Văn Sơn", phone="12345"),
        "nobody": {"id": str(uuid.uuid4()), "status": "present"},
        "unknown-learner": {"id": str(uuid.uuid4()), "status": "present", "learner_id": 999999},
        "other-class": {"id": str(used.id), "status": "present", "learner_id": 1},
    }
    answer = post(client, session, {"marks": [good, *bad.values()]})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["saved"] == [good["id"]]
    assert set(body["rejected"]) == {m["id"] for m in bad.values()}
    reasons = {name: body["rejected"][m["id"]] for name, m in bad.items()}
    assert "trạng thái" in reasons["status"]
    assert "CCCD" in reasons["id-number"]
    assert "năm sinh" in reasons["year"]
    assert "xã, phường" in reasons["agency"]
    assert "thôn" in reasons["village"]
    assert "điện thoại" in reasons["phone"]
    assert "lớp khác" in reasons["other-class"]
    assert Enrolment.objects.filter(session=session).count() == 1
    assert Enrolment.objects.get(pk=used.id).session == elsewhere


def test_a_batch_is_bounded_and_its_shape_checked(client, tree, session, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    too_many = post(client, session, {"marks": [line(tree)] * 501})
    assert too_many.status_code == 422
    assert "500" in too_many.json()["detail"]
    empty = post(client, session, {"marks": []})
    assert empty.status_code == 422
    not_uuid = post(client, session, {"marks": [{"id": "x", "status": "present"}]})
    assert not_uuid.status_code == 422
    assert "UUID" in not_uuid.json()["detail"]
    assert not Enrolment.objects.exists()


def test_a_cancelled_class_refuses_the_batch_and_a_future_one_each_attendance_line(
    client, tree, course, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    cancelled = make_class(tree, course, status=ClassSession.Status.CANCELLED)
    answer = post(client, cancelled, {"marks": [line(tree)]})
    assert answer.status_code == 400
    assert "hủy" in answer.json()["detail"]
    later = make_class(tree, course, starts_in=datetime.timedelta(days=3))
    answer = post(client, later, {"marks": [line(tree)]})
    assert answer.status_code == 200
    assert "chưa bắt đầu" in str(answer.json()["rejected"])
    assert not Enrolment.objects.exists()


def test_over_capacity_is_counted_and_warned(client, tree, course, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    small = make_class(tree, course, capacity=1)
    answer = post(client, small, {"marks": [line(tree), line(tree, name="Trần Văn Bình")]})
    assert answer.json()["over_capacity"] == 1
    assert "vượt" in answer.json()["warning"]


def test_who_may_write_the_roll(
    client, tree, session, viewer, team_member, other_commune_focal_point
):
    body = {"marks": [line(tree)]}
    # Someone who sees the class but may not run it: 403.
    client.force_login(viewer)
    assert post(client, session, body).status_code == 403
    local_viewer = make_person("xem", Role.VIEWER, tree.hoalu)
    client.force_login(local_viewer)
    assert post(client, session, body).status_code == 403
    # Outside the caller's units: 404, the class unseen.
    client.force_login(other_commune_focal_point)
    assert post(client, session, body).status_code == 404
    assert client.get(f"/api/learning/classes/{session.pk}").status_code == 404
    assert client.get(f"/api/learning/classes/{session.pk}/enrolments").status_code == 404
    assert not Enrolment.objects.exists()
    # A team member named the class's trainer runs it.
    client.force_login(team_member)
    assert post(client, session, body).status_code == 404
    session.trainer_users.add(team_member)
    assert post(client, session, body).status_code == 200
    assert Enrolment.objects.count() == 1


def test_a_request_without_credentials_is_refused(client, tree, session):
    answer = post(client, session, {"marks": [line(tree)]})
    assert answer.status_code == 401
    assert "đăng nhập" in answer.json()["detail"]


def test_the_roll_masks_the_phone_and_holds_no_id_number(client, tree, session, hoalu_focal_point):
    marks = [
        walk_in(tree, phone="0912345678", village_id=tree.hoalu_village.pk, sex="female"),
        walk_in(tree, "absent", name="Trần Văn Bình", year=1955),
    ]
    record_attendance(actor=None, session=session, marks=marks, via="roll")
    client.force_login(hoalu_focal_point)
    response = client.get(f"/api/learning/classes/{session.pk}/enrolments")
    rows = items(response)
    assert [r["name"] for r in rows] == ["Nguyễn Thị Hoa", "Trần Văn Bình"]
    hoa = rows[0]
    assert hoa["phone"] == "09••••••78"
    assert "0912345678" not in response.content.decode()
    assert hoa["birth_year"] == 1968
    assert hoa["village_name"] == "Tổ dân phố số 1"
    assert hoa["status"] == "present"
    assert hoa["completed"] is False
    assert not {"national_id", "cccd", "id_number"} & set(hoa)
    absent = items(client.get(f"/api/learning/classes/{session.pk}/enrolments?status=absent"))
    assert [r["name"] for r in absent] == ["Trần Văn Bình"]


def test_classes_are_listed_with_their_counts_and_filters(
    client, tree, course, hoalu_focal_point, coordinator
):
    held = make_class(tree, course, starts_in=-datetime.timedelta(days=10))
    record_attendance(
        actor=None,
        session=held,
        marks=[walk_in(tree), walk_in(tree, "absent", name="Trần Văn Bình")],
        via="roll",
    )
    ClassSession.objects.filter(pk=held.pk).update(status=ClassSession.Status.HELD)
    upcoming = make_class(tree, course, starts_in=datetime.timedelta(days=5))
    make_class(tree, course, host=tree.namhoalu, organiser=tree.namhoalu)
    client.force_login(hoalu_focal_point)
    rows = items(client.get("/api/learning/classes"))
    assert [r["id"] for r in rows] == [upcoming.pk, held.pk]
    assert rows[1]["enrolled"] == 2
    assert rows[1]["attended"] == 1
    assert rows[1]["host_name"] == "Phường Hoa Lư"
    held_only = items(client.get("/api/learning/classes?status=held"))
    assert [r["id"] for r in held_only] == [held.pk]
    start = timezone.localdate() + datetime.timedelta(days=1)
    later = items(client.get(f"/api/learning/classes?date_from={start}"))
    assert [r["id"] for r in later] == [upcoming.pk]
    # A unit out of the caller's sight matches nothing.
    assert items(client.get(f"/api/learning/classes?unit={tree.namhoalu.pk}")) == []
    client.force_login(coordinator)
    assert len(items(client.get("/api/learning/classes"))) == 3
    assert len(items(client.get(f"/api/learning/classes?unit={tree.namhoalu.pk}"))) == 1
    detail = client.get(f"/api/learning/classes/{held.pk}").json()
    assert (detail["enrolled"], detail["attended"]) == (2, 1)


def test_a_communes_own_course_is_not_shown_to_another_commune(
    client, tree, course, hoalu_focal_point, other_commune_focal_point
):
    own = Course.objects.create(owner=tree.namhoalu, title="Khóa riêng của Nam Hoa Lư")
    client.force_login(hoalu_focal_point)
    titles = [c["title"] for c in items(client.get("/api/learning/courses"))]
    assert titles == [course.title]
    assert client.get(f"/api/learning/courses/{own.pk}").status_code == 404
    shared = client.get(f"/api/learning/courses/{course.pk}").json()
    assert shared["owner_name"] == "Tỉnh Ninh Bình"
    assert shared["hours"] == 3.0
    client.force_login(other_commune_focal_point)
    assert client.get(f"/api/learning/courses/{own.pk}").status_code == 200
    citizens = items(client.get("/api/learning/courses?target_group=citizens"))
    assert [c["title"] for c in citizens] == [course.title]


def test_completions_in_class_and_on_the_platform_are_scoped(
    client, tree, session, hoalu_focal_point, other_commune_focal_point
):
    record_attendance(actor=None, session=session, marks=[walk_in(tree)], via="roll")
    Enrolment.objects.update(completed=True, completed_on=timezone.localdate())
    source = PlatformImport.objects.create(
        kind="completions", unit=tree.province, filename="mooc.csv", sha256="1" * 64, rows=2
    )
    for commune, name in [(tree.hoalu, "Lê Văn Tám"), (tree.namhoalu, "Phan Thị Mơ")]:
        PlatformCompletion.objects.create(
            source=source,
            province=tree.province,
            commune=commune,
            name=name,
            name_key=name.lower(),
            birth_year=1980,
            group="staff",
            course="Kỹ năng số cho cán bộ",
            completed_on=datetime.date(2025, 11, 20),
        )
    client.force_login(hoalu_focal_point)
    done = items(client.get("/api/learning/completions/classes"))
    assert [(r["name"], r["course_title"]) for r in done] == [
        ("Nguyễn Thị Hoa", "Kỹ năng số cơ bản cho người dân")
    ]
    platform = items(client.get("/api/learning/completions/platform"))
    assert [r["name"] for r in platform] == ["Lê Văn Tám"]
    client.force_login(other_commune_focal_point)
    assert items(client.get("/api/learning/completions/classes")) == []
    assert [r["name"] for r in items(client.get("/api/learning/completions/platform"))] == [
        "Phan Thị Mơ"
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/api/learning/courses",
        "/api/learning/classes",
        "/api/learning/classes/{pk}/enrolments",
        "/api/learning/completions/classes",
        "/api/learning/completions/platform",
    ],
)
def test_lists_take_a_fixed_number_of_queries(
    client, tree, course, coordinator, path, django_assert_max_num_queries
):
    def grow(n: int) -> ClassSession:
        """n more courses, classes, learners on the roll (completed), platform completions."""
        source = PlatformImport.objects.create(
            kind="completions", unit=tree.province, filename="f.csv", sha256=uuid.uuid4().hex * 2
        )
        last = None
        for i in range(n):
            extra = Course.objects.create(owner=tree.province, title=f"Khóa {uuid.uuid4()}")
            extra.topics.set([])
            last = make_class(tree, extra, trainers=f"Giảng viên {i}")
            names = [f"Người học {chr(65 + k)}{chr(65 + i)}" for k in range(3)]
            record_attendance(
                actor=None, session=last, marks=[walk_in(tree, name=x) for x in names], via="roll"
            )
            PlatformCompletion.objects.create(
                source=source,
                province=tree.province,
                commune=tree.hoalu,
                name=names[0],
                name_key=names[0].lower(),
                group="citizens",
                course="Khóa",
                completed_on=datetime.date(2025, 11, 20),
            )
        Enrolment.objects.update(completed=True, completed_on=datetime.date(2025, 11, 20))
        return last

    client.force_login(coordinator)
    first = grow(2)
    url = path.format(pk=first.pk)
    with django_assert_max_num_queries(12) as few:
        small = len(items(client.get(url, {"limit": 200})))
    grow(8)
    more = [walk_in(tree, name=f"Người mới {chr(65 + k)}") for k in range(12)]
    record_attendance(actor=None, session=first, marks=more, via="roll")
    Enrolment.objects.update(completed=True, completed_on=datetime.date(2025, 11, 20))
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = len(items(client.get(url, {"limit": 200})))
    assert large > small
