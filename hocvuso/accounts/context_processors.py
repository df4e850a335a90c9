"""Template context every page gets from accounts."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from hocvuso.accounts.selectors import unread_notification_count


def notifications(request: HttpRequest) -> dict[str, object]:
    """``unread_notifications`` for the navigation badge, counted only if a template uses it
    (one indexed query per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_notification_count(user))}
