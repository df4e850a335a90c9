"""Attendance at the door: the rotating QR on the hall's screen, a learner's phone checking in
with it (no account), and the trainer's roll call on a phone, offline-capable."""

from __future__ import annotations

import json

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hocvuso.core.api import AddressRateThrottle
from hocvuso.core.forms import Form
from hocvuso.core.http import AuthedRequest, id_param, render_page
from hocvuso.learning import selectors
from hocvuso.learning.models import ClassSession, Enrolment
from hocvuso.learning.services import (
    AlreadyCheckedIn,
    CheckinRefused,
    PersonInput,
    check_in,
    current_code,
    issue_ticket,
    parse_marks,
    record_attendance,
    roll_answer,
)
from hocvuso.learning.services.checkin import checkin_problem
from hocvuso.orgunits.models import OrgUnit

MAX_BODY = 1024 * 1024  # a roll of 2,000 lines is well under this
RECENT = 6  # names shown on the hall's screen


class CheckinThrottle(AddressRateThrottle):
    """``CHECKIN_RATE_LIMIT`` check-in requests per address: a hall's people come one phone
    each, a script trying codes or flooding the roll does not get far."""

    scope = "learning_checkin"
    setting = "CHECKIN_RATE_LIMIT"


_throttle = CheckinThrottle()


def initials(name: str) -> str:
    """ "Nguyễn Thị Hoa" → "N. T. H.": what a projected screen may show of a person."""
    return " ".join(f"{part[0].upper()}." for part in name.split() if part)


def host_commune(session: ClassSession) -> OrgUnit:
    host = session.host
    if host.kind == OrgUnit.Kind.COMMUNE:
        return host
    ancestor = (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNE, path__in=_prefixes(host.path))
        .order_by("-depth")
        .first()
    )
    return ancestor or host


def _prefixes(path: str) -> list[str]:
    return [path[:n] for n in range(OrgUnit.steplen, len(path) + 1, OrgUnit.steplen)]


# --- The hall's screen


@require_GET
@login_required
@never_cache
def class_qr(request: AuthedRequest, pk: int) -> HttpResponse:
    """The rotating QR for the hall's screen, with the live count and the last arrivals'
    initials; htmx asks for ``#screen`` every few seconds."""
    session = selectors.get_class_for_user(request.user, pk, roles=selectors.RUN_CLASSES)
    return render_page(
        request, "learning/door_qr.html", _screen(request, session), fragment="screen"
    )


def _screen(request: HttpRequest, session: ClassSession) -> dict[str, object]:
    screen = current_code(session)
    url = request.build_absolute_uri(reverse("learn:checkin", args=[session.pk, screen.code]))
    attended = session.enrolments.filter(status__in=Enrolment.ATTENDED)
    recent = attended.order_by("-checked_in_at").values_list("learner__name", flat=True)[:RECENT]
    return {
        "session": session,
        "problem": checkin_problem(session),
        "code": screen.code,
        "seconds_left": screen.seconds_left,
        "qr": segno.make(url, error="m").svg_inline(
            scale=8, omitsize=True, title=_("Mã QR điểm danh")
        ),
        "count": attended.count(),
        "recent": [initials(name) for name in recent],
        "now": timezone.localtime(),
    }


# --- A learner's phone


