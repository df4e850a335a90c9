"""The demo's learning: courses, classes held in the four Hoa Lư wards with their rolls, one
open for registration, the learning day and the lifelong-learning week as campaigns — true on
whatever day the demo is loaded."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hocvuso.demo.learning import CITIZENS_COURSE, LIKELY_DUPLICATES, OFFICIALS_COURSE
from hocvuso.demo.services import load_demo
from hocvuso.learning.models import Campaign, ClassSession, Course, Enrolment, Learner
from hocvuso.learning.services import name_key
from hocvuso.plans.models import Activity


def _counts() -> dict[str, int]:
    models = (Course, Campaign, ClassSession, Learner, Enrolment)
    return {m.__name__: m.objects.count() for m in models}


@pytest.mark.django_db
def test_the_demo_has_courses_classes_with_rolls_and_one_open_class() -> None:
    load_demo()
    loaded = _counts()
    load_demo()  # idempotent
    assert _counts() == loaded
    assert {CITIZENS_COURSE, OFFICIALS_COURSE} <= set(
        Course.objects.values_list("title", flat=True)
    )
    assert not Course.objects.filter(is_demo=False).exists()
    assert not ClassSession.objects.filter(is_demo=False).exists()
    assert not Learner.objects.filter(is_demo=False).exists()
    now = timezone.now()

    held = ClassSession.objects.filter(status=ClassSession.Status.HELD)
    hosts = set(held.values_list("host__name", flat=True))
    assert {
        "Phường Hoa Lư",
        "Phường Đông Hoa Lư",
        "Phường Tây Hoa Lư",
        "Phường Nam Hoa Lư",
    } <= hosts
    # Nothing dated in the future is held, and every held class has its roll.
    assert not held.filter(ends_at__gt=now).exists()
    for session in held:
        roll = session.enrolments.all()
        assert roll.filter(status__in=Enrolment.ATTENDED).exists(), session
        # Those who attended completed; nobody absent did.
        assert not roll.filter(completed=True).exclude(status__in=Enrolment.ATTENDED).exists()
        # Each completion has its certificate, which verifies.
        completed = roll.filter(completed=True)
        assert completed.exists()
        assert completed.filter(certificate__isnull=True).count() == 0
    statuses = set(Enrolment.objects.values_list("status", flat=True))
    assert {"present", "late", "absent", "excused"} <= statuses
    assert Learner.objects.filter(first_trained_on__isnull=False).count() > 50

    open_class = ClassSession.objects.get(status=ClassSession.Status.OPEN)
    assert open_class.starts_at > now
    assert open_class.host.name == "Phường Hoa Lư"
    assert list(open_class.trainer_users.values_list("username", flat=True)) == ["tocongnghe"]
    assert not ClassSession.objects.filter(starts_at__gt=now, enrolments__isnull=False).exists()

    online = ClassSession.objects.get(mode=ClassSession.Mode.ONLINE)
    assert online.status == ClassSession.Status.HELD
    assert online.meeting_url
    assert not online.enrolments.filter(status="present", minutes_online__isnull=True).exists()

    # Some people came to two classes; one is written two ways for the merge page.
    twice = [learner for learner in Learner.objects.all() if learner.enrolments.count() > 1]
    assert len(twice) >= 2
    hoa = Learner.objects.filter(name_key__in=[name_key(n) for n, _y in LIKELY_DUPLICATES])
    assert hoa.count() == 2
    assert len({(h.commune_id, h.birth_year) for h in hoa}) == 1
    assert Learner.objects.filter(name="Tran Van An").exists()
    assert Learner.objects.filter(name="Trần Văn An").exists()


@pytest.mark.django_db
def test_the_learning_day_and_the_week_are_campaigns_of_the_demo_plan() -> None:
    load_demo()
    today = timezone.localdate()
    day = Campaign.objects.get(title__contains="Ngày hội toàn dân học tập số")
    assert day.starts_on == day.ends_on < today
    assert day.activity == Activity.objects.get(title__contains="Ngày hội toàn dân học tập số")
    assert day.lead.code == "NB-SKHCN"
    assert day.sessions.count() >= 4
    for session in day.sessions.all():
        assert timezone.localdate(session.starts_at) == day.starts_on
        assert session.status == ClassSession.Status.HELD
    week = Campaign.objects.get(title__startswith="Tuần lễ hưởng ứng học tập suốt đời")
    assert week.lead.code == "NB-SGDDT"
    assert week.activity is not None
    assert (week.starts_on.day, week.starts_on.month) == (6, 10)
    assert (week.ends_on - week.starts_on) == datetime.timedelta(days=4)
    for session in week.sessions.all():
        assert week.starts_on <= timezone.localdate(session.starts_at) <= week.ends_on
        assert session.target_group == "pupils"


@pytest.mark.django_db
def test_the_demo_imported_a_platform_file_and_vneid_counts() -> None:
    from hocvuso.demo.services import load_demo
    from hocvuso.learning.models import PlatformCompletion, PlatformImport, VneidCount

    load_demo()
    assert PlatformImport.objects.filter(kind="completions").count() == 1
    completions = PlatformCompletion.objects.all()
    assert completions.count() == 7
    assert not completions.filter(learner__isnull=True).exists()
    assert VneidCount.objects.values("unit").distinct().count() == 4
