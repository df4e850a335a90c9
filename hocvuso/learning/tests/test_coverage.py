"""Who has been trained: the coverage page and the reports' computed indicators say what the
enrolments say — one person once, wherever and however often they came."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from hocvuso.learning.models import ClassSession, Learner, PlatformCompletion, PlatformImport
from hocvuso.learning.selectors import coverage as cov
from hocvuso.learning.services import (
    Mark,
    merge_learners,
    record_attendance,
    refresh_class_summaries,
    refresh_learning_summaries,
)
from hocvuso.learning.services.learners import name_key
from hocvuso.learning.tests.conftest import make_class, person
from hocvuso.orgunits.services import set_population
from hocvuso.reports import periods
from hocvuso.reports.models import Indicator
from hocvuso.reports.selectors import values_for

VN = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = periods.year(2025)


def at(month: int, day: int, hour: int = 8) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, tzinfo=VN)


def held(tree, course, when, *, host=None, status=ClassSession.Status.HELD):
    return make_class(
        tree,
        course,
        host=host or tree.hoalu,
        starts_at=when,
        ends_at=when + datetime.timedelta(hours=2),
        status=status,
    )


def mark(session, *people, status="present"):
    return record_attendance(
        actor=None,
        session=session,
        marks=[
            Mark(id=uuid.uuid4(), status=status, person=p)
            if not isinstance(p, Learner)
            else Mark(id=uuid.uuid4(), status=status, learner_id=p.pk)
            for p in people
        ],
        via="roll",
    )


def completion(tree, commune, name, year, on, group, *, learner=None, village=None, source=None):
    return PlatformCompletion.objects.create(
        source=source,
        province=tree.province,
        commune=commune,
        village=village,
        name=name,
        name_key=name_key(name),
        birth_year=year,
        group=group,
        course="Kỹ năng số cơ bản",
        completed_on=on,
        learner=learner,
    )


@pytest.fixture
def world(tree, course):
    """Phường Hoa Lư in 2025: a class in its residential group in March (Hoa, Lan the
    official, Minh the pupil), one at the ward hall in April (Hoa again, and "Nguyen Thi Hoa"
    written without diacritics, later merged into her), one cancelled in May; Bình known
    only from the national platform (May), Lan also on the platform in February. In Nam Hoa
    Lư, one citizen in June."""
    hoa = person(tree, village_id=tree.hoalu_village.pk)
    lan = person(tree, name="Lê Thị Lan", year=1990, group="staff")
    minh = person(tree, name="Phạm Văn Minh", year=2009, group="pupils")
    march = held(tree, course, at(3, 10), host=tree.hoalu_village)
    mark(march, hoa, lan, minh)
    april = held(tree, course, at(4, 5))
    the_hoa = Learner.objects.get(name_key=name_key("Nguyễn Thị Hoa"))
    dup = person(tree, name="Nguyen Thi Hoa", village_id=tree.hoalu_village.pk)
    mark(april, the_hoa, dup)
    absent = person(tree, name="Đỗ Văn Vắng", year=1980)
    mark(april, absent, status="absent")
    cancelled = held(tree, course, at(5, 2), status=ClassSession.Status.OPEN)
    mark(cancelled, person(tree, name="Vũ Thị Hủy", year=1985))
    cancelled.status = ClassSession.Status.CANCELLED
    cancelled.save()
    refresh_class_summaries(cancelled)
    merge_learners(actor=None, keep=the_hoa, drop=Learner.objects.get(name="Nguyen Thi Hoa"))
    source = PlatformImport.objects.create(
        kind="completions", unit=tree.hoalu, filename="mooc.csv", sha256="1" * 64, rows=3
    )
    the_lan = Learner.objects.get(name="Lê Thị Lan")
    completion(
        tree,
        tree.hoalu,
        "Lê Thị Lan",
        1990,
        datetime.date(2025, 2, 20),
        "staff",
        learner=the_lan,
        source=source,
    )
    # Twice on the platform, one person.
    for day in (datetime.date(2025, 5, 3), datetime.date(2025, 6, 1)):
        completion(tree, tree.hoalu, "Trần Văn Bình", 1975, day, "workers", source=source)
    refresh_learning_summaries(units=[tree.hoalu.pk])
    nam = held(tree, course, at(6, 15), host=tree.namhoalu)
    mark(nam, person(tree, name="Hoàng Văn Nam", year=1970, commune_id=tree.namhoalu.pk))
    set_population(
        actor=None,
        unit=tree.hoalu,
        year=2025,
        adults=9740,
        households=3000,
        staff=40,
        pupils=10,
        workers=5,
    )
    set_population(actor=None, unit=tree.namhoalu, year=2025, adults=5000, households=2000)
    return tree


@pytest.mark.django_db
def test_each_person_is_counted_once_by_group_whatever_the_classes_and_the_platform(world):
    c = cov.coverage(world.hoalu, start=YEAR.start, end=YEAR.end, today=datetime.date(2026, 1, 5))
    t = c.total
    # Hoa (twice, and her merged duplicate), Lan (class and platform), Minh, Bình (platform
    # twice); the absent man and the cancelled class's learner are not trained.
    assert t.trained == {"citizens": 1, "staff": 1, "pupils": 1, "workers": 1}
    assert t.classes_held == 2  # March and April; May was cancelled
    assert t.attendances == 3 + 1  # Hoa's duplicate merged into her on April's roll
    assert t.completions == 3  # every completion on the platform
    shares = {s.key: s for s in c.shares}
    assert (shares["adults"].trained, shares["adults"].size) == (3, 9740)
    assert shares["staff"].percent == 2.5
    assert shares["pupils"].percent == 10.0
    assert shares["adults"].target == 80


@pytest.mark.django_db
def test_the_figures_roll_up_the_tree_and_drill_down(world):
    c = cov.coverage(world.province, start=YEAR.start, end=YEAR.end)
    assert c.total.trained_total == 5
    assert c.total.classes_held == 3
    rows = {r.unit.name: r for r in c.rows}
    assert rows["Phường Hoa Lư"].trained_total == 4
    assert rows["Phường Nam Hoa Lư"].trained_total == 1
    assert rows["Phường Nam Hoa Lư"].adults_percent == 0.0
    ward = cov.coverage(world.hoalu, start=YEAR.start, end=YEAR.end)
    village = {r.unit.pk: r for r in ward.rows}[world.hoalu_village.pk]
    assert village.trained == {"citizens": 1}  # Hoa lives there; the others in the ward
    assert village.classes_held == 1


@pytest.mark.django_db
def test_period_edges_count_each_person_in_the_month_first_trained(world):
    march = periods.month(2025, 3)
    c = cov.coverage(world.hoalu, start=march.start, end=march.end)
    # By the end of March: Lan (the platform, February), Hoa and Minh (March).
    assert c.total.trained == {"citizens": 1, "staff": 1, "pupils": 1}
    assert c.total.new == {"citizens": 1, "pupils": 1}
    april = cov.coverage(
        world.hoalu, start=periods.month(2025, 4).start, end=periods.month(2025, 4).end
    )
    assert april.total.new == {}  # Hoa came back: not new
    assert april.total.classes_held == 1
    q2 = periods.quarter(2025, 2)
    assert cov.coverage(world.hoalu, start=q2.start, end=q2.end).total.new == {"workers": 1}


@pytest.mark.django_db
def test_the_computed_indicators_equal_the_enrolments(world):
    codes = [
        "classes-held",
        "class-attendees",
        "plan01-adults-skilled",
        "plan01-adults-share",
        "plan01-staff",
        "plan01-staff-skilled",
        "plan01-staff-share",
        "plan01-pupils-equipped",
        "plan01-workers-skilled",
    ]
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    assert all(indicators[c].is_computed for c in codes)
    march, april = periods.month(2025, 3), periods.month(2025, 4)
    units = [world.hoalu, world.province]
    figures = values_for(list(indicators.values()), units, [march, april, YEAR])

    def f(code, unit, period):
        return figures.get((indicators[code].pk, unit.pk, period.key))

    assert f("classes-held", world.hoalu, march) == 1
    assert f("classes-held", world.hoalu, YEAR) == 2
    assert f("classes-held", world.province, YEAR) == 3
    assert f("class-attendees", world.hoalu, april) == 1
    assert f("plan01-adults-skilled", world.hoalu, march) == 2  # Lan, Hoa (Minh is a pupil)
    assert f("plan01-adults-skilled", world.hoalu, YEAR) == 3
    assert f("plan01-adults-skilled", world.province, YEAR) == 4
    assert f("plan01-staff", world.hoalu, YEAR) == 40
    assert f("plan01-staff-skilled", world.hoalu, YEAR) == 1
    assert Decimal(f("plan01-staff-share", world.hoalu, YEAR)) == Decimal("2.5")
    assert f("plan01-pupils-equipped", world.hoalu, YEAR) == 1
    assert f("plan01-workers-skilled", world.hoalu, YEAR) == 1
    c = cov.coverage(world.province, start=YEAR.start, end=YEAR.end)
    assert f("plan01-adults-skilled", world.province, YEAR) == c.shares[0].trained


@pytest.mark.django_db
def test_vneid_confirmations_are_each_communes_latest_count_by_the_period_end(world):
    from hocvuso.learning.models import VneidCount

    source = PlatformImport.objects.create(
        kind="vneid", unit=world.province, filename="vneid.csv", sha256="2" * 64, rows=3
    )
    for unit, day, n in (
        (world.hoalu, datetime.date(2025, 3, 31), 100),
        (world.hoalu, datetime.date(2025, 6, 30), 250),
        (world.namhoalu, datetime.date(2025, 4, 30), 40),
    ):
        VneidCount.objects.create(source=source, unit=unit, as_of=day, confirmed=n)
    q1, h1 = periods.quarter(2025, 1), periods.quarter(2025, 2)
    assert cov.coverage(world.province, start=q1.start, end=q1.end).total.vneid == 100
    assert cov.coverage(world.province, start=h1.start, end=h1.end).total.vneid == 290
    indicator = Indicator.objects.get(code="plan01-vneid-confirmed")
    figures = values_for([indicator], [world.province], [YEAR])
    assert figures[(indicator.pk, world.province.pk, YEAR.key)] == 290


@pytest.mark.django_db
def test_left_behind_lists_the_villages_no_class_reached_in_n_months(world):
    # Tổ dân phố số 1 had its class in March: left behind by September with 3 months, not
    # with 6; Thôn Đông never had one.
    sept = datetime.date(2025, 9, 30)
    names = [r.unit.name for r in cov.left_behind(world.province, end=sept, months=3)]
    assert names == ["Thôn Đông", "Tổ dân phố số 1"]
    names = [r.unit.name for r in cov.left_behind(world.province, end=sept, months=7)]
    assert names == ["Thôn Đông"]
    first = cov.left_behind(world.province, end=sept, months=3)[1]
    assert first.last_month == datetime.date(2025, 4, 1)  # Hoa, who lives there, came in April


@pytest.mark.django_db
def test_the_trend_runs_from_the_periods_first_month_and_marks_the_current_one(world):
    c = cov.coverage(world.hoalu, start=YEAR.start, end=YEAR.end, today=datetime.date(2025, 6, 9))
    assert [p.month.month for p in c.trend] == [1, 2, 3, 4, 5, 6]
    assert [p.trained for p in c.trend] == [0, 1, 3, 3, 4, 4]
    assert [p.partial for p in c.trend] == [False] * 5 + [True]


@pytest.mark.django_db
def test_the_page_shows_the_figures_the_vietnamese_way(world, client, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    url = reverse("learning:coverage")
    response = client.get(url, {"unit": world.hoalu.pk, "period": "2025"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "9.740" in body
    assert "Tổ dân phố số 1" in body
    assert "<svg" in body
    bad = client.get(url, {"unit": world.hoalu.pk, "period": "2025-W03", "months": "x"})
    assert bad.status_code == 200
    assert "chọn tháng, quý, năm" in bad.content.decode()
    assert "từ 1 đến 36" in bad.content.decode()


@pytest.mark.django_db
def test_another_communes_unit_is_not_found(world, client, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    url = reverse("learning:coverage")
    assert client.get(url, {"unit": world.namhoalu.pk}).status_code == 404
    assert client.get(url, {"unit": world.province.pk}).status_code == 404
    # No unit, or nonsense: one's own.
    assert "Phường Hoa Lư" in client.get(url, {"unit": "abc"}).content.decode()


@pytest.mark.django_db
def test_the_results_report_has_the_learning_section(world):
    from hocvuso.reports.results import results_report

    report = results_report(world.hoalu, YEAR, today=datetime.date(2026, 1, 5))
    headings = [b.text for b in report.blocks if b.kind == "heading"]
    assert "V. LỚP HỌC VÀ NGƯỜI ĐƯỢC HỌC KỸ NĂNG SỐ" in headings
    text = report.text()
    assert "đã tổ chức 2 lớp với 4 lượt người dự; 4 người được học lần đầu" in text
    assert "Đến hết kỳ, 4 người đã được học kỹ năng số" in text
    table = next(b for b in report.blocks if b.headers and b.headers[0] == "Đối tượng")
    assert table.rows[0][:3] == ["Người trưởng thành", 3, "9.740"]


@pytest.mark.django_db
def test_changing_the_period_with_htmx_swaps_only_the_figures(world, client, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    response = client.get(
        reverse("learning:coverage"),
        {"unit": world.hoalu.pk, "period": "2025-03"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="figures">')
    assert "<html" not in body