class CheckinForm(Form):
    ticket = forms.CharField(max_length=200, widget=forms.HiddenInput)
    name = forms.CharField(label=gettext_lazy("Họ và tên"), max_length=100)
    birth_year = forms.IntegerField(
        label=gettext_lazy("Năm sinh"),
        min_value=1900,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    commune = forms.ModelChoiceField(
        label=gettext_lazy("Xã, phường nơi ở"), queryset=OrgUnit.objects.none()
    )
    village = forms.ModelChoiceField(
        label=gettext_lazy("Thôn, tổ dân phố"), queryset=OrgUnit.objects.none(), required=False
    )

    def __init__(self, *args: object, session: ClassSession, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.commune = host_commune(session)
        province = self.commune.path[: OrgUnit.steplen]
        self.fields["commune"].queryset = OrgUnit.objects.filter(
            path__startswith=province, kind=OrgUnit.Kind.COMMUNE
        ).order_by("name")
        self.fields["village"].queryset = OrgUnit.objects.filter(
            path__startswith=self.commune.path, kind=OrgUnit.Kind.VILLAGE
        ).order_by("path")
        self.fields["commune"].initial = self.commune.pk
        for name in ("name", "birth_year"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def clean(self) -> dict[str, object]:
        data = super().clean()
        village, commune = data.get("village"), data.get("commune")
        if village and commune and not village.path.startswith(commune.path):
            # The village list is the host commune's: someone of another commune has none.
            data["village"] = None
        return data

    def person(self) -> PersonInput:
        data = self.cleaned_data
        return PersonInput(
            name=data["name"],
            birth_year=data["birth_year"],
            commune_id=data["commune"].pk,
            village_id=data["village"].pk if data["village"] else None,
        )


@require_http_methods(["GET", "POST"])
@ensure_csrf_cookie
@never_cache
def checkin(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """A learner checks in with the code scanned from the hall's screen: name, year of birth,
    where they live (kept on their phone for next time), one button."""
    session = get_object_or_404(ClassSession.objects.select_related("course", "host"), pk=pk)
    if not _throttle.allow_request(request):
        return _refused(
            request, session, _("Quá nhiều lượt gửi từ mạng này, hãy thử lại sau ít phút."), 429
        )
    if request.method == "GET":
        try:
            ticket = issue_ticket(session, code)
        except CheckinRefused as exc:
            return _refused(request, session, exc.messages[0], 400)
        form = CheckinForm(initial={"ticket": ticket}, session=session)
        return _form(request, session, form, code)
    form = CheckinForm(request.POST, session=session)
    if not form.is_valid():
        return _form(request, session, form, code, status=400)
    try:
        enrolment = check_in(
            session=session, code=form.cleaned_data["ticket"], person=form.person()
        )
    except AlreadyCheckedIn as exc:
        return _done(request, session, exc.enrolment, already=exc.messages[0])
    except CheckinRefused as exc:
        return _refused(request, session, exc.messages[0], 400)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _form(request, session, form, code, status=400)
    return _done(request, session, enrolment)


def _form(
    request: HttpRequest, session: ClassSession, form: CheckinForm, code: str, status: int = 200
) -> HttpResponse:
    context = {
        "session": session,
        "form": form,
        "code": code,
        "host_commune": form.commune,
        "communes": list(form.fields["commune"].queryset.values_list("pk", "name")),
        "villages": list(form.fields["village"].queryset.values_list("pk", "name")),
        "chosen_commune": _chosen(form, "commune") or form.commune.pk,
        "chosen_village": _chosen(form, "village"),
    }
    return render(request, "learning/checkin.html", context, status=status)


def _chosen(form: CheckinForm, name: str) -> int | None:
    return id_param(form.data.get(name)) if form.is_bound else None


def _refused(request: HttpRequest, session: ClassSession, reason: str, status: int) -> HttpResponse:
    return render(
        request,
        "learning/checkin_refused.html",
        {"session": session, "reason": reason},
        status=status,
    )


def _done(
    request: HttpRequest, session: ClassSession, enrolment: Enrolment, already: str = ""
) -> HttpResponse:
    context = {
        "session": session,
        "enrolment": enrolment,
        "at": timezone.localtime(enrolment.checked_in_at or timezone.now()),
        "already": already,
    }
    return render(request, "learning/checkin_done.html", context)


# --- The trainer's roll call


@require_GET
@login_required
def roll_call(request: AuthedRequest, pk: int) -> HttpResponse:
    """The class's list on the trainer's phone: one tap per person, walk-ins added, marks kept
    on the phone until they are sent (see static/learning/roll.js)."""
    session = selectors.get_class_for_user(request.user, pk, roles=selectors.RUN_CLASSES)
    commune = host_commune(session)
    roll = [
        {
            "id": str(e.pk),
            "learner_id": e.learner_id,
            "name": e.learner.name,
            "birth_year": e.learner.birth_year,
            "village": e.learner.village.name if e.learner.village else "",
            "status": e.status,
        }
        for e in selectors.roll_of(session)
    ]
    villages = OrgUnit.objects.filter(path__startswith=commune.path, kind=OrgUnit.Kind.VILLAGE)
    context = {
        "session": session,
        "roll": roll,
        "commune": {"id": commune.pk, "name": commune.name},
        "villages": [{"id": v.pk, "name": v.name} for v in villages.order_by("path")],
        "statuses": [
            {"value": value, "label": label}
            for value, label in Enrolment.Status.choices
            if value != Enrolment.Status.REGISTERED
        ],
        "problem": checkin_problem(session),
    }
    return render(request, "learning/door_roll.html", context)


@require_POST
@login_required
def roll_marks(request: AuthedRequest, pk: int) -> JsonResponse:
    """A batch of marks from the roll-call page (JSON, see services/marks.py): each line's
    fate by its id; sending the same batch again writes nothing more."""
    session = selectors.get_class_for_user(request.user, pk, roles=selectors.RUN_CLASSES)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"detail": _("Nội dung gửi lên quá lớn.")}, status=413)
    try:
        marks, refused = parse_marks(json.loads(request.body or b"null"))
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"detail": _("Nội dung gửi lên không phải JSON hợp lệ.")}, status=400)
    except ValidationError as exc:
        return JsonResponse({"detail": exc.messages[0]}, status=400)
    marks = _known_learners_only(request, session, marks, refused)
    try:
        roll = record_attendance(actor=request.user, session=session, marks=marks, via="roll")
    except ValidationError as exc:
        return JsonResponse({"detail": exc.messages[0]}, status=409)
    return JsonResponse(roll_answer(roll, refused, marks))


def _known_learners_only(request, session, marks, refused):
    """A line may name a learner already on this class's list or one the trainer sees; any
    other learner id is no learner (it would enrol a stranger from another commune)."""
    named = {m.learner_id for m in marks if m.learner_id}
    if not named:
        return marks
    on_roll = set(session.enrolments.values_list("learner_id", flat=True))
    visible = set(
        selectors.learners_visible_to(request.user)
        .filter(pk__in=named - on_roll)
        .values_list("pk", flat=True)
    )
    kept = []
    for mark in marks:
        if mark.learner_id and mark.learner_id not in on_roll | visible:
            refused[mark.id] = _("không tìm thấy người học")
        else:
            kept.append(mark)
    return kept


@require_GET
@cache_control(no_cache=True)  # browsers check for a new worker on every visit
def roll_service_worker(request: HttpRequest) -> HttpResponse:
    """The roll call's service worker, from /learning/classes/ so it may keep the roll pages."""
    path = finders.find("learning/roll-sw.js")
    if path is None:
        raise Http404
    with open(path, encoding="utf-8") as source:
        return HttpResponse(source.read(), content_type="text/javascript; charset=utf-8")


__all__ = ["checkin", "class_qr", "roll_call", "roll_marks", "roll_service_worker"]
