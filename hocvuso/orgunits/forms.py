from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hocvuso.core.forms import Form
from hocvuso.orgunits.models import OrgUnit, UnitGroup


class UnitForm(Form):
    name = forms.CharField(label=_("Tên đơn vị"), max_length=255)
    kind = forms.ChoiceField(label=_("Loại đơn vị"), choices=OrgUnit.Kind.choices)
    code = forms.CharField(
        label=_("Mã đơn vị"),
        max_length=40,
        required=False,
        help_text=_("Mã hành chính chính thức nếu có; để trống nếu không có."),
    )
    short_name = forms.CharField(label=_("Tên ngắn"), max_length=120, required=False)
    abbreviation = forms.CharField(
        label=_("Tên viết tắt"),
        max_length=60,
        required=False,
        help_text=_("Ví dụ: Sở KH&CN, UBND, MTTQ."),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Nhóm"),
        queryset=UnitGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: object, kinds: Sequence[str], with_groups: bool, **kwargs: object
    ) -> None:
        """``kinds``: the only kinds offered (services.kinds_for_new_unit / kinds_for_unit),
        so any other is "not a valid choice". ``with_groups``: whether the groups are offered
        at all (services.may_shape) — the form never offers what the person may not pick."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = [(k, OrgUnit.Kind(k).label) for k in kinds]
        if not with_groups:
            del self.fields["groups"]

    @classmethod
    def for_unit(
        cls, unit: OrgUnit, data: object = None, *, kinds: Sequence[str], with_groups: bool
    ) -> UnitForm:
        initial = {
            "name": unit.name,
            "kind": unit.kind,
            "code": unit.code or "",
            "short_name": unit.short_name,
            "abbreviation": unit.abbreviation,
            "groups": list(unit.groups.all()),
        }
        form = cls(data=data, initial=initial, kinds=kinds, with_groups=with_groups)
        if len(kinds) == 1:
            # The unit keeps its kind: shown, not chosen (whatever a request says).
            form.fields["kind"].disabled = True
        return form


POPULATION_FIGURES = ("adults", "households", "staff", "pupils", "workers")


class PopulationForm(Form):
    year = forms.IntegerField(label=_("Năm"), min_value=1900, max_value=2200)
    adults = forms.IntegerField(label=_("Số người trưởng thành"), min_value=0, required=False)
    households = forms.IntegerField(label=_("Số hộ gia đình"), min_value=0, required=False)
    staff = forms.IntegerField(
        label=_("Số cán bộ, công chức, viên chức"), min_value=0, required=False
    )
    pupils = forms.IntegerField(label=_("Số học sinh, sinh viên"), min_value=0, required=False)
    workers = forms.IntegerField(
        label=_("Số người lao động doanh nghiệp, hợp tác xã"), min_value=0, required=False
    )
    source = forms.CharField(label=_("Nguồn số liệu"), max_length=200, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["year"].initial = timezone.localdate().year

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if all(data.get(name) is None for name in POPULATION_FIGURES):
            raise forms.ValidationError(
                _("Nhập ít nhất một số liệu: người trưởng thành hoặc số hộ.")
            )
        return data
