"""Files into the learning app, each in two steps: upload → preview (the first rows, the
columns understood, the counts, every error by line) → confirm. Between the two the file
waits under a random name in the uploads folder, known only to the person's session, and is
deleted once confirmed."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hocvuso.core import roles as R
from hocvuso.core.forms import Form
from hocvuso.core.http import AuthedRequest, attachment, id_param, render_page
from hocvuso.core.tables import ImportRejected, RowError
from hocvuso.core.tables.forms import ImportForm
from hocvuso.core.tables.writing import XLSX_CONTENT_TYPE, xlsx_table
from hocvuso.learning import importers
from hocvuso.learning.models import PlatformImport
from hocvuso.learning.selectors import RUN_CLASSES, get_class_for_user, learners_visible_to
from hocvuso.learning.selectors.duplicates import likely_duplicates
from hocvuso.learning.services import merge_learners
from hocvuso.orgunits.selectors import get_chosen_unit_for_user, scope_for_user

STAGED = "learning/staged"
SHEET_TEMPLATE = ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Thôn/Tổ", "Số điện thoại", "Ký tên"]


# --- The file between preview and confirm


def _stage(request: AuthedRequest, upload, purpose: str) -> str:
    token = secrets.token_hex(16)
    saved = default_storage.save(f"{STAGED}/{token}", upload)
    request.session[f"learning-import-{token}"] = {
        "path": saved,
        "name": upload.name,
        "purpose": purpose,
    }
    return token


def _staged(request: AuthedRequest, token: str, purpose: str) -> tuple[str, str] | None:
    entry = request.session.get(f"learning-import-{token}") if token.isalnum() else None
    if not entry or entry["purpose"] != purpose or not default_storage.exists(entry["path"]):
        return None
    return entry["path"], entry["name"]


def _unstage(request: AuthedRequest, token: str) -> None:
    entry = request.session.pop(f"learning-import-{token}", None)
    if entry:
        default_storage.delete(entry["path"])


def _read(path: str) -> bytes:
    with default_storage.open(path, "rb") as handle:
        return handle.read()


def _lost() -> list[str]:
    return [_("Tệp chờ xác nhận không còn (phiên đã hết hạn): hãy tải lại tệp.")]


def _errors(exc: ImportRejected | list[RowError]) -> list[str]:
    return [str(e) for e in (exc.errors if isinstance(exc, ImportRejected) else exc)]


class ConfirmForm(Form):
    token = forms.CharField(max_length=40)


class ThresholdForm(Form):
    threshold = forms.IntegerField(
        label=gettext_lazy("Có mặt khi dự ít nhất (phút)"),
        min_value=1,
        max_value=1440,
        required=False,
    )


# --- A class's sign-in sheet and meeting report


@require_http_methods(["GET", "POST"])
@login_required
def class_sheet(request: AuthedRequest, pk: int) -> HttpResponse:
    """A paper sign-in sheet typed into Excel, for one class: preview, then confirm."""
    session = get_class_for_user(request.user, pk, roles=RUN_CLASSES)
    form = ImportForm(request.POST or None, request.FILES or None, kind=importers.SHEET_KIND)
    context: dict[str, object] = {"session": session, "form": form, "errors": []}
    direct = request.method == "POST" and "confirm" in request.POST and form.is_valid()
    if direct or (request.method == "POST" and "token" in request.POST):
        token = request.POST.get("token", "")
        # "confirm" with the file: import without the preview step (scripts, the corpus).
        staged = (
            (None, form.cleaned_data["file"]) if direct else _staged(request, token, f"sheet-{pk}")
        )
        if staged is None:
            context["errors"] = _lost()
        else:
            try:
                roll = importers.import_sheet(
                    actor=request.user,
                    session=session,
                    filename=staged[1].name if direct else staged[1],
                    content=staged[1].read() if direct else _read(staged[0]),
                )
            except (ImportRejected, ValidationError) as exc:
                context["errors"] = (
                    _errors(exc) if isinstance(exc, ImportRejected) else exc.messages
                )
            else:
                _unstage(request, token)
                messages.success(
                    request,
                    _("Đã ghi %(n)d người vào danh sách lớp (thêm mới %(added)d người học).")
                    % {"n": roll.written, "added": roll.added_learners},
                )
                return redirect(reverse("learning:class_sheet", args=[pk]))
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = importers.read_sheet(session, upload.name, upload.read())
        except ImportRejected as exc:
            context["errors"] = _errors(exc)
        else:
            context["preview"] = preview
            context["errors"] = _errors(preview.errors)
            if not preview.errors:
                upload.seek(0)
                context["token"] = _stage(request, upload, f"sheet-{pk}")
    status = 400 if context["errors"] or form.errors else 200
    return render_page(request, "learning/import_sheet.html", context, status=status)


@require_GET
@login_required
def sheet_template(request: AuthedRequest) -> HttpResponse:
    """The sign-in sheet to print or fill in, as the import reads it."""
    rows = [[n, "", "", "", "", "", ""] for n in range(1, 31)]
    content = xlsx_table(_("Danh sách ký tên tham gia lớp học"), SHEET_TEMPLATE, rows)
    return attachment(content, XLSX_CONTENT_TYPE, "danh-sach-ky-ten.xlsx")


@require_http_methods(["GET", "POST"])
@login_required
def class_online_report(request: AuthedRequest, pk: int) -> HttpResponse:
    """A meeting platform's participant report for an online class: preview the matches,
    then confirm."""
    session = get_class_for_user(request.user, pk, roles=RUN_CLASSES)
    form = ImportForm(request.POST or None, request.FILES or None, kind=importers.SHEET_KIND)
    settings_form = ThresholdForm(request.POST or None)
    threshold = settings_form.cleaned_data.get("threshold") if settings_form.is_valid() else None
    context: dict[str, object] = {
        "session": session,
        "form": form,
        "errors": [],
        "settings_form": settings_form,
    }
    if request.method == "POST" and "token" in request.POST:
        token = request.POST.get("token", "")
        staged = _staged(request, token, f"online-{pk}")
        if staged is None:
            context["errors"] = _lost()
        else:
            try:
                preview, _roll = importers.import_meeting_report(
                    actor=request.user,
                    session=session,
                    filename=staged[1],
                    content=_read(staged[0]),
                    threshold=threshold,
                )
            except (ImportRejected, ValidationError) as exc:
                context["errors"] = (
                    _errors(exc) if isinstance(exc, ImportRejected) else exc.messages
                )
            else:
                _unstage(request, token)
                messages.success(
                    request,
                    _("Đã ghi điểm danh trực tuyến của %(n)d người (%(present)d có mặt).")
                    % {"n": len(preview.matched), "present": preview.present},
                )
                return redirect(reverse("learning:class_online_report", args=[pk]))
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = importers.read_meeting_report(
                session, upload.name, upload.read(), threshold=threshold
            )
        except ImportRejected as exc:
            context["errors"] = _errors(exc)
        else:
            context["preview"] = preview
            context["errors"] = _errors(preview.errors)
            if not preview.errors and preview.matched:
                upload.seek(0)
                context["token"] = _stage(request, upload, f"online-{pk}")
    status = 400 if context["errors"] or form.errors else 200
    return render_page(request, "learning/import_online.html", context, status=status)


# --- The national platform


def _platform_unit(request: AuthedRequest):
    unit = get_chosen_unit_for_user(request.user, request.GET.get("unit"), roles=R.EDIT_UNITS)
    if unit is None:
        raise PermissionDenied
    from hocvuso.orgunits.selectors import user_can

    if not user_can(request.user, unit, R.EDIT_UNITS):
        raise PermissionDenied
    return unit


class MappingForm(Form):
    """One choice per column of the file: which field it holds, or none."""

    def __init__(self, *args, header: list[str], mapping: dict[int, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            ("", _("— bỏ qua —")),
            *((k, importers.FIELD_TITLES[k]) for k in importers.COMPLETION_FIELDS),
        ]
        for index, title in enumerate(header):
            if title:
                self.fields[f"col_{index}"] = forms.ChoiceField(
                    label=title[:80],
                    choices=choices,
                    required=False,
                    initial=mapping.get(index, ""),
                )

    def mapping(self) -> dict[int, str]:
        return {
            int(name[4:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("col_") and value
        }


@require_http_methods(["GET", "POST"])
@login_required
def platform_completions(request: AuthedRequest) -> HttpResponse:
    """Completions exported from the national MOOC platform for the unit's communes: the
    columns guessed and shown (the person may change them), then confirmed."""
    unit = _platform_unit(request)
    form = ImportForm(request.POST or None, request.FILES or None, kind=importers.COMPLETIONS_KIND)
    context: dict[str, object] = {"unit": unit, "form": form, "errors": []}
    if request.method == "POST" and "confirm" in request.POST and form.is_valid():
        # "confirm" with the file: import with the guessed columns, no preview step.
        upload = form.cleaned_data["file"]
        try:
            result = importers.import_completions(
                actor=request.user, unit=unit, filename=upload.name, stream=upload.file
            )
        except ImportRejected as exc:
            context["errors"] = _errors(exc)
        else:
            return _completions_done(request, unit, result)
    elif request.method == "POST" and "token" in request.POST:
        token = request.POST.get("token", "")
        staged = _staged(request, token, f"completions-{unit.pk}")
        if staged is None:
            context["errors"] = _lost()
        else:
            with default_storage.open(staged[0], "rb") as stream:
                preview = importers.completion_mapping(staged[1], stream)
            mapping_form = MappingForm(request.POST, header=preview.header, mapping=preview.mapping)
            mapping = mapping_form.mapping() if mapping_form.is_valid() else preview.mapping
            try:
                with default_storage.open(staged[0], "rb") as stream:
                    result = importers.import_completions(
                        actor=request.user,
                        unit=unit,
                        filename=staged[1],
                        stream=stream,
                        mapping=mapping,
                    )
            except ImportRejected as exc:
                context.update(preview=preview, mapping_form=mapping_form, token=token)
                context["errors"] = _errors(exc)
            else:
                _unstage(request, token)
                return _completions_done(request, unit, result)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            refusal = importers.already_imported(
                PlatformImport.Kind.COMPLETIONS, importers.file_sha256(upload)
            )
            if refusal is not None:
                raise refusal
            preview = importers.completion_mapping(upload.name, upload)
            if not preview.errors:
                upload.seek(0)
                context["rows"], row_errors = importers.check_completions(
                    unit, upload.name, upload, preview.mapping
                )
                context["errors"] = _errors(row_errors)
        except ImportRejected as exc:
            context["errors"] = _errors(exc)
        else:
            upload.seek(0)
            context["preview"] = preview
            context["mapping_form"] = MappingForm(header=preview.header, mapping=preview.mapping)
            context["token"] = _stage(request, upload, f"completions-{unit.pk}")
    status = 400 if context["errors"] or form.errors else 200
    return render_page(request, "learning/import_completions.html", context, status=status)


def _completions_done(request: AuthedRequest, unit, result) -> HttpResponse:
    messages.success(
        request,
        _("Đã nhập %(rows)d lượt hoàn thành; %(matched)d khớp người học, %(added)d người học mới.")
        % {"rows": result.rows, "matched": result.matched, "added": result.learners_added},
    )
    return redirect(f"{reverse('learning:platform_imports')}?unit={unit.pk}")


@require_http_methods(["GET", "POST"])
@login_required
def platform_vneid(request: AuthedRequest) -> HttpResponse:
    """VNeID's counts of "basic digital skills" confirmations per commune."""
    unit = _platform_unit(request)
    form = ImportForm(request.POST or None, request.FILES or None, kind=importers.VNEID_KIND)
    context: dict[str, object] = {"unit": unit, "form": form, "errors": []}
    if request.method == "POST" and "token" in request.POST:
        token = request.POST.get("token", "")
        staged = _staged(request, token, f"vneid-{unit.pk}")
        if staged is None:
            context["errors"] = _lost()
        else:
            try:
                _source, preview = importers.import_vneid(
                    actor=request.user, unit=unit, filename=staged[1], content=_read(staged[0])
                )
            except ImportRejected as exc:
                context["errors"] = _errors(exc)
            else:
                _unstage(request, token)
                messages.success(
                    request,
                    _("Đã nhập %(n)d số xác nhận (%(same)d số đã có, giữ nguyên).")
                    % {"n": len(preview.counts), "same": preview.unchanged},
                )
                return redirect(f"{reverse('learning:platform_imports')}?unit={unit.pk}")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            refusal = importers.already_imported(
                PlatformImport.Kind.VNEID, importers.hashlib.sha256(content).hexdigest()
            )
            if refusal is not None:
                raise refusal
            preview = importers.read_vneid(unit, upload.name, content)
        except ImportRejected as exc:
            context["errors"] = _errors(exc)
        else:
            context["preview"] = preview
            context["errors"] = _errors(preview.errors)
            if not preview.errors:
                upload.seek(0)
                context["token"] = _stage(request, upload, f"vneid-{unit.pk}")
    status = 400 if context["errors"] or form.errors else 200
    return render_page(request, "learning/import_vneid.html", context, status=status)


