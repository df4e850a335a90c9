"""Request typing and responses shared by every view (STYLE rule 8)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from hocvuso.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, object],
    *,
    fragment: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """One URL, one template: the whole page, or on an htmx request its ``fragment``
    (``{% partialdef fragment %}`` of the same template; STYLE rule 9).

    The answer always varies on ``HX-Request``: a browser or proxy that cached the fragment
    would otherwise show it alone as the page when the person comes Back to the URL. A
    history restore (htmx asking for the page it lost from its cache) gets the whole page.
    ``fragment=None`` renders the page whatever the request, still with the header, for a
    view whose fragment is only asked for under a condition (``?part=``)."""
    htmx = getattr(request, "htmx", None)
    if fragment and htmx and not htmx.history_restore_request:
        template = f"{template}#{fragment}"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file to download; ``filename`` must be ASCII (see ``core.documents.export_filename``)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The largest id a row can have (a signed 64-bit integer): a larger number in a query string
# is no row, and SQLite refuses even to compare with one.
MAX_ID = 2**63 - 1


def id_param(value: str | None) -> int | None:
    """The row id a query-string parameter names, or None for anything else ("", "abc",
    "²", a number larger than any id): a view answers None with its default or a 404."""
    if value and value.isascii() and value.isdigit() and len(value) <= 20:
        number = int(value)
        if 1 <= number <= MAX_ID:
            return number
    return None
