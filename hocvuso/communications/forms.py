"""Forms of the communications app: each parses what a person typed; the services check it
whole and save it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BoundField
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocvuso.communications.models import Campaign, Channel, Expectation, Output, OutputKind
from hocvuso.communications.services.outputs import MAX_PHOTOS, MAX_TITLE, OutputInput
from hocvuso.communications.services.photos import check_photo
from hocvuso.core.forms import Form, ModelForm
from hocvuso.core.tables.forms import ImportForm
from hocvuso.core.uploads import CheckedUpload
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


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos from one input (Django's documented pattern): each checked by content
    and opened by Pillow, so a bad one is named next to the field before anything is saved."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedUpload]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise ValidationError(
                gettext_lazy("Tối đa %(n)d ảnh mỗi sản phẩm."), params={"n": MAX_PHOTOS}
            )
        return [check_photo(super(MultiplePhotoField, self).clean(f, initial)) for f in files]


def _optional_count(label: str, top: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=top,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class OutputForm(Form):
    """One output as a phone logs it: the link first (its channel and kind follow from the
    address), then what the link cannot tell. The services check it whole
    (``check_output``); this form only parses."""

    output_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Đơn vị"), queryset=OrgUnit.objects.none(), empty_label=None
    )
    url = forms.CharField(
        label=gettext_lazy("Đường dẫn (dán link bài, clip)"),
        required=False,
        max_length=600,
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )
    channel = forms.ModelChoiceField(
        label=gettext_lazy("Kênh"),
        queryset=Channel.objects.filter(active=True),
        required=False,
        empty_label="—",
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Loại sản phẩm"),
        required=False,
        choices=[("", "—"), *OutputKind.choices],
    )
    title = forms.CharField(
        label=gettext_lazy("Tiêu đề, nội dung"), max_length=MAX_TITLE * 2, required=False
    )
    published_on = forms.DateField(
        label=gettext_lazy("Ngày đăng, phát"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    quantity = forms.IntegerField(
        label=gettext_lazy("Số lượng"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
    )
    photos = MultiplePhotoField(label=gettext_lazy("Ảnh chụp"), required=False)
    views = _optional_count(gettext_lazy("Lượt xem"), 1_000_000_000)
    shares = _optional_count(gettext_lazy("Lượt chia sẻ"), 100_000_000)
    attendees = _optional_count(gettext_lazy("Người tham dự"), 1_000_000)
    hashtag_used = forms.BooleanField(label=gettext_lazy("Có dùng hashtag"), required=False)

    def __init__(
        self,
        *args: Any,
        campaign: Campaign,
        units: QuerySet[OrgUnit] | Sequence[OrgUnit] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.only_unit: OrgUnit | None = None
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units
            if len(units) == 1:
                # Nothing to choose: the person's one unit, whether the page sent it or not.
                self.only_unit = units[0]
                self.fields["unit"].widget = forms.HiddenInput()
                self.fields["unit"].required = False
        day = self.fields["published_on"].widget
        day.attrs["min"] = campaign.starts_on.isoformat()
        day.attrs["max"] = min(campaign.ends_on, timezone.localdate()).isoformat()
        self.fields["photos"].widget.attrs["capture"] = "environment"

    def clean_unit(self) -> OrgUnit | None:
        return self.cleaned_data.get("unit") or self.only_unit

    def default_day(self) -> datetime.date:
        """Today, or the campaign's last day once it is over (the window's nearest day)."""
        today = timezone.localdate()
        return max(self.campaign.starts_on, min(today, self.campaign.ends_on))

    def output_input(self) -> OutputInput:
        data = self.cleaned_data
        return OutputInput(
            title=data.get("title") or "",
            published_on=data.get("published_on"),
            channel=data.get("channel"),
            kind=data.get("kind") or "",
            url=data.get("url") or "",
            quantity=data.get("quantity") if data.get("quantity") is not None else 1,
            views=data.get("views"),
            shares=data.get("shares"),
            attendees=data.get("attendees"),
            hashtag_used=bool(data.get("hashtag_used")),
            photos=data.get("photos") or [],
        )

    @classmethod
    def initial_of(cls, output: Output) -> dict[str, object]:
        return {
            "url": output.url,
            "channel": output.channel_id,
            "kind": output.kind,
            "title": output.title,
            "published_on": output.published_on,
            "quantity": output.quantity,
            "views": output.views,
            "shares": output.shares,
            "attendees": output.attendees,
            "hashtag_used": output.hashtag_used,
        }


class OutputFilterForm(Form):
    """The filters of a unit's outputs; a value that does not parse is no filter."""

    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Chiến dịch"), queryset=Campaign.objects.none(), required=False
    )
    channel = forms.ModelChoiceField(
        label=gettext_lazy("Kênh"), queryset=Channel.objects.all(), required=False
    )
    date_from = forms.DateField(
        label=gettext_lazy("Từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, campaigns: QuerySet[Campaign], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns

    def filters(self) -> dict[str, Any]:
        self.is_valid()  # the fields that parse filter; the others are left out
        return {k: v for k, v in self.cleaned_data.items() if v}


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


# --- The channel list (views/channels.py)


class ChannelForm(Form):
    name = forms.CharField(label=gettext_lazy("Tên kênh"), max_length=100)
    family = forms.ChoiceField(label=gettext_lazy("Nhóm kênh"), choices=Channel.Family.choices)
    domains = forms.CharField(
        label=gettext_lazy("Tên miền"),
        max_length=2000,
        required=False,
        help_text=gettext_lazy(
            "Mỗi tên miền cách nhau một dấu cách (baoninhbinh.org.vn nbtv.vn): một đường dẫn "
            "dán vào có địa chỉ ấy được nhận ra là kênh này."
        ),
    )


class ChannelEditForm(ChannelForm):
    active = forms.BooleanField(label=gettext_lazy("Đang dùng"), required=False)
