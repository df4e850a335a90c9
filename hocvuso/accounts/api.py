"""The API's personal tokens (``Authorization: Bearer <secret>``), and who the caller is."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import AuthenticationError, Throttled
from ninja.security import HttpBearer

from hocvuso.accounts import selectors, services
from hocvuso.core.api import AddressRateThrottle

router = Router(tags=["accounts"])


class ApiTokenAuth(HttpBearer):
    """A personal API token in ``Authorization: Bearer <secret>``; the request then acts as
    the token's owner exactly (``request.user``), with the owner's units and roles.

    A request without the header is left to the next method (the browser's session). A
    presented secret that opens nothing answers 401 at once, whatever else the request
    carries, and counts against the caller's address like any anonymous request, so that
    guessing is slowed down. The secret is never logged: ninja's own ``HttpBearer`` logs an
    unexpected header in DEBUG, which is why ``__call__`` is replaced.
    """

    def __init__(self) -> None:
        super().__init__()
        self.failures = AddressRateThrottle()

    def __call__(self, request: HttpRequest) -> Any:
        scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        now = timezone.now()
        found = selectors.get_usable_api_token(token, now=now)
        if found is None:
            if not self.failures.allow_request(request):
                raise Throttled(wait=self.failures.wait())
            raise AuthenticationError
        services.mark_api_token_used(token=found, now=now)
        request.user = found.user
        return found.user


class RoleOut(Schema):
    role: str
    unit_id: int
    unit_name: str


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[RoleOut]


@router.get("/", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    """Who the caller is: their name and the roles they hold, each on a unit whose subtree it
    covers. What a token may reach is exactly this."""
    user: Any = request.user
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        roles=[
            RoleOut(role=a.role, unit_id=a.unit_id, unit_name=a.unit.name)
            for a in selectors.roles_of(user)
        ],
    )
