from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hocvuso.plans.models import Task


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: object, initial: object = None) -> list[object]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ProgressForm(forms.Form):
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
