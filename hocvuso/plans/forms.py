from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from hocvuso.core.forms import Form, ModelForm
from hocvuso.plans.models import Task
from hocvuso.plans.selectors import NO_ACTIVITY, MatrixColumn


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: object, initial: object = None) -> list[object]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ProgressForm(Form):
    status = forms.ChoiceField(label=_("Trạng thái"), choices=Task.Status.choices)
    note = forms.CharField(
        label=_("Đã làm được gì"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    files = MultipleFileField(
        label=_("Minh chứng (ảnh, PDF, Word, Excel; tối đa 5 tệp, mỗi tệp 10 MB)"),
        required=False,
    )


class PlanImportForm(Form):
    file = forms.FileField(
        label=_("Tệp kế hoạch"),
        help_text=_("Word (.docx), PDF có lớp chữ, hoặc .txt; tối đa 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,.txt"}),
    )
    issuing_unit = forms.ModelChoiceField(label=_("Đơn vị ban hành"), queryset=None)

    def __init__(self, *args: object, units: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = units
        # The user's own top unit (the province for a provincial coordinator) is the usual
        # issuer; units below stay selectable.
        self.fields["issuing_unit"].initial = units.first()


class DuplicateImportForm(Form):
    """The import page's answer to "this document is already a plan": create another anyway."""

    confirm_duplicate = forms.BooleanField(required=False)


class LinesField(forms.CharField):
    """A list of strings edited as one line each."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: object) -> object:
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: object) -> list[str]:
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class PlanReviewForm(ModelForm):
    purposes = LinesField(label=_("Mục đích (mỗi dòng một ý)"), required=False)
    requirements = LinesField(label=_("Yêu cầu (mỗi dòng một ý)"), required=False)
    recipients = LinesField(label=_("Nơi nhận (mỗi dòng một nơi)"), required=False)

    class Meta:
        from hocvuso.plans.models import Plan

        model = Plan
        fields = [
            "title",
            "kind",
            "issuer_name",
            "number",
            "place",
            "issued_on",
            "purposes",
            "requirements",
            "budget_source",
            "recipients",
            "signer_title",
            "signer_name",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "budget_source": forms.Textarea(attrs={"rows": 2}),
            "signer_title": forms.Textarea(attrs={"rows": 3}),
        }


class DraftTaskForm(Form):
    unit_name = forms.CharField(
        label=_("Đơn vị"),
        max_length=300,
        widget=forms.TextInput(attrs={"list": "unit-names", "autocomplete": "off"}),
    )
    text = forms.CharField(label=_("Nhiệm vụ"), widget=forms.Textarea(attrs={"rows": 2}))
    # Also reads an ISO date-time ("2025-05-08T07:30", as the reader writes a deadline with a
    # time of day): the day goes here, the time to deadline_time unless one is typed there.
    deadline = forms.DateField(
        label=_("Hạn"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deadline_time = forms.TimeField(
        label=_("Giờ hạn (nếu kế hoạch ghi giờ)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("deadline") and cleaned.get("deadline_time") is None:
            cleaned["deadline_time"] = _time_of(self.data.get(self.add_prefix("deadline"), ""))
        if cleaned.get("deadline_time") is not None and not cleaned.get("deadline"):
            self.add_error("deadline_time", _("Giờ hạn cần đi kèm ngày hạn."))
        return cleaned


def _time_of(value: object) -> datetime.time | None:
    """The time of day an ISO date-time gives ("2025-05-08T07:30"), None for a plain date."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        return datetime.datetime.fromisoformat(value.strip()).time()
    except ValueError:
        return None


class TaskFilterForm(Form):
    """The follow-up page's filters, read from the query string (GET)."""

    activity = forms.ChoiceField(label=_("Hoạt động"), required=False)
    unit = forms.CharField(
        label=_("Đơn vị"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("ví dụ: hoa lu")}),
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Mọi trạng thái")), *Task.Status.choices],
    )
    deadline_before = forms.DateField(
        label=_("Hạn đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    overdue = forms.BooleanField(label=_("Chỉ nhiệm vụ quá hạn"), required=False)

    def __init__(self, *args: object, activities: Iterable[MatrixColumn], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [
            ("", _("Mọi hoạt động")),
            *((a.key, Truncator(_numbered(a)).chars(80)) for a in activities),
            (NO_ACTIVITY, _("Không gắn hoạt động")),
        ]


def _numbered(activity: MatrixColumn) -> str:
    return f"{activity.position}. {activity.title}" if activity.position else activity.title


class ActivityReviewForm(ModelForm):
    lead_name = forms.CharField(
        label=_("Đơn vị chủ trì"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"list": "unit-names", "autocomplete": "off"}),
    )

    class Meta:
        from hocvuso.plans.models import Activity

        model = Activity
        fields = ["title", "description", "window_text", "starts_on", "ends_on", "expected_outputs"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expected_outputs": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return cleaned
