"""Managing courses, classes and campaigns: who may open which page, what a class may
become, what a bad form says, and what the lists cost."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import make_person
from hocvuso.core.models import AuditLog
from hocvuso.core.roles import Role
from hocvuso.learning import services
from hocvuso.learning.models import Campaign, ClassSession, Enrolment, Learner, Topic
from hocvuso.learning.tests.conftest import make_class, person

pytestmark = pytest.mark.django_db


LOCAL = "%Y-%m-%dT%H:%M"


def _class_post(tree, course, **over):
    starts = timezone.localtime(timezone.now() + datetime.timedelta(days=3))
    data = {
        "course": course.pk,
        "organiser": tree.hoalu.pk,
        "host": tree.hoalu.pk,
        "venue": "Nhà văn hóa tổ dân phố số 1",
        "mode": "in_person",
        "starts_at": starts.strftime(LOCAL),
        "ends_at": (starts + datetime.timedelta(hours=2)).strftime(LOCAL),
        "capacity": "30",
        "target_group": "citizens",
        "trainers": "Nguyễn Văn Giảng",
    }
    data.update(over)
    return data


# --- Who may open what


@pytest.fixture
def personas(tree, coordinator, hoalu_focal_point, other_commune_focal_point, team_member, viewer):
    return {
        "coordinator": coordinator,
        "hoalu": hoalu_focal_point,
        "namhoalu": other_commune_focal_point,
        "team_member": team_member,
        "viewer": viewer,
    }


# (persona, GET class page, GET edit page, POST enrol)
MATRIX = [
    ("coordinator", 200, 200, 302),
    ("hoalu", 200, 200, 302),
    ("namhoalu", 404, 404, 404),
    # A team member's role is on the village: a class of the ward is not theirs.
    ("team_member", 404, 404, 404),
    ("viewer", 200, 403, 403),
]


@pytest.mark.parametrize(("who", "page", "edit", "enrol"), MATRIX)
def test_personas_on_a_hoalu_class(client, tree, course, personas, who, page, edit, enrol):
    session = make_class(tree, course)
    client.force_login(personas[who])
    assert client.get(reverse("learning:class", args=[session.pk])).status_code == page
    assert client.get(reverse("learning:class_edit", args=[session.pk])).status_code == edit
    answer = client.post(
        reverse("learning:class_enrol", args=[session.pk]),
        {"name": "Lê Thị Mai", "birth_year": "1980", "group": "citizens"},
    )
    assert answer.status_code == enrol
    assert Enrolment.objects.filter(session=session).count() == (1 if enrol == 302 else 0)


def test_a_trainer_account_adds_to_the_roll_but_does_not_move_the_class(
    client, tree, course, team_member
):
    session = make_class(tree, course, host=tree.namhoalu, organiser=tree.namhoalu)
    session.trainer_users.add(team_member)
    client.force_login(team_member)
    answer = client.post(
        reverse("learning:class_enrol", args=[session.pk]),
        {"name": "Lê Thị Mai", "birth_year": "1980", "group": "citizens"},
    )
    assert answer.status_code == 302
    status = client.post(reverse("learning:class_status", args=[session.pk]), {"status": "held"})
    assert status.status_code == 403


def test_viewer_and_team_member_cannot_create_a_class(client, tree, course, team_member, viewer):
    for user in (team_member, viewer):
        client.force_login(user)
        assert client.get(reverse("learning:class_create")).status_code == 403
        assert (
            client.post(reverse("learning:class_create"), _class_post(tree, course)).status_code
            == 403
        )
    assert not ClassSession.objects.exists()


def test_another_communes_course_is_not_listed_and_its_page_is_404(
    client, tree, hoalu_focal_point, other_commune_focal_point
):
    province = services.create_course(actor=None, owner=tree.province, title="Kỹ năng số tỉnh")
    theirs = services.create_course(actor=None, owner=tree.namhoalu, title="Khóa ZZNAM")
    client.force_login(hoalu_focal_point)
    body = client.get(reverse("learning:courses")).content.decode()
    assert "Kỹ năng số tỉnh" in body
    assert "ZZNAM" not in body
    assert client.get(reverse("learning:course", args=[theirs.pk])).status_code == 404
    # The province's course is read, not edited, by a ward.
    page = client.get(reverse("learning:course", args=[province.pk]))
    assert page.status_code == 200
    assert b'name="title"' not in page.content
    assert client.post(reverse("learning:course", args=[province.pk]), {}).status_code == 403


# --- Creating and running a class


def test_focal_point_creates_a_class_audited_with_its_province(
    client, tree, course, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    answer = client.post(reverse("learning:class_create"), _class_post(tree, course))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    session = ClassSession.objects.get()
    assert session.province == tree.province
    assert session.status == ClassSession.Status.PLANNED
    assert AuditLog.objects.filter(
        action=AuditLog.Action.CREATE, object_type="learning.classsession"
    ).exists()


def test_an_online_class_without_a_meeting_link_is_refused_with_a_reason(
    client, tree, course, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    answer = client.post(reverse("learning:class_create"), _class_post(tree, course, mode="online"))
    assert answer.status_code == 200
    assert "cần đường liên kết phòng họp" in answer.content.decode()
    assert not ClassSession.objects.exists()


def test_a_bad_class_form_names_each_problem_and_saves_nothing(
    client, tree, course, hoalu_focal_point
):
    client.force_login(hoalu_focal_point)
    starts = _class_post(tree, course)["starts_at"]
    data = _class_post(
        tree,
        course,
        ends_at=starts,
        capacity="-3",
        host=str(tree.namhoalu.pk),
        venue="x" * 400,
    )
    body = client.post(reverse("learning:class_create"), data).content.decode()
    assert 'class="error"' in body
    assert "Hãy chọn một lựa chọn hợp lệ" in body  # the other commune is no choice
    assert not ClassSession.objects.exists()


def test_the_class_form_never_offers_all_as_dashes(client, tree, course, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    body = client.get(reverse("learning:classes")).content.decode()
    assert "---------" not in body
    assert "Tất cả" in body


def test_status_moves_planned_open_held_and_refuses_the_rest(tree, course):
    soon = make_class(
        tree, course, starts_in=datetime.timedelta(days=1), status=ClassSession.Status.PLANNED
    )
    begun = make_class(tree, course, status=ClassSession.Status.PLANNED)
    with pytest.raises(ValidationError, match="Hãy mở đăng ký"):
        services.set_class_status(actor=None, session=begun, status="held")
    services.set_class_status(actor=None, session=soon, status="open")
    with pytest.raises(ValidationError, match="chưa bắt đầu"):
        services.set_class_status(actor=None, session=soon, status="held")
    started = make_class(tree, course)  # open, began ten minutes ago
    services.set_class_status(actor=None, session=started, status="held")
    with pytest.raises(ValidationError, match="đã tổ chức"):
        services.set_class_status(actor=None, session=started, status="cancelled")
    services.cancel_class(actor=None, session=soon)
    soon.refresh_from_db()
    with pytest.raises(ValidationError, match="đã hủy"):
        services.set_class_status(actor=None, session=soon, status="open")
    with pytest.raises(ValidationError, match="đã hủy"):
        services.update_class(actor=None, session=soon, venue="Nơi khác")
    assert AuditLog.objects.filter(action=AuditLog.Action.UPDATE).count() == 3


def test_the_status_button_answers_a_refusal_in_vietnamese(client, tree, course, hoalu_focal_point):
    session = make_class(
        tree, course, starts_in=datetime.timedelta(days=2), status=ClassSession.Status.OPEN
    )
    client.force_login(hoalu_focal_point)
    answer = client.post(
        reverse("learning:class_status", args=[session.pk]), {"status": "held"}, follow=True
    )
    assert "Lớp chưa bắt đầu" in answer.content.decode()
    session.refresh_from_db()
    assert session.status == ClassSession.Status.OPEN


# --- The roll by hand


def test_a_person_already_on_the_roll_is_refused_by_name(tree, session):
    services.enrol_learner(actor=None, session=session, person=person(tree))
    with pytest.raises(ValidationError, match=r"Nguyễn Thị Hoa \(sinh năm 1968\) đã có"):
        services.enrol_learner(
            actor=None, session=session, person=person(tree, name="nguyễn  thị hoa")
        )
    assert Learner.objects.count() == 1


def test_over_capacity_warns_and_still_adds(client, tree, course, hoalu_focal_point):
    session = make_class(tree, course, capacity=1)
    client.force_login(hoalu_focal_point)
    url = reverse("learning:class_enrol", args=[session.pk])
    client.post(url, {"name": "Lê Thị Mai", "birth_year": "1980", "group": "citizens"})
    answer = client.post(
        url,
        {"name": "Phạm Văn Nam", "birth_year": "1975", "group": "citizens", "phone": "0912345678"},
        follow=True,
    )
    body = answer.content.decode()
    assert "vượt số chỗ" in body
    assert Enrolment.objects.filter(session=session).count() == 2
    assert "0912345678" not in body
    assert "09••••••78" in body


def test_a_bad_person_is_named_and_nobody_is_added(client, tree, session, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    answer = client.post(
        reverse("learning:class_enrol", args=[session.pk]),
        {"name": "Nguyễn 012345678901", "birth_year": "1980", "group": "citizens"},
    )
    assert "không ghi số CCCD" in answer.content.decode()
    assert not Enrolment.objects.exists()


# --- Campaigns


def test_the_lead_sees_every_class_of_its_campaign_with_figures(
    client, tree, course, coordinator, django_assert_max_num_queries
):
    today = timezone.localdate()
    campaign = services.create_campaign(
        actor=None, lead=tree.province, title="Ngày hội học tập số", starts_on=today, ends_on=today
    )
    for host in (tree.hoalu, tree.namhoalu):
        session = make_class(tree, course, host=host, organiser=host, campaign=campaign)
        marks = [
            services.Mark(id=uuid.uuid4(), status="present", person=person(tree, **who))
            for who in ({"commune_id": host.pk}, {"commune_id": host.pk, "name": "Lê Thị Mai"})
        ]
        services.record_attendance(actor=None, session=session, marks=marks, via="roll")
    client.force_login(coordinator)
    with django_assert_max_num_queries(14):
        answer = client.get(reverse("learning:campaign", args=[campaign.pk]))
    figures = answer.context["figures"]
    assert (figures.classes, figures.attended, figures.learners) == (2, 4, 4)
    assert "Phường Nam Hoa Lư" in answer.content.decode()


def test_a_campaign_cannot_end_before_it_starts(client, tree, coordinator):
    client.force_login(coordinator)
    answer = client.post(
        reverse("learning:campaign_create"),
        {
            "title": "Tuần lễ",
            "lead": tree.province.pk,
            "starts_on": "2026-10-10",
            "ends_on": "2026-10-06",
        },
    )
    assert "Ngày kết thúc phải từ ngày bắt đầu" in answer.content.decode()
    assert not Campaign.objects.exists()


# --- Topics


def test_the_province_edits_topics_a_ward_cannot(client, tree, coordinator, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    assert (
        client.post(reverse("learning:topics"), {"name": "Chuyển đổi số nông nghiệp"}).status_code
        == 403
    )
    client.force_login(coordinator)
    client.post(reverse("learning:topics"), {"name": "Chuyển đổi số nông nghiệp"})
    topic = Topic.objects.get(name="Chuyển đổi số nông nghiệp")
    twice = client.post(reverse("learning:topics"), {"name": "chuyển đổi số nông nghiệp"})
    assert "Đã có chủ đề" in twice.content.decode()
    prefix = str(topic.pk)
    client.post(
        reverse("learning:topic_edit", args=[topic.pk]), {f"{prefix}-name": "Nông nghiệp số"}
    )
    topic.refresh_from_db()
    assert (topic.name, topic.active) == ("Nông nghiệp số", False)


# --- What the list costs


def test_class_list_queries_do_not_grow_with_rows(
    client, tree, course, hoalu_focal_point, django_assert_max_num_queries
):
    client.force_login(hoalu_focal_point)
    soon = datetime.timedelta(days=1)
    make_class(tree, course, starts_in=soon)
    client.get(reverse("learning:classes"))  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("learning:classes"))
    for n in range(20):
        session = make_class(tree, course, starts_in=soon + datetime.timedelta(hours=n))
        services.enrol_learner(actor=None, session=session, person=person(tree, year=1960 + n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        answer = client.get(reverse("learning:classes"))
    assert answer.context["page"].paginator.count == 21


# --- From a ceremony


def test_the_class_after_a_ceremony_is_prefilled(client, tree, course, coordinator):
    from hocvuso.events.services import create_event

    starts = timezone.now() + datetime.timedelta(days=5)
    event = create_event(
        actor=None,
        organiser=tree.province,
        title="Lễ phát động",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
    )
    client.force_login(coordinator)
    assert (
        f"?event={event.pk}"
        in client.get(reverse("events:detail", args=[event.pk])).content.decode()
    )
    form = client.get(reverse("learning:class_create") + f"?event={event.pk}").context["form"]
    assert form.initial["event"] == event.pk
    assert form.initial["for_bridge_points"] is True
    assert form.initial["host"] == tree.province.pk


def test_team_member_persona_sees_nothing_to_manage(client, tree, course, team_member):
    make_person("other", Role.FOCAL_POINT, tree.hoalu)
    client.force_login(team_member)
    body = client.get(reverse("learning:classes")).content.decode()
    assert "Mở lớp mới" not in body


def test_a_class_ending_before_it_starts_is_refused_in_vietnamese(tree, course):
    starts = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="Giờ kết thúc phải sau giờ bắt đầu"):
        services.create_class(
            actor=None,
            course=course,
            organiser=tree.hoalu,
            host=tree.hoalu,
            starts_at=starts,
            ends_at=starts,
        )


def test_filtering_with_htmx_answers_only_the_rows(client, tree, course, hoalu_focal_point):
    make_class(tree, course, status=ClassSession.Status.HELD)
    client.force_login(hoalu_focal_point)
    answer = client.get(
        reverse("learning:classes"), {"when": "", "status": "held"}, HTTP_HX_REQUEST="true"
    )
    body = answer.content.decode()
    assert body.lstrip().startswith('<div id="rows">')
    assert "1 lớp" in body
    assert "HX-Request" in answer["Vary"]


def test_a_plan_activity_offers_its_class(client, tree, course, coordinator):
    from hocvuso.plans import services as pl

    plan = pl.create_plan(actor=None, issuing_unit=tree.province, kind="other", title="KH 01")
    activity = pl.add_activity(
        actor=None, plan=plan, title="Tuần lễ học tập suốt đời", lead_unit=tree.hoalu
    )
    pl.add_task(actor=None, plan=plan, unit=tree.hoalu, text="Mở lớp")
    pl.publish_plan(plan=plan, actor=None)
    client.force_login(coordinator)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert f"?activity={activity.pk}" in page
    form = client.get(reverse("learning:class_create"), {"activity": activity.pk}).context["form"]
    assert (form.initial["activity"], form.initial["organiser"]) == (activity.pk, tree.hoalu.pk)


def test_a_province_class_asks_each_persons_commune(client, tree, course, coordinator):
    session = make_class(tree, course, host=tree.province, organiser=tree.province)
    client.force_login(coordinator)
    page = client.get(reverse("learning:class", args=[session.pk])).content.decode()
    assert "Xã, phường nơi ở" in page
    client.post(
        reverse("learning:class_enrol", args=[session.pk]),
        {"name": "Lê Thị Mai", "birth_year": "1980", "group": "staff", "commune": tree.namhoalu.pk},
    )
    assert Enrolment.objects.get(session=session).learner.commune == tree.namhoalu
