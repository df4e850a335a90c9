from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hocvuso.core.models import TimeStampedModel
from hocvuso.core.uploads import UploadPath


class Plan(TimeStampedModel):
    """A signed plan (kế hoạch) or directive, turned into tracked duties when published."""

    class Kind(models.TextChoices):
        LAUNCH_CEREMONY = "launch_ceremony", _("Lễ phát động")
        DX_DAY = "dx_day", _("Ngày Chuyển đổi số quốc gia")
        PROPAGANDA_DIRECTIVE = "propaganda_directive", _("Chỉ đạo tuyên truyền")
        OTHER = "other", _("Khác")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã ban hành")
        CLOSED = "closed", _("Đã kết thúc")

    kind = models.CharField(_("loại kế hoạch"), max_length=30, choices=Kind.choices)
    issuing_unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị ban hành"),
        on_delete=models.PROTECT,
        related_name="issued_plans",
    )
    # The issuer as printed in the header ("ỦY BAN NHÂN DÂN TỈNH NINH BÌNH").
    issuer_name = models.CharField(_("cơ quan ban hành (như văn bản)"), max_length=300, blank=True)
    # Drafts carry an empty number, as printed "Số:     /KH-UBND".
    number = models.CharField(_("số hiệu"), max_length=60, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    title = models.CharField(_("trích yếu"), max_length=500)
    legal_bases = models.JSONField(
        _("căn cứ"),
        default=list,
        blank=True,
        help_text=_("Mỗi văn bản: số, ngày, cơ quan ban hành."),
    )
    purposes = models.JSONField(_("mục đích"), default=list, blank=True)
    requirements = models.JSONField(_("yêu cầu"), default=list, blank=True)
    budget_source = models.TextField(_("kinh phí"), blank=True)
    recipients = models.JSONField(_("nơi nhận"), default=list, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=150, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # Stored under a random name (core.uploads); served only by plans:source_file.
    source_file = models.FileField(
        _("tệp gốc"), upload_to=UploadPath("plan_source"), max_length=255, blank=True
    )
    source_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    source_text = models.TextField(_("văn bản gốc"), blank=True)
    # What the importer read beyond the columns above: period, addressees, legal-basis
    # details and, for ceremonies, the event (venue, bridge points, quotas, programme).
    details = models.JSONField(_("chi tiết"), default=dict, blank=True)
    published_at = models.DateTimeField(_("ban hành trên hệ thống lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Activity(TimeStampedModel):
    """One content item of a plan (nội dung / hoạt động) with its window and units."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    title = models.CharField(_("tên hoạt động"), max_length=500)
    description = models.TextField(_("nội dung"), blank=True)
    starts_on = models.DateField(_("từ ngày"), null=True, blank=True)
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    # The window as written ("Theo kế hoạch của Bộ KH&CN"), kept when it has no dates.
    window_text = models.CharField(_("thời gian (như văn bản)"), max_length=300, blank=True)
    lead_unit_name = models.CharField(_("đơn vị chủ trì (như văn bản)"), max_length=300, blank=True)
    lead_unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị chủ trì"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_activities",
    )
    partner_units = models.ManyToManyField(
        "orgunits.OrgUnit", verbose_name=_("đơn vị phối hợp"), blank=True, related_name="+"
    )
    # Names from the document no unit matched yet ("các doanh nghiệp công nghệ số").
    unmatched_units = models.JSONField(_("đơn vị chưa khớp"), default=list, blank=True)
    expected_outputs = models.TextField(_("sản phẩm dự kiến"), blank=True)

    class Meta:
        verbose_name = _("hoạt động")
        verbose_name_plural = _("hoạt động")
        ordering = ["plan", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="activity_window_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Task(TimeStampedModel):
    """A unit's duty (nhiệm vụ) under a plan, followed until it is done."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa thực hiện")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Đã hoàn thành")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    # Empty only on a draft whose unit name (``unit_name``) has not been matched yet;
    # publishing requires every duty to have a unit.
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    unit_name = models.CharField(_("đơn vị (như văn bản)"), max_length=300, blank=True)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("hoạt động"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = models.TextField(_("nhiệm vụ"))
    deadline = models.DateField(_("hạn"), null=True, blank=True)
    # The time of day on ``deadline`` when the plan gives one ("trước 07 giờ 30 ngày
    # 08/5/2025"), local time (TIME_ZONE); without it the duty is due by the end of that day.
    # See docs/decisions/0011-duty-deadline-time.md.
    deadline_time = models.TimeField(_("giờ hạn"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    done_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["plan", "position", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline_time__isnull=True) | models.Q(deadline__isnull=False),
                name="task_deadline_time_needs_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit or self.unit_name}: {self.text[:60]}"

    def clean(self) -> None:
        if self.deadline_time is not None and self.deadline is None:
            raise ValidationError({"deadline_time": _("Giờ hạn cần đi kèm ngày hạn.")})

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Not done and past its deadline at ``today``: a day (the duty is late from the day
        after its deadline) or, better, a moment (a duty due at 07:30 is late from 07:30:01
        that day); now when not given."""
        if self.status == self.Status.DONE or self.deadline is None:
            return False
        day, time = local_moment(today)
        if self.deadline != day:
            return self.deadline < day
        return time is not None and self.deadline_time is not None and self.deadline_time < time

    def due_at(self) -> datetime.datetime | None:
        """The (aware) moment the duty is late after: the deadline's time of day, local, or
        the end of the deadline's day (the next midnight) when it has none."""
        if self.deadline is None:
            return None
        if self.deadline_time is None:
            moment = datetime.datetime.combine(
                self.deadline + datetime.timedelta(days=1), datetime.time()
            )
        else:
            moment = datetime.datetime.combine(self.deadline, self.deadline_time)
        return timezone.make_aware(moment)

    def deadline_display(self) -> str:
        """The deadline as people write it: "08/05/2025", or "07:30 ngày 08/05/2025"."""
        if self.deadline is None:
            return ""
        day = self.deadline.strftime("%d/%m/%Y")
        if self.deadline_time is None:
            return day
        return _("%(time)s ngày %(date)s") % {
            "time": self.deadline_time.strftime("%H:%M"),
            "date": day,
        }


def local_moment(at: datetime.date | None = None) -> tuple[datetime.date, datetime.time | None]:
    """``at`` as (local day, local time of day): a datetime (aware, else taken as local) gives
    both, a plain date gives no time, None means now."""
    if at is None:
        at = timezone.now()
    if isinstance(at, datetime.datetime):
        local = timezone.localtime(at) if timezone.is_aware(at) else at
        return local.date(), local.time()
    return at, None


def deadline_passed(at: datetime.date | None = None) -> models.Q:
    """Duties whose deadline has passed at ``at`` (as in :meth:`Task.is_overdue`, without
    the status): the query form of that rule, for selectors and reminders."""
    day, time = local_moment(at)
    passed = models.Q(deadline__lt=day)
    if time is not None:
        passed |= models.Q(deadline=day, deadline_time__lt=time)
    return passed


# Soonest first; on the same day a duty with a time of day comes before one due by the
# day's end.
DEADLINE_ORDER = (
    models.F("deadline").asc(nulls_last=True),
    models.F("deadline_time").asc(nulls_last=True),
)


class TaskUpdate(models.Model):
    """A progress report on a duty, with optional evidence files."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    note = models.TextField(_("nội dung báo cáo"))
    status = models.CharField(_("trạng thái"), max_length=20, choices=Task.Status.choices)

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["task", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} @ {self.created_at:%Y-%m-%d}"


class Evidence(models.Model):
    """A file attached to a progress report, stored under a random name (core.uploads) and
    served only by plans:evidence to those who may see the duty."""

    update = models.ForeignKey(TaskUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("tệp minh chứng"), upload_to=UploadPath("evidence"), max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    content_type = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")

    def __str__(self) -> str:
        return self.original_name


class TaskReminder(models.Model):
    """A deadline reminder sent about a duty: at most one per duty, kind and day.

    The unique constraint is what keeps a re-run (or two runs at once) of the reminder job from
    telling a unit twice.
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Sắp đến hạn")
        OVERDUE = "overdue", _("Quá hạn")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("loại nhắc việc"), max_length=20, choices=Kind.choices)
    sent_on = models.DateField(_("ngày gửi"))

    class Meta:
        verbose_name = _("nhắc việc")
        verbose_name_plural = _("nhắc việc")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "kind", "sent_on"], name="task_reminder_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} {self.sent_on}"
