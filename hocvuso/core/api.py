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
