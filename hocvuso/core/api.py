"""What every app's API router shares: the page of a list, bounded ids and search text, and
the request allowances (rate limits). The NinjaAPI itself is assembled in ``hocvuso/api.py``."""

from __future__ import annotations

import threading
import typing
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from django.conf import settings
from django.db.models import TextChoices
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Schema
from ninja.errors import Throttled
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.throttling import AnonRateThrottle, AuthRateThrottle, SimpleRateThrottle
from pydantic import AfterValidator

from hocvuso.core.http import MAX_ID

# Rows per page unless the caller asks (``limit``), and the most one page may hold.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _without_nul(text: str) -> str:
    # PostgreSQL refuses text containing NUL; nobody types one into a search box.
    return text.replace("\x00", "")


# A path parameter naming a row.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
# A query or body field naming a row.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Words to look for, with or without diacritics.
SearchText = Annotated[str, Field(max_length=200), AfterValidator(_without_nul)]


def choice(choices: type[TextChoices]) -> Any:
    """The values of a model's choices as a type for a schema field. A Literal is written into
    each field of the OpenAPI document, where enums would all be filed under their class name
    and ``Plan.Status`` would overwrite ``Task.Status``."""
    return Literal[tuple(choices.values)]


class Page(LimitOffsetPagination):
    """``limit`` rows (at most MAX_PAGE_SIZE) from ``offset``, with the total ``count``."""

    class Input(Schema):
        limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=MAX_ID)


View = TypeVar("View", bound=Callable[..., Any])


def paginated(view: View) -> View:
    """ninja's ``@paginate(Page)``, for a view whose annotations are strings (``from
    __future__ import annotations``): they are evaluated first in the view's own module, since
    ninja would look the names up in the module of paginate's wrapper, where they mean
    nothing."""
    view.__annotations__ = typing.get_type_hints(view, include_extras=True)
    return paginate(Page)(view)


class _RateFromSettings(SimpleRateThrottle):
    """A ninja throttle whose rate is read from ``settings.<setting>`` on each request (never
    at import, STYLE rule 15), and which keeps no per-request state on the shared instance:
    one instance serves every request thread of the process."""

    setting = ""

    def __init__(self) -> None:
        self._request_state = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        key = self.get_cache_key(request)
        if key is None:
            return True
        allowed, period = self.parse_rate(getattr(settings, self.setting))
        now = self.timer()
        history = [t for t in self.cache.get(key, []) if t > now - period]
        if len(history) >= allowed:
            self._request_state.wait = period - (now - history[-1])
            return False
        history.insert(0, now)
        self.cache.set(key, history, period)
        return True

    def wait(self) -> float | None:
        return getattr(self._request_state, "wait", None)


class PersonRateThrottle(_RateFromSettings, AuthRateThrottle):
    """``API_RATE_LIMIT`` requests per person, whether they come with the browser's session or
    one of their tokens: a person's tokens share one allowance, so more tokens buy no more."""

    scope = "api_person"
    setting = "API_RATE_LIMIT"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        user: Any = getattr(request, "auth", None)
        if user is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


class AddressRateThrottle(_RateFromSettings, AnonRateThrottle):
    """``API_ANON_RATE_LIMIT`` requests per address from callers who are not signed in."""

    scope = "api_anon"
    setting = "API_ANON_RATE_LIMIT"


class AnonymousAllowance:
    """The last of the API's authentication methods: it lets nobody in, but counts a request
    that came with no usable credentials against its address, and answers 429 instead of 401
    once the address has used its allowance. No ``openapi_*`` attributes: it is no security
    scheme a client could choose."""

    def __init__(self) -> None:
        self.throttle = AddressRateThrottle()

    def __call__(self, request: HttpRequest) -> None:
        if not self.throttle.allow_request(request):
            raise Throttled(wait=self.throttle.wait())


# --- Errors: one Vietnamese body for every refusal, documented on every operation ----------


class ErrorOut(Schema):
    """Every refusal: a sentence in the person's language."""

    detail: str


class FieldErrorOut(Schema):
    field: str
    message: str


class ValidationErrorOut(Schema):
    """A request whose fields do not fit the schema (422): one sentence, then each field."""

    detail: str
    errors: list[FieldErrorOut]


def _bound(ctx: dict[str, Any], name: str) -> str:
    return str(ctx.get(name, ""))


