"""The upload form every table import uses: its size checked against its kind's limit
before the file is read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocvuso.core.forms import Form
from hocvuso.core.tables.errors import ImportRejected
from hocvuso.core.tables.reading import check_size, check_suffix, limits_for


class ImportForm(Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel hoặc CSV"),
        help_text=gettext_lazy(
            "Dòng đầu là tiêu đề cột theo mẫu. Tệp có dòng sai sẽ không được nhập dòng nào."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
    )

    def __init__(self, *args: Any, kind: str = "units", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            check_suffix(upload.name)
            check_size(upload.size, upload.name, limits_for(self.kind))
        except ImportRejected as exc:
            raise forms.ValidationError([e.message for e in exc.errors]) from None
        if not upload.size:
            raise forms.ValidationError(_("Tệp rỗng: không có dòng nào để nhập."))
        return upload
