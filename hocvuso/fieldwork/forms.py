from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hocvuso.core.forms import Form, ModelForm
from hocvuso.fieldwork.models import Team, TeamMember, Visit
from hocvuso.orgunits.models import OrgUnit

MONTH_WIDGET = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (``<input type="month">``), or as MM/YYYY."""

    input_formats = ["%Y-%m", "%m/%Y", "%Y-%m-%d"]
    widget = MONTH_WIDGET


class PeriodForm(Form):
    """The months a coverage page covers, read from the query string. Defaults: this year
    up to this month."""

    start = MonthField(label=_("Từ tháng"), required=False)
    end = MonthField(label=_("Đến tháng"), required=False)

    def period(self) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        start, end = today.replace(month=1, day=1), today.replace(day=1)
        if self.is_valid():
            start = self.cleaned_data["start"] or start
            end = self.cleaned_data["end"] or end
        if end < start:
            start, end = end, start
        return start.replace(day=1), end.replace(day=1)


class TeamForm(Form):
    name = forms.CharField(label=_("Tên tổ"), max_length=200)
    unit = forms.ModelChoiceField(label=_("Địa bàn"), queryset=None)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MemberForm(ModelForm):
    """A team member; their account, when they have one, chosen among the people with a role
    in the team's area, so that they can log visits from their phone."""

    class Meta:
        model = TeamMember
        fields = ["name", "role", "phone", "user"]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})}

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from hocvuso.accounts.models import User

        self.fields["user"].queryset = (
            User.objects.filter(role_assignments__unit__path__startswith=team.unit.path)
            .distinct()
            .order_by("full_name")
        )
        self.fields["user"].required = False


class VisitFilterForm(Form):
    start = forms.DateField(
        label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    team = forms.ModelChoiceField(label=_("Tổ"), queryset=None, required=False)
    outcome = forms.ChoiceField(
        label=_("Kết quả"),
        required=False,
        choices=[("", _("Tất cả")), *Visit.Outcome.choices],
    )

    def __init__(self, *args: Any, unit: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(unit__path__startswith=unit.path)

    def filters(self) -> dict[str, Any]:
        """The valid filters; a bad value is shown on the form and left out."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}
