"""Forms of the communications app: each parses what a person typed; the services check it
whole and save it."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from hocvuso.communications.models import Campaign, Channel, Output, OutputKind
from hocvuso.communications.services.outputs import MAX_PHOTOS, MAX_TITLE, OutputInput
from hocvuso.communications.services.photos import check_photo
from hocvuso.core.forms import Form
from hocvuso.core.uploads import CheckedUpload
from hocvuso.orgunits.models import OrgUnit

# --- Campaigns (views/campaigns.py)

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
