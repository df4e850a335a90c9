"""Door-to-door guidance in the four Hoa Lư wards: a community digital team in every
residential group, six weeks of visits logged through the same service phones use, so that
coverage, the trend, the left-behind list and the leaderboard show something real."""

from __future__ import annotations

import datetime
import random
import uuid

from django.utils import timezone

from hocvuso.accounts.models import User
from hocvuso.fieldwork.models import Service, Team, Visit
from hocvuso.fieldwork.services import VisitInput, add_member, create_team, record_visits
from hocvuso.orgunits.models import OrgUnit, UnitPopulation

# Invented names: the demo holds no real person's data.
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đinh", "Bùi"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga", "Phúc", "Quỳnh"]
WEEKS = 6
# Each ward leaves its last residential group unvisited: the left-behind list has them.
UNVISITED_PER_WARD = 1


def load_demo_fieldwork(wards: list[OrgUnit], member: User | None) -> None:
    if Team.objects.filter(is_demo=True).exists():
        return
    rng = random.Random(5)  # noqa: S311 — demo figures, not secrets
    services = [s.code for s in Service.objects.filter(active=True)]
    today = timezone.localdate()
    for ward_index, ward in enumerate(sorted(wards, key=lambda w: w.path)):
        villages = list(
            OrgUnit.objects.filter(
                path__startswith=ward.path, depth=ward.depth + 1, kind=OrgUnit.Kind.VILLAGE
            ).order_by("path")
        )
        households = dict(
            UnitPopulation.objects.filter(unit__in=villages).values_list("unit_id", "households")
        )
        for n, village in enumerate(villages, start=1):
            team = create_team(
                actor=None, unit=village, name=f"Tổ CNSCĐ {village.name}, {ward.name}"
            )
            Team.objects.filter(pk=team.pk).update(is_demo=True)
            members = [
                add_member(
                    actor=None,
                    team=team,
                    name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
                    role="leader" if i == 0 else "member",
                    user=member if (ward_index, n, i) == (0, 1, 1) else None,
                )
                for i in range(rng.randint(3, 5))
            ]
            if n > len(villages) - UNVISITED_PER_WARD:
                continue
            # Some teams are keener than others: 5 % to 45 % of households reached.
            share = 0.05 + 0.4 * rng.random()
            reached = int((households.get(village.pk) or 200) * share)
            rows = []
            for house in range(1, reached + 1):
                for repeat in range(1 if rng.random() < 0.8 else 2):
                    day = today - datetime.timedelta(days=rng.randint(0, WEEKS * 7 - 1))
                    people = rng.randint(1, 4)
                    follow = rng.random() < 0.08 and repeat == 0
                    rows.append(
                        VisitInput(
                            id=uuid.uuid4(),
                            team_id=team.pk,
                            village_id=village.pk,
                            visited_on=day,
                            household=f"Số {house}, {village.name}",
                            people_guided=people,
                            services=rng.sample(services, rng.randint(1, 3)),
                            outcome=Visit.Outcome.FOLLOW_UP if follow else Visit.Outcome.DONE,
                            follow_up_on=day + datetime.timedelta(days=7) if follow else None,
                            members_present=[m.pk for m in rng.sample(members, 2)],
                            aged_60_plus=rng.randint(0, 1) if people > 1 else None,
                            women=rng.randint(0, people),
                        )
                    )
            record_visits(actor=None, teams=[team], rows=rows)
