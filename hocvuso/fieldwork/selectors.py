"""Reads of teams, visits and coverage that depend on the user, through the one scoping
function."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404

from hocvuso.core import roles as R
from hocvuso.fieldwork.models import (
    Household,
    Service,
    ServiceMonth,
    Team,
    VillageMonth,
    Visit,
)
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import population_by_path, scope_for_user, user_can, visible_unit

if TYPE_CHECKING:
    from hocvuso.accounts.models import User


def teams_visible_to(user: User) -> QuerySet[Team]:
    """Teams in the user's units, and the teams the user is a member of."""
    scoped = scope_for_user(Team.objects.all(), user, via="unit").values("pk")
    return Team.objects.filter(
        Q(pk__in=scoped) | Q(members__user=user, members__active=True)
    ).distinct()


def teams_for_logging(user: User) -> QuerySet[Team]:
    """Teams the user may log visits for: where they hold a role that logs visits, and the
    teams they are an active member of."""
    scoped = scope_for_user(Team.objects.all(), user, via="unit", roles=R.LOG_VISITS).values("pk")
    return (
        Team.objects.filter(Q(pk__in=scoped) | Q(members__user=user, members__active=True))
        .distinct()
        .select_related("unit")
        .order_by("unit__path", "name")
    )


def get_team_for_user(user: User, pk: int, *, roles: Iterable[str] | None = None) -> Team:
    """The team if ``user`` sees it (else 404); with ``roles``, held on the team's unit (else
    403): ``R.MANAGE_TEAMS`` to change its members."""
    team = teams_visible_to(user).select_related("unit").filter(pk=pk).first()
    if team is None:
        raise Http404
    if roles is not None and not user_can(user, team.unit, roles):
        raise PermissionDenied
    return team


def find_teams(user: User, *, unit_id: int | None = None) -> QuerySet[Team]:
    """Teams visible to ``user`` by their units' tree, then name; narrowed to a unit's
    subtree (a unit the user may not see matches nothing)."""
    teams = teams_visible_to(user).select_related("unit")
    if unit_id is not None:
        unit = visible_unit(user, unit_id)
        teams = teams.filter(unit__path__startswith=unit.path) if unit else teams.none()
    return teams.order_by("unit__path", "name", "pk")


def visits_visible_to(user: User) -> QuerySet[Visit]:
    """Visits in the villages of the user's units."""
    return scope_for_user(Visit.objects.all(), user, via="village")


def find_visits(
    user: User,
    *,
    team_id: int | None = None,
    village_id: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    outcome: str = "",
) -> QuerySet[Visit]:
    """Visits visible to ``user``, newest first, narrowed by team, village (or commune)
    visited, period (both ends included) and outcome."""
    rows = visits_visible_to(user)
    if team_id is not None:
        rows = rows.filter(team_id=team_id)
    if village_id is not None:
        rows = rows.filter(village_id=village_id)
    if start is not None:
        rows = rows.filter(visited_on__gte=start)
    if end is not None:
        rows = rows.filter(visited_on__lte=end)
    if outcome:
        rows = rows.filter(outcome=outcome)
    return rows.order_by("-visited_on", "-received_at", "id")


def service_codes_by_bit() -> dict[int, str]:
    """Each guidance topic's code by its bit in ``Visit.services``; one small query."""
    return dict(Service.objects.values_list("bit", "code"))


@dataclass
class TeamFigures:
    visits: int
    people: int
    households: int
    last_visited_on: datetime.date | None


def team_figures(team: Team) -> TeamFigures:
    """A team's visits, people guided and distinct households, all time. Two queries."""
    r = team.visits.aggregate(
        n=Count("pk"),
        people=Sum("people_guided"),
        last=Max("visited_on"),
    )
    households = team.visits.values("village", "household").distinct().count()
    return TeamFigures(r["n"], r["people"] or 0, households, r["last"])


def logging_form_data(user: User) -> tuple[list[Team], list[dict], list[dict]]:
    """The user's teams with their villages and members, and the topics, as the phone form
    keeps them offline. Three queries whatever the number of teams."""
    teams = list(teams_for_logging(user).prefetch_related("members"))
    under = Q()
    for team in teams:
        under |= Q(path__startswith=team.unit.path)
    places = (
        list(
            OrgUnit.objects.filter(under, kind__in=(OrgUnit.Kind.COMMUNE, OrgUnit.Kind.VILLAGE))
            .order_by("path")
            .values("pk", "name", "path")
        )
        if teams
        else []
    )
    data = [
        {
            "id": team.pk,
            "name": team.name,
            "villages": [
                {"id": p["pk"], "name": p["name"]}
                for p in places
                if p["path"].startswith(team.unit.path)
            ],
            "members": [{"id": m.pk, "name": m.name} for m in team.members.all() if m.active],
        }
        for team in teams
    ]
    services = [{"code": s.code, "name": s.name} for s in Service.objects.filter(active=True)]
    return teams, data, services