@require_GET
@login_required
def platform_imports(request: AuthedRequest) -> HttpResponse:
    """The files imported from the national platform for the user's units."""
    imports = scope_for_user(PlatformImport.objects.all(), request.user, via="unit")
    unit_pk = id_param(request.GET.get("unit"))
    unit = None
    if unit_pk is not None:
        unit = get_chosen_unit_for_user(request.user, str(unit_pk))
        imports = imports.filter(unit__path__startswith=unit.path)
    imports = imports.select_related("unit", "imported_by")[:200]
    return render_page(request, "learning/import_history.html", {"imports": imports, "unit": unit})


# --- Likely duplicates


class MergeForm(Form):
    keep = forms.IntegerField(min_value=1)
    drop = forms.IntegerField(min_value=1)
    confirm = forms.BooleanField(required=False)


@require_GET
@login_required
def duplicates(request: AuthedRequest) -> HttpResponse:
    """Learners of the user's communes that are likely one person, to merge by hand."""
    unit = None
    if id_param(request.GET.get("unit")) is not None:
        unit = get_chosen_unit_for_user(request.user, request.GET.get("unit"), roles=R.EDIT_UNITS)
    pairs = likely_duplicates(request.user, unit=unit)
    return render_page(request, "learning/duplicates.html", {"pairs": pairs, "unit": unit})


@require_POST
@login_required
def duplicates_merge(request: AuthedRequest) -> HttpResponse:
    """Merge one pair: a first POST shows both records to confirm, the second merges."""
    form = MergeForm(request.POST)
    if not form.is_valid():
        return redirect("learning:duplicates")
    editable = learners_visible_to(request.user, roles=R.EDIT_UNITS)
    wanted = Q(pk=form.cleaned_data["keep"]) | Q(pk=form.cleaned_data["drop"])
    found = editable.filter(wanted).select_related("commune", "village").in_bulk()
    keep, drop = found.get(form.cleaned_data["keep"]), found.get(form.cleaned_data["drop"])
    if keep is None or drop is None:
        from django.http import Http404

        raise Http404
    if not form.cleaned_data["confirm"]:
        return render_page(request, "learning/duplicates.html", {"confirm": (keep, drop)})
    try:
        merge_learners(actor=request.user, keep=keep, drop=drop)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Đã gộp “%(drop)s” vào “%(keep)s”.") % {"drop": drop, "keep": keep}
        )
    return redirect("learning:duplicates")
