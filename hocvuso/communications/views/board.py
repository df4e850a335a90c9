"""What the campaign's owner sees: units by channel against expectations, the silent units,
the weekly trend, the gallery, the hashtag's use, exports and the directive's report.

Only the campaign's managers (``can_manage``) see these pages: anyone else who sees the
campaign gets 403, and whoever does not see it 404 (``get_campaign_for_user``)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hocvuso.communications.models import AssignedUnit, Campaign, OutputPhoto
from hocvuso.communications.selectors import board as sel
from hocvuso.communications.selectors import get_campaign_for_user
from hocvuso.core.http import AuthedRequest, attachment, render_page
from hocvuso.core.tables.writing import CSV_CONTENT_TYPE
from hocvuso.orgunits.models import OrgUnit

ROWS_PER_PAGE = 50
SILENT_PER_PAGE = 100
PHOTOS_PER_PAGE = 48
MAX_SILENT_DAYS = 366
SORTS = ("total", "-total", "name")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
# The bars of the weekly trend: drawn here, a few rectangles, rather than by pygal, whose
# rendering would cost more than the board's query.
TREND_HEIGHT = 80
TREND_BAR = 24


def parse_day(raw: str) -> datetime.date | None:
    """A day typed as dd/mm/yyyy or yyyy-mm-dd, else None."""
    raw = raw.strip()[:10]
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, pattern).date()  # noqa: DTZ007 — a day
        except ValueError:
            continue
    return None


def parse_window(query: Mapping[str, str], campaign: Campaign) -> tuple[sel.Window, list[str]]:
    """The window ``?from=&to=`` name, inside the campaign's (its whole window by default),
    and the reasons anything typed was not taken."""
    window = sel.Window.of(campaign)
    problems: list[str] = []
    start, end = window.start, window.end
    for name, label in (("from", _("Từ ngày")), ("to", _("Đến ngày"))):
        raw = query.get(name, "").strip()
        if not raw:
            continue
        day = parse_day(raw)
        if day is None:
            problems.append(
                _("%(label)s “%(raw)s” không phải là ngày (ngày/tháng/năm).")
                % {"label": label, "raw": raw[:20]}
            )
        elif not window.start <= day <= window.end:
            problems.append(
                _("%(label)s %(day)s nằm ngoài thời gian của chiến dịch (%(start)s – %(end)s).")
                % {
                    "label": label,
                    "day": f"{day:%d/%m/%Y}",
                    "start": f"{window.start:%d/%m/%Y}",
                    "end": f"{window.end:%d/%m/%Y}",
                }
            )
        elif name == "from":
            start = day
        else:
            end = day
    if start > end:
        problems.append(_("“Từ ngày” phải trước hoặc bằng “Đến ngày”: xem cả đợt."))
        start, end = window.start, window.end
    return sel.Window(start, end), problems


def assigned_kinds(campaign: Campaign) -> list[tuple[str, str]]:
    """The kinds of unit the campaign addresses, as (value, label), for the filter."""
    present = set(
        AssignedUnit.objects.filter(campaign=campaign)
        .values_list("unit__kind", flat=True)
        .distinct()
        .order_by()
    )
    return [(value, label) for value, label in OrgUnit.Kind.choices if value in present]


def parse_kind(raw: str | None, kinds: list[tuple[str, str]]) -> tuple[str, str]:
    if not raw:
        return "", ""
    if raw in {value for value, _label in kinds}:
        return raw, ""
    return "", _("Chiến dịch không giao cho loại đơn vị này: xem mọi đơn vị.")


def parse_days(raw: str | None) -> tuple[int, str]:
    if not raw:
        return sel.SILENT_DAYS, ""
    raw = raw.strip()
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_SILENT_DAYS:
        return int(raw), ""
    return sel.SILENT_DAYS, _("Số ngày phải là số nguyên từ 1 đến %(n)d.") % {"n": MAX_SILENT_DAYS}


def _filters(request: AuthedRequest, campaign: Campaign) -> dict[str, object]:
    window, problems = parse_window(request.GET, campaign)
    kinds = assigned_kinds(campaign)
    kind, kind_problem = parse_kind(request.GET.get("kind"), kinds)
    if kind_problem:
        problems.append(kind_problem)
    whole = window == sel.Window.of(campaign)
    # What the links between the owner's pages keep of the filters (not a page number).
    keep = {"kind": kind} if kind else {}
    if not whole:
        keep = {"from": f"{window.start:%Y-%m-%d}", "to": f"{window.end:%Y-%m-%d}", **keep}
    return {
        "campaign": campaign,
        "window": window,
        "whole": whole,
        "keep": urlencode(keep),
        "kinds": kinds,
        "kind": kind,
        "problems": problems,
    }


@require_GET
@login_required
def board(request: AuthedRequest, pk: int) -> HttpResponse:
    """Each assigned unit's outputs by channel in a window against what it is expected to
    produce, the fewest first, a page at a time; the totals and the hashtag's use. The
    weekly trend is its own fragment (``?part=trend``), which the page asks for once shown:
    it reads the outputs again, and the table should not wait for it."""
    campaign = get_campaign_for_user(request.user, pk, manage=True)
    context = _filters(request, campaign)
    with_trend = request.GET.get("part") == "trend"
    context["trend"] = _trend(campaign, context["window"]) if with_trend else None
    if with_trend and request.htmx:
        return render_page(request, "communications/board.html", context, fragment="trend")
    figures = sel.board(campaign, window=context["window"], kind=context["kind"] or None)
    order = request.GET.get("sort", "total")
    order = order if order in SORTS else "total"
    rows = figures.sorted_rows(order)
    show_all = request.GET.get("all") == "1"
    page = Paginator(rows, len(rows) if show_all and rows else ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context |= {
        "board": figures,
        "page": page,
        "sort": order,
        "show_all": show_all,
        "today": timezone.localdate(),
    }
    return render_page(request, "communications/board.html", context, fragment="board")


def _trend(campaign: Campaign, window: sel.Window) -> dict[str, object]:
    """The weekly trend as the page draws it: bars of a small inline SVG, and the weeks."""
    weeks = sel.weekly_trend(campaign, window=window)
    top = max((w.count for w in weeks), default=0) or 1
    bars = []
    for n, week in enumerate(weeks):
        height = round(TREND_HEIGHT * week.count / top)
        bars.append(
            {"week": week, "x": n * TREND_BAR, "y": TREND_HEIGHT - height, "height": height}
        )
    return {"bars": bars, "width": TREND_BAR * len(weeks), "height": TREND_HEIGHT}


@require_GET
@login_required
def silent(request: AuthedRequest, pk: int) -> HttpResponse:
    """The assigned units that logged nothing in the window, or nothing in the last N days
    (counted back from today, or from the window's end once it is over), never logged
    first, then the longest silent, with their focal points."""
    campaign = get_campaign_for_user(request.user, pk, manage=True)
    context = _filters(request, campaign)
    days, days_problem = parse_days(request.GET.get("days"))
    if days_problem:
        context["problems"].append(days_problem)
    today = timezone.localdate()
    window = context["window"]
    rows = sel.silent_units(
        campaign, window=window, today=today, days=days, kind=context["kind"] or None
    )
    context |= {
        "days": days,
        "judged_on": sel.judged_on(window, today),
        "not_started": sel.judged_on(window, today) < window.start,
        "rows": rows,
        "page": Paginator(rows, SILENT_PER_PAGE).get_page(request.GET.get("page")),
    }
    return render_page(request, "communications/silent.html", context, fragment="silent")


def photo_url(photo: OutputPhoto) -> str:
    """Where ``photo`` is served (its thumbnail with ``?size=small``): the scoped view of an
    output's photos — media files are not public, so never ``photo.file.url``."""
    return reverse(
        "communications:output_photo", kwargs={"pk": photo.output_id, "photo_pk": photo.pk}
    )


@require_GET
@login_required
def gallery(request: AuthedRequest, pk: int) -> HttpResponse:
    """Photos of the campaign's banners, posters, panels and LED screens by unit, a page
    at a time, loaded as the reader scrolls."""
    campaign = get_campaign_for_user(request.user, pk, manage=True)
    context = _filters(request, campaign)
    photos = sel.gallery_photos(campaign, window=context["window"])
    page = Paginator(photos, PHOTOS_PER_PAGE).get_page(request.GET.get("page"))
    context |= {
        "page": page,
        "photos": [(photo, photo_url(photo)) for photo in page.object_list],
    }
    return render_page(request, "communications/gallery.html", context, fragment="gallery")


@require_GET
@login_required
def board_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The board's table and the outputs of the window (the first ``XLSX_OUTPUTS_LIMIT``), as
    .xlsx."""
    from hocvuso.communications.exports import XLSX_OUTPUTS_LIMIT
    from hocvuso.communications.exports import board_xlsx as build
    from hocvuso.core.documents import XLSX_CONTENT_TYPE, export_filename

    campaign = get_campaign_for_user(request.user, pk, manage=True)
    context = _filters(request, campaign)
    window, kind = context["window"], context["kind"] or None
    content = build(
        sel.board(campaign, window=window, kind=kind),
        sel.outputs_in(campaign, window=window, kind=kind, limit=XLSX_OUTPUTS_LIMIT),
    )
    return attachment(
        content, XLSX_CONTENT_TYPE, export_filename(campaign.pk, "truyen-thong", "xlsx")
    )


@require_GET
@login_required
def board_csv(request: AuthedRequest, pk: int) -> StreamingHttpResponse:
    """Every output of the window as CSV, streamed: the spreadsheet holds at most
    ``exports.XLSX_OUTPUTS_LIMIT`` of them."""
    from hocvuso.communications.exports import outputs_csv

    campaign = get_campaign_for_user(request.user, pk, manage=True)
    context = _filters(request, campaign)
    rows = sel.outputs_in(campaign, window=context["window"], kind=context["kind"] or None)
    response = StreamingHttpResponse(outputs_csv(rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="san-pham-{campaign.pk}.csv"'
    return response


@require_GET
@login_required
def report_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The directive's report of the window: what each level did, by channel, as .docx in
    the administrative layout."""
    from hocvuso.communications.report_docx import report_docx as build
    from hocvuso.core.documents import DOCX_CONTENT_TYPE, export_filename

    campaign = get_campaign_for_user(request.user, pk, manage=True)
    window, _problems = parse_window(request.GET, campaign)
    content = build(campaign, window=window, today=timezone.localdate())
    return attachment(
        content, DOCX_CONTENT_TYPE, export_filename(campaign.pk, "bao-cao-truyen-thong", "docx")
    )
