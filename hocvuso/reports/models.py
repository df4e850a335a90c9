"""Indicators, their targets, periodic forms (data sets), the values units report, and the
submissions that climb the tree for approval.

Figures roll up the tree through :class:`Rollup`: for every value, each ancestor of its unit
(and the unit itself) keeps the sum and count of the values in its subtree, recomputed by
``services.refresh_rollups`` in the transaction that writes the values. A pivot at any level
then reads one row per cell instead of scanning a subtree (DHIS2's analytics tables, kept
current instead of rebuilt at night).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hocvuso.core.models import TimeStampedModel
from hocvuso.reports import periods
from hocvuso.reports.periods import PeriodType


class Indicator(TimeStampedModel):
    """A figure the movement is judged on: typed by units in a form, computed from the
    system's own records (``source``), or the ratio of two other indicators."""

    class ValueType(models.TextChoices):
        COUNT = "count", _("Số đếm")
        PERCENTAGE = "percentage", _("Tỷ lệ phần trăm")
        NUMBER = "number", pgettext_lazy("value type", "Số")
        TEXT = "text", _("Văn bản")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Cộng dồn")
        RATIO = "ratio", _("Tỷ số của hai tổng")
        AVERAGE = "average", _("Trung bình")
        NONE = "none", _("Không tổng hợp")

    code = models.SlugField(_("mã chỉ tiêu"), max_length=60, unique=True)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    short_name = models.CharField(_("tên ngắn"), max_length=80, blank=True)
    description = models.TextField(_("giải thích"), blank=True)
    value_type = models.CharField(
        _("kiểu giá trị"), max_length=12, choices=ValueType.choices, default=ValueType.COUNT
    )
    aggregation = models.CharField(
        _("cách tổng hợp lên cấp trên"),
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
    )

    class OverTime(models.TextChoices):
        SUM = "sum", _("Cộng các kỳ (số phát sinh trong kỳ)")
        LAST = "last", _("Lấy kỳ gần nhất (số hiện có)")

    # A count of what happened in a period (classes held) adds up into a longer period; a
    # count of what exists (people with digital skills) does not: a quarter shows its last
    # month's figure (DHIS2's "last value").
    over_time = models.CharField(
        _("gộp nhiều kỳ"), max_length=4, choices=OverTime.choices, default=OverTime.SUM
    )
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    numerator = models.ForeignKey(
        "self",
        verbose_name=_("tử số"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    denominator = models.ForeignKey(
        "self",
        verbose_name=_("mẫu số"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The code of a source in reports.sources.SOURCES; blank when units type the value.
    source = models.CharField(_("tính tự động từ"), max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_builtin = models.BooleanField(_("chỉ tiêu có sẵn"), default=False)
    is_public = models.BooleanField(_("công khai trên trang thống kê"), default=False)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(aggregation="ratio")
                | (models.Q(numerator__isnull=False) & models.Q(denominator__isnull=False)),
                name="indicator_ratio_has_terms",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def is_computed(self) -> bool:
        return bool(self.source) or self.aggregation == self.Aggregation.RATIO

    @property
    def is_numeric(self) -> bool:
        return self.value_type != self.ValueType.TEXT


class Target(models.Model):
    """What ``unit`` should reach on ``indicator`` by the end of ``year``."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("chỉ tiêu giao"), max_digits=16, decimal_places=2)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu giao")
        verbose_name_plural = _("chỉ tiêu giao")
        ordering = ["indicator", "unit", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "year"], name="target_one_per_unit_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.unit} {self.year}: {self.value}"


class DataSet(TimeStampedModel):
    """A periodic form: which indicators, how often, who reports it, and by when."""

    owner_unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị giao biểu mẫu"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.SlugField(_("mã biểu mẫu"), max_length=60, unique=True)
    name = models.CharField(_("tên biểu mẫu"), max_length=300)
    description = models.TextField(_("hướng dẫn"), blank=True)
    period_type = models.CharField(
        _("kỳ báo cáo"), max_length=10, choices=PeriodType.choices, default=PeriodType.MONTHLY
    )
    # A campaign's window, repeated each year (01/10–30/11): month and day of each end.
    window_start = models.DateField(_("đợt bắt đầu (ngày/tháng)"), null=True, blank=True)
    window_end = models.DateField(_("đợt kết thúc (ngày/tháng)"), null=True, blank=True)
    deadline_days = models.PositiveSmallIntegerField(
        _("hạn nộp (số ngày sau khi hết kỳ)"), default=5
    )
    indicators = models.ManyToManyField(
        Indicator, through="DataSetIndicator", related_name="datasets"
    )
    # Assignment: every unit of the owner's subtree of one of these kinds or groups.
    assigned_kinds = models.JSONField(_("giao cho loại đơn vị"), default=list, blank=True)
    assigned_groups = models.ManyToManyField(
        "orgunits.UnitGroup", verbose_name=_("giao cho nhóm đơn vị"), blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("biểu mẫu báo cáo")
        verbose_name_plural = _("biểu mẫu báo cáo")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(period_type="campaign")
                | (models.Q(window_start__isnull=False) & models.Q(window_end__isnull=False)),
                name="dataset_campaign_has_window",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reports:dataset", args=[self.pk])

    @property
    def window(self) -> tuple[tuple[int, int], tuple[int, int]] | None:
        if self.window_start is None or self.window_end is None:
            return None
        return (
            (self.window_start.month, self.window_start.day),
            (self.window_end.month, self.window_end.day),
        )

    def period_of(self, day: datetime.date) -> periods.Period:
        return periods.containing(self.period_type, day, self.window)

    def parse_period(self, key: str) -> periods.Period:
        """The period a key names, if it is one of this form's; PeriodError otherwise."""
        period = periods.parse(key)
        if period.type != self.period_type or (
            self.window
            and period != periods.containing(self.period_type, period.start, self.window)
        ):
            raise periods.PeriodError(key)
        return period

    def deadline(self, period: periods.Period) -> datetime.date:
        return period.end + datetime.timedelta(days=self.deadline_days)


class DataSetIndicator(models.Model):
    dataset = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="members")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    is_required = models.BooleanField(_("bắt buộc"), default=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "indicator"], name="dataset_indicator_once")
        ]

    def __str__(self) -> str:
        return f"{self.dataset}: {self.indicator}"


class ValidationRule(models.Model):
    """A check across the fields of one form: ``left operator right`` ("guided ≤ adults")."""

    class Operator(models.TextChoices):
        LE = "le", "≤"
        LT = "lt", "<"
        EQ = "eq", "="
        GE = "ge", "≥"
        GT = "gt", ">"

    dataset = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="rules")
    left = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    operator = models.CharField(max_length=2, choices=Operator.choices, default=Operator.LE)
    right = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(_("thông báo khi sai"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("quy tắc kiểm tra")
        verbose_name_plural = _("quy tắc kiểm tra")
        ordering = ["dataset", "id"]

    def __str__(self) -> str:
        return f"{self.left.label} {self.get_operator_display()} {self.right.label}"

    def holds(self, left: Decimal, right: Decimal) -> bool:
        return {
            "le": left <= right,
            "lt": left < right,
            "eq": left == right,
            "ge": left >= right,
            "gt": left > right,
        }[self.operator]


class DataValue(models.Model):
    """One unit's figure for one indicator and period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=24)
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "indicator", "period"], name="datavalue_one_per_cell"
            )
        ]
        indexes = [models.Index(fields=["indicator", "period"])]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.unit_id}/{self.period}: {self.value or self.text}"


class Rollup(models.Model):
    """Sum and count of an indicator's values in ``unit``'s subtree (itself included) for one
    period; maintained by services.refresh_rollups, never written elsewhere."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=24)
    period_start = models.DateField()
    period_end = models.DateField()
    total = models.DecimalField(max_digits=20, decimal_places=2)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "indicator", "period"], name="rollup_one_per_cell"
            )
        ]
        indexes = [models.Index(fields=["unit", "indicator", "period_start"])]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.unit_id}/{self.period}: {self.total}"


