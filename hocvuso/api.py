"""The open REST API: one NinjaAPI, each app's Router mounted under its name.

A caller is the signed-in browser session (with CSRF on writes, as every page) or a personal
token sent as ``Authorization: Bearer <secret>``; either way the request acts as that person,
with their units and roles. Each person has an allowance of requests (``API_RATE_LIMIT``),
and so has each address without credentials (``API_ANON_RATE_LIMIT``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as SchemaError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import django_auth

from hocvuso.accounts.api import ApiTokenAuth
from hocvuso.accounts.api import router as accounts_router
from hocvuso.communications.api import router as communications_router
from hocvuso.core.api import (
    ERROR_ANSWERS,
    AddressRateThrottle,
    AnonymousAllowance,
    PersonRateThrottle,
    error_detail,
    validation_errors,
)
from hocvuso.events.api import router as events_router
from hocvuso.fieldwork.api import router as fieldwork_router
from hocvuso.learning.api import router as learning_router
from hocvuso.orgunits.api import router as orgunits_router
from hocvuso.plans.api import router as plans_router
from hocvuso.reports.api import router as reports_router


class HocvusoAPI(NinjaAPI):
    """NinjaAPI whose every answer speaks Vietnamese, the refusals included, and whose OpenAPI
    document lists the refusals any operation may give with their bodies."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for url in urls:
            if isinstance(url, URLPattern):
                url.callback = _json_method_not_allowed(url.callback)
        return urls

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for _description, body in ERROR_ANSWERS.values():
            body_schema = body.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(body_schema.pop("$defs", {}))
            components[body.__name__] = body_schema
        for path in schema["paths"].values():
            for operation in path.values():
                responses = operation.setdefault("responses", {})
                for status, (description, body) in ERROR_ANSWERS.items():
                    if status in responses or str(status) in responses:
                        continue
                    ref = {"$ref": f"#/components/schemas/{body.__name__}"}
                    responses[status] = {
                        "description": description,
                        "content": {"application/json": {"schema": ref}},
                    }
        return schema


def _json_method_not_allowed(view: Callable[..., Any]) -> Callable[..., Any]:
    """ninja answers a method no operation takes with Django's plain-text English 405."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            detail = error_detail(405) % {"method": request.method}
            answer = api.create_response(request, {"detail": detail}, status=405)
            answer["Allow"] = response["Allow"]
            return answer
        return response

    return wrapped


api = HocvusoAPI(
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
api.add_router("/learning/", learning_router)
api.add_router("/communications/", communications_router)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = _("Cần đăng nhập, hoặc gửi mã truy cập API hợp lệ (Authorization: Bearer …).")
    return api.create_response(request, {"detail": detail}, status=401)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Out of scope and absent answer alike (404, never 403): the sentence says both.
    return api.create_response(request, {"detail": error_detail(404)}, status=404)


@api.exception_handler(SchemaError)
def unprocessable(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    return api.create_response(request, validation_errors(exc.errors), status=422)


@api.exception_handler(HttpError)
def refused(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals (a body that is not JSON, a failed CSRF check) speak English."""
    if exc.status_code == 403 and "CSRF" in exc.message:
        detail = _("Thiếu mã CSRF: gửi kèm X-CSRFToken, hoặc dùng mã truy cập API.")
    else:
        detail = error_detail(exc.status_code)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


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
