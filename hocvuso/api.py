"""The open REST API: one NinjaAPI, each app's Router mounted under its name.

A caller is the signed-in browser session (with CSRF on writes, as every page) or a personal
token sent as ``Authorization: Bearer <secret>``; either way the request acts as that person,
with their units and roles. Each person has an allowance of requests (``API_RATE_LIMIT``),
and so has each address without credentials (``API_ANON_RATE_LIMIT``).
"""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled
from ninja.security import django_auth

from hocvuso.accounts.api import ApiTokenAuth
from hocvuso.accounts.api import router as accounts_router
from hocvuso.core.api import AddressRateThrottle, AnonymousAllowance, PersonRateThrottle
from hocvuso.events.api import router as events_router
from hocvuso.fieldwork.api import router as fieldwork_router
from hocvuso.orgunits.api import router as orgunits_router
from hocvuso.plans.api import router as plans_router
from hocvuso.reports.api import router as reports_router

api = NinjaAPI(
    title="Học vụ số API",
    version="1",
    # A token first: a request carrying one is not asked for the session's CSRF token.
    auth=[ApiTokenAuth(), django_auth, AnonymousAllowance()],
    throttle=[AddressRateThrottle(), PersonRateThrottle()],
    urls_namespace="api",
)
api.add_router("/me/", accounts_router)
api.add_router("/units/", orgunits_router)
api.add_router("/plans/", plans_router)
api.add_router("/events/", events_router)
api.add_router("/fieldwork/", fieldwork_router)
api.add_router("/reports/", reports_router)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = _("Cần đăng nhập, hoặc gửi mã truy cập API hợp lệ (Authorization: Bearer …).")
    return api.create_response(request, {"detail": detail}, status=401)


@api.exception_handler(Throttled)
def too_many_requests(request: HttpRequest, exc: Throttled) -> HttpResponse:
    detail = _("Quá nhiều yêu cầu trong một thời gian ngắn. Xin chờ một lát rồi thử lại.")
    response = api.create_response(request, {"detail": detail}, status=429)
    if exc.wait is not None:
        response["Retry-After"] = str(math.ceil(exc.wait))
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    # Selectors raise PermissionDenied for a read-only role asking to write; without this the
    # API would answer Django's HTML 403 page.
    detail = _("Vai trò của bạn không cho phép thao tác này.")
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A service refused the data: its reasons, in Vietnamese, as the pages show them."""
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=400)
