"""Communications: campaigns that ask units to publicise the movement, and the outputs —
articles, broadcasts, posts, banners, LED screens, meetings — each unit logs against them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hocvuso.core.models import TimeStampedModel
from hocvuso.core.uploads import UploadPath
from hocvuso.orgunits.models import OrgUnit


class Channel(models.Model):
    """Where an output appears ("Facebook", "Hệ thống loa truyền thanh cơ sở"): an editable
    list. ``domains`` recognise a pasted link's channel from its address."""

    class Family(models.TextChoices):
        PRESS = "press", _("Báo chí, phát thanh, truyền hình")
        PORTAL = "portal", _("Cổng, trang thông tin điện tử")
        SOCIAL = "social", _("Mạng xã hội")
        GRASSROOTS = "grassroots", _("Truyền thanh cơ sở")
        VISUAL = "visual", _("Cổ động trực quan")
        MEETING = "meeting", _("Hội nghị, lớp, sinh hoạt")
        OTHER = "other", _("Khác")

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    family = models.CharField(_("nhóm kênh"), max_length=20, choices=Family.choices)
    # One address per line ("facebook.com", "fb.watch"): a link on it or any of its
    # subdomains is this channel's; the longest match wins ("gov.vn" < "baochinhphu.vn").
    domains = models.TextField(_("tên miền"), blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("kênh truyền thông")
        verbose_name_plural = _("kênh truyền thông")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_visual(self) -> bool:
        """Banners, posters, panels and LED screens: a photo and a count, shown in the
        gallery."""
        return self.family == self.Family.VISUAL

    def domain_list(self) -> list[str]:
        return [d.strip().lower() for d in self.domains.split() if d.strip()]


class OutputKind(models.TextChoices):
    NEWS = "news", _("Tin")
    ARTICLE = "article", _("Bài viết")
    FEATURE = "feature", _("Phóng sự, ký sự")
    VIDEO = "video", _("Video, clip")
    LIVESTREAM = "livestream", _("Phát trực tiếp")
    POST = "post", _("Bài đăng")
    BROADCAST = "broadcast", _("Phát thanh, phát sóng")
    BANNER = "banner", _("Băng-rôn, pa-nô, áp phích")
    SCREEN = "screen", _("Trình chiếu màn hình LED")
    MEETING = "meeting", _("Buổi tuyên truyền, hội nghị")
    OTHER = "other", _("Khác")


class Campaign(TimeStampedModel):
    """A communications campaign: what to publicise, when, with which hashtags and messages,
    and which units must (``CampaignTarget``), with what they are expected to produce."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        PUBLISHED = "published", _("Đã ban hành")

    owner = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị chủ trì"),
        on_delete=models.PROTECT,
        related_name="communication_campaigns",
    )
    title = models.CharField(_("tên chiến dịch"), max_length=300)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    # Space-separated, each with its "#": "#BinhDanHocVuSo #ChuyenDoiSo".
    hashtags = models.CharField(_("hashtag"), max_length=300, blank=True)
    key_messages = models.TextField(_("thông điệp chính"), max_length=4000, blank=True)
    slogans = models.TextField(_("khẩu hiệu"), max_length=4000, blank=True)
    description = models.TextField(_("nội dung"), max_length=8000, blank=True)
    activity = models.ForeignKey(
        "plans.Activity",
        verbose_name=_("hoạt động của kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="communication_campaigns",
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("sự kiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="communication_campaigns",
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # The public page lists the campaign's outputs (links, titles, units; nobody's name).
    is_public = models.BooleanField(_("công khai trang chiến dịch"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("chiến dịch truyền thông")
        verbose_name_plural = _("chiến dịch truyền thông")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="communication_campaign_window",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def hashtag_list(self) -> list[str]:
        return [h for h in self.hashtags.split() if h]


class CampaignResource(models.Model):
    """Material units should use: a link or a file (a poster's artwork, a video)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(_("tên tài liệu"), max_length=300)
    url = models.URLField(_("đường dẫn"), max_length=500, blank=True)
    file = models.FileField(_("tệp"), upload_to=UploadPath("evidence"), max_length=255, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tài liệu tuyên truyền")
        verbose_name_plural = _("tài liệu tuyên truyền")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class CampaignTarget(models.Model):
    """Who a campaign addresses: every unit of a kind ("every commune", "the press"), every
    unit of a group ("the telecoms"), or one unit — within the owner's province. Exactly one
    of the three is set."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    unit_kind = models.CharField(_("loại đơn vị"), max_length=20, blank=True)
    group = models.ForeignKey(
        "orgunits.UnitGroup",
        verbose_name=_("nhóm đơn vị"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("đơn vị được giao")
        verbose_name_plural = _("đơn vị được giao")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(~models.Q(unit_kind=""), group__isnull=True, unit__isnull=True)
                    | models.Q(unit_kind="", group__isnull=False, unit__isnull=True)
                    | models.Q(unit_kind="", group__isnull=True, unit__isnull=False)
                ),
                name="communication_target_one_of",
            )
        ]

    def __str__(self) -> str:
        if self.unit_id:
            return str(self.unit)
        if self.group_id:
            return str(self.group)
        if self.unit_kind in OrgUnit.Kind.values:
            return str(OrgUnit.Kind(self.unit_kind).label)
        return self.unit_kind


class Expectation(models.Model):
    """What each unit of a target is expected to produce on a channel: "each commune: a
    loudspeaker broadcast weekly", "one banner at the commune hall" (for the window)."""

    class Per(models.TextChoices):
        WINDOW = "window", _("cả đợt")
        MONTH = "month", _("mỗi tháng")
        WEEK = "week", _("mỗi tuần")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="expectations")
    target = models.ForeignKey(
        CampaignTarget, on_delete=models.CASCADE, related_name="expectations"
    )
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("số lượng"))
    per = models.CharField(_("mỗi"), max_length=10, choices=Per.choices, default=Per.WINDOW)

    class Meta:
        verbose_name = _("chỉ tiêu sản phẩm")
        verbose_name_plural = _("chỉ tiêu sản phẩm")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "channel"], name="one_expectation_per_target_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.quantity} / {self.get_per_display()}"


