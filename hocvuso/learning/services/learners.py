"""Learners: the least a class roll needs, matched without any ID number (name, year of
birth and commune), likely duplicates merged only by a person."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.core.models import AuditLog
from hocvuso.core.services import record_audit
from hocvuso.core.tables.text import clean_typed
from hocvuso.learning.models import (
    Certificate,
    Enrolment,
    Learner,
    PlatformCompletion,
    TargetGroup,
)
from hocvuso.learning.services.summaries import refresh_learning_summaries
from hocvuso.orgunits.models import OrgUnit

if TYPE_CHECKING:
    from hocvuso.accounts.models import User

MAX_NAME = 100
# Nine digits or more is a CMND/CCCD number: never stored, not even in a name.
ID_NUMBER = re.compile(r"\d{9,}")
PHONE = re.compile(r"^0\d{9}$")
OLDEST_BIRTH_YEAR = 1900
# A learner is at least a pupil in primary school.
YOUNGEST_AGE = 5
_SPACES = re.compile(r"\s+")
ATTENDED_RANK = {
    Enrolment.Status.PRESENT: 4,
    Enrolment.Status.LATE: 3,
    Enrolment.Status.EXCUSED: 2,
    Enrolment.Status.ABSENT: 1,
    Enrolment.Status.REGISTERED: 0,
}


def name_key(name: str) -> str:
    """How two spellings of one name are compared: composed, lower case, single spaces —
    diacritics kept, so "Ân" and "An" are two people (listed as likely duplicates)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", name).lower()).strip()[:200]


@dataclass
class PersonInput:
    """A person as typed at the door, on a roll or read from a sheet, before it is checked."""

    name: str
    birth_year: int | None
    commune_id: int | None = None
    village_id: int | None = None
    sex: str = ""
    group: str = TargetGroup.CITIZENS
    phone: str = ""


def person_problems(person: PersonInput, *, today: datetime.date | None = None) -> list[str]:
    """Why ``person`` cannot be stored, each reason in Vietnamese (empty when it can)."""
    today = today or timezone.localdate()
    problems: list[str] = []
    name = person.name or ""
    if "\x00" in name:
        problems.append(_("họ tên có ký tự NUL: bản ghi bị hỏng"))
    elif not clean_typed(name):
        problems.append(_("thiếu họ và tên"))
    elif len(clean_typed(name)) > MAX_NAME:
        problems.append(_("họ và tên dài quá %(n)d ký tự") % {"n": MAX_NAME})
    elif ID_NUMBER.search(re.sub(r"[\s.\-]", "", name)):
        problems.append(_("không ghi số CCCD, CMND hay số điện thoại vào ô họ tên"))
    elif any(ch.isdigit() for ch in name):
        problems.append(_("họ và tên không được có chữ số"))
    year = person.birth_year
    if year is None:
        problems.append(_("thiếu năm sinh"))
    elif isinstance(year, bool) or not isinstance(year, int):
        problems.append(_("năm sinh không hợp lệ"))
    elif not OLDEST_BIRTH_YEAR <= year <= today.year - YOUNGEST_AGE:
        problems.append(
            _("năm sinh phải từ %(first)d đến %(last)d")
            % {"first": OLDEST_BIRTH_YEAR, "last": today.year - YOUNGEST_AGE}
        )
    if person.sex not in ("", *Learner.Sex.values):
        problems.append(_("giới tính không hợp lệ"))
    if person.group not in TargetGroup.values:
        problems.append(_("đối tượng không hợp lệ"))
    phone = normalise_phone(person.phone)
    if phone and not PHONE.match(phone):
        problems.append(_("số điện thoại phải có 10 chữ số, bắt đầu bằng 0"))
    return problems


