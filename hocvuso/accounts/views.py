from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hocvuso.accounts import selectors, services
from hocvuso.accounts.forms import ApiTokenForm, AuditFilterForm, PersonForm
from hocvuso.core import audit
from hocvuso.core import roles as R
from hocvuso.core.forms import attach_errors
from hocvuso.core.http import AuthedRequest, render_page
from hocvuso.orgunits import selectors as unit_selectors
from hocvuso.orgunits import services as unit_services


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, writing through the audited service instead of ``form.save()``."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        services.change_password(
            actor=self.request.user,
            user=form.user,
            password=form.cleaned_data["new_password1"],
        )
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


@require_GET
@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The start page: what the person's strongest role needs first, with next steps."""
    assignments = list(selectors.roles_of(request.user))
    year = timezone.localdate().year
    cards = [
        {
            "assignment": a,
            "kind_counts": unit_selectors.kind_counts_under(a.unit),
            "has_population": a.unit.populations.filter(year=year).exists(),
            "can_edit": unit_selectors.user_can(request.user, a.unit, R.EDIT_UNITS),
            # An agency's focal point may edit it but add nothing under it.
            "can_add_child": bool(unit_services.kinds_for_new_unit(request.user, a.unit)),
        }
        for a in assignments
    ]
    context = {
        "main_role": request.user.main_role(),
        "cards": cards,
        "year": year,
        "can_read_audit": selectors.can_read_audit(request.user),
        "Role": R.Role,
    }
    return render(request, "accounts/home.html", context)


@require_GET
@login_required
def audit_log(request: AuthedRequest) -> HttpResponse:
    if not selectors.can_read_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET)
    form.is_valid()  # an unknown kind is shown on the form and left out of the filter
    entries = selectors.audit_log_for(request.user, action=form.cleaned_data.get("action", ""))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    context = {"page": page, "entries": audit.present(page.object_list), "form": form}
    return render_page(request, "accounts/audit_log.html", context, fragment="entries")


@require_http_methods(["GET", "POST"])
@login_required
def person_add(request: AuthedRequest, unit_pk: int) -> HttpResponse:
    """Create an account holding one role on the unit (coordinators, administrators)."""
    unit = unit_selectors.get_unit_for_user(request.user, unit_pk, roles=R.MANAGE_PEOPLE)
    form = PersonForm(request.POST or None, roles=selectors.grantable_roles(request.user, unit))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_user(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã tạo tài khoản %(username)s. Hãy trao mật khẩu ban đầu cho người dùng.")
                % {"username": person.username},
            )
            return redirect(unit)
    return render(request, "accounts/person_form.html", {"unit": unit, "form": form})


@require_POST
@login_required
def role_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    assignment = selectors.get_assignment_for_manager(request.user, pk)
    if assignment.user_id == request.user.pk:
        messages.error(request, _("Bạn không thể tự bỏ vai trò của chính mình."))
    else:
        services.revoke_role(actor=request.user, assignment=assignment)
        messages.success(
            request,
            _("Đã bỏ vai trò %(role)s của %(name)s.")
            % {"role": assignment.get_role_display(), "name": assignment.user.display_name},
        )
    return redirect(assignment.unit)


@require_GET
@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    """The person's inbox: what publishing plans and deadline reminders told them."""
    page = Paginator(selectors.notifications_for(request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/notification_list.html", {"page": page})


@require_POST
@login_required
def notification_read(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with ``open`` also go where it points."""
    notification = selectors.get_notification_for_user(request.user, pk)
    services.mark_notifications_read(actor=request.user, notification=notification)
    # The link was checked to be a site path when written; checked again, as any redirect is.
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("accounts:notifications")


@require_POST
@login_required
def notifications_read_all(request: AuthedRequest) -> HttpResponse:
    services.mark_notifications_read(actor=request.user)
    messages.success(request, _("Đã đánh dấu mọi thông báo là đã đọc."))
    return redirect("accounts:notifications")


@require_http_methods(["GET", "POST"])
@login_required
@never_cache  # the page that shows a new secret must not be kept by the browser or a proxy
def api_tokens(request: AuthedRequest) -> HttpResponse:
    """The person's own API tokens: listed, created (the secret shown on this one response,
    never again, so there is no redirect that would have to carry it), revoked."""
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_api_token(
                actor=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            form = ApiTokenForm()
    context = {
        "tokens": selectors.api_tokens_of(request.user),
        "form": form,
        "created": created,
        "now": timezone.now(),
    }
    return render(request, "accounts/api_tokens.html", context)


@require_POST
@login_required
def api_token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = selectors.get_api_token_for_user(request.user, pk)
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(
        request,
        _("Đã thu hồi mã %(name)s: từ giờ mã này không còn dùng được.") % {"name": token.name},
    )
    return redirect("accounts:api_tokens")
