from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from hocvuso.core.forms import Form
from hocvuso.core.tables import fold
from hocvuso.core.tables.forms import ImportForm
from hocvuso.orgunits.models import OrgUnit, UnitGroup
from hocvuso.reports.models import DataSet, Indicator
from hocvuso.reports.periods import PeriodType


class TargetForm(Form):
    indicator = forms.ModelChoiceField(label=_("Chỉ tiêu"), queryset=None)
    year = forms.IntegerField(label=_("Năm"), min_value=2020, max_value=2100)
    value = forms.DecimalField(label=_("Chỉ tiêu giao"), max_digits=16, decimal_places=2)

    def __init__(self, *args: Any, indicators: QuerySet[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators.filter(
            value_type__in=["count", "percentage", "number"]
        )
        self.fields["year"].initial = timezone.localdate().year


class DataSetForm(Form):
    """A new periodic form: what is asked, how often, of whom, by when."""

    name = forms.CharField(label=_("Tên biểu mẫu"), max_length=300)
    owner_unit = forms.ModelChoiceField(label=_("Đơn vị giao biểu mẫu"), queryset=None)
    period_type = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=PeriodType.choices)
    window_start = forms.DateField(
        label=_("Đợt bắt đầu (ngày/tháng, với kỳ theo đợt)"),
        required=False,
        input_formats=["%d/%m", "%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("Ví dụ 01/10"),
    )
    window_end = forms.DateField(
        label=_("Đợt kết thúc"),
        required=False,
        input_formats=["%d/%m", "%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("Ví dụ 30/11"),
    )
    deadline_days = forms.IntegerField(
        label=_("Hạn nộp: số ngày sau khi hết kỳ"), min_value=0, max_value=90, initial=5
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Chỉ tiêu trong biểu mẫu"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    required = forms.ModelMultipleChoiceField(
        label=_("Chỉ tiêu bắt buộc nhập"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    assigned_kinds = forms.MultipleChoiceField(
        label=_("Giao cho các đơn vị loại"),
        choices=OrgUnit.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    assigned_groups = forms.ModelMultipleChoiceField(
        label=_("Giao cho các nhóm đơn vị"),
        queryset=UnitGroup.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        indicators: QuerySet[Indicator],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = units
        self.fields["indicators"].queryset = indicators
        self.fields["required"].queryset = indicators.filter(source="").exclude(
            aggregation=Indicator.Aggregation.RATIO
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("period_type") == PeriodType.CAMPAIGN and not (
            data.get("window_start") and data.get("window_end")
        ):
            raise forms.ValidationError(_("Kỳ theo đợt cần ngày bắt đầu và ngày kết thúc đợt."))
        if not data.get("assigned_kinds") and not data.get("assigned_groups"):
            raise forms.ValidationError(_("Hãy chọn loại đơn vị hoặc nhóm đơn vị phải báo cáo."))
        for name in ("window_start", "window_end"):
            day = data.get(name)
            if day is not None:
                # Only the day and month matter; keep a leap year so that 29/02 is valid.
                data[name] = datetime.date(2000, day.month, day.day)
        return data

    def code(self) -> str:
        base = slugify(fold(self.cleaned_data["name"]))[:50] or "bieu-mau"
        code, n = base, 1
        while DataSet.objects.filter(code=code).exists():
            n += 1
            code = f"{base}-{n}"
        return code


class ValuesImportForm(ImportForm):
    """The filled template, within the size the figures' import takes."""

    file = forms.FileField(
        label=_("Tệp số liệu (.xlsx hoặc .csv)"),
        help_text=_("Tệp mẫu tải ở trên, đã điền số liệu."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, kind="values", **kwargs)


class ResultsForm(Form):
    """Which unit and which period the results report covers (choices made by the view)."""

    unit = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int)
    period = forms.ChoiceField(label=_("Kỳ báo cáo"))

    def __init__(
        self,
        *args: Any,
        units: list[tuple[int, str]],
        periods: list[tuple[str, list[tuple[str, str]]]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units
        self.fields["period"].choices = periods
