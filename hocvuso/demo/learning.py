"""Learning in the four Hoa Lư wards: the movement's courses for citizens, officials and pupils;
classes held in the past weeks with their rolls taken through the one attendance write (a few
late, absent or excused, two people in two classes, one person written two ways for the merge
page); an online class; one class open for registration with the team member's account as its
trainer; seed 003's learning day and lifelong-learning week as campaigns of the demo plan.

Every date is counted from the day the demo is loaded, so the demo reads true on any day.
Loaded once: a second run finds the demo's courses and leaves everything as it is.

Left for later, each one call at the end of :func:`load_demo_learning`: a completion file of
the national platform through its importer, and certificates for the completions.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass, field

from django.utils import timezone

from hocvuso.accounts.models import User
from hocvuso.learning.models import (
    Campaign,
    ClassSession,
    Course,
    Enrolment,
    Learner,
    TargetGroup,
    Topic,
)
from hocvuso.learning.services import (
    Mark,
    PersonInput,
    ResultInput,
    issue_certificates,
    record_attendance,
    record_results,
)
from hocvuso.orgunits.models import OrgUnit
from hocvuso.plans.models import Activity

CITIZENS_COURSE = (
    "Kỹ năng số cơ bản cho người dân: VNeID, dịch vụ công trực tuyến, "
    "thanh toán không dùng tiền mặt"
)
OFFICIALS_COURSE = "Kỹ năng số văn phòng và AI cơ bản cho cán bộ, công chức"
PUPILS_COURSE = "An toàn trên không gian mạng cho học sinh"
ECOMMERCE_COURSE = "Bán hàng trên sàn thương mại điện tử, đưa sản phẩm OCOP lên mạng"
LEARNING_DAY = "Ngày hội toàn dân học tập số"
LIFELONG_WEEK = "Tuần lễ hưởng ứng học tập suốt đời"
# The learning day was held this many days before the demo is loaded.
LEARNING_DAY_AGO = 12
MEETING_URL = "https://meet.google.com/hvs-demo-lop"

# (title, owner's code, topic codes, level, hours, target groups, description)
COURSES = [
    (
        CITIZENS_COURSE,
        "NB-SKHCN",
        ["vneid", "public-services", "cashless", "online-safety"],
        Course.Level.BASIC,
        3,
        [TargetGroup.CITIZENS, TargetGroup.WORKERS],
        "Cài đặt và kích hoạt VNeID mức 2, nộp hồ sơ trên Cổng Dịch vụ công quốc gia, "
        "thanh toán bằng mã QR, nhận biết cuộc gọi lừa đảo.",
    ),
    (
        OFFICIALS_COURSE,
        "NB-SNV",
        ["office-skills", "ai-basics"],
        Course.Level.BASIC,
        4,
        [TargetGroup.STAFF],
        "Văn bản điện tử và chữ ký số, hồ sơ công việc trên hệ thống quản lý văn bản, "
        "dùng trợ lý AI an toàn trong công việc.",
    ),
    (
        PUPILS_COURSE,
        "NB-SGDDT",
        ["online-safety", "digital-learning"],
        Course.Level.BASIC,
        2,
        [TargetGroup.PUPILS],
        "Bảo vệ tài khoản, thông tin cá nhân; ứng xử trên mạng xã hội; học trên nền tảng "
        "“Bình dân học vụ số”.",
    ),
    (
        ECOMMERCE_COURSE,
        "NB-HPN",
        ["ecommerce", "cashless"],
        Course.Level.INTERMEDIATE,
        3,
        [TargetGroup.CITIZENS, TargetGroup.WORKERS],
        "Mở gian hàng, chụp ảnh sản phẩm, đóng gói và giao hàng, nhận thanh toán trực tuyến.",
    ),
]

# Invented names: the demo holds no real person's data.
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đinh", "Bùi", "Đỗ", "Ngô", "Dương"]
WOMEN = ["Thị Lan", "Thị Mai", "Thị Hằng", "Thị Thu", "Thị Nga", "Thị Phương", "Thị Hương"]
WOMEN += ["Thị Yến", "Thị Thảo", "Minh Anh", "Ngọc Ánh", "Thị Huệ", "Thu Trang"]
MEN = ["Văn Hùng", "Văn Dũng", "Văn Minh", "Đức Thắng", "Văn Toàn", "Quang Huy", "Văn Nam"]
MEN += ["Xuân Trường", "Văn Sơn", "Đình Khoa", "Văn Tuấn", "Hữu Phúc", "Công Thành"]
# One person written two ways on two rolls, for the merge page (the commune is Phường Hoa Lư).
LIKELY_DUPLICATES = [("Nguyễn Thị Hòa", 1972), ("Nguyễn Thị Hoà", 1972)]
# The same person in Phường Đông Hoa Lư, with and without diacritics.
UNACCENTED = [("Trần Văn An", 1961), ("Tran Van An", 1961)]


@dataclass
class DemoLearning:
    """What the demo's learning part made, for the parts added after it."""

    courses: dict[str, Course] = field(default_factory=dict)
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    held: list[ClassSession] = field(default_factory=list)
    upcoming: list[ClassSession] = field(default_factory=list)