def normalise_phone(text: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", text or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


class LearnerMatcher:
    """Finds the learners a batch names, one query for the whole batch: the same commune,
    the same name (diacritics kept) and the same year of birth is the same person. A record
    merged into another answers as the one kept."""

    def __init__(self, people: Iterable[PersonInput]) -> None:
        people = list(people)
        self.found: dict[tuple[int, str, int], Learner] = {}
        keys = {(p.commune_id, name_key(clean_typed(p.name)), p.birth_year) for p in people}
        communes = {k[0] for k in keys if k[0]}
        names = {k[1] for k in keys}
        if not communes:
            return
        rows = Learner.objects.filter(
            commune_id__in=communes, name_key__in=names, merged_into__isnull=True
        )
        for learner in rows:
            self.found[(learner.commune_id, learner.name_key, learner.birth_year)] = learner

    def find(self, person: PersonInput) -> Learner | None:
        return self.found.get(
            (person.commune_id, name_key(clean_typed(person.name)), person.birth_year)
        )

    def remember(self, learner: Learner) -> None:
        self.found[(learner.commune_id, learner.name_key, learner.birth_year)] = learner


def build_learner(person: PersonInput, *, communes: dict[int, OrgUnit]) -> Learner:
    """An unsaved learner from a checked person; ``communes`` holds the person's commune and
    its village (by pk). The village must lie in the commune."""
    commune = communes[person.commune_id]
    village_id = None
    if person.village_id:
        village = communes.get(person.village_id)
        if village is None or not village.path.startswith(commune.path):
            raise ValidationError(_("thôn, tổ dân phố không thuộc xã, phường đã chọn"))
        village_id = village.pk
    name = " ".join(clean_typed(person.name).split())
    return Learner(
        name=name,
        name_key=name_key(name),
        birth_year=person.birth_year,
        sex=person.sex,
        commune_id=commune.pk,
        village_id=village_id,
        group=person.group,
        phone=normalise_phone(person.phone),
    )


def province_of(unit: OrgUnit, known: dict[int, OrgUnit] | None = None) -> int:
    """The pk of ``unit``'s province (its root): found among ``known`` units when there,
    else one query."""
    root = unit.path[: OrgUnit.steplen]
    for other in (known or {}).values():
        if other.path == root:
            return other.pk
    return OrgUnit.objects.filter(path=root).values_list("pk", flat=True).get()


def residence_units(ids: Iterable[int | None]) -> dict[int, OrgUnit]:
    """The communes and villages named by ``ids`` that people can live in, and their
    provinces (which nobody lives in directly: callers check the kind)."""
    wanted = {i for i in ids if i}
    units = {
        u.pk: u
        for u in OrgUnit.objects.filter(
            pk__in=wanted, kind__in=(OrgUnit.Kind.COMMUNE, OrgUnit.Kind.VILLAGE)
        )
    }
    roots = {u.path[: OrgUnit.steplen] for u in units.values()}
    units.update({u.pk: u for u in OrgUnit.objects.filter(path__in=roots)})
    return units


@transaction.atomic
def find_or_create_learner(
    *, actor: User | None, person: PersonInput, today: datetime.date | None = None
) -> tuple[Learner, bool]:
    """The learner ``person`` names, created when nobody matches; ValidationError with every
    problem otherwise."""
    problems = person_problems(person, today=today)
    units = residence_units([person.commune_id, person.village_id])
    commune = units.get(person.commune_id)
    if commune is None or commune.kind != OrgUnit.Kind.COMMUNE:
        problems.append(_("chưa chọn xã, phường nơi ở"))
    if problems:
        raise ValidationError(problems)
    found = LearnerMatcher([person]).find(person)
    if found is not None:
        return found, False
    learner = build_learner(person, communes=units)
    learner.save()
    return learner, True


def merge_candidates(learner: Learner) -> Q:
    """Who may be ``learner`` written another way: same commune, the same name without
    diacritics or the same name a year off."""
    return Q(commune_id=learner.commune_id, merged_into__isnull=True) & ~Q(pk=learner.pk)


@transaction.atomic
def merge_learners(*, actor: User | None, keep: Learner, drop: Learner) -> Learner:
    """Fold ``drop`` into ``keep``: its classes move over (where both were in one class, the
    better attendance stays), the earlier first training day is kept, and ``drop`` remains
    only as a pointer, so a certificate printed with its name still verifies."""
    if keep.pk == drop.pk:
        raise ValidationError(_("Không gộp một người với chính mình."))
    if keep.commune_id != drop.commune_id:
        raise ValidationError(_("Chỉ gộp hai người cùng xã, phường."))
    if drop.merged_into_id is not None or keep.merged_into_id is not None:
        raise ValidationError(_("Người này đã được gộp trước đó."))
    kept = {e.session_id: e for e in Enrolment.objects.filter(learner=keep)}
    hosts = set(Enrolment.objects.filter(learner=drop).values_list("session__host_id", flat=True))
    moved = 0
    for enrolment in Enrolment.objects.filter(learner=drop).select_for_update():
        other = kept.get(enrolment.session_id)
        if other is None:
            enrolment.learner = keep
            enrolment.save(update_fields=["learner", "updated_at"])
            moved += 1
            continue
        if ATTENDED_RANK[enrolment.status] > ATTENDED_RANK[other.status]:
            other.status = enrolment.status
            other.checked_in_at = enrolment.checked_in_at
        if enrolment.completed and not other.completed:
            other.completed, other.completed_on = True, enrolment.completed_on
        other.save(
            update_fields=["status", "checked_in_at", "completed", "completed_on", "updated_at"]
        )
        # A certificate outlives its enrolment (it keeps what it printed), so paper already
        # handed out still verifies.
        Certificate.objects.filter(enrolment=enrolment).update(
            enrolment=None if Certificate.objects.filter(enrolment=other).exists() else other
        )
        enrolment.delete()
    # The national platform's completions follow the person too.
    PlatformCompletion.objects.filter(learner=drop).update(learner=keep)
    days = [d for d in (keep.first_trained_on, drop.first_trained_on) if d]
    keep.first_trained_on = min(days) if days else None
    for name in ("village_id", "sex", "phone"):
        if not getattr(keep, name) and getattr(drop, name):
            setattr(keep, name, getattr(drop, name))
    keep.save(update_fields=["first_trained_on", "village", "sex", "phone", "updated_at"])
    drop.merged_into = keep
    drop.save(update_fields=["merged_into", "updated_at"])
    refresh_learning_summaries(hosts=hosts, learners=[keep.pk, drop.pk])
    record_audit(
        actor=actor,
        action=AuditLog.Action.LEARNERS_MERGED,
        obj=keep,
        unit_id=keep.commune_id,
        changes={"merged": [drop.pk, keep.pk], "enrolments_moved": moved},
    )
    return keep


def note_trained(learner_ids: Iterable[int], day: datetime.date) -> None:
    """Set the first training day of the learners who had none or a later one."""
    ids = list(set(learner_ids))
    if ids:
        Learner.objects.filter(pk__in=ids).filter(
            Q(first_trained_on__isnull=True) | Q(first_trained_on__gt=day)
        ).update(first_trained_on=day)


__all__ = [
    "LearnerMatcher",
    "PersonInput",
    "build_learner",
    "find_or_create_learner",
    "merge_learners",
    "name_key",
    "normalise_phone",
    "note_trained",
    "person_problems",
    "province_of",
    "residence_units",
]
