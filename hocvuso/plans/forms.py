from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from hocvuso.core.forms import Form, ModelForm
from hocvuso.core.tables.text import clean_typed
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
        # Cleaned here, line by line: the forms' CleanTextMixin cleans only text values.
        text = super().to_python(value) or ""
        return [line for line in map(clean_typed, text.splitlines()) if line]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodFieldsMixin:
    """The time the whole plan runs, edited as a text and two dates and kept in the plan's
    ``details["period"]`` (docs/plan-import.md): ``cleaned_data["period"]`` for the service."""

    def _init_period(self) -> None:
        self.fields["period_text"] = forms.CharField(
            label=_("Thời gian thực hiện (như văn bản)"),
            max_length=300,
            required=False,
            help_text=_("Để trống: ghi theo hai ngày bên dưới."),
        )
        self.fields["period_start"] = forms.DateField(
            label=_("Thực hiện từ ngày"), required=False, widget=_date_input()
        )
        self.fields["period_end"] = forms.DateField(
            label=_("Đến ngày"), required=False, widget=_date_input()
        )
        instance = getattr(self, "instance", None)
        period = (instance.details.get("period") if instance else None) or {}
        self.initial.setdefault("period_text", period.get("text", ""))
        self.initial.setdefault("period_start", period.get("start"))
        self.initial.setdefault("period_end", period.get("end"))

    def _clean_period(self, cleaned: dict) -> None:
        text = cleaned.pop("period_text", "") or ""
        start, end = cleaned.pop("period_start", None), cleaned.pop("period_end", None)
        if start and end and end < start:
            self.add_error("period_end", _("Ngày kết thúc phải sau ngày bắt đầu."))
            return
        if not text and (start or end):
            text = " ".join(
                part
                for part in (
                    _("từ %(d)s") % {"d": f"{start:%d/%m/%Y}"} if start else "",
                    _("đến %(d)s") % {"d": f"{end:%d/%m/%Y}"} if end else "",
                )
                if part
            )
        cleaned["period"] = {
            "text": text,
            "start": start.isoformat() if start else "",
            "end": end.isoformat() if end else "",
        }


class PlanReviewForm(PeriodFieldsMixin, ModelForm):
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

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._init_period()

    def clean(self) -> dict:
        cleaned = super().clean()
        self._clean_period(cleaned)
        return cleaned


class PlanCreateForm(PeriodFieldsMixin, ModelForm):
    """A plan typed by hand, with no document: it starts as a draft."""

    issuing_unit = forms.ModelChoiceField(
        label=_("Đơn vị ban hành"),
        queryset=None,
        error_messages={
            "invalid_choice": _("Hãy chọn một đơn vị mà bạn được quyền ban hành kế hoạch."),
        },
    )
    purposes = LinesField(label=_("Mục đích (mỗi dòng một ý)"), required=False)
    requirements = LinesField(label=_("Yêu cầu (mỗi dòng một ý)"), required=False)

    class Meta:
        from hocvuso.plans.models import Plan

        model = Plan
        fields = ["title", "kind", "number", "place", "issued_on", "purposes", "requirements"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "issued_on": _date_input(),
        }

    def __init__(self, *args: object, units: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = units
        self.fields["issuing_unit"].initial = units.first()
        self.order_fields(["issuing_unit", "title", "kind"])
        self._init_period()

    def clean(self) -> dict:
        cleaned = super().clean()
        self._clean_period(cleaned)
        return cleaned


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


class NewTaskForm(DraftTaskForm):
    """A duty added by hand: a unit, what it must do, by when, under which activity."""

    activity = forms.TypedChoiceField(
        label=_("Thuộc hoạt động"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: object, activities: Iterable[object], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [
            ("", _("Không gắn hoạt động")),
            *((a.pk, Truncator(f"{a.position}. {a.title}").chars(80)) for a in activities),
        ]


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
