"""Launch ceremonies and their bridge points (issue 4 groundwork)."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hocvuso.core.models import TimeStampedModel


class Event(TimeStampedModel):
    """A ceremony run in a main hall and at online bridge points ("điểm cầu")."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("Trực tiếp")
        ONLINE = "online", _("Trực tuyến")
        HYBRID = "hybrid", _("Trực tiếp kết hợp trực tuyến")

    title = models.CharField(_("tên sự kiện"), max_length=500)
    organiser = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị tổ chức"),
        on_delete=models.PROTECT,
        related_name="organised_events",
    )
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    # Empty while the plan gives only a window ("trong tuần làm việc thứ 16/2025"): the
    # coordinator sets it when the day is fixed, and is told so on the event page.
    starts_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    ends_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    date_text = models.CharField(_("thời gian (như kế hoạch)"), max_length=300, blank=True)
    window_start = models.DateField(_("dự kiến từ ngày"), null=True, blank=True)
    window_end = models.DateField(_("dự kiến đến ngày"), null=True, blank=True)
    venue = models.CharField(_("địa điểm"), max_length=300, blank=True)
    mode = models.CharField(
        _("hình thức"), max_length=20, choices=Mode.choices, default=Mode.HYBRID
    )
    registration_closes_at = models.DateTimeField(_("hạn đăng ký"), null=True, blank=True)
    hashtag = models.CharField(_("hashtag"), max_length=100, blank=True)
    # The plan's invitee groups: [{"name", "category" (Delegate.Category), "invitees": [...]}].
    delegate_categories = models.JSONField(_("thành phần mời dự"), default=list, blank=True)
    # Per level of bridge point (an OrgUnit.Kind): {"chair", "attendees"}, given to the
    # points invited at that level.
    point_defaults = models.JSONField(_("chủ trì, thành phần theo cấp"), default=dict, blank=True)
    # The launch: every screen flips at ``launch_at`` (server time), a few seconds after the
    # chair pressed, so screens that got the message at different moments flip together.
    launch_at = models.DateTimeField(_("thời điểm khai trương"), null=True, blank=True)
    launched_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_item = models.ForeignKey(
        "ProgramItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = _("sự kiện")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def slot_minutes(self) -> int | None:
        """The slot's length ("từ 8 giờ 00 đến 9 giờ 30": 90), None while either end is unknown."""
        if self.starts_at is None or self.ends_at is None:
            return None
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def registration_closed(self, now: datetime.datetime) -> bool:
        """Whether the cut-off for telling who comes has passed (never, without one)."""
        return self.registration_closes_at is not None and now > self.registration_closes_at

    @property
    def date_to_confirm(self) -> bool:
        """No fixed start yet: the plan gave a window, or nothing."""
        return self.starts_at is None


def new_access_token() -> str:
    return secrets.token_urlsafe(24)


class BridgePoint(TimeStampedModel):
    """One place that joins the ceremony, hosted by a unit; opened without an account from a
    secret link that can be revoked."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Đã mời")
        REGISTERED = "registered", _("Đã đăng ký")
        CHECKED_IN = "checked_in", _("Đã có mặt")
        ONLINE = "online", _("Đang kết nối")
        TROUBLE = "trouble", _("Gặp sự cố")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="bridge_points")
    host = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị chủ trì điểm cầu"),
        on_delete=models.PROTECT,
        related_name="bridge_points",
    )
    is_main = models.BooleanField(_("điểm cầu chính"), default=False)
    chair = models.CharField(_("người chủ trì"), max_length=200, blank=True)
    attendees = models.TextField(_("thành phần tham dự"), blank=True)
    room = models.CharField(_("phòng họp, địa chỉ"), max_length=300, blank=True)
    link = models.URLField(_("đường dẫn kết nối"), blank=True)
    contact = models.CharField(_("liên hệ"), max_length=200, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    access_token = models.CharField(max_length=64, unique=True, default=new_access_token)
    trouble_note = models.CharField(_("sự cố"), max_length=300, blank=True)
    checked_in_at = models.DateTimeField(_("có mặt lúc"), null=True, blank=True)
    reported_at = models.DateTimeField(_("báo cáo số người lúc"), null=True, blank=True)
    # The sums of this point's Attendance rows, kept by ``report_attendance`` in the statement
    # that stamps ``reported_at``: the control room totals levels and parent units from 10,000
    # points instead of 70,000 attendance rows (bench/event_tally.py).
    expected_total = models.PositiveIntegerField(default=0, editable=False)
    actual_total = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("điểm cầu")
        verbose_name_plural = _("điểm cầu")
        ordering = ["event", "-is_main", "host__path"]
        constraints = [
            models.UniqueConstraint(fields=["event", "host"], name="one_bridge_point_per_unit")
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.host_id}"


class AttendanceCategory(models.TextChoices):
    LEADERS = "leaders", _("Lãnh đạo")
    OFFICIALS = "officials", _("Cán bộ, công chức, viên chức")
    UNION_MEMBERS = "union_members", _("Đoàn viên, hội viên")
    STUDENTS = "students", _("Học sinh, sinh viên")
    RESIDENTS = "residents", _("Người dân")
    TEAM_MEMBERS = "team_members", _("Thành viên Tổ công nghệ số")
    OTHER = "other", _("Khác")


class Attendance(models.Model):
    """Expected (before the cut-off) and actual (on the day) people at a bridge point, by
    category. One row per point and category: a tally is a sum over rows, never over
    submissions."""

    bridge_point = models.ForeignKey(
        BridgePoint, on_delete=models.CASCADE, related_name="attendance"
    )
    category = models.CharField(_("thành phần"), max_length=20, choices=AttendanceCategory.choices)
    expected = models.PositiveIntegerField(_("dự kiến"), default=0)
    actual = models.PositiveIntegerField(_("thực tế"), null=True, blank=True)

    class Meta:
        verbose_name = _("số người dự")
        verbose_name_plural = _("số người dự")
        constraints = [
            models.UniqueConstraint(
                fields=["bridge_point", "category"], name="one_attendance_row_per_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bridge_point_id} {self.category}"


class AttendanceSubmission(models.Model):
    """Each submission's client-made id, so a retried or double-clicked one counts once."""

    id = models.UUIDField(primary_key=True)
    bridge_point = models.ForeignKey(BridgePoint, on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.id)


class Quota(models.Model):
    """A mobilised group and how many people (or teams) it brings ("Khối học sinh, sinh
    viên: 200"), with sub-groups as children, and how many its responsible unit registered
    for it."""

    class CountUnit(models.TextChoices):
        PEOPLE = "people", _("người")
        TEAMS = "teams", _("tổ")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="quotas")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveSmallIntegerField(default=0)
    group = models.CharField(_("lực lượng"), max_length=300)
    count = models.PositiveIntegerField(_("số người"))
    count_unit = models.CharField(
        _("đơn vị tính"), max_length=10, choices=CountUnit.choices, default=CountUnit.PEOPLE
    )
    # What the responsible unit registered for this quota; None until it does.
    registered = models.PositiveIntegerField(_("số đã đăng ký"), null=True, blank=True)
    registered_at = models.DateTimeField(_("đăng ký lúc"), null=True, blank=True)
    responsible = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị phụ trách"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("chỉ tiêu huy động")
        verbose_name_plural = _("chỉ tiêu huy động")
        ordering = ["event", "parent_id", "position"]

    def __str__(self) -> str:
        return f"{self.group}: {self.count}"


