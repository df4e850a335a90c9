"""Request typing and responses shared by every view (STYLE rule 8)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from hocvuso.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file to download; ``filename`` must be ASCII (see ``core.documents.export_filename``)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
