"""Pages without an account: the class finder, registration for a class, its calendar file,
and the verification of a certificate. Nothing personal travels in a URL: a registration is
POSTed and its code shown from the session; the verification page shows initials only."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from hocvuso.core.api import AddressRateThrottle
from hocvuso.core.forms import Form, attach_errors
from hocvuso.core.http import id_param, render_page
from hocvuso.learning.models import Certificate, ClassSession, Topic
from hocvuso.learning.selectors import finder as F
from hocvuso.learning.services.certificates import normalise_code
from hocvuso.learning.services.finder import register_for_class, registration_problem
from hocvuso.learning.services.learners import MAX_NAME, PersonInput
from hocvuso.orgunits.models import OrgUnit

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
PER_PAGE = 20
# The session key holding the codes of the classes this browser registered for.
REGISTERED = "learn_registered"
NAME_MARKS = " .'-"


class RegistrationAllowance(AddressRateThrottle):
    """Registrations per address (``LEARN_REGISTER_RATE_LIMIT``): a script cannot fill a
    class with invented people."""

    scope = "learn_register"
    setting = "LEARN_REGISTER_RATE_LIMIT"


class VerifyAllowance(AddressRateThrottle):
    """Look-ups per address (``LEARN_VERIFY_RATE_LIMIT``): codes cannot be tried in bulk."""

    scope = "learn_verify"
    setting = "LEARN_VERIFY_RATE_LIMIT"


_register_allowance = RegistrationAllowance()
_verify_allowance = VerifyAllowance()


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "learning/finder_slow_down.html", {}, status=429)


# --- The finder


@require_GET
def finder(request: HttpRequest) -> HttpResponse:
    """Upcoming classes (open, or planned), by commune and topic, soonest first."""
    communes = list(F.finder_communes())
    topics = list(F.finder_topics())
    commune_id, topic_id = id_param(request.GET.get("xa")), id_param(request.GET.get("chu_de"))
    commune = next((c for c in communes if c.pk == commune_id), None)
    topic = next((t for t in topics if t.pk == topic_id), None)
    classes = F.upcoming_classes(commune=commune, topic=topic)
    page = Paginator(classes, PER_PAGE).get_page(request.GET.get("trang"))
    for session in page:
        session.seats_left = F.seats_left(session)
    provinces = {u.path: u for u in OrgUnit.objects.filter(depth=1)}
    groups: dict[str, list[OrgUnit]] = {}
    for c in communes:
        root = provinces.get(c.path[: OrgUnit.steplen])
        groups.setdefault(root.name if root else "", []).append(c)
    context = {
        "page": page,
        "groups": groups,
        "topics": topics,
        "commune": commune,
        "topic": topic,
        "query": _query(commune, topic),
    }
    return render_page(request, "learning/finder.html", context, fragment="results")


def _query(commune: OrgUnit | None, topic: Topic | None) -> str:
    parts = []
    if commune:
        parts.append(f"xa={commune.pk}")
    if topic:
        parts.append(f"chu_de={topic.pk}")
    return "&".join(parts)


# --- A class and its registration


class RegistrationForm(Form):
    name = forms.CharField(label=gettext_lazy("Họ và tên"), max_length=MAX_NAME)
    birth_year = forms.IntegerField(label=gettext_lazy("Năm sinh"), min_value=1900, max_value=2100)
    commune = forms.TypedChoiceField(label=gettext_lazy("Xã, phường nơi ở"), coerce=int)
    village = forms.TypedChoiceField(
        label=gettext_lazy("Thôn, tổ dân phố"), coerce=int, required=False, empty_value=None
    )
    phone = forms.CharField(
        label=gettext_lazy("Số điện thoại (không bắt buộc)"), max_length=20, required=False
    )
    # Honeypot: hidden from people by the stylesheet, filled by scripts.
    website = forms.CharField(required=False, max_length=200)

    def __init__(
        self,
        *args: object,
        communes: list[OrgUnit],
        villages: list[OrgUnit],
        url: str,
        **kw: object,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["commune"].choices = [("", _("— Chọn xã, phường —"))] + [
            (c.pk, c.name) for c in communes
        ]
        self.fields["village"].choices = [("", _("— Không chọn —"))] + [
            (v.pk, v.name) for v in villages
        ]
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["birth_year"].widget.attrs.update(inputmode="numeric")
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="tel")
        self.fields["commune"].widget.attrs.update(
            {
                "hx-get": url,
                "hx-target": "#villages",
                "hx-select": "#villages",
                "hx-swap": "outerHTML",
            }
        )
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        # Digits are left to the service, which tells an ID number from a typo.
        if any(not (ch.isalpha() or ch.isdigit() or ch in NAME_MARKS) for ch in name):
            raise ValidationError(_("Họ và tên chỉ gồm chữ cái và dấu cách."))
        return name

    def person(self) -> PersonInput:
        data = self.cleaned_data
        return PersonInput(
            name=data["name"],
            birth_year=data["birth_year"],
            commune_id=data["commune"],
            village_id=data.get("village"),
            phone=data.get("phone") or "",
        )


def _get_class(pk: int) -> ClassSession:
    session = F.get_public_class(pk)
    if session is None:
        raise Http404
    return session


def _chosen_commune(request: HttpRequest, communes: list[OrgUnit], session: ClassSession):
    wanted = id_param(request.POST.get("commune") or request.GET.get("commune"))
    if wanted is None:
        host = session.host
        wanted = host.pk if host.kind == OrgUnit.Kind.COMMUNE else None
        if wanted is None and host.kind == OrgUnit.Kind.VILLAGE:
            wanted = next((c.pk for c in communes if host.path.startswith(c.path)), None)
    return next((c for c in communes if c.pk == wanted), None)


@require_http_methods(["GET", "POST"])
def class_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One upcoming class: when, where, seats left, the course; and the registration form."""
    session = _get_class(pk)
    communes = list(F.province_communes(session))
    commune = _chosen_commune(request, communes, session)
    villages = list(F.villages_of(commune))
    data = request.POST if request.method == "POST" else None
    initial = {"commune": commune.pk} if commune else {}
    url = reverse("learn:class", args=[session.pk])
    form = RegistrationForm(data, initial=initial, communes=communes, villages=villages, url=url)
    status = 200
    if request.method == "POST":
        if not _register_allowance.allow_request(request):
            return _too_many(request)
        if form.is_valid() and form.cleaned_data.get("website"):
            form.add_error(None, _("Không gửi được đăng ký. Xin thử lại."))
        elif form.is_valid():
            try:
                registration = register_for_class(session=session, person=form.person())
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                codes = request.session.get(REGISTERED, {})
                codes[str(session.pk)] = [registration.code, registration.created]
                request.session[REGISTERED] = codes
                return redirect("learn:registered", pk=session.pk)
        status = 400
    context = {
        "session": session,
        "seats_left": F.seats_left(session),
        "closed": registration_problem(session),
        "form": form,
        "topics": session.course.topics.all(),
    }
    return render_page(request, "learning/finder_class.html", context, status=status)