# --- Coverage


@dataclass
class Figures:
    """Coverage figures of one unit (or the whole) for a period."""

    unit: OrgUnit | None = None
    visits: int = 0
    people: int = 0
    reached: int = 0  # households reached at least once by the end of the period
    households: int | None = None  # households living there (latest population figures)
    adults: int | None = None
    last_visited_on: datetime.date | None = None
    aged_60_plus: int = 0
    women: int = 0
    ethnic_minority: int = 0
    disability: int = 0
    teams: list[Team] = field(default_factory=list)

    @property
    def household_percent(self) -> float | None:
        return _percent(self.reached, self.households)

    @property
    def people_percent(self) -> float | None:
        return _percent(self.people, self.adults)

    def add(self, other: Figures) -> None:
        for name in ("visits", "people", "reached", *EQUITY):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.last_visited_on and (
            self.last_visited_on is None or other.last_visited_on > self.last_visited_on
        ):
            self.last_visited_on = other.last_visited_on


@dataclass
class Coverage:
    unit: OrgUnit
    start: datetime.date
    end: datetime.date
    total: Figures
    rows: list[Figures]  # one per child unit, for drilling down
    services: list[tuple[Service, int, int]]  # (service, visits, people)
    trend: list[tuple[datetime.date, int, int, int]]  # (month, visits, people, reached by then)


EQUITY = ("aged_60_plus", "women", "ethnic_minority", "disability")


def _percent(part: int, whole: int | None) -> float | None:
    if not whole:
        return None
    return round(100 * part / whole, 1)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def coverage(unit: OrgUnit, *, start: datetime.date, end: datetime.date) -> Coverage:
    """Coverage of ``unit`` for the months from ``start`` to ``end``: its figures, each
    child's, each topic's and the month-by-month trend, all read from the per-village monthly
    summaries (five queries, whatever the number of visits). Callers check the user may see
    ``unit``: a role covers the subtree."""
    first, last = month_start(start), month_start(end)
    child_len = (unit.depth + 1) * OrgUnit.steplen
    months = VillageMonth.objects.filter(village__path__startswith=unit.path)
    child = Substr("village__path", 1, child_len)
    rows: dict[str, Figures] = {}
    for r in (
        months.filter(month__gte=first, month__lte=last)
        .values(key=child)
        .annotate(
            n=Sum("visits"), people=Sum("people_guided"), **{name: Sum(name) for name in EQUITY}
        )
        .order_by()
    ):
        figures = rows.setdefault(r["key"], Figures())
        figures.visits, figures.people = r["n"], r["people"]
        for name in EQUITY:
            setattr(figures, name, r[name])
    for r in (
        months.filter(month__lte=last)
        .values(key=child)
        .annotate(reached=Sum("new_households"), last=Max("last_visited_on"))
        .order_by()
    ):
        figures = rows.setdefault(r["key"], Figures())
        figures.reached, figures.last_visited_on = r["reached"], r["last"]
    children = list(
        OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path")
    )
    denominators = population_by_path(unit)
    total = Figures(unit=unit)
    result: list[Figures] = []
    for child_unit in children:
        figures = rows.get(child_unit.path, Figures())
        figures.unit = child_unit
        figures.households, figures.adults = denominators.get(child_unit.path, (None, None))
        total.add(figures)
        if child_unit.is_territorial or figures.visits or figures.reached:
            result.append(figures)
    own = rows.get(unit.path)  # visits logged at the unit itself (a commune without villages)
    if own is not None:
        total.add(own)
    total.households, total.adults = denominators.get(unit.path, (None, None))
    by_service = {
        r["service"]: (r["n"], r["people"])
        for r in ServiceMonth.objects.filter(
            village__path__startswith=unit.path, month__gte=first, month__lte=last
        )
        .values("service")
        .annotate(n=Sum("visits"), people=Sum("people"))
        .order_by()
    }
    services = [(s, *by_service.get(s.pk, (0, 0))) for s in Service.objects.filter(active=True)]
    trend: list[tuple[datetime.date, int, int, int]] = []
    reached = 0
    for r in (
        months.filter(month__lte=last)
        .values("month")
        .annotate(n=Sum("visits"), people=Sum("people_guided"), new=Sum("new_households"))
        .order_by("month")
    ):
        reached += r["new"]
        if r["month"] >= first:
            trend.append((r["month"], r["n"], r["people"], reached))
    return Coverage(unit, first, last, total, result, services, trend)


# --- Left behind, follow-ups, leaderboard

LEFT_BEHIND_LIMIT = 50


