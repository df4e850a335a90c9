"""The consolidated report and the results summary, as downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from hocvuso.core import roles as R
from hocvuso.core.http import AuthedRequest, attachment
from hocvuso.events import selectors
from hocvuso.events.models import Event


def _report_event(request: AuthedRequest, pk: int) -> Event:
    # The reports name every bridge point and its contact: the organiser's managers only.
    return selectors.get_event_for_user(request.user, pk, roles=R.MANAGE_PLANS)


def _report_filename(event: Event, stem: str, suffix: str) -> str:
    from hocvuso.core.documents import export_filename

    if event.starts_at is None:
        return export_filename(event.pk, stem, suffix, number="")
    day = timezone.localtime(event.starts_at)
    return export_filename(event.pk, stem, suffix, number=f"{day:%Y-%m-%d}")


@require_GET
@login_required
def event_report_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The consolidated report at the cut-off, as a spreadsheet."""
    # Imported here: python-docx and openpyxl are loaded only by the requests that use them.
    from hocvuso.core.documents import XLSX_CONTENT_TYPE
    from hocvuso.events import exports

    event = _report_event(request, pk)
    content = exports.consolidated_xlsx(event, selectors.consolidated_report(event))
    filename = _report_filename(event, "tong-hop-diem-cau", "xlsx")
    return attachment(content, XLSX_CONTENT_TYPE, filename)


@require_GET
@login_required
def event_report_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The consolidated report at the cut-off, as a document to sign."""
    from hocvuso.core.documents import DOCX_CONTENT_TYPE
    from hocvuso.events import exports

    event = _report_event(request, pk)
    content = exports.consolidated_docx(event, selectors.consolidated_report(event))
    filename = _report_filename(event, "tong-hop-diem-cau", "docx")
    return attachment(content, DOCX_CONTENT_TYPE, filename)


@require_GET
@login_required
def event_results_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The results summary after the ceremony, as a document to sign."""
    from hocvuso.core.documents import DOCX_CONTENT_TYPE
    from hocvuso.events import exports

    event = _report_event(request, pk)
    content = exports.results_docx(event, selectors.consolidated_report(event))
    filename = _report_filename(event, "ket-qua", "docx")
    return attachment(content, DOCX_CONTENT_TYPE, filename)
