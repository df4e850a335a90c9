"""Forms of the communications app: each parses what a person typed; the services check it
whole and save it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import BoundField
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocvuso.communications.models import Campaign, Channel, Expectation
from hocvuso.core.forms import Form, ModelForm
from hocvuso.core.tables.forms import ImportForm
from hocvuso.orgunits.models import OrgUnit, UnitGroup

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# --- Campaigns (views/campaigns.py)


class CampaignForm(ModelForm):
    """A campaign's fields; the owner only when it is created (a campaign does not move)."""

    class Meta:
        model = Campaign
        fields = [
            "owner",
            "title",
            "starts_on",
            "ends_on",
            "hashtags",
            "key_messages",
            "slogans",
            "description",
            "activity",
            "event",
            "is_public",
        ]
        widgets = {
            "title": forms.TextInput(),
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "hashtags": forms.TextInput(attrs={"placeholder": "#BinhDanHocVuSo #ChuyenDoiSo"}),
            "key_messages": forms.Textarea(attrs={"rows": 3}),
            "slogans": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "hashtags": gettext_lazy("Cách nhau bằng dấu cách hoặc dấu phẩy."),
            "key_messages": gettext_lazy("Mỗi thông điệp một dòng."),
            "slogans": gettext_lazy("Mỗi khẩu hiệu một dòng."),
            "is_public": gettext_lazy(
                "Trang công khai liệt kê tin bài đã đăng (đường dẫn, tiêu đề, đơn vị; "
                "không có tên người)."
            ),
        }

    def __init__(
        self,
        *args: Any,
        owners: QuerySet[OrgUnit] | None,
        activities: QuerySet[Any],
        events: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners
            self.fields["owner"].label_from_instance = lambda unit: unit.name
            self.fields["owner"].empty_label = _("— Chọn đơn vị —")
        self.fields["activity"].queryset = activities
        self.fields["event"].queryset = events
        for name in ("activity", "event"):
            self.fields[name].empty_label = _("— Không —")
            self.fields[name].label_from_instance = lambda obj: str(obj)[:120]

    def _post_clean(self) -> None:
        # The service checks the whole campaign (window, hashtags) and answers by field.
        pass

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        return cleaned


# The kinds a campaign addresses "every … of the province" by, in the order people think of
# them; the province itself is no one's target.
TARGET_KINDS = [k for k in OrgUnit.Kind if k != OrgUnit.Kind.PROVINCE]
MAX_EXPECTATION_ROWS = 15


@dataclass
class TargetBlock:
    """One addressee of the editor: whom, and its expected outputs by channel."""

    index: int
    whom: BoundField
    rows: list[tuple[BoundField, BoundField, BoundField]]


class TargetsForm(Form):
    """Whom a campaign addresses and what each is expected to produce, on one page a phone
    can fill: a block per addressee (a kind of unit, a group or one unit), each with a few
    channel rows (how many, per window, month or week). A block set to "— none —" is
    removed; rows with no channel are ignored."""

    blocks = forms.IntegerField(min_value=1, max_value=60, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        shape: Sequence[int],
        groups: Iterable[UnitGroup],
        units: Iterable[OrgUnit],
        channels: Iterable[Channel],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.shape = list(shape)
        self.fields["blocks"].initial = len(self.shape)
        whom = [("", _("— Không giao —"))]
        whom.append(
            (
                _("Mọi đơn vị theo loại"),
                [
                    (f"kind:{k.value}", _("Mọi đơn vị: %(kind)s") % {"kind": k.label})
                    for k in TARGET_KINDS
                ],
            )
        )
        groups = list(groups)
        if groups:
            whom.append((_("Nhóm đơn vị"), [(f"group:{g.pk}", g.name) for g in groups]))
        units = list(units)
        if units:
            whom.append((_("Một đơn vị"), [(f"unit:{u.pk}", u.name) for u in units]))
        per = Expectation.Per.choices
        channel_choices = [("", _("— Kênh —")), *((str(c.pk), c.name) for c in channels)]
        for i, rows in enumerate(self.shape):
            self.fields[f"t{i}_whom"] = forms.ChoiceField(
                label=_("Giao cho"), choices=whom, required=False
            )
            for j in range(rows):
                self.fields[f"t{i}_e{j}_channel"] = forms.ChoiceField(
                    label=_("Kênh"), choices=channel_choices, required=False
                )
                self.fields[f"t{i}_e{j}_quantity"] = forms.IntegerField(
                    label=_("Số lượng"),
                    min_value=1,
                    max_value=10_000,
                    required=False,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
                )
                self.fields[f"t{i}_e{j}_per"] = forms.ChoiceField(
                    label=_("Mỗi"), choices=per, required=False, initial=Expectation.Per.WINDOW
                )

    def block_list(self) -> list[TargetBlock]:
        return [
            TargetBlock(
                i,
                self[f"t{i}_whom"],
                [
                    (
                        self[f"t{i}_e{j}_channel"],
                        self[f"t{i}_e{j}_quantity"],
                        self[f"t{i}_e{j}_per"],
                    )
                    for j in range(rows)
                ],
            )
            for i, rows in enumerate(self.shape)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for i, rows in enumerate(self.shape):
            for j in range(rows):
                channel = cleaned.get(f"t{i}_e{j}_channel")
                quantity = f"t{i}_e{j}_quantity"
                if channel and not cleaned.get(quantity) and quantity not in self.errors:
                    self.add_error(quantity, _("Hãy nhập số lượng cho kênh này."))
        return cleaned

    def chosen(self) -> list[tuple[str, list[tuple[int, int, str]]]]:
        """(whom, [(channel pk, quantity, per)]) of each block that addresses someone."""
        out = []
        for i, rows in enumerate(self.shape):
            whom = self.cleaned_data.get(f"t{i}_whom")
            if not whom:
                continue
            expectations = []
            for j in range(rows):
                channel = self.cleaned_data.get(f"t{i}_e{j}_channel")
                if channel:
                    expectations.append(
                        (
                            int(channel),
                            self.cleaned_data[f"t{i}_e{j}_quantity"],
                            self.cleaned_data.get(f"t{i}_e{j}_per") or Expectation.Per.WINDOW,
                        )
                    )
            out.append((whom, expectations))
        return out


def posted_shape(data: Any) -> list[int] | None:
    """How many blocks, and rows per block, a posted targets form holds (bounded: a forged
    count cannot make the form build thousands of fields); None when the post says nothing."""
    blocks = data.get("blocks", "")
    if not (blocks.isascii() and blocks.isdigit()):
        return None
    shape = []
    for i in range(min(int(blocks), 60)):
        rows = 0
        while rows < MAX_EXPECTATION_ROWS and f"t{i}_e{rows}_channel" in data:
            rows += 1
        shape.append(rows)
    return shape or None


class UnitSearchForm(Form):
    q = forms.CharField(label=gettext_lazy("Tìm một đơn vị"), max_length=100, required=False)


class ResourceForm(Form):
    title = forms.CharField(label=gettext_lazy("Tên tài liệu"), max_length=300)
    url = forms.CharField(
        label=gettext_lazy("Đường dẫn"),
        max_length=500,
        required=False,
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )
    file = forms.FileField(
        label=gettext_lazy("Hoặc một tệp"),
        required=False,
        help_text=gettext_lazy("PDF, ảnh, Word, Excel hoặc MP4, tối đa 10 MB."),
    )


# --- Outputs (views/outputs.py)

# --- Imports (views/imports.py)


class OutputsImportForm(ImportForm):
    """The monthly report's file, and — for someone who reports for several units (the
    campaign's owner) — the unit whose outputs it lists."""

    unit = forms.ModelChoiceField(
        label=gettext_lazy("Đơn vị báo cáo"), queryset=OrgUnit.objects.none(), required=False
    )

    field_order = ["unit", "file"]

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], kind: str, **kwargs: Any) -> None:
        super().__init__(*args, kind=kind, **kwargs)
        self.fields["file"].help_text = _(
            "Theo mẫu báo cáo; dòng tên báo cáo phía trên bảng được bỏ qua. Tệp có dòng sai "
            "sẽ không được nhập dòng nào."
        )
        field = self.fields["unit"]
        field.queryset = units
        field.label_from_instance = lambda unit: unit.name
        field.empty_label = None
        choices = list(units[:2])
        # One unit to report for (a commune's focal point): the file is its, unasked.
        self.only_unit = choices[0] if len(choices) == 1 else None
        if choices:
            field.initial = choices[0].pk

    def clean_unit(self) -> OrgUnit:
        unit = self.cleaned_data.get("unit") or self.only_unit
        if unit is None:
            raise forms.ValidationError(_("Hãy chọn đơn vị báo cáo."))
        return unit
