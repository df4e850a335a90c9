"""A held class's results and certificates, for the people who see the class: mark who
completed and their result from the roll, issue the certificates, download them as PDF
(one, or the whole class one per page), revoke one."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hocvuso.core.http import AuthedRequest, attachment, render_page
from hocvuso.learning.models import Certificate, ClassSession
from hocvuso.learning.selectors import RUN_CLASSES, can_run, get_class_for_user, roll_of
from hocvuso.learning.selectors.certificates import certificates_of, get_certificate_for_user
from hocvuso.learning.services.certificates import (
    MAX_RESULT,
    ResultInput,
    class_day,
    issue_certificates,
    record_results,
    results_problem,
    revoke_certificate,
)

PDF_CONTENT_TYPE = "application/pdf"


@require_http_methods(["GET", "POST"])
@login_required
def results(request: AuthedRequest, pk: int) -> HttpResponse:
    """The class's roll with each attendee's completion and result; the certificates."""
    roles = RUN_CLASSES if request.method == "POST" else None
    session = get_class_for_user(request.user, pk, roles=roles)
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "issue":
                issued = issue_certificates(actor=request.user, session=session)
                messages.success(
                    request,
                    ngettext(
                        "Đã cấp %(n)d giấy chứng nhận.",
                        "Đã cấp %(n)d giấy chứng nhận.",
                        len(issued),
                    )
                    % {"n": len(issued)},
                )
            else:
                lines, completed_on = _parse_results(request, session)
                changed = record_results(
                    actor=request.user, session=session, results=lines, completed_on=completed_on
                )
                messages.success(
                    request,
                    ngettext(
                        "Đã lưu kết quả của %(n)d người.",
                        "Đã lưu kết quả của %(n)d người.",
                        changed,
                    )
                    % {"n": changed},
                )
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect("learning:results", pk=session.pk)
    roll = list(roll_of(session).select_related("certificate"))
    context = {
        "session": session,
        "roll": roll,
        "may_run": can_run(request.user, session),
        "closed": results_problem(session),
        "errors": errors,
        "class_day": class_day(session),
        "max_result": MAX_RESULT,
        "issued": sum(1 for e in roll if getattr(e, "certificate", None) is not None),
        "waiting": sum(1 for e in roll if e.completed and getattr(e, "certificate", None) is None),
    }
    return render_page(request, "learning/results.html", context, status=400 if errors else 200)


def _parse_results(
    request: HttpRequest, session: ClassSession
) -> tuple[list[ResultInput], datetime.date | None]:
    done = set(request.POST.getlist("done"))
    lines = []
    for enrolment in session.enrolments.only("pk"):
        key = str(enrolment.pk)
        result = request.POST.get(f"result-{key}")
        if result is None and key not in done:
            continue  # a line the form did not show
        lines.append(
            ResultInput(enrolment_id=enrolment.pk, completed=key in done, result=result or "")
        )
    unknown = [v for v in done if not _is_uuid(v)]
    if unknown:
        raise ValidationError(_("Dữ liệu gửi lên không hợp lệ."))
    typed = (request.POST.get("completed_on") or "").strip()
    if not typed:
        return lines, None
    try:
        return lines, datetime.date.fromisoformat(typed[:10])
    except ValueError as exc:
        raise ValidationError(_("Ngày hoàn thành không hợp lệ.")) from exc


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _verify_url(request: HttpRequest):
    def url(code: str) -> str:
        path = reverse("learn:verify", args=[code])
        return settings.SITE_URL + path if settings.SITE_URL else request.build_absolute_uri(path)

    return url


def _hours(certificate: Certificate):
    enrolment = certificate.enrolment
    return enrolment.session.course.hours if enrolment else None


@require_GET
@login_required
def class_certificates_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    """Every certificate of the class in one PDF, one per page (revoked ones left out)."""
    from hocvuso.learning.certificates_pdf import certificates_pdf

    session = get_class_for_user(request.user, pk)
    certificates = list(certificates_of(session).filter(revoked=False))
    if not certificates:
        raise Http404
    content = certificates_pdf(certificates, verify_url=_verify_url(request), hours=_hours)
    return attachment(content, PDF_CONTENT_TYPE, f"chung-nhan-lop-{session.pk}.pdf")


@require_GET
@login_required
def certificate_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    from hocvuso.learning.certificates_pdf import certificates_pdf

    certificate = get_certificate_for_user(request.user, pk)
    content = certificates_pdf([certificate], verify_url=_verify_url(request), hours=_hours)
    return attachment(content, PDF_CONTENT_TYPE, f"chung-nhan-{certificate.code}.pdf")


@require_POST
@login_required
def certificate_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    certificate = get_certificate_for_user(request.user, pk)
    session = certificate.enrolment.session
    if not can_run(request.user, session):
        raise PermissionDenied
    revoke_certificate(actor=request.user, certificate=certificate)
    messages.success(
        request, _("Đã thu hồi giấy chứng nhận %(code)s.") % {"code": certificate.code}
    )
    return redirect("learning:results", pk=session.pk)
