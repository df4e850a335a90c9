"""Learning ("Bình dân học vụ số"): courses, the classes that teach them, the people who
attend, and the certificates of those who complete."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hocvuso.core.models import TimeStampedModel


class TargetGroup(models.TextChoices):
    """Plan 01's groups, each with its own share target."""

    CITIZENS = "citizens", _("Người dân")
    STAFF = "staff", _("Cán bộ, công chức, viên chức")
    PUPILS = "pupils", _("Học sinh, sinh viên")
    WORKERS = "workers", _("Người lao động doanh nghiệp, hợp tác xã")
    TEAM_MEMBERS = "team_members", _("Thành viên Tổ công nghệ số cộng đồng")


class Topic(models.Model):
    """A skill the movement teaches ("Dịch vụ công trực tuyến", "VNeID"…): an editable list."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("chủ đề")
        verbose_name_plural = _("chủ đề")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Course(TimeStampedModel):
    """A curriculum: what a class teaches, to whom, in how many hours."""

    class Level(models.TextChoices):
        BASIC = "basic", _("Cơ bản")
        INTERMEDIATE = "intermediate", _("Nâng cao")
        SPECIALIST = "specialist", _("Chuyên sâu")

    owner = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị biên soạn"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    title = models.CharField(_("tên chương trình"), max_length=300)
    description = models.TextField(_("nội dung"), max_length=4000, blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("chủ đề"), blank=True, related_name="+")
    level = models.CharField(
        _("trình độ"), max_length=20, choices=Level.choices, default=Level.BASIC
    )
    hours = models.DecimalField(_("số giờ"), max_digits=5, decimal_places=1, default=2)
    # TargetGroup values.
    target_groups = models.JSONField(
        pgettext_lazy("learners", "đối tượng"), default=list, blank=True
    )
    active = models.BooleanField(_("đang dùng"), default=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("chương trình học")
        verbose_name_plural = _("chương trình học")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=1000), name="course_hours"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Campaign(TimeStampedModel):
    """Classes run together in a window ("Ngày hội toàn dân học tập số", "Tuần lễ học tập
    suốt đời"), led by one unit that sees every class in it."""

    title = models.CharField(_("tên đợt"), max_length=300)
    lead = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị chủ trì"),
        on_delete=models.PROTECT,
        related_name="learning_campaigns",
    )
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    activity = models.ForeignKey(
        "plans.Activity",
        verbose_name=_("hoạt động của kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="learning_campaigns",
    )
    description = models.TextField(_("mô tả"), max_length=4000, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("đợt học tập")
        verbose_name_plural = _("đợt học tập")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


def new_checkin_secret() -> str:
    return secrets.token_hex(16)


class ClassSession(TimeStampedModel):
    """One class: a course taught at one time, in a hall, online or both."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("Trực tiếp")
        ONLINE = "online", _("Trực tuyến")
        HYBRID = "hybrid", _("Trực tiếp kết hợp trực tuyến")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("class status", "Dự kiến")
        OPEN = "open", _("Đang nhận đăng ký")
        HELD = "held", _("Đã tổ chức")
        CANCELLED = "cancelled", _("Đã hủy")

    course = models.ForeignKey(
        Course,
        verbose_name=pgettext_lazy("learning", "chương trình"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("đợt học tập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    organiser = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị tổ chức"),
        on_delete=models.PROTECT,
        related_name="organised_classes",
    )
    # Where it is held (a commune or a village): the class finder lists it there.
    host = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("địa bàn"),
        on_delete=models.PROTECT,
        related_name="hosted_classes",
    )
    province = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    venue = models.CharField(_("địa điểm"), max_length=300, blank=True)
    mode = models.CharField(
        _("hình thức"), max_length=20, choices=Mode.choices, default=Mode.IN_PERSON
    )
    meeting_url = models.URLField(
        _("đường liên kết phòng họp trực tuyến"), max_length=500, blank=True
    )
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"))
    capacity = models.PositiveIntegerField(_("số chỗ"), null=True, blank=True)
    trainers = models.CharField(_("giảng viên, hướng dẫn viên"), max_length=500, blank=True)
    # The accounts that may take this class's attendance besides its units' editors.
    trainer_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản giảng viên"),
        blank=True,
        related_name="classes_taught",
    )
    target_group = models.CharField(
        pgettext_lazy("learners", "đối tượng"),
        max_length=20,
        choices=TargetGroup.choices,
        default=TargetGroup.CITIZENS,
    )
    activity = models.ForeignKey(
        "plans.Activity",
        verbose_name=_("hoạt động của kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="classes",
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("sự kiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="classes",
    )
    # Seed 002: the class after the ceremony is followed at every bridge point.
    for_bridge_points = models.BooleanField(_("mở tới các điểm cầu"), default=False)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    # Signs the rotating check-in code; never shown, never in a URL as is.
    checkin_secret = models.CharField(max_length=64, default=new_checkin_secret, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("lớp học")
        verbose_name_plural = _("lớp học")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["host", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="class_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} — {timezone.localtime(self.starts_at):%d/%m/%Y}"

    @property
    def is_online(self) -> bool:
        return self.mode != self.Mode.IN_PERSON


class Learner(TimeStampedModel):
    """A person who attended or registered, with the least a class roll needs: never a
    national ID number. Matched by name, year of birth and commune."""

    class Sex(models.TextChoices):
        FEMALE = "female", pgettext_lazy("sex", "Nữ")
        MALE = "male", pgettext_lazy("sex", "Nam")

    name = models.CharField(_("họ và tên"), max_length=200)
    # The name lower-cased with single spaces, diacritics kept ("Ân" is not "An").
    name_key = models.CharField(max_length=200, editable=False)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    sex = models.CharField(_("giới tính"), max_length=10, choices=Sex.choices, blank=True)
    # Where the person lives: the commune always, the village when known. Neither has an
    # index of its own: ``learner_match`` and ``learner_trained`` begin with them, and every
    # index is paid again by each of the half million learners a platform file may add.
    commune = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("xã, phường"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    village = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("thôn, tổ dân phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    group = models.CharField(
        pgettext_lazy("learners", "đối tượng"),
        max_length=20,
        choices=TargetGroup.choices,
        default=TargetGroup.CITIZENS,
    )
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    # The first day this person attended a class or completed a course: coverage counts it.
    first_trained_on = models.DateField(null=True, blank=True, editable=False)
    # Set when a person merged this record into another (the other is kept).
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,  # ``learner_merged``: only the few merged records are indexed
    )
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("người học")
        verbose_name_plural = _("người học")
        ordering = ["name_key", "birth_year"]
        indexes = [
            models.Index(fields=["commune", "name_key", "birth_year"], name="learner_match"),
            models.Index(fields=["village", "first_trained_on"], name="learner_trained"),
            models.Index(
                fields=["merged_into"],
                name="learner_merged",
                condition=models.Q(merged_into__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_year__gte=1900) & models.Q(birth_year__lte=2100),
                name="learner_birth_year_plausible",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.birth_year})"

    @property
    def masked_phone(self) -> str:
        """The phone as lists show it: "09••••••78"."""
        digits = self.phone
        if len(digits) <= 4:
            return "••••" if digits else ""
        return digits[:2] + "•" * (len(digits) - 4) + digits[-2:]


class Enrolment(models.Model):
    """A learner in a class: registered, then marked present, late, absent or excused, then
    completed. Its id may be made on a phone, so a retried sync never counts anyone twice."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Đã đăng ký")
        PRESENT = "present", _("Có mặt")
        LATE = "late", _("Đến muộn")
        ABSENT = "absent", _("Vắng")
        EXCUSED = "excused", _("Vắng có phép")

    class Via(models.TextChoices):
        HAND = "hand", _("Nhập tay")
        REGISTRATION = "registration", _("Tự đăng ký")
        QR = "qr", _("Quét mã QR")
        ROLL = "roll", _("Điểm danh")
        SHEET = "sheet", _("Danh sách ký tên")
        ONLINE = "online", _("Báo cáo phòng họp trực tuyến")
        API = "api", _("API")

    ATTENDED = (Status.PRESENT, Status.LATE)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="enrolments")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(
        _("điểm danh"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    via = models.CharField(_("ghi nhận qua"), max_length=20, choices=Via.choices, default=Via.HAND)
    registered_at = models.DateTimeField(_("đăng ký lúc"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("có mặt lúc"), null=True, blank=True)
    # Minutes online, from a meeting platform's participant report.
    minutes_online = models.PositiveIntegerField(_("số phút trực tuyến"), null=True, blank=True)
    completed = models.BooleanField(_("hoàn thành"), default=False)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    result = models.CharField(_("kết quả"), max_length=100, blank=True)
    # Given to a person who registered without an account, to show at the door.
    confirmation_code = models.CharField(max_length=12, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lượt học")
        verbose_name_plural = _("lượt học")
        ordering = ["session", "learner__name_key"]
        constraints = [
            models.UniqueConstraint(fields=["session", "learner"], name="one_enrolment_per_learner")
        ]
        indexes = [models.Index(fields=["learner", "status"])]

    def __str__(self) -> str:
        return f"{self.learner} @ {self.session_id}"

    @property
    def attended(self) -> bool:
        return self.status in self.ATTENDED


class Certificate(models.Model):
    """The certificate of one completion, checked by anyone at ``/verify/<code>``. It keeps
    what it printed, so it still verifies after its learner was merged into another."""

    enrolment = models.OneToOneField(
        Enrolment, null=True, on_delete=models.SET_NULL, related_name="certificate"
    )
    # Short, unambiguous when read aloud or typed from paper (no 0/O, 1/I).
    code = models.CharField(_("mã xác minh"), max_length=16, unique=True)
    holder_name = models.CharField(_("họ và tên"), max_length=200)
    course_title = models.CharField(pgettext_lazy("learning", "chương trình"), max_length=300)
    organiser_name = models.CharField(_("đơn vị tổ chức"), max_length=300)
    completed_on = models.DateField(_("ngày hoàn thành"))
    issued_on = models.DateField(_("ngày cấp"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked = models.BooleanField(_("đã thu hồi"), default=False)

    class Meta:
        verbose_name = _("chứng nhận")
        verbose_name_plural = _("chứng nhận")
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return self.code


class PlatformImport(models.Model):
    """One file from the national platform: the MOOC's completions or VNeID's count of
    "basic digital skills" confirmations. The same file is never imported twice."""

    class Kind(models.TextChoices):
        COMPLETIONS = "completions", _("Hoàn thành khóa học trên nền tảng")
        VNEID = "vneid", _("Xác nhận kỹ năng số cơ bản trên VNeID")

    kind = models.CharField(_("loại tệp"), max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị nhập"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filename = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64, editable=False)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp của nền tảng")
        verbose_name_plural = _("tệp của nền tảng")
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "sha256"], name="platform_file_once")
        ]

    def __str__(self) -> str:
        return self.filename


class PlatformCompletion(models.Model):
    """A course completed on the national MOOC platform, as its export names the person
    (no ID number kept). ``learner`` is set when the person is matched to one of ours."""

    source = models.ForeignKey(PlatformImport, on_delete=models.CASCADE, related_name="completions")
    province = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    commune = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "orgunits.OrgUnit", null=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("họ và tên"), max_length=200)
    name_key = models.CharField(max_length=200)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True)
    group = models.CharField(
        pgettext_lazy("learners", "đối tượng"), max_length=20, choices=TargetGroup.choices
    )
    course = models.CharField(_("khóa học"), max_length=300)
    completed_on = models.DateField(_("ngày hoàn thành"))
    learner = models.ForeignKey(
        Learner, null=True, on_delete=models.SET_NULL, related_name="platform_completions"
    )

    class Meta:
        verbose_name = _("hoàn thành trên nền tảng")
        verbose_name_plural = _("hoàn thành trên nền tảng")
        indexes = [
            models.Index(fields=["commune", "name_key", "birth_year"], name="completion_match"),
            models.Index(fields=["commune", "completed_on"], name="completion_day"),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.course}"


class VneidCount(models.Model):
    """How many people of a commune VNeID confirms as having basic digital skills, at a date
    (a count at a moment: the latest on or before a period's end is the period's figure)."""

    source = models.ForeignKey(
        PlatformImport, on_delete=models.CASCADE, related_name="vneid_counts"
    )
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("xã, phường"), on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField(_("tính đến ngày"))
    confirmed = models.PositiveIntegerField(_("số người được xác nhận"))

    class Meta:
        verbose_name = _("số xác nhận trên VNeID")
        verbose_name_plural = _("số xác nhận trên VNeID")
        ordering = ["unit", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "as_of"], name="one_vneid_count_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.as_of}: {self.confirmed}"


# --- Summaries (services/summaries.py keeps them; coverage, trends and reports read them)


class LearningMonth(models.Model):
    """What happened to the people of one residence unit (their village, else their commune)
    in one month, by target group, recomputed from the base rows whenever they change:
    coverage reads these few hundred thousand rows, never the million learners.

    ``source`` tells the two halves apart, kept by different writers: ``class`` from our
    learners and their enrolments, ``platform`` from the national platform's completions of
    people matched to none of our learners."""

    class Source(models.TextChoices):
        CLASS = "class", _("Lớp học")
        PLATFORM = "platform", _("Nền tảng")

    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    group = models.CharField(max_length=20, choices=TargetGroup.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    # People trained for the first time this month: the distinct count, summed over months.
    new_learners = models.PositiveIntegerField(default=0)
    attendances = models.PositiveIntegerField(default=0)
    completions = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "group", "source"], name="one_learning_month"
            )
        ]
        indexes = [models.Index(fields=["commune", "source"], name="learning_month_commune")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%m/%Y} {self.group} {self.source}"


class ClassMonth(models.Model):
    """The classes held at one host unit in one month (not cancelled, and marked held or with
    someone present), with their attendances: the left-behind list and the classes held
    read these."""

    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    classes_held = models.PositiveIntegerField(default=0)
    attendances = models.PositiveIntegerField(default=0)
    last_held_on = models.DateField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="one_class_month")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%m/%Y}"


class CommuneLearningMonth(models.Model):
    """``LearningMonth`` summed over a commune (its villages, its people without a village,
    both sources), kept with it: a province's page reads its hundred communes' rows, not the
    hundred thousands of its villages'."""

    commune = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    group = models.CharField(max_length=20, choices=TargetGroup.choices)
    new_learners = models.PositiveIntegerField(default=0)
    attendances = models.PositiveIntegerField(default=0)
    completions = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "month", "group"], name="one_commune_learning_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.month:%m/%Y} {self.group}"
