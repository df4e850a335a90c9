"""Door-to-door guidance ("Đi từng ngõ, gõ từng nhà"): community digital teams, their visits,
and the per-village summaries that coverage is read from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hocvuso.core.models import TimeStampedModel


class Service(models.Model):
    """One thing a team guides people on ("Dịch vụ công trực tuyến", "VNeID mức 2"…). The list
    is configurable; a visit stores the services it covered as bits of one integer, so a
    million visits need no join table. ``bit`` never changes once visits use it."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    bit = models.PositiveSmallIntegerField(_("vị trí bit"), unique=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("nội dung hướng dẫn")
        verbose_name_plural = _("nội dung hướng dẫn")
        ordering = ["position", "bit"]
        constraints = [
            models.CheckConstraint(condition=models.Q(bit__lte=62), name="service_bit_fits")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def mask(self) -> int:
        return 1 << self.bit


class Team(TimeStampedModel):
    """A community digital team (Tổ công nghệ số cộng đồng) of a commune or a village."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("địa bàn"),
        on_delete=models.PROTECT,
        related_name="teams",
    )
    name = models.CharField(_("tên tổ"), max_length=200)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("tổ công nghệ số cộng đồng")
        verbose_name_plural = _("tổ công nghệ số cộng đồng")
        ordering = ["unit__path", "name"]

    def __str__(self) -> str:
        return self.name


class TeamMember(TimeStampedModel):
    class Role(models.TextChoices):
        LEADER = "leader", _("Tổ trưởng")
        MEMBER = "member", _("Thành viên")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("họ và tên"), max_length=200)
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team_memberships",
    )
    active = models.BooleanField(_("còn hoạt động"), default=True)

    class Meta:
        verbose_name = _("thành viên tổ")
        verbose_name_plural = _("thành viên tổ")
        ordering = ["team", "role", "name"]

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    """One household visit. Its id is made on the phone that logged it, so a sync retried
    after a dropped connection never creates it twice."""

    class Outcome(models.TextChoices):
        DONE = "done", _("Đã hướng dẫn xong")
        FOLLOW_UP = "follow_up", _("Cần quay lại")

    id = models.UUIDField(primary_key=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="visits")
    # The village (or commune) visited, and its province: every large table keeps its province
    # so it can later be split by province.
    village = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("thôn, tổ dân phố"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    province = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    visited_on = models.DateField(_("ngày"))
    # A house number or a hamlet label, folded ("so 12 ngo 3"); never a national ID number.
    household = models.CharField(_("hộ gia đình"), max_length=100)
    people_guided = models.PositiveSmallIntegerField(_("số người được hướng dẫn"))
    # The equity breakdown, each optional: how many of the people guided.
    aged_60_plus = models.PositiveSmallIntegerField(_("từ 60 tuổi"), null=True, blank=True)
    women = models.PositiveSmallIntegerField(_("nữ"), null=True, blank=True)
    ethnic_minority = models.PositiveSmallIntegerField(
        _("người dân tộc thiểu số"), null=True, blank=True
    )
    disability = models.PositiveSmallIntegerField(_("người khuyết tật"), null=True, blank=True)
    services = models.BigIntegerField(_("nội dung đã hướng dẫn"), default=0)
    members_present = models.JSONField(_("thành viên tham gia"), default=list, blank=True)
    outcome = models.CharField(
        _("kết quả"), max_length=10, choices=Outcome.choices, default=Outcome.DONE
    )
    follow_up_on = models.DateField(_("hẹn quay lại"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lượt hướng dẫn tại nhà")
        verbose_name_plural = _("lượt hướng dẫn tại nhà")
        ordering = ["-visited_on"]
        indexes = [
            models.Index(fields=["village", "visited_on"]),
            models.Index(fields=["team", "visited_on"]),
            models.Index(
                fields=["follow_up_on"],
                condition=models.Q(outcome="follow_up"),
                name="visit_follow_up_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.household}"


class Household(models.Model):
    """A household reached at least once: coverage counts these, not visits."""

    village = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    ref = models.CharField(max_length=100)
    first_visited_on = models.DateField()
    last_visited_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["village", "ref"], name="one_household_per_ref")
        ]
        indexes = [models.Index(fields=["village", "first_visited_on"])]

    def __str__(self) -> str:
        return self.ref


class VillageMonth(models.Model):
    """What happened in one village in one month, recomputed from its visits whenever they
    change: coverage, trends and the left-behind list read these few thousand rows, never
    the million visits."""

    village = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    visits = models.PositiveIntegerField(default=0)
    new_households = models.PositiveIntegerField(default=0)
    people_guided = models.PositiveIntegerField(default=0)
    aged_60_plus = models.PositiveIntegerField(default=0)
    women = models.PositiveIntegerField(default=0)
    ethnic_minority = models.PositiveIntegerField(default=0)
    disability = models.PositiveIntegerField(default=0)
    last_visited_on = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["village", "month"], name="one_summary_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.month:%m/%Y}"


class ServiceMonth(models.Model):
    """Visits and people guided on one service in one village in one month (kept with
    ``VillageMonth``)."""

    village = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    visits = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["village", "month", "service"], name="one_service_summary_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.month:%m/%Y} {self.service_id}"