class Report(TimeStampedModel):
    """A unit's form for one period as a whole: its state on the way up the tree.

    Draft → submitted (awaiting the parent unit) → approved at the parent, then at the next
    ancestor … up to the form's owner unit, where it is final; a reviewer may return it with
    a comment at any step. Values are locked while submitted or approved.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang nhập")
        SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
        RETURNED = "returned", _("Bị trả lại")
        APPROVED = "approved", _("Đã duyệt")

    dataset = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=24)
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The ancestor whose reviewers act next, while submitted.
    awaiting_unit = models.ForeignKey(
        "orgunits.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deadline = models.DateField()
    is_late = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "unit", "period"], name="report_one_per_unit_period"
            )
        ]
        indexes = [models.Index(fields=["dataset", "period", "status"])]

    def __str__(self) -> str:
        return f"{self.dataset} — {self.unit} — {self.period}"

    @property
    def is_locked(self) -> bool:
        return self.status in {self.Status.SUBMITTED, self.Status.APPROVED}

    @property
    def period_obj(self) -> periods.Period:
        return periods.parse(self.period)

    @property
    def period_label(self) -> str:
        return self.period_obj.label


class ReportStep(models.Model):
    """One step of a report's history: submitted, returned (with the reviewer's comment),
    approved at a level, reopened."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Gửi báo cáo")
        RETURN = "return", _("Trả lại")
        APPROVE = "approve", _("Duyệt")
        REOPEN = "reopen", _("Mở lại")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=10, choices=Action.choices)
    at_unit = models.ForeignKey(
        "orgunits.OrgUnit", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"


class Reminder(models.Model):
    """A lateness reminder sent for one report period to one unit: at most one a day."""

    dataset = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=24)
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "unit", "period", "sent_on"], name="report_reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id}/{self.unit_id}/{self.period} {self.sent_on}"
