"""A campaign's public page: its published outputs (links, titles, units; nobody's name), so
the public and the press can follow the campaign. No account; a draft or a private campaign
is a 404."""

from __future__ import annotations

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET

from hocvuso.communications.models import OutputKind
from hocvuso.communications.selectors import public as S
from hocvuso.core.http import render_page

PER_PAGE = 30
# A page of outputs is kept this long, keyed by the campaign's and its outputs' last change:
# a link hidden or logged shows at once, a unit renamed within a minute.
CACHE_SECONDS = 60
KINDS = dict(OutputKind.choices)


class _Counted(Paginator):
    """A paginator told its count, read with the cache's version instead of a COUNT more."""

    def __init__(self, object_list: object, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known = count

    @cached_property
    def count(self) -> int:
        return self._known


def _link(url: str) -> str:
    # check_url lets only http(s) in; a row written some other way still never becomes a
    # javascript: link.
    return url if url.startswith(("https://", "http://")) else ""


def _kind(output: dict) -> str:
    # "Băng-rôn, pa-nô, áp phích" once, not as the channel and again as the kind.
    label = str(KINDS.get(output["kind"], ""))
    return "" if label == output["channel__name"] else label


@require_GET
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """A published, public campaign: its window, hashtags and messages, and its outputs not
    hidden by the owner, newest first, a page at a time (``?trang=``). Four queries, two
    when the page is in the cache."""
    found = S.get_public_campaign(pk)
    if found is None:
        raise Http404
    count, last = S.public_outputs_state(found)
    page = _Counted(S.public_outputs(found), PER_PAGE, count).get_page(request.GET.get("trang"))
    version = f"{found.pk}:{found.updated_at.timestamp()}:{count}:{last and last.timestamp()}"

    rows = cache.get_or_set(
        f"comms:public:{version}:{page.number}", lambda: list(page.object_list), CACHE_SECONDS
    )
    channels = cache.get_or_set(
        f"comms:public:{version}:channels", lambda: S.public_channels(found), CACHE_SECONDS
    )
    outputs = [{**o, "url": _link(o["url"]), "kind_label": _kind(o)} for o in rows]
    context = {"campaign": found, "page": page, "outputs": outputs, "channels": channels}
    return render_page(request, "communications/public_campaign.html", context, fragment="outputs")
