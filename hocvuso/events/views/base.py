"""What the events pages share: who manages an event, and small inline forms run as a
message on the page they redirect to."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from hocvuso.core import roles as R
from hocvuso.core.forms import attach_errors
from hocvuso.core.http import AuthedRequest
from hocvuso.events.models import Event
from hocvuso.orgunits.selectors import user_can
from hocvuso.plans.selectors import plans_visible_to

if TYPE_CHECKING:
    from hocvuso.plans.models import Plan


def _manage_context(request: AuthedRequest, event: Event) -> bool:
    return user_can(request.user, event.organiser, R.MANAGE_PLANS)


def _plans_for(request: AuthedRequest) -> QuerySet[Plan]:
    return plans_visible_to(request.user).order_by("-created_at")


def _form_failed(request: AuthedRequest, form: forms.BaseForm) -> None:
    """Report a small inline form's errors as a message: the page it sits on is redirected to,
    so its other forms keep their values."""
    problems = [
        f"{form.fields[name].label}: {' '.join(errors)}"
        if name in form.fields
        else " ".join(errors)
        for name, errors in form.errors.items()
    ]
    messages.error(request, _("Chưa lưu được: %(problems)s") % {"problems": "; ".join(problems)})


def _run(request: AuthedRequest, form: forms.BaseForm, call: Callable[[], object]) -> bool:
    """Validate ``form``, then call the service; errors become a message. True when saved."""
    if form.is_valid():
        try:
            call()
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return True
    _form_failed(request, form)
    return False


def _back_to(event: Event, section: str) -> HttpResponse:
    return redirect(f"{reverse('events:detail', args=[event.pk])}#{section}")