# pydantic's error types → a reason in Vietnamese. Anything else reads "không hợp lệ".
_REASONS: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda c: _("bắt buộc phải có"),
    "extra_forbidden": lambda c: _("không có trong biểu mẫu"),
    "int_parsing": lambda c: _("phải là số nguyên"),
    "int_type": lambda c: _("phải là số nguyên"),
    "int_from_float": lambda c: _("phải là số nguyên"),
    "float_parsing": lambda c: _("phải là một số"),
    "float_type": lambda c: _("phải là một số"),
    "decimal_parsing": lambda c: _("phải là một số"),
    "bool_parsing": lambda c: _("phải là true hoặc false"),
    "bool_type": lambda c: _("phải là true hoặc false"),
    "string_type": lambda c: _("phải là chữ"),
    "uuid_parsing": lambda c: _("không phải mã UUID hợp lệ"),
    "uuid_type": lambda c: _("không phải mã UUID hợp lệ"),
    "date_parsing": lambda c: _("không phải ngày hợp lệ (YYYY-MM-DD)"),
    "date_from_datetime_parsing": lambda c: _("không phải ngày hợp lệ (YYYY-MM-DD)"),
    "date_type": lambda c: _("không phải ngày hợp lệ (YYYY-MM-DD)"),
    "datetime_parsing": lambda c: _("không phải thời điểm hợp lệ (ISO 8601)"),
    "datetime_from_date_parsing": lambda c: _("không phải thời điểm hợp lệ (ISO 8601)"),
    "datetime_type": lambda c: _("không phải thời điểm hợp lệ (ISO 8601)"),
    "list_type": lambda c: _("phải là một danh sách"),
    "dict_type": lambda c: _("phải là một đối tượng JSON"),
    "model_type": lambda c: _("phải là một đối tượng JSON"),
    "model_attributes_type": lambda c: _("phải là một đối tượng JSON"),
    "json_invalid": lambda c: _("không phải JSON hợp lệ"),
    "greater_than_equal": lambda c: _("phải từ %(bound)s trở lên") % {"bound": _bound(c, "ge")},
    "greater_than": lambda c: _("phải lớn hơn %(bound)s") % {"bound": _bound(c, "gt")},
    "less_than_equal": lambda c: _("không được lớn hơn %(bound)s") % {"bound": _bound(c, "le")},
    "less_than": lambda c: _("phải nhỏ hơn %(bound)s") % {"bound": _bound(c, "lt")},
    "string_too_long": lambda c: _("dài quá %(bound)s ký tự") % {"bound": _bound(c, "max_length")},
    "string_too_short": lambda c: (
        _("phải có ít nhất %(bound)s ký tự") % {"bound": _bound(c, "min_length")}
    ),
    "too_long": lambda c: _("nhiều quá %(bound)s mục") % {"bound": _bound(c, "max_length")},
    "too_short": lambda c: _("phải có ít nhất %(bound)s mục") % {"bound": _bound(c, "min_length")},
    "literal_error": lambda c: (
        _("phải là một trong các giá trị: %(values)s") % {"values": _bound(c, "expected")}
    ),
    "enum": lambda c: (
        _("phải là một trong các giá trị: %(values)s") % {"values": _bound(c, "expected")}
    ),
}


def _field_name(location: list[Any] | tuple[Any, ...]) -> str:
    """``["body", "payload", "visits", 0, "team"]`` → ``visits[0].team``; a query or path
    parameter by its own name. ninja's first steps (where, and the view's argument) go."""
    steps = list(location)
    if steps and steps[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        where = steps.pop(0)
        if where == "body" and len(steps) > 1:
            steps.pop(0)  # the view argument the body is parsed into
    name = ""
    for step in steps:
        if isinstance(step, int):
            name += f"[{step}]"
        else:
            name += f".{step}" if name else str(step)
    return name


def validation_errors(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """ninja's list of pydantic errors as ValidationErrorOut: each field named, its reason in
    Vietnamese (pydantic's English never reaches a person)."""
    items = []
    for error in errors:
        reason = _REASONS.get(str(error.get("type")))
        message = reason(error.get("ctx") or {}) if reason else _("không hợp lệ")
        items.append({"field": _field_name(error.get("loc") or ()), "message": message})
    listed = "; ".join(
        f"{item['field']}: {item['message']}" if item["field"] else item["message"]
        for item in items[:5]
    )
    detail = _("Dữ liệu gửi lên không hợp lệ — %(fields)s.") % {"fields": listed}
    if len(items) > 5:
        detail += " " + _("(và %(count)s lỗi khác)") % {"count": len(items) - 5}
    return {"detail": detail, "errors": items}


def error_detail(status: int) -> str:
    """The Vietnamese sentence for a refusal that has no more specific one."""
    details = {
        400: _("Yêu cầu không đọc được: nội dung phải là JSON hợp lệ."),
        401: _("Cần đăng nhập, hoặc gửi mã truy cập API hợp lệ (Authorization: Bearer …)."),
        403: _("Vai trò của bạn không cho phép thao tác này."),
        404: _("Không tìm thấy, hoặc bạn không có quyền xem."),
        405: _("Địa chỉ này không nhận phương thức %(method)s."),
        429: _("Quá nhiều yêu cầu trong một thời gian ngắn. Xin chờ một lát rồi thử lại."),
    }
    return details.get(status, _("Yêu cầu không được chấp nhận."))


# What any operation may answer besides its own documented answers, for the OpenAPI document.
ERROR_ANSWERS: dict[int, tuple[str, type[Schema]]] = {
    400: ("Yêu cầu không đọc được", ErrorOut),
    401: ("Chưa đăng nhập hoặc mã API không hợp lệ", ErrorOut),
    403: ("Vai trò không cho phép", ErrorOut),
    404: ("Không tìm thấy trong phạm vi của người gọi", ErrorOut),
    422: ("Dữ liệu không đúng lược đồ", ValidationErrorOut),
    429: ("Quá nhiều yêu cầu", ErrorOut),
}
