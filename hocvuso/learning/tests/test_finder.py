"""The public class finder: what anyone sees of upcoming classes, registration without an
account, and a class's calendar file."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from icalendar import Calendar

from hocvuso.core.models import AuditLog
from hocvuso.learning.models import ClassSession, Enrolment, Learner, Topic
from hocvuso.learning.services import record_attendance
from hocvuso.learning.tests.conftest import make_class, walk_in
from tests import badinput as B

pytestmark = pytest.mark.django_db


TOMORROW = datetime.timedelta(days=1)
VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def upcoming(tree, course):
    return make_class(tree, course, starts_in=TOMORROW, capacity=30)


def register(client, session, **fields):
    data = {
        "name": "Phạm Văn Đức",
        "birth_year": "1972",
        "commune": session.host_id,
        "village": "",
        "phone": "",
        "website": "",
    }
    data.update(fields)
    return client.post(reverse("learn:class", args=[session.pk]), data)


def test_the_finder_lists_only_upcoming_open_or_planned_classes(client, tree, course):
    open_one = make_class(tree, course, starts_in=TOMORROW, venue="Nhà văn hóa A")
    make_class(tree, course, starts_in=TOMORROW * 2, status="planned", venue="Nhà văn hóa B")
    make_class(tree, course, starts_in=TOMORROW, status="cancelled", venue="Nhà văn hóa C")
    make_class(tree, course, starts_in=-TOMORROW, status="open", venue="Nhà văn hóa D")
    make_class(tree, course, starts_in=-TOMORROW, status="held", venue="Nhà văn hóa E")
    page = client.get(reverse("learn:finder"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Nhà văn hóa A" in body
    assert "Nhà văn hóa B" in body
    assert "Chưa mở đăng ký" in body
    for gone in ("Nhà văn hóa C", "Nhà văn hóa D", "Nhà văn hóa E"):
        assert gone not in body
    assert body.index("Nhà văn hóa A") < body.index("Nhà văn hóa B")  # soonest first
    assert client.get(reverse("learn:class", args=[open_one.pk])).status_code == 200


def test_the_finder_filters_by_commune_and_topic(client, tree, course):
    vneid = Topic.objects.get(code="vneid")
    other = course.__class__.objects.create(owner=tree.province, title="An toàn trên mạng")
    other.topics.add(Topic.objects.get(code="online-safety"))
    course.topics.add(vneid)
    make_class(tree, course, starts_in=TOMORROW, venue="Hội trường Hoa Lư")
    make_class(
        tree,
        other,
        starts_in=TOMORROW,
        host=tree.namhoalu_village,
        organiser=tree.namhoalu,
        venue="Nhà văn hóa Thôn Đông",
    )
    url = reverse("learn:finder")
    by_commune = client.get(url, {"xa": tree.namhoalu.pk}).content.decode()
    assert "Nhà văn hóa Thôn Đông" in by_commune  # held in one of its villages
    assert "Hội trường Hoa Lư" not in by_commune
    by_topic = client.get(url, {"chu_de": vneid.pk}).content.decode()
    assert "Hội trường Hoa Lư" in by_topic
    assert "Thôn Đông" not in by_topic.split('id="results"')[1]
    fragment = client.get(url, {"xa": tree.hoalu.pk}, HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<section id="results"')
    for junk in ("abc", "²", "9" * 30, B.NUL):
        assert client.get(url, {"xa": junk, "chu_de": junk}).status_code == 200


def test_seats_left_are_shown_and_a_full_class_refuses(client, tree, course):
    session = make_class(tree, course, starts_in=TOMORROW, capacity=1)
    assert "Còn 1 chỗ" in client.get(reverse("learn:finder")).content.decode()
    assert register(client, session).status_code == 302
    assert "Đã đủ chỗ" in client.get(reverse("learn:finder")).content.decode()
    answer = register(client, session, name="Lê Văn Khác")
    assert answer.status_code == 400
    assert "Lớp đã đủ chỗ" in answer.content.decode()
    assert Enrolment.objects.filter(session=session).count() == 1
    assert not Learner.objects.filter(name="Lê Văn Khác").exists()


def test_registering_twice_gives_one_enrolment_and_the_same_code(client, upcoming):
    first = register(client, upcoming)
    assert first.status_code == 302
    assert first["Location"] == reverse("learn:registered", args=[upcoming.pk])
    shown = client.get(first["Location"]).content.decode()
    enrolment = Enrolment.objects.get(session=upcoming)
    assert enrolment.status == "registered"
    assert enrolment.via == "registration"
    assert len(enrolment.confirmation_code) == 6
    assert enrolment.confirmation_code in shown
    assert "Đăng ký thành công" in shown
    # Another phone, the same person typed a little differently.
    other = client.__class__()
    again = register(other, upcoming, name="  phạm văn   đức ")
    assert again.status_code == 302
    shown = other.get(again["Location"]).content.decode()
    assert enrolment.confirmation_code in shown
    assert "Bạn đã đăng ký lớp này từ trước" in shown
    assert Enrolment.objects.filter(session=upcoming).count() == 1
    assert Learner.objects.count() == 1
    assert AuditLog.objects.filter(action=AuditLog.Action.CLASS_REGISTERED).count() == 1


def test_the_code_page_needs_this_browsers_registration(client, upcoming):
    register(client, upcoming)
    stranger = client.__class__()
    answer = stranger.get(reverse("learn:registered", args=[upcoming.pk]))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("learn:class", args=[upcoming.pk])


def test_someone_already_on_the_roll_gets_a_code_for_that_line(client, tree, course):
    session = make_class(tree, course, starts_in=datetime.timedelta(minutes=30))
    record_attendance(
        actor=None, session=session, marks=[walk_in(tree, status="registered")], via="hand"
    )
    answer = register(client, session, name="Nguyễn Thị Hoa", birth_year="1968")
    assert answer.status_code == 302
    enrolment = Enrolment.objects.get(session=session)
    assert enrolment.via == "hand"
    assert enrolment.confirmation_code


def test_cancelled_started_and_planned_classes_take_no_registration(client, tree, course):
    cancelled = make_class(tree, course, starts_in=TOMORROW, status="cancelled")
    started = make_class(tree, course)
    planned = make_class(tree, course, starts_in=TOMORROW, status="planned")
    assert register(client, cancelled).status_code == 404
    assert register(client, started).status_code == 404
    answer = register(client, planned)
    assert answer.status_code == 400
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", B.LONG_500, "tối đa 100"),
        ("name", B.NUL, "Null characters are not allowed"),
        ("name", "Nguyễn Văn 012345678901", "CCCD"),
        ("name", "", "bắt buộc"),
        ("name", B.FORMULA, "chữ cái"),
        ("name", "<script>x</script>", "chữ cái"),
        ("birth_year", "²", "Nhập một số"),
        ("birth_year", "2025", "năm sinh"),
        ("phone", "123", "10 chữ số"),
        ("commune", "999999", "lựa chọn hợp lệ"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_saved(
    client, upcoming, field, value, message
):
    answer = register(client, upcoming, **{field: value})
    assert answer.status_code == 400
    body = answer.content.decode()
    assert 'role="alert"' in body
    if message != "Null characters are not allowed":  # Django's own message, translated
        assert message.lower() in body.lower()
    assert not Learner.objects.exists()
    assert not Enrolment.objects.exists()


def test_a_village_of_another_commune_is_refused(client, tree, upcoming):
    answer = register(client, upcoming, village=tree.namhoalu_village.pk)
    assert answer.status_code == 400
    assert not Enrolment.objects.exists()


def test_the_honeypot_refuses_scripts(client, upcoming):
    answer = register(client, upcoming, website="http://spam.example")
    assert answer.status_code == 400
    assert not Enrolment.objects.exists()


def test_registration_is_rate_limited_per_address(client, settings, tree, course):
    settings.LEARN_REGISTER_RATE_LIMIT = "2/h"
    cache.clear()
    session = make_class(tree, course, starts_in=TOMORROW)
    names = ["Phạm Văn An", "Phạm Văn Bảo", "Phạm Văn Cường"]
    statuses = [register(client, session, name=n).status_code for n in names]
    assert statuses == [302, 302, 429]
    assert "quá nhiều yêu cầu" in register(client, session, name="Phạm Văn Dũng").content.decode()
    assert Enrolment.objects.filter(session=session).count() == 2


def test_nothing_personal_reaches_a_url_or_the_audit_trail(client, upcoming):
    answer = register(client, upcoming, phone="0912345678")
    assert "Phạm" not in answer["Location"]
    assert "1972" not in answer["Location"]
    row = AuditLog.objects.get(action=AuditLog.Action.CLASS_REGISTERED)
    assert "Phạm" not in str(row.changes)
    assert "0912345678" not in str(row.changes)


def test_the_calendar_file_parses_with_the_class_times_in_vietnam(client, tree, course):
    starts = datetime.datetime(2099, 3, 14, 8, 0, tzinfo=VIETNAM)
    session = make_class(tree, course, starts_in=TOMORROW, venue="Nhà văn hóa tổ 1", capacity=None)
    ClassSession.objects.filter(pk=session.pk).update(
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
    )
    answer = client.get(reverse("learn:calendar", args=[session.pk]))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")
    [event] = Calendar.from_ical(answer.content).walk("VEVENT")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == starts
    assert end - start == datetime.timedelta(hours=2)
    assert str(start.tzinfo) == "Asia/Ho_Chi_Minh"
    assert start.hour == 8
    assert str(event["summary"]) == course.title
    assert str(event["location"]) == "Nhà văn hóa tổ 1"
    assert str(event["url"]).endswith(f"/classes/{session.pk}/")


def test_a_cancelled_class_has_no_calendar_file(client, tree, course):
    session = make_class(tree, course, starts_in=TOMORROW, status="cancelled")
    assert client.get(reverse("learn:calendar", args=[session.pk])).status_code == 404


def test_the_finder_counts_queries_once_per_page(
    client, tree, course, django_assert_max_num_queries
):
    for n in range(15):
        make_class(tree, course, starts_in=TOMORROW + datetime.timedelta(hours=n))
    with django_assert_max_num_queries(8):
        client.get(reverse("learn:finder"))


def test_choosing_a_commune_lists_its_villages(client, tree, upcoming):
    url = reverse("learn:class", args=[upcoming.pk])
    own = client.get(url).content.decode()
    assert "Tổ dân phố số 1" in own  # the class's own ward by default
    other = client.get(url, {"commune": tree.namhoalu.pk}, HTTP_HX_REQUEST="true")
    assert "Thôn Đông" in other.content.decode()


def test_the_meeting_link_is_given_only_to_those_who_registered(client, tree, course):
    session = make_class(
        tree, course, starts_in=TOMORROW, mode="online", meeting_url="https://meet.example/abc"
    )
    assert (
        "meet.example" not in client.get(reverse("learn:class", args=[session.pk])).content.decode()
    )
    assert "meet.example" not in client.get(reverse("learn:finder")).content.decode()
    answer = register(client, session)
    assert "https://meet.example/abc" in client.get(answer["Location"]).content.decode()