def left_behind(unit: OrgUnit, *, end: datetime.date) -> list[Figures]:
    """The places of ``unit`` where teams go (villages, and communes without villages),
    least covered first: never visited, then lowest share of households reached, then the
    longest since a visit; each with its teams. Three queries."""
    places = {
        u.path: u
        for u in OrgUnit.objects.filter(
            path__startswith=unit.path, kind__in=(OrgUnit.Kind.VILLAGE, OrgUnit.Kind.COMMUNE)
        ).only("id", "path", "depth", "numchild", "name", "kind")
    }
    # A commune with villages is covered through them.
    for path in [p for p, u in places.items() if u.kind == OrgUnit.Kind.VILLAGE]:
        places.pop(path[: -OrgUnit.steplen], None)
    reached = {
        r["village__path"]: r
        for r in VillageMonth.objects.filter(
            village__path__startswith=unit.path, month__lte=month_start(end)
        )
        .values("village__path")
        .annotate(reached=Sum("new_households"), last=Max("last_visited_on"))
        .order_by()
    }
    denominators = population_by_path(unit)
    teams: dict[str, list[Team]] = {}
    for team in Team.objects.filter(
        unit__path__startswith=unit.path[: -OrgUnit.steplen] or unit.path
    ).select_related("unit"):
        teams.setdefault(team.unit.path, []).append(team)
    rows = []
    for path, place in places.items():
        r = reached.get(path, {})
        figures = Figures(
            unit=place,
            reached=r.get("reached") or 0,
            last_visited_on=r.get("last"),
            households=denominators.get(path, (None, None))[0],
        )
        figures.teams = teams.get(path, []) + teams.get(path[: -OrgUnit.steplen], [])
        rows.append(figures)
    never = datetime.date.min
    rows.sort(
        key=lambda f: (
            f.last_visited_on is not None,
            f.household_percent if f.household_percent is not None else f.reached,
            f.last_visited_on or never,
            f.unit.path,
        )
    )
    return rows[:LEFT_BEHIND_LIMIT]


def follow_ups_due(unit: OrgUnit, *, today: datetime.date) -> QuerySet[Visit]:
    """Visits that asked for a return whose date has come, where nobody has been back."""
    # The household's last visit is kept in its summary row: one unique-index lookup per
    # candidate instead of scanning the village's visits (bench/fieldwork_coverage.py).
    later = Household.objects.filter(
        village=OuterRef("village"),
        ref=OuterRef("household"),
        last_visited_on__gt=OuterRef("visited_on"),
    )
    return (
        Visit.objects.filter(
            outcome=Visit.Outcome.FOLLOW_UP,
            follow_up_on__lte=today,
            village__path__startswith=unit.path,
        )
        .exclude(Exists(later))
        .select_related("village", "team")
        .order_by("follow_up_on")
    )


def leaderboard(unit: OrgUnit, *, start: datetime.date, end: datetime.date) -> QuerySet[Team]:
    """The teams of ``unit`` by visits in the period, then people guided."""
    period = Q(visits__visited_on__gte=start, visits__visited_on__lte=end)
    return (
        Team.objects.filter(unit__path__startswith=unit.path)
        .annotate(
            visit_count=Count("visits", filter=period),
            people=Sum("visits__people_guided", filter=period),
        )
        .select_related("unit")
        .order_by("-visit_count", "-people", "name")
    )


def visits_of(
    unit: OrgUnit,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    team: Team | None = None,
    outcome: str = "",
) -> QuerySet[Visit]:
    """Visits in ``unit``'s villages, newest first, filtered. Callers check the user may see
    ``unit``."""
    rows = Visit.objects.filter(village__path__startswith=unit.path)
    if start:
        rows = rows.filter(visited_on__gte=start)
    if end:
        rows = rows.filter(visited_on__lte=end)
    if team:
        rows = rows.filter(team=team)
    if outcome:
        rows = rows.filter(outcome=outcome)
    return rows.order_by("-visited_on", "-received_at")


# --- Figures for the reports app's computed indicators


def monthly_sums(
    *, paths: Sequence[str], length: int, start: datetime.date, end: datetime.date, field: str
) -> list[tuple[str, datetime.date, int]]:
    """``field`` of the village summaries (visits, people_guided, new_households …) summed by
    the first ``length`` characters of the village's path and by month, for the villages
    under ``paths`` and the months overlapping [start, end]. One query."""
    condition = Q()
    for path in paths:
        condition |= Q(village__path__startswith=path)
    rows = (
        VillageMonth.objects.filter(condition, month__gte=month_start(start), month__lte=end)
        .annotate(prefix=Substr("village__path", 1, length))
        .values_list("prefix", "month")
        .annotate(total=Sum(field))
        .order_by()
    )
    return list(rows)


def team_counts(*, paths: Sequence[str], length: int, members: bool = False) -> dict[str, int]:
    """Teams (or their members) today, by the first ``length`` characters of the team's
    unit path, under ``paths``."""
    condition = Q()
    for path in paths:
        condition |= Q(unit__path__startswith=path)
    measure = Count("members") if members else Count("pk", distinct=True)
    rows = (
        Team.objects.filter(condition)
        .annotate(prefix=Substr("unit__path", 1, length))
        .values_list("prefix")
        .annotate(n=measure)
        .order_by()
    )
    return dict(rows)
