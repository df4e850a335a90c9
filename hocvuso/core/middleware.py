from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the person chose another language with the switcher.

    Django's own middleware follows the browser's Accept-Language, which on many officials'
    phones says English; the interface must still open in Vietnamese.
    """

    def process_request(self, request: HttpRequest) -> None:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ContentSecurityPolicyMiddleware:
    """Send ``settings.SECURE_CSP`` as the Content-Security-Policy header of every response.

    The setting has the shape of Django 6.0's (a directive name → its sources), so moving to
    Django's own ``django.middleware.csp.ContentSecurityPolicyMiddleware`` is a change of one
    line in MIDDLEWARE. A response that sets its own policy keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "SECURE_CSP", None)
        # Django's debug pages (DEBUG only, never in production) carry inline scripts.
        debug_page = settings.DEBUG and response.status_code >= 400
        if policy and not debug_page and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = build_policy(policy)
        return response


def build_policy(policy: dict[str, list[str] | bool]) -> str:
    """``{"default-src": ["'self'"], "upgrade-insecure-requests": True}`` as header text."""
    parts = []
    for directive, sources in policy.items():
        if sources is True:
            parts.append(directive)
        elif sources:
            parts.append(" ".join([directive, *sources]))
    return "; ".join(parts)
