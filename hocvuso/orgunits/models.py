from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from hocvuso.core.models import TimeStampedModel
from hocvuso.core.tables import fold


class UnitGroup(TimeStampedModel):
    """A named set of units that plans address together ("Sở, ban, ngành", "DN viễn thông")."""

    name = models.CharField(_("tên nhóm"), max_length=150, unique=True)
    slug = models.SlugField(_("mã nhóm"), max_length=80, unique=True)
    description = models.TextField(_("mô tả"), blank=True)
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False)

    class Meta:
        verbose_name = _("nhóm đơn vị")
        verbose_name_plural = _("nhóm đơn vị")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrgUnit(MP_Node, TimeStampedModel):
    """A node of the unit tree: territorial (province → … → village) or an organisation.

    The tree is a materialised path (treebeard ``MP_Node``): ``path`` is the chain of 4-character
    steps from the root, so a subtree is ``path LIKE 'prefix%'`` and the ancestors are
    ``path IN (prefixes)`` — one SQL query each on SQLite and PostgreSQL, at any depth.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/Thành phố")
        DISTRICT = "district", _("Huyện/Quận/Thị xã")
        COMMUNE = "commune", _("Xã/Phường/Đặc khu")
        VILLAGE = "village", _("Thôn/Bản/Tổ dân phố")
        AGENCY = "agency", _("Cơ quan, sở, ban, ngành")
        UNION = "union", _("Đoàn thể, hội")
        SCHOOL = "school", _("Trường học")
        PRESS = "press", _("Cơ quan báo chí")
        ENTERPRISE = "enterprise", _("Doanh nghiệp")
        OTHER = "other", _("Khác")

    TERRITORIAL = (Kind.PROVINCE, Kind.DISTRICT, Kind.COMMUNE, Kind.VILLAGE)

    steplen = 4

    name = models.CharField(_("tên đơn vị"), max_length=255)
    kind = models.CharField(_("loại đơn vị"), max_length=20, choices=Kind.choices)
    # Official division code where one exists (e.g. "37" Ninh Bình, "14374" a ward); null, not
    # blank, when absent so that uniqueness applies only to real codes.
    code = models.CharField(_("mã đơn vị"), max_length=40, null=True, blank=True, unique=True)
    short_name = models.CharField(_("tên ngắn"), max_length=120, blank=True)
    abbreviation = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    groups = models.ManyToManyField(
        UnitGroup, verbose_name=_("nhóm"), blank=True, related_name="units"
    )
    search_text = models.CharField(max_length=600, editable=False, db_index=True)
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        indexes = [
            # PostgreSQL uses this for ``path LIKE 'x%'`` under any collation; SQLite ignores
            # the operator class and uses the plain index.
            models.Index(
                fields=["path"], name="orgunit_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgunits:detail", args=[self.pk])

    def refresh_search_text(self) -> None:
        """Recompute the folded text that search matches; call before every save."""
        self.search_text = fold(
            " ".join(filter(None, [self.name, self.short_name, self.abbreviation, self.code or ""]))
        )

    @property
    def label(self) -> str:
        return self.abbreviation or self.short_name or self.name

    @property
    def is_territorial(self) -> bool:
        return self.kind in self.TERRITORIAL


# Levels of the territory, top-down: a territorial unit sits only below a higher level.
TERRITORIAL_LEVEL = {
    OrgUnit.Kind.PROVINCE: 1,
    OrgUnit.Kind.DISTRICT: 2,
    OrgUnit.Kind.COMMUNE: 3,
    OrgUnit.Kind.VILLAGE: 4,
}


def kind_fits_under(kind: str, parent_kind: str | None) -> bool:
    """Whether a unit of ``kind`` may sit directly under a unit of ``parent_kind`` (``None``:
    at the root). A territorial unit sits below a higher territorial level — a province only
    at the root — and never under an organisation; an organisation sits anywhere.

    The one rule of the tree's shape: the forms offer only the kinds it allows, and the
    services (forms, imports, the API alike) refuse the others.
    """
    if kind not in TERRITORIAL_LEVEL:
        return True
    if parent_kind is None:
        return kind == OrgUnit.Kind.PROVINCE
    parent_level = TERRITORIAL_LEVEL.get(parent_kind)
    return parent_level is not None and TERRITORIAL_LEVEL[kind] > parent_level


class UnitPopulation(TimeStampedModel):
    """Population figures of one unit for one year: the denominators of coverage."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="populations"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    adults = models.PositiveIntegerField(_("số người trưởng thành"), null=True, blank=True)
    households = models.PositiveIntegerField(_("số hộ gia đình"), null=True, blank=True)
    # The sizes of Plan 01's other groups (its shares' denominators), where the unit has them.
    staff = models.PositiveIntegerField(_("số cán bộ, công chức, viên chức"), null=True, blank=True)
    pupils = models.PositiveIntegerField(_("số học sinh, sinh viên"), null=True, blank=True)
    workers = models.PositiveIntegerField(
        _("số người lao động doanh nghiệp, hợp tác xã"), null=True, blank=True
    )
    source = models.CharField(_("nguồn số liệu"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("số liệu dân số")
        verbose_name_plural = _("số liệu dân số")
        ordering = ["unit", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="population_one_per_unit_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=1900) & models.Q(year__lte=2200),
                name="population_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"
