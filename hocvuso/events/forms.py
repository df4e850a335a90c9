from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hocvuso.core.forms import Form, ModelForm
from hocvuso.events import selectors
from hocvuso.events.models import (
    AttendanceCategory,
    BridgePoint,
    Delegate,
    Event,
    ProgramItem,
    Quota,
    RegistryEntry,
)
from hocvuso.orgunits.models import OrgUnit, UnitGroup

# datetime-local inputs send "2025-11-08T08:00", which DateTimeField parses as ISO 8601.
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

# --- Managing events


class ServiceModelForm(ModelForm):
    """A model form whose values a service writes: it checks its fields but leaves the
    instance untouched (the service snapshots it for the audit diff, then validates the whole
    row and reports errors back through ``core.forms.attach_errors``)."""

    def _post_clean(self) -> None:
        pass


class EventForm(ServiceModelForm):
    """An event's own fields. The organiser is chosen only when creating (``organisers``)."""

    class Meta:
        model = Event
        fields = [
            "organiser",
            "title",
            "starts_at",
            "ends_at",
            "venue",
            "mode",
            "registration_closes_at",
            "hashtag",
            "plan",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "registration_closes_at": DATETIME_WIDGET,
        }

    def __init__(
        self,
        *args: Any,
        organisers: QuerySet[OrgUnit] | None = None,
        plans: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisers is None:
            del self.fields["organiser"]
        else:
            self.fields["organiser"].queryset = organisers
            self.fields["organiser"].initial = organisers.first()
        self.fields["plan"].queryset = plans

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("Giờ kết thúc phải sau giờ bắt đầu."))
        elif ends and not starts:
            # The start may wait for the day to be fixed; an end alone says nothing.
            self.add_error("ends_at", _("Hãy nhập giờ bắt đầu trước khi nhập giờ kết thúc."))
        return cleaned