class AssignedUnit(models.Model):
    """A unit a campaign addresses, resolved from its targets when they change: the silent
    units and the unit-by-channel page read this, not the targets."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assigned")
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="one_assignment_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} → {self.unit_id}"


class Output(TimeStampedModel):
    """One communication output a unit logs: an article, a broadcast, a post, 12 banners.
    Its id may be made on a phone, so a retried send never logs it twice."""

    class Via(models.TextChoices):
        FORM = "form", _("Nhập trên trang")
        PHONE = "phone", _("Gửi từ điện thoại")
        IMPORT = "import", _("Nhập từ tệp Excel")
        API = "api", _("API")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("chiến dịch"), on_delete=models.CASCADE, related_name="outputs"
    )
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.ForeignKey(
        Channel, verbose_name=_("kênh"), on_delete=models.PROTECT, related_name="outputs"
    )
    kind = models.CharField(_("loại sản phẩm"), max_length=20, choices=OutputKind.choices)
    title = models.CharField(_("tiêu đề, nội dung"), max_length=300)
    url = models.URLField(_("đường dẫn"), max_length=500, blank=True)
    # The address without scheme, "www.", tracking parameters or trailing slash: two links
    # to one article are one output.
    url_key = models.CharField(max_length=500, blank=True, editable=False)
    published_on = models.DateField(_("ngày đăng, phát"))
    quantity = models.PositiveIntegerField(_("số lượng"), default=1)
    views = models.PositiveIntegerField(_("lượt xem"), null=True, blank=True)
    shares = models.PositiveIntegerField(_("lượt chia sẻ"), null=True, blank=True)
    attendees = models.PositiveIntegerField(_("người tham dự"), null=True, blank=True)
    hashtag_used = models.BooleanField(_("có dùng hashtag của chiến dịch"), default=False)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    # Hidden by the campaign's owner from its public page (still counted).
    hidden = models.BooleanField(_("ẩn khỏi trang công khai"), default=False)
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.FORM, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.ForeignKey(
        "OutputImport", null=True, blank=True, on_delete=models.CASCADE, related_name="outputs"
    )
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("sản phẩm truyền thông")
        verbose_name_plural = _("sản phẩm truyền thông")
        ordering = ["-published_on", "-created_at"]
        indexes = [
            # The unit × channel page and the silent units: a campaign's window, by unit.
            models.Index(
                fields=["campaign", "published_on", "unit", "channel"], name="output_window"
            ),
            models.Index(fields=["unit", "published_on"], name="output_unit_day"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["url_key"],
                condition=~models.Q(url_key=""),
                name="one_output_per_link",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1) & models.Q(quantity__lte=100_000),
                name="output_quantity_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class OutputTally(models.Model):
    """A campaign's outputs of one unit on one channel over the whole window, kept by the
    services that write outputs in the same transaction: the owner's board reads 20,000 of
    these instead of aggregating 200,000 outputs (a narrower window reads the outputs)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    outputs = models.IntegerField(default=0)
    quantity = models.BigIntegerField(default=0)
    hashtag = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "channel"], name="one_tally_per_unit_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.unit_id}/{self.channel_id}: {self.outputs}"


class OutputPhoto(models.Model):
    """A photo of a banner or an LED screen, or a screenshot of a post."""

    output = models.ForeignKey(Output, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("ảnh"), upload_to=UploadPath("photo"), max_length=255)
    # A JPEG of at most 480 px a side, for the lists and the gallery on a slow phone.
    thumbnail = models.FileField(
        _("ảnh thu nhỏ"), upload_to=UploadPath("photo"), max_length=255, blank=True
    )
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ảnh minh chứng")
        verbose_name_plural = _("ảnh minh chứng")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class OutputImport(models.Model):
    """A unit's monthly Excel report of outputs, imported all or nothing; the same file
    twice is refused by its SHA-256."""

    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    rows = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp báo cáo tin bài")
        verbose_name_plural = _("tệp báo cáo tin bài")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