@require_GET
def registered(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation code of this browser's registration for class ``pk``."""
    session = _get_class(pk)
    found = request.session.get(REGISTERED, {}).get(str(session.pk))
    if not found:
        return redirect("learn:class", pk=session.pk)
    code, created = found
    context = {"session": session, "code": code, "created": created}
    return render(request, "learning/finder_registered.html", context)


@require_GET
def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The class as an .ics file: its times in Vietnam's time, the venue, the class page."""
    from icalendar import Calendar, Event

    session = _get_class(pk)
    url = request.build_absolute_uri(reverse("learn:class", args=[session.pk]))
    calendar = Calendar()
    calendar.add("prodid", "-//Học vụ số//Lớp học//VI")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"class-{session.pk}@hocvuso")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at.astimezone(VIETNAM))
    event.add("dtend", session.ends_at.astimezone(VIETNAM))
    event.add("summary", session.course.title)
    event.add("location", _location(session))
    event.add("url", url)
    event.add("description", f"{session.organiser.name}\n{url}")
    calendar.add_component(event)
    if hasattr(calendar, "add_missing_timezones"):
        calendar.add_missing_timezones()
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lop-hoc-{session.pk}.ics"'
    return response


def _location(session: ClassSession) -> str:
    online = _("Trực tuyến")
    if session.mode == ClassSession.Mode.ONLINE:
        return online
    venue = session.venue or session.host.name
    if session.mode == ClassSession.Mode.HYBRID:
        return f"{venue} ({online})"
    return venue


# --- Verification of a certificate


@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    """A box to type the code printed on a certificate."""
    typed = request.GET.get("ma")
    if typed is not None:
        code = normalise_code(typed[:40])
        if code:
            return redirect("learn:verify", code=code)
    context = {"typed": typed is not None}
    return render(request, "learning/verify_form.html", context, status=400 if typed else 200)


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """What a certificate says, as anyone may check it: the holder's initials, the course,
    the completion day, the organiser, valid or revoked. An unknown code does the same one
    query and answers 404."""
    if not _verify_allowance.allow_request(request):
        return _too_many(request)
    wanted = normalise_code(code)
    certificate = Certificate.objects.filter(code=wanted or "-").first()
    context = {
        "certificate": certificate,
        "initials": F.initials(certificate.holder_name) if certificate else "",
    }
    return render(request, "learning/verify.html", context, status=200 if certificate else 404)


__all__ = ["calendar", "class_page", "finder", "registered", "verify", "verify_form"]