class UnitField(forms.CharField):
    """A unit of the event's province typed by its official code or exact name."""

    widget = forms.TextInput(attrs={"autocomplete": "off"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.province: OrgUnit | None = None
        super().__init__(*args, max_length=255, **kwargs)

    def clean(self, value: Any) -> OrgUnit | None:
        text = super().clean(value)
        if not text:
            return None
        unit = selectors.unit_by_code_or_name(self.province, text) if self.province else None
        if unit is None:
            raise forms.ValidationError(
                _("Không tìm thấy đơn vị “%(text)s”: hãy nhập mã đơn vị hoặc đúng tên đầy đủ."),
                params={"text": text},
            )
        return unit


class BridgePointDetailsForm(ServiceModelForm):
    # Meeting links are https; a bare "zoom.us/j/…" is completed with it (Django 6's default).
    link = forms.URLField(label=_("Đường dẫn kết nối"), required=False, assume_scheme="https")

    class Meta:
        model = BridgePoint
        fields = ["chair", "attendees", "room", "link", "contact", "is_main"]
        widgets = {"attendees": forms.Textarea(attrs={"rows": 2})}


class BridgePointForm(BridgePointDetailsForm):
    """Add one bridge point: its host unit by code or name, and its details."""

    host = UnitField(
        label=_("Đơn vị chủ trì điểm cầu"),
        help_text=_("Mã đơn vị (ví dụ 14329) hoặc tên đầy đủ (ví dụ Phường Hoa Lư)."),
    )

    def __init__(self, *args: Any, province: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].province = province
        self.order_fields(["host"])


class BulkBridgePointsForm(Form):
    """Invite many units at once, from one of the sets ceremonies are made for."""

    ALL_COMMUNES = "communes"
    VILLAGES = "villages"
    GROUP = "group"
    AGENCIES = "agencies"

    source = forms.ChoiceField(
        label=_("Mời làm điểm cầu"),
        widget=forms.RadioSelect,
        choices=[
            (ALL_COMMUNES, _("Tất cả xã, phường của tỉnh")),
            (VILLAGES, _("Các thôn, tổ dân phố thuộc các xã đã chọn")),
            (GROUP, _("Các đơn vị trong nhóm")),
            (AGENCIES, _("Các sở, ban, ngành")),
        ],
    )
    communes = forms.ModelMultipleChoiceField(
        label=_("Xã, phường (để trống: tất cả)"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    group = forms.ModelChoiceField(
        label=_("Nhóm đơn vị"), queryset=UnitGroup.objects.order_by("name"), required=False
    )

    def __init__(self, *args: Any, province: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.province = province
        self.fields["communes"].queryset = selectors.communes_of(province)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("source") == self.GROUP and not cleaned.get("group"):
            self.add_error("group", _("Hãy chọn nhóm đơn vị."))
        return cleaned

    def hosts(self) -> QuerySet[OrgUnit]:
        """The units the chosen option stands for."""
        source = self.cleaned_data["source"]
        if source == self.ALL_COMMUNES:
            return selectors.communes_of(self.province)
        if source == self.VILLAGES:
            communes = self.cleaned_data["communes"] or selectors.communes_of(self.province)
            return selectors.villages_under(list(communes))
        if source == self.GROUP:
            return selectors.members_of(self.cleaned_data["group"], self.province)
        return selectors.agencies_of(self.province)


class BridgePointFilterForm(Form):
    """The bridge-point list's filters, read from the query string (GET)."""

    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Mọi trạng thái")), *BridgePoint.Status.choices],
    )
    host = forms.CharField(
        label=_("Đơn vị"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("ví dụ: hoa lu")}),
    )


class ProgramItemForm(ServiceModelForm):
    class Meta:
        model = ProgramItem
        fields = ["title", "presenter", "duration_minutes", "min_minutes", "cap_minutes"]
        widgets = {
            "duration_minutes": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "min_minutes": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "cap_minutes": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        }


class QuotaForm(ServiceModelForm):
    """A mobilised group; its responsible unit typed by code or name. ``quotas`` are the
    event's quotas, already fetched, offered as parents (no query per form on a page that
    shows one form per quota)."""

    parent = forms.TypedChoiceField(
        label=_("Thuộc nhóm"), required=False, coerce=int, empty_value=None
    )
    responsible = UnitField(
        label=_("Đơn vị phụ trách"),
        required=False,
        help_text=_("Mã hoặc tên đầy đủ; để trống nếu không giao cho đơn vị nào."),
    )

    class Meta:
        model = Quota
        fields = ["group", "count", "count_unit", "parent", "responsible"]

    def __init__(self, *args: Any, quotas: list[Quota], province: OrgUnit, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is not None and instance.responsible is not None:
            kwargs.setdefault("initial", {})["responsible"] = (
                instance.responsible.code or instance.responsible.name
            )
        super().__init__(*args, **kwargs)
        self.fields["responsible"].province = province
        # People unless told otherwise ("10 tổ" counts teams).
        self.fields["count_unit"].required = False
        self.parents = {q.pk: q for q in quotas if instance is None or q.pk != instance.pk}
        self.fields["parent"].choices = [
            ("", _("(nhóm cấp trên cùng)")),
            *((pk, q.group) for pk, q in self.parents.items()),
        ]

    def clean_count_unit(self) -> str:
        return self.cleaned_data.get("count_unit") or Quota.CountUnit.PEOPLE

    def clean_parent(self) -> Quota | None:
        pk = self.cleaned_data.get("parent")
        return self.parents.get(pk) if pk else None


# --- Delegates, attendee names and side registries


class DelegateForm(ServiceModelForm):
    """A delegate; their unit, when in the system, typed by code or name."""

    unit = UnitField(
        label=_("Đơn vị trong hệ thống"),
        required=False,
        help_text=_("Mã hoặc tên đầy đủ; để trống với khách mời ngoài tỉnh."),
    )

    class Meta:
        model = Delegate
        fields = ["category", "name", "position", "unit", "rsvp"]

    def __init__(self, *args: Any, province: OrgUnit, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is not None and instance.unit is not None:
            kwargs.setdefault("initial", {})["unit"] = instance.unit.code or instance.unit.name
        super().__init__(*args, **kwargs)
        self.fields["unit"].province = province


class RegistryEntryForm(ServiceModelForm):
    """A line of one side registry; the labels say what each field means for that kind."""

    unit = UnitField(label=_("Đơn vị trong hệ thống"), required=False)

    LABELS = {
        RegistryEntry.Kind.BOOTH: {
            "participant": _("Doanh nghiệp, đơn vị trưng bày"),
            "description": _("Sản phẩm, giải pháp trải nghiệm"),
            "quantity": _("Số gian hàng"),
        },
        RegistryEntry.Kind.PARADE: {
            "participant": _("Đơn vị tham gia diễu hành"),
            "description": _("Loại xe, nội dung khẩu hiệu"),
            "quantity": _("Số xe"),
        },
        RegistryEntry.Kind.SIGNING: {
            "participant": _("Bên thứ nhất"),
            "partner": _("Bên thứ hai"),
            "description": _("Nội dung hợp tác"),
        },
    }

    class Meta:
        model = RegistryEntry
        fields = ["participant", "unit", "partner", "description", "quantity", "contact"]
        widgets = {"quantity": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"})}

    def __init__(self, *args: Any, kind: str, province: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["unit"].province = province
        if kind != RegistryEntry.Kind.SIGNING:
            del self.fields["partner"]
        else:
            del self.fields["quantity"]
        for name, label in self.LABELS[kind].items():
            self.fields[name].label = label


# --- Live: the bridge-point screen


class AttendanceForm(Form):
    """People at a bridge point by category. ``submission_id`` is made when the form is shown,
    so a double click or a resend after a timeout counts once."""

    submission_id = forms.UUIDField(widget=forms.HiddenInput)
    field = forms.ChoiceField(
        choices=[("expected", "expected"), ("actual", "actual")], widget=forms.HiddenInput
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for value, label in AttendanceCategory.choices:
            self.fields[value] = forms.IntegerField(
                label=label,
                min_value=0,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            )

    def counts(self) -> dict[str, int]:
        return {
            value: self.cleaned_data[value]
            for value in AttendanceCategory.values
            if self.cleaned_data.get(value) is not None
        }


class TroubleForm(Form):
    note = forms.CharField(
        label=_("Sự cố"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("Mất tiếng, mất hình, …")}),
    )


class QuotaRegistrationForm(Form):
    """How many people (or teams) the responsible unit brings for a quota."""

    registered = forms.IntegerField(label=_("Số đăng ký"), min_value=0)
