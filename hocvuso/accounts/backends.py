from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from hocvuso.accounts.models import User


def normalised_login(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """What django-axes counts failures against: the login as typed, case-folded, so
    'Admin', 'admin' and the e-mail spelled in capitals share one counter per address.

    django-axes also calls this without credentials — building the lockout page on the
    request that reaches the limit, under ASGI — so the login form's own field is the fallback.
    """
    if not isinstance(credentials, dict):
        posted = getattr(request, "POST", None)
        credentials = posted if posted is not None else {}
    return str(credentials.get("username") or "").strip().lower()


class UsernameOrEmailBackend(ModelBackend):
    """Sign in with either the username or the e-mail address, both case-insensitive."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        login = username.strip()
        user = User.objects.filter(
            Q(username__iexact=login) | (Q(email__iexact=login) & ~Q(email=""))
        ).first()
        if user is None:
            # Spend the same time as a real check so response timing does not reveal accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