class ProgramItem(models.Model):
    """One item of the run-of-show, with its time cap when the plan sets one."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="program")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("nội dung"), max_length=500)
    presenter = models.CharField(_("người thực hiện"), max_length=200, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("thời lượng (phút)"), null=True, blank=True
    )
    min_minutes = models.PositiveSmallIntegerField(_("tối thiểu (phút)"), null=True, blank=True)
    cap_minutes = models.PositiveSmallIntegerField(_("tối đa (phút)"), null=True, blank=True)
    started_at = models.DateTimeField(_("bắt đầu thực tế"), null=True, blank=True)
    ended_at = models.DateTimeField(_("kết thúc thực tế"), null=True, blank=True)

    class Meta:
        verbose_name = _("mục chương trình")
        verbose_name_plural = _("chương trình")
        ordering = ["event", "position"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        low, high = self.min_minutes, self.cap_minutes
        if low is not None and high is not None and low > high:
            raise ValidationError(
                {"min_minutes": _("Thời lượng tối thiểu không được lớn hơn tối đa.")}
            )


# --- Delegates, attendee names and side registries


class Delegate(TimeStampedModel):
    """A person invited to the main hall by name ("đại biểu"), by category, who answers the
    invitation (RSVP) from a secret link of their own or through the organiser."""

    class Category(models.TextChoices):
        CENTRAL = "central", _("Lãnh đạo Trung ương")
        PROVINCE = "province", _("Lãnh đạo tỉnh")
        AGENCY = "agency", _("Sở, ban, ngành, đoàn thể")
        LOCAL = "local", _("Lãnh đạo cấp xã")
        ENTERPRISE = "enterprise", _("Doanh nghiệp")
        PRESS = "press", _("Cơ quan báo chí")
        OTHER = "other", _("Khách mời khác")

    class Rsvp(models.TextChoices):
        PENDING = "pending", _("Chưa trả lời")
        ACCEPTED = "accepted", _("Tham dự")
        DECLINED = "declined", _("Không tham dự")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="delegates")
    category = models.CharField(_("thành phần"), max_length=20, choices=Category.choices)
    name = models.CharField(_("họ và tên"), max_length=200)
    position = models.CharField(_("chức vụ, đơn vị"), max_length=300, blank=True)
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rsvp = models.CharField(_("trả lời"), max_length=10, choices=Rsvp.choices, default=Rsvp.PENDING)
    responded_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    rsvp_token = models.CharField(max_length=64, unique=True, default=new_access_token)

    class Meta:
        verbose_name = _("đại biểu")
        verbose_name_plural = _("đại biểu")
        ordering = ["event", "category", "pk"]
        indexes = [models.Index(fields=["event", "category", "rsvp"])]

    def __str__(self) -> str:
        return self.name


class AttendeeName(models.Model):
    """One name on a bridge point's list of attendees, imported from the Excel sheet the
    bridge point keeps. A new import replaces the whole list."""

    bridge_point = models.ForeignKey(
        BridgePoint, on_delete=models.CASCADE, related_name="attendee_names"
    )
    line = models.PositiveIntegerField(_("dòng"))
    name = models.CharField(_("họ và tên"), max_length=200)
    category = models.CharField(
        _("thành phần"), max_length=20, choices=AttendanceCategory.choices, blank=True
    )
    position = models.CharField(_("chức vụ, đơn vị"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("người dự")
        verbose_name_plural = _("danh sách người dự")
        ordering = ["bridge_point", "line"]

    def __str__(self) -> str:
        return self.name


class RegistryEntry(TimeStampedModel):
    """A line of one of the ceremony's side registries: an experience booth, a unit's parade
    vehicles, a cooperation agreement to be signed. One model for the three: each is a
    participant, what they bring, and how many."""

    class Kind(models.TextChoices):
        BOOTH = "booth", _("Gian hàng trải nghiệm")
        PARADE = "parade", _("Xe diễu hành")
        SIGNING = "signing", _("Ký kết hợp tác")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registry")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    participant = models.CharField(_("đơn vị, doanh nghiệp"), max_length=300)
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị trong hệ thống"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A booth's products, the vehicles' kind, or what the agreement is about.
    description = models.CharField(_("nội dung"), max_length=500, blank=True)
    # The other party of an agreement.
    partner = models.CharField(_("bên ký kết"), max_length=300, blank=True)
    quantity = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    contact = models.CharField(_("liên hệ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("đăng ký hoạt động bên lề")
        verbose_name_plural = _("hoạt động bên lề")
        ordering = ["event", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.participant}"