def load_demo_learning(
    province: OrgUnit, wards: list[OrgUnit], trainer: User | None
) -> DemoLearning | None:
    if Course.objects.filter(is_demo=True).exists():
        return None
    wards_by_name = {w.name: w for w in wards}
    demo = DemoLearning()
    demo.courses = _courses(province)
    demo.campaigns = _campaigns(province)
    demo.held = _held_classes(province, wards_by_name, demo)
    demo.upcoming = _upcoming_classes(province, wards_by_name, demo, trainer)
    _complete(demo.held)
    Learner.objects.filter(enrolments__session__in=demo.held).update(is_demo=True)
    _platform_files(province, wards)
    return demo


def _unit(code: str, fallback: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.filter(code=code).first() or fallback


def _courses(province: OrgUnit) -> dict[str, Course]:
    topics = {t.code: t for t in Topic.objects.all()}
    courses = {}
    for title, owner, codes, level, hours, groups, description in COURSES:
        course = Course.objects.create(
            owner=_unit(owner, province),
            title=title,
            description=description,
            level=level,
            hours=hours,
            target_groups=[str(g) for g in groups],
            is_demo=True,
        )
        course.topics.set([topics[c] for c in codes if c in topics])
        courses[title] = course
    return courses


def _activity(starts_with: str) -> Activity | None:
    """The demo plan's activity (seed 003) whose title begins so, when the plan is loaded."""
    from hocvuso.demo.plans import TITLE

    return Activity.objects.filter(plan__title=TITLE, title__contains=starts_with).first()


def _campaigns(province: OrgUnit) -> dict[str, Campaign]:
    today = timezone.localdate()
    day = today - datetime.timedelta(days=LEARNING_DAY_AGO)
    learning_day = _activity(LEARNING_DAY)
    week = _activity(LIFELONG_WEEK)
    # Seed 003: the science department leads the learning day, education the week.
    science = _unit("NB-SKHCN", province)
    education = _unit("NB-SGDDT", science)
    week_start = (week and week.starts_on) or datetime.date(today.year, 10, 6)
    week_end = (week and week.ends_on) or datetime.date(today.year, 10, 10)
    return {
        LEARNING_DAY: Campaign.objects.create(
            title=f"Hưởng ứng “{LEARNING_DAY}” tại các phường Hoa Lư",
            lead=(learning_day and learning_day.lead_unit) or science,
            starts_on=day,
            ends_on=day,
            activity=learning_day,
            description="Lớp học số cho cộng đồng gắn với hoạt động của Tổ công nghệ số "
            "cộng đồng: mỗi phường một buổi, trải nghiệm và hướng dẫn các nền tảng, dịch vụ số.",
            is_demo=True,
        ),
        LIFELONG_WEEK: Campaign.objects.create(
            title=f"{LIFELONG_WEEK} năm {week_start.year}",
            lead=(week and week.lead_unit) or education,
            starts_on=week_start,
            ends_on=week_end,
            activity=week,
            description="“Ứng dụng mạnh mẽ công nghệ số vào học tập thường xuyên, học tập suốt "
            "đời, tiến tới phổ cập kỹ năng số, kỹ năng bảo đảm an toàn, an ninh mạng.”",
            is_demo=True,
        ),
    }


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _villages(ward: OrgUnit) -> list[OrgUnit]:
    return list(
        OrgUnit.objects.filter(
            path__startswith=ward.path, depth=ward.depth + 1, kind=OrgUnit.Kind.VILLAGE
        ).order_by("path")
    )


def _new_class(
    province: OrgUnit,
    *,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None = None,
    **fields: object,
) -> ClassSession:
    return ClassSession.objects.create(
        province=province,
        starts_at=starts_at,
        ends_at=ends_at or starts_at + datetime.timedelta(hours=3),
        is_demo=True,
        **fields,
    )


@dataclass
class _Person:
    name: str
    birth_year: int
    sex: str
    commune: OrgUnit
    village: OrgUnit | None
    group: str = TargetGroup.CITIZENS
    phone: str = ""

    def mark(self, status: str, minutes: int | None = None) -> Mark:
        return Mark(
            id=uuid.uuid4(),
            status=status,
            person=PersonInput(
                name=self.name,
                birth_year=self.birth_year,
                commune_id=self.commune.pk,
                village_id=self.village.pk if self.village else None,
                sex=self.sex,
                group=self.group,
                phone=self.phone,
            ),
            minutes_online=minutes,
        )


def _people(
    rng: random.Random,
    ward: OrgUnit,
    n: int,
    *,
    years: tuple[int, int] = (1950, 2004),
    group: str = TargetGroup.CITIZENS,
    taken: set[str],
) -> list[_Person]:
    villages = _villages(ward)
    people = []
    while len(people) < n:
        woman = rng.random() < 0.6
        name = f"{rng.choice(FAMILY)} {rng.choice(WOMEN if woman else MEN)}"
        if name in taken:
            continue
        taken.add(name)
        phone = f"09{rng.randrange(10**8):08d}" if rng.random() < 0.4 else ""
        people.append(
            _Person(
                name=name,
                birth_year=rng.randint(*years),
                sex=Learner.Sex.FEMALE if woman else Learner.Sex.MALE,
                commune=ward,
                village=rng.choice(villages) if villages else None,
                group=group,
                phone=phone,
            )
        )
    return people


def _status(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.08:
        return Enrolment.Status.ABSENT
    if roll < 0.13:
        return Enrolment.Status.EXCUSED
    if roll < 0.25:
        return Enrolment.Status.LATE
    return Enrolment.Status.PRESENT


def _statuses(rng: random.Random, n: int) -> list[str]:
    """A hall's roll: mostly present, and at least one late, one absent, one excused."""
    statuses = [_status(rng) for _ in range(n)]
    for i, status in zip((1, 4, 7), ("late", "absent", "excused"), strict=True):
        if i < n:
            statuses[i] = status
    return statuses


def _marks(rng: random.Random, people: list[_Person]) -> list[Mark]:
    return [p.mark(s) for p, s in zip(people, _statuses(rng, len(people)), strict=True)]


def _take_roll(session: ClassSession, marks: list[Mark]) -> None:
    """Through the one attendance write, as the trainer's phone sends it, on the day."""
    for mark in marks:
        mark.at = session.starts_at + datetime.timedelta(minutes=5)
    record_attendance(actor=None, session=session, marks=marks, via=Enrolment.Via.ROLL)


def _held_classes(
    province: OrgUnit, wards: dict[str, OrgUnit], demo: DemoLearning
) -> list[ClassSession]:
    rng = random.Random(15)  # noqa: S311 — demo figures, not secrets
    today = timezone.localdate()
    day = today - datetime.timedelta(days=LEARNING_DAY_AGO)
    citizens = demo.courses[CITIZENS_COURSE]
    officials = demo.courses[OFFICIALS_COURSE]
    ecommerce = demo.courses[ECOMMERCE_COURSE]
    campaign = demo.campaigns[LEARNING_DAY]
    held = ClassSession.Status.HELD
    hoalu, dong, tay, nam = (wards.get(name) for name in _ward_names())
    classes = []
    taken: set[str] = {n for n, _y in LIKELY_DUPLICATES + UNACCENTED}

    if hoalu:
        session = _new_class(
            province,
            course=citizens,
            campaign=campaign,
            activity=campaign.activity,
            organiser=hoalu,
            host=hoalu,
            venue="Hội trường UBND phường Hoa Lư",
            starts_at=_at(day, 8),
            capacity=60,
            trainers="Tổ công nghệ số cộng đồng phường Hoa Lư; Viettel Ninh Bình",
            status=held,
        )
        people = _people(rng, hoalu, 16, taken=taken)
        hoa = _Person(*LIKELY_DUPLICATES[0], Learner.Sex.FEMALE, hoalu, _villages(hoalu)[1])
        _take_roll(session, [*_marks(rng, people), hoa.mark("present")])
        classes.append(session)
    if dong:
        session = _new_class(
            province,
            course=citizens,
            campaign=campaign,
            activity=campaign.activity,
            organiser=dong,
            host=dong,
            venue="Nhà văn hóa Tổ dân phố số 3, phường Đông Hoa Lư",
            starts_at=_at(day, 14),
            capacity=40,
            trainers="Tổ công nghệ số cộng đồng phường Đông Hoa Lư; VNPT Ninh Bình",
            status=held,
        )
        people = _people(rng, dong, 12, taken=taken)
        villages = _villages(dong)
        an = [_Person(n, y, Learner.Sex.MALE, dong, villages[2]) for n, y in UNACCENTED]
        marks = [*_marks(rng, people), an[0].mark("present")]
        _take_roll(session, marks)
        classes.append(session)
        # The same man typed without diacritics on a later roll: a likely duplicate.
        later = _new_class(
            province,
            course=demo.courses[ECOMMERCE_COURSE],
            organiser=dong,
            host=dong,
            venue="Hội trường UBND phường Đông Hoa Lư",
            starts_at=_at(today - datetime.timedelta(days=8), 8),
            trainers="Hội Liên hiệp Phụ nữ phường Đông Hoa Lư",
            status=held,
        )
        regulars = _marks(rng, _people(rng, dong, 8, taken=taken))
        _take_roll(later, [*regulars, an[1].mark("late")])
        classes.append(later)
    if tay:
        session = _new_class(
            province,
            course=ecommerce,
            campaign=campaign,
            activity=campaign.activity,
            organiser=tay,
            host=tay,
            venue="Nhà văn hóa Tổ dân phố số 5, phường Tây Hoa Lư",
            starts_at=_at(day, 8, 30),
            capacity=30,
            trainers="Hội Liên hiệp Phụ nữ phường Tây Hoa Lư",
            status=held,
        )
        people = _people(rng, tay, 10, years=(1965, 2000), taken=taken)
        _take_roll(session, _marks(rng, people))
        classes.append(session)
    if nam:
        first = _new_class(
            province,
            course=citizens,
            organiser=nam,
            host=nam,
            venue="Hội trường UBND phường Nam Hoa Lư",
            starts_at=_at(today - datetime.timedelta(days=26), 8),
            capacity=50,
            trainers="Tổ công nghệ số cộng đồng phường Nam Hoa Lư",
            status=held,
        )
        people = _people(rng, nam, 14, taken=taken)
        _take_roll(first, _marks(rng, people))
        # Two of them came back on the learning day to sell online.
        second = _new_class(
            province,
            course=ecommerce,
            campaign=campaign,
            activity=campaign.activity,
            organiser=nam,
            host=nam,
            venue="Hội trường UBND phường Nam Hoa Lư",
            starts_at=_at(day, 14),
            trainers="Hội Liên hiệp Phụ nữ phường Nam Hoa Lư",
            status=held,
        )
        newcomers = _people(rng, nam, 7, years=(1970, 2000), taken=taken)
        _take_roll(second, [p.mark("present") for p in [*people[:2], *newcomers]])
        classes += [first, second]
    if hoalu:
        # Officials of the four wards online, the meeting platform counting their minutes.
        online = _new_class(
            province,
            course=officials,
            organiser=_unit("NB-SNV", province),
            host=hoalu,
            mode=ClassSession.Mode.ONLINE,
            meeting_url=MEETING_URL,
            starts_at=_at(today - datetime.timedelta(days=5), 14),
            ends_at=_at(today - datetime.timedelta(days=5), 16, 30),
            trainers="Sở Nội vụ; Trung tâm Phục vụ Hành chính công tỉnh",
            target_group=TargetGroup.STAFF,
            for_bridge_points=True,
            status=held,
        )
        staff = []
        for ward in (w for w in (hoalu, dong, tay, nam) if w):
            staff += _people(rng, ward, 4, years=(1975, 1998), group=TargetGroup.STAFF, taken=taken)
        hoa = _Person(*LIKELY_DUPLICATES[1], Learner.Sex.FEMALE, hoalu, None, TargetGroup.STAFF)
        marks = [p.mark("present", rng.randint(95, 150)) for p in staff]
        marks[-1] = staff[-1].mark("late", 60)
        marks.append(hoa.mark("present", 140))
        _take_roll(online, marks)
        classes.append(online)
    week = demo.campaigns[LIFELONG_WEEK]
    week_day = week.starts_on + datetime.timedelta(days=2)
    if tay and week_day < today:
        pupils = _new_class(
            province,
            course=demo.courses[PUPILS_COURSE],
            campaign=week,
            activity=week.activity,
            organiser=_unit("NB-SGDDT", province),
            host=tay,
            venue="Trường THCS phường Tây Hoa Lư",
            starts_at=_at(week_day, 8),
            ends_at=_at(week_day, 10),
            trainers="Đoàn Thanh niên phường Tây Hoa Lư; giáo viên Tin học",
            target_group=TargetGroup.PUPILS,
            status=held,
        )
        young = (week_day.year - 15, week_day.year - 12)
        children = _people(rng, tay, 12, years=young, group=TargetGroup.PUPILS, taken=taken)
        _take_roll(pupils, _marks(rng, children))
        classes.append(pupils)
    return classes


def _ward_names() -> list[str]:
    from hocvuso.demo.data import HOA_LU_WARDS

    return HOA_LU_WARDS


def _upcoming_classes(
    province: OrgUnit, wards: dict[str, OrgUnit], demo: DemoLearning, trainer: User | None
) -> list[ClassSession]:
    today = timezone.localdate()
    hoalu, dong, _tay, _nam = (wards.get(name) for name in _ward_names())
    classes = []
    if hoalu:
        open_class = _new_class(
            province,
            course=demo.courses[CITIZENS_COURSE],
            organiser=hoalu,
            host=hoalu,
            venue="Nhà văn hóa Tổ dân phố số 1, phường Hoa Lư",
            starts_at=_at(today + datetime.timedelta(days=5), 8),
            capacity=50,
            trainers=trainer.full_name if trainer else "Tổ công nghệ số cộng đồng",
            status=ClassSession.Status.OPEN,
        )
        if trainer is not None:
            open_class.trainer_users.add(trainer)
        classes.append(open_class)
    if dong:
        classes.append(
            _new_class(
                province,
                course=demo.courses[OFFICIALS_COURSE],
                organiser=dong,
                host=dong,
                mode=ClassSession.Mode.HYBRID,
                meeting_url=MEETING_URL + "-2",
                venue="Phòng họp trực tuyến UBND phường Đông Hoa Lư",
                starts_at=_at(today + datetime.timedelta(days=20), 14),
                capacity=40,
                trainers="Sở Nội vụ",
                target_group=TargetGroup.STAFF,
                status=ClassSession.Status.PLANNED,
            )
        )
    return classes


def _complete(held: list[ClassSession]) -> None:
    """Those present or late at a held class completed its course, on the day, and got a
    certificate — through the same services a trainer uses."""
    for session in held:
        results = [
            ResultInput(enrolment_id=pk, completed=True, result="Đạt")
            for pk in session.enrolments.filter(status__in=Enrolment.ATTENDED).values_list(
                "pk", flat=True
            )
        ]
        record_results(actor=None, session=session, results=results)
        issue_certificates(actor=None, session=session)


# Officials and pupils of the wards who finished a course on the national platform
# (binhdanhocvuso.gov.vn), as its export names them; a few also came to a class.
PLATFORM_PEOPLE = [
    ("Đặng Thị Thu Hà", 1984, "Cán bộ, công chức, viên chức", "Kỹ năng số cho cán bộ, công chức"),
    ("Bùi Văn Khánh", 1979, "Cán bộ, công chức, viên chức", "An toàn thông tin cơ bản"),
    ("Ngô Thị Hồng", 1990, "Cán bộ, công chức, viên chức", "Kỹ năng số cho cán bộ, công chức"),
    ("Phan Minh Đức", 2009, "Học sinh, sinh viên", "An toàn trên không gian mạng"),
    ("Trịnh Thu Trang", 2010, "Học sinh, sinh viên", "An toàn trên không gian mạng"),
    ("Lưu Văn Hải", 1972, "Người dân", "Sử dụng VNeID và dịch vụ công trực tuyến"),
    ("Hà Thị Ngọc", 1995, "Người lao động", "Bán hàng trên sàn thương mại điện tử"),
]


def _platform_files(province: OrgUnit, wards: list[OrgUnit]) -> None:
    """A completions file and a VNeID count file from the national platform, through the
    importers a coordinator uses (each file once: the importer refuses it twice)."""
    import csv
    import io

    from hocvuso.learning import importers

    today = timezone.localdate()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["STT", "Họ và tên", "Năm sinh", "Xã/Phường", "Đối tượng", "Khóa học", "Ngày hoàn thành"]
    )
    for n, (name, year, group, course) in enumerate(PLATFORM_PEOPLE):
        ward = wards[n % len(wards)]
        day = today - datetime.timedelta(days=3 + 4 * n)
        writer.writerow([n + 1, name, year, ward.name, group, course, f"{day:%d/%m/%Y}"])
    importers.import_completions(
        actor=None,
        unit=province,
        filename="binhdanhocvuso-hoan-thanh-demo.csv",
        stream=io.BytesIO(out.getvalue().encode()),
    )
    Learner.objects.filter(platform_completions__source__filename__endswith="-demo.csv").update(
        is_demo=True
    )
    counts = ["Xã/Phường;Tháng;Số người được xác nhận"]
    for months_ago, share in ((1, 0.9), (0, 1.0)):
        first = (today.replace(day=1) - datetime.timedelta(days=28 * months_ago)).replace(day=1)
        for n, ward in enumerate(wards):
            counts.append(f"{ward.name};{first:%m/%Y};{int((1200 + 150 * n) * share)}")
    importers.import_vneid(
        actor=None,
        unit=province,
        filename="vneid-ky-nang-so-demo.csv",
        content="\n".join(counts).encode(),
    )
