"""Forms of the learning app's management pages: each checks its fields and hands the values
to a service, which checks the whole row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hocvuso.core.forms import Form, ModelForm
from hocvuso.learning.models import Campaign, ClassSession, Course, Learner, TargetGroup, Topic
from hocvuso.learning.services import PersonInput
from hocvuso.orgunits.models import OrgUnit

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ALL = _("Tất cả")


class ServiceModelForm(ModelForm):
    """Checks the fields only; the service validates the row and reports back by field."""

    def _post_clean(self) -> None:
        pass


class CourseForm(ServiceModelForm):
    target_groups = forms.MultipleChoiceField(
        label=pgettext_lazy("learners", "Đối tượng"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Course
        fields = [
            "owner",
            "title",
            "description",
            "topics",
            "level",
            "hours",
            "target_groups",
            "active",
        ]
        widgets = {
            "title": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "topics": forms.CheckboxSelectMultiple,
        }

    def __init__(
        self,
        *args: Any,
        owners: QuerySet[OrgUnit] | None = None,
        topics: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners
            self.fields["owner"].label_from_instance = lambda unit: unit.name
            del self.fields["active"]
        # A topic taken off the list stays ticked on the courses that have it.
        current = (
            list(self.instance.topics.values_list("pk", flat=True)) if self.instance.pk else []
        )
        self.fields["topics"].queryset = Topic.objects.filter(
            Q(pk__in=topics.values("pk")) | Q(pk__in=current)
        ).order_by("position", "name")
        hours = self.fields["hours"]
        hours.validators += [MinValueValidator(Decimal("0.5")), MaxValueValidator(1000)]
        self.fields["hours"].widget.attrs.update({"min": "0.5", "max": "1000", "step": "0.5"})


class TopicForm(Form):
    name = forms.CharField(label=_("Tên chủ đề"), max_length=200)


class TopicEditForm(Form):
    name = forms.CharField(label=_("Tên chủ đề"), max_length=200)
    active = forms.BooleanField(label=_("Đang dùng"), required=False)


class ClassForm(ServiceModelForm):
    """A class: its course, units, time, place and trainers. The choices are those of the
    person filling it (their units, the courses listed for them, their campaigns)."""

    # Meeting links are https; a bare "zoom.us/j/…" is completed with it (Django 6's default).
    meeting_url = forms.URLField(
        label=_("Đường liên kết phòng họp trực tuyến"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Bắt buộc với lớp trực tuyến hoặc kết hợp."),
    )

    class Meta:
        model = ClassSession
        fields = [
            "course",
            "campaign",
            "organiser",
            "host",
            "venue",
            "mode",
            "meeting_url",
            "starts_at",
            "ends_at",
            "capacity",
            "target_group",
            "trainers",
            "trainer_users",
            "activity",
            "event",
            "for_bridge_points",
        ]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "trainer_users": forms.SelectMultiple(attrs={"size": 4}),
        }
        help_texts = {
            "meeting_url": _("Bắt buộc với lớp trực tuyến hoặc kết hợp."),
            "trainers": _("Tên người giảng, ví dụ: Nguyễn Văn A (Sở KH&CN)."),
            "trainer_users": _("Những tài khoản này được điểm danh lớp."),
            "capacity": _("Để trống nếu không giới hạn."),
        }

    def __init__(self, *args: Any, choices: dict[str, QuerySet[Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in choices.items():
            self.fields[name].queryset = queryset
        for name in ("organiser", "host"):
            self.fields[name].label_from_instance = lambda unit: unit.name
            self.fields[name].empty_label = _("— Chọn đơn vị —")
        self.fields["course"].empty_label = _("— Chọn chương trình —")
        for name in ("campaign", "activity", "event"):
            self.fields[name].empty_label = _("— Không —")
        self.fields["capacity"].widget.attrs.update({"min": "1", "max": "100000"})
        self.fields["capacity"].validators += [MinValueValidator(1), MaxValueValidator(100000)]


class StatusForm(Form):
    status = forms.ChoiceField(label=_("Trạng thái"), choices=ClassSession.Status.choices)


class CampaignForm(ServiceModelForm):
    class Meta:
        model = Campaign
        fields = ["title", "lead", "starts_on", "ends_on", "activity", "description"]
        widgets = {
            "title": forms.TextInput(),
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self,
        *args: Any,
        leads: QuerySet[OrgUnit],
        activities: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads
        self.fields["lead"].label_from_instance = lambda unit: unit.name
        self.fields["activity"].queryset = activities
        self.fields["activity"].empty_label = _("— Không —")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        return cleaned


class EnrolForm(Form):
    """A person added to the roll by hand: the least the roll needs, never an ID number."""

    name = forms.CharField(label=_("Họ và tên"), max_length=100)
    birth_year = forms.IntegerField(
        label=_("Năm sinh"),
        min_value=1900,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    sex = forms.ChoiceField(
        label=_("Giới tính"), required=False, choices=[("", "—"), *Learner.Sex.choices]
    )
    commune = forms.ModelChoiceField(label=_("Xã, phường nơi ở"), queryset=None)
    village = forms.ModelChoiceField(label=_("Thôn, tổ dân phố"), queryset=None, required=False)
    group = forms.ChoiceField(
        label=pgettext_lazy("learners", "Đối tượng"), choices=TargetGroup.choices
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def __init__(
        self, *args: Any, commune: OrgUnit | None, host: OrgUnit | None = None, **kwargs: Any
    ) -> None:
        """``commune``: the class's own (the roll lives there, villages offered); without
        one (a class of the province, online), the person's commune is chosen under
        ``host``."""
        super().__init__(*args, **kwargs)
        self.commune = commune
        villages = OrgUnit.objects.none()
        if commune is not None:
            villages = OrgUnit.objects.filter(
                path__startswith=commune.path, kind=OrgUnit.Kind.VILLAGE
            ).order_by("name")
            del self.fields["commune"]
        else:
            del self.fields["village"]
            self.fields["commune"].queryset = (
                OrgUnit.objects.filter(path__startswith=host.path, kind=OrgUnit.Kind.COMMUNE)
                if host is not None
                else OrgUnit.objects.none()
            ).order_by("name")
            self.fields["commune"].label_from_instance = lambda unit: unit.name
            self.fields["commune"].empty_label = _("— Chọn xã, phường —")
        if "village" in self.fields:
            self.fields["village"].queryset = villages
            self.fields["village"].empty_label = "—"
        self.fields["birth_year"].validators.append(MaxValueValidator(timezone.localdate().year))
        self.fields["birth_year"].widget.attrs["max"] = str(timezone.localdate().year)

    def person(self) -> PersonInput:
        data = self.cleaned_data
        village = data.get("village")
        commune = self.commune or data.get("commune")
        return PersonInput(
            name=data["name"],
            birth_year=data["birth_year"],
            commune_id=commune.pk if commune else None,
            village_id=village.pk if village else None,
            sex=data.get("sex") or "",
            group=data["group"],
            phone=data.get("phone") or "",
        )


class ClassFilterForm(Form):
    """The class list's filters, from the query string; a bad value is shown and left out."""

    WHEN = [("upcoming", _("Sắp tới")), ("past", _("Đã qua")), ("", ALL)]

    when = forms.ChoiceField(label=_("Thời gian"), choices=WHEN, required=False)
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=None, required=False)
    campaign = forms.ModelChoiceField(label=_("Đợt học tập"), queryset=None, required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", ALL), *ClassSession.Status.choices], required=False
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        campaigns: QuerySet[Campaign],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = ALL
        self.fields["unit"].label_from_instance = lambda unit: unit.name
        self.fields["campaign"].queryset = campaigns
        self.fields["campaign"].empty_label = ALL

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {"when": "upcoming"}
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}
