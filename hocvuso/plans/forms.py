from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from hocvuso.core.forms import Form, ModelForm
from hocvuso.plans.importer.extract import MAX_TEXT_CHARS
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
        help_text=_("Word (.docx), PDF có lớp chữ, .txt, .md hoặc .html; tối đa 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,.txt,.md,.html,.htm"}),
        required=False,
    )
    text = forms.CharField(
        label=_("Hoặc dán nội dung văn bản"),
        help_text=_(
            "Dán toàn bộ văn bản kế hoạch (chép từ Word, PDF hay trang web) nếu không có tệp."
        ),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        # The reader's own limit, checked by the form before anything is read.
        max_length=MAX_TEXT_CHARS,
        error_messages={
            "max_length": _(
                "Văn bản dán quá dài để đọc thành một kế hoạch (quá %(limit_value)s ký tự); "
                "hãy dán riêng văn bản kế hoạch."
            )
        },
    )
    issuing_unit = forms.ModelChoiceField(label=_("Đơn vị ban hành"), queryset=None)

    def __init__(self, *args: object, units: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = units
        # The user's own top unit (the province for a provincial coordinator) is the usual
        # issuer; units below stay selectable.
        self.fields["issuing_unit"].initial = units.first()

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("text") and not self.has_error("text"):
            raise forms.ValidationError(
                _("Hãy chọn tệp kế hoạch hoặc dán nội dung văn bản."), code="required"
            )
        return cleaned


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
    deadline = forms.DateField(
        label=_("Hạn"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


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
