from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hocvuso.core.forms import CleanTextMixin, Form


class LoginForm(CleanTextMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("Tên đăng nhập hoặc e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập/e-mail hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, "
            "chữ thường."
        ),
        "inactive": _("Tài khoản này đã bị khóa."),
    }


class PersonForm(Form):
    """A new account with one role on a unit; the password is given to the person in person."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    username = forms.RegexField(
        label=_("Tên đăng nhập"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": _("Chỉ dùng chữ không dấu, số và các ký tự . @ + - _")},
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Vai trò"))
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Ít nhất 10 ký tự, không quá đơn giản. Người dùng nên đổi sau lần đăng nhập đầu."
        ),
    )

    def __init__(self, *args: object, roles: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = roles


class ApiTokenForm(Form):
    """A new personal API token: a name to recognise it by, and how long it works."""

    LIFETIMES = [
        (30, _("30 ngày")),
        (90, _("90 ngày")),
        (365, _("1 năm")),
        (0, _("Không hết hạn (đến khi thu hồi)")),
    ]

    name = forms.CharField(
        label=_("Tên gợi nhớ"),
        max_length=100,
        help_text=_("Mã dùng cho việc gì, ví dụ: “Bảng số liệu của Sở”, “Tập lệnh xuất báo cáo”."),
    )
    lifetime = forms.TypedChoiceField(
        label=_("Thời hạn"), choices=LIFETIMES, coerce=int, initial=90
    )

    def expires_at(self) -> datetime.datetime | None:
        days = self.cleaned_data["lifetime"]
        return timezone.now() + datetime.timedelta(days=days) if days else None


class AuditFilterForm(Form):
    """The audit page's filter: one kind of event, or all."""

    action = forms.ChoiceField(label=_("Loại sự việc"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        from hocvuso.core.models import AuditLog

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Mọi loại")), *AuditLog.Action.choices]
