"""Loading the demo. Idempotent: running it twice leaves one copy of everything."""

from __future__ import annotations

from django.db import transaction

from hocvuso.accounts.models import User
from hocvuso.accounts.services import assign_role, create_user
from hocvuso.demo import data
from hocvuso.demo.communications import load_demo_communications
from hocvuso.demo.events import load_demo_event
from hocvuso.demo.fieldwork import load_demo_fieldwork
from hocvuso.demo.learning import load_demo_learning
from hocvuso.demo.plans import DRAFT_TITLE, load_demo_draft, load_demo_plan
from hocvuso.demo.reports import load_demo_reports
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import children_of
from hocvuso.orgunits.services import (
    add_children_bulk,
    create_unit,
    ensure_group,
    load_divisions,
    set_population,
)


@transaction.atomic
def load_demo() -> list[tuple[str, str, str]]:
    """Load the Ninh Bình demo; return (username, role label, unit name) for each demo login."""
    load_divisions(actor=None, province_code=data.PROVINCE_CODE)
    province = OrgUnit.objects.get(code=data.PROVINCE_CODE)
    groups = {
        slug: ensure_group(actor=None, name=name, slug=slug, is_demo=True)
        for slug, name in data.GROUPS.items()
    }
    for code, name, abbreviation, kind, group_slugs in data.ORGANISATIONS:
        if not OrgUnit.objects.filter(code=code).exists():
            create_unit(
                actor=None,
                parent=province,
                name=name,
                kind=kind,
                code=code,
                abbreviation=abbreviation,
                groups=[groups[s] for s in group_slugs],
                is_demo=True,
            )
    wards = {w.name: w for w in children_of(province).filter(name__in=data.HOA_LU_WARDS)}
    for index, ward in enumerate(wards.values()):
        _demo_villages(ward, seed=index)
    load_demo_plan(province, list(wards.values()))
    load_demo_draft(province)
    load_demo_event(province, DRAFT_TITLE)
    logins = []
    for username, full_name, role, where in data.USERS:
        unit = _demo_unit(where, province, wards)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_user(
                actor=None,
                username=username,
                password=data.DEMO_PASSWORD,
                email=f"{username}@example.com",
                full_name=full_name,
                unit=unit,
                role=role,
                is_demo=True,
                is_superuser=role == "administrator",
            )
        else:
            assign_role(actor=None, user=user, unit=unit, role=role)
        logins.append((username, str(role.label), unit.name))
    team_member = User.objects.filter(username="tocongnghe").first()
    load_demo_fieldwork(list(wards.values()), team_member)
    load_demo_learning(province, list(wards.values()), team_member)
    load_demo_reports(province)
    load_demo_communications(province, list(wards.values()))
    return logins


def _demo_villages(ward: OrgUnit, *, seed: int) -> None:
    existing = {c.name for c in children_of(ward)}
    names = [f"Tổ dân phố số {n}" for n in range(1, data.RESIDENTIAL_GROUPS_PER_WARD + 1)]
    add_children_bulk(
        ward,
        actor=None,
        units=[
            OrgUnit(name=name, kind=OrgUnit.Kind.VILLAGE, is_demo=True)
            for name in names
            if name not in existing
        ],
    )
    total_adults = total_households = 0
    for n, village in enumerate(children_of(ward).filter(is_demo=True), start=1):
        # Invented but plausible figures: 180 to 420 households, about 2.6 adults each.
        households = 180 + (n * 37 + seed * 53) % 240
        adults = households * 26 // 10
        set_population(
            actor=None,
            unit=village,
            year=2025,
            adults=adults,
            households=households,
            source="Số liệu mẫu (demo)",
        )
        total_adults += adults
        total_households += households
    set_population(
        actor=None,
        unit=ward,
        year=2025,
        adults=total_adults,
        households=total_households,
        source="Số liệu mẫu (demo)",
    )


def _demo_unit(where: str, province: OrgUnit, wards: dict[str, OrgUnit]) -> OrgUnit:
    if where == "province":
        return province
    if where in wards:
        return wards[where]
    if "/" in where:
        ward_name, number = where.split("/")
        return children_of(wards[ward_name]).get(name=f"Tổ dân phố số {number}")
    return OrgUnit.objects.get(code=where)
