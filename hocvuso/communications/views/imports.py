"""A unit's monthly Excel report of outputs: preview, then all or nothing. Between the two
steps the file waits under a random name in the uploads folder, known only to the person's
session, and is deleted once imported."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hocvuso.communications import importers
from hocvuso.communications.forms import OutputsImportForm
from hocvuso.communications.models import Campaign
from hocvuso.communications.selectors import get_campaign_for_user
from hocvuso.communications.selectors.targets import import_units
from hocvuso.core.http import AuthedRequest, attachment, render_page
from hocvuso.core.tables import ImportRejected
from hocvuso.core.tables.writing import XLSX_CONTENT_TYPE, xlsx_table
from hocvuso.orgunits.models import OrgUnit

STAGED = "communications/staged"


def _stage(request: AuthedRequest, upload, campaign: Campaign, unit: OrgUnit) -> str:
    token = secrets.token_hex(16)
    saved = default_storage.save(f"{STAGED}/{token}", upload)
    request.session[f"comms-import-{token}"] = {
        "path": saved,
        "name": upload.name,
        "campaign": campaign.pk,
        "unit": unit.pk,
    }
    return token


def _staged(request: AuthedRequest, token: str, campaign: Campaign) -> dict | None:
    entry = request.session.get(f"comms-import-{token}") if token.isalnum() else None
    if not entry or entry["campaign"] != campaign.pk or not default_storage.exists(entry["path"]):
        return None
    return entry


def _unstage(request: AuthedRequest, token: str) -> None:
    entry = request.session.pop(f"comms-import-{token}", None)
    if entry:
        default_storage.delete(entry["path"])


def _read(path: str) -> bytes:
    with default_storage.open(path, "rb") as handle:
        return handle.read()


def _import(
    request: AuthedRequest, campaign: Campaign, unit: OrgUnit, name: str, content: bytes
) -> list[str] | None:
    """Import the file; the refusal's lines, or None once it is in."""
    try:
        source = importers.import_outputs(
            actor=request.user, campaign=campaign, unit=unit, filename=name, content=content
        )
    except ImportRejected as exc:
        return [str(e) for e in exc.errors]
    messages.success(
        request,
        _("Đã nhập %(n)d sản phẩm của %(unit)s từ tệp “%(name)s”.")
        % {"n": source.rows, "unit": unit.name, "name": source.filename},
    )
    return None


def _preview(
    request: AuthedRequest, campaign: Campaign, unit: OrgUnit, upload, context: dict
) -> None:
    """The file's rows checked and shown; staged for the confirmation when all are good."""
    content = upload.read()
    try:
        refusal = importers.already_imported(importers.file_sha256(content))
        if refusal is not None:
            raise refusal
        preview = importers.read_outputs(campaign, unit, upload.name, content)
    except ImportRejected as exc:
        context["errors"] = [str(e) for e in exc.errors]
        return
    context.update(preview=preview, unit=unit, errors=[str(e) for e in preview.errors])
    if not preview.errors:
        upload.seek(0)
        context["token"] = _stage(request, upload, campaign, unit)


def _confirm_staged(request: AuthedRequest, campaign: Campaign, units, context: dict) -> bool:
    """Import the file waiting under the posted token; whether it went in."""
    token = request.POST.get("token", "")
    entry = _staged(request, token, campaign)
    unit = units.filter(pk=entry["unit"]).first() if entry else None
    if entry is None or unit is None:
        context["errors"] = [_("Tệp chờ xác nhận không còn (phiên đã hết hạn): hãy tải lại tệp.")]
        return False
    errors = _import(request, campaign, unit, entry["name"], _read(entry["path"]))
    if errors is None:
        _unstage(request, token)
        return True
    context["errors"] = errors
    return False


@require_http_methods(["GET", "POST"])
@login_required
def outputs_import(request: AuthedRequest, pk: int) -> HttpResponse:
    """A unit's monthly report for one campaign: the rows checked and shown, then confirmed.
    Posting the file with ``confirm`` imports it without the preview (scripts, the corpus)."""
    campaign = get_campaign_for_user(request.user, pk)
    units = import_units(request.user, campaign)
    if not units.exists():
        raise PermissionDenied
    form = OutputsImportForm(
        request.POST or None, request.FILES or None, units=units, kind=importers.KIND
    )
    context: dict[str, object] = {"campaign": campaign, "form": form, "errors": []}
    done = False
    if request.method == "POST" and "token" in request.POST and "file" not in request.FILES:
        done = _confirm_staged(request, campaign, units, context)
    elif request.method == "POST" and form.is_valid():
        upload, unit = form.cleaned_data["file"], form.cleaned_data["unit"]
        if "confirm" in request.POST:
            errors = _import(request, campaign, unit, upload.name, upload.read())
            done, context["errors"] = errors is None, errors or []
        else:
            _preview(request, campaign, unit, upload, context)
    if done:
        return redirect("communications:campaign", pk=campaign.pk)
    status = 400 if context["errors"] or form.errors else 200
    return render_page(request, "communications/import_outputs.html", context, status=status)


@require_GET
@login_required
def outputs_import_template(request: AuthedRequest, pk: int) -> HttpResponse:
    """The monthly report to fill in, as the import reads it, with the campaign's name and
    window above the columns."""
    campaign = get_campaign_for_user(request.user, pk)
    title = _("Báo cáo sản phẩm truyền thông — %(title)s (%(start)s – %(end)s)") % {
        "title": campaign.title[:150],
        "start": campaign.starts_on.strftime("%d/%m/%Y"),
        "end": campaign.ends_on.strftime("%d/%m/%Y"),
    }
    # Numbered rows to fill in: a row with nothing but its number is skipped on import.
    titles = importers.template_columns()
    blank = [""] * (len(titles) - 1)
    rows = [[n, *blank] for n in range(1, 31)]
    columns = [(c, 40 if i in (4, 5) else 14) for i, c in enumerate(titles)]
    content = xlsx_table(title, columns, rows)
    return attachment(content, XLSX_CONTENT_TYPE, f"bao-cao-truyen-thong-{campaign.pk}.xlsx")
