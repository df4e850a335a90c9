"""Indicators computed from the system's own records instead of typed: one mechanism for all.

A source is a named measure of another app, read through that app's selectors, that answers
"how much, in the subtree of each of these units, in each of these periods". An indicator
whose ``source`` names one is never typed: the form shows its figure, the pivot and the
dashboards compute it, and submitting a report keeps the figure as it stood.

A *flow* is summed over the days of a period (visits, people guided, duties done); a *stock*
is a count at a moment (teams, members, the year's adults and households) and is not summed
across periods.
"""

from __future__ import annotations

import datetime
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from hocvuso.reports.periods import Period

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from hocvuso.orgunits.models import OrgUnit

Cells = dict[tuple[int, str], Decimal]
# (unit path prefix, day of the measure, amount)
Row = tuple[str, datetime.date, int | Decimal | None]


@dataclass(frozen=True)
class Source:
    code: str
    label: Promise
    # rows(paths, prefix length, first day, last day) for flows; totals(paths, length, period)
    # for stocks.
    rows: Callable[[Sequence[str], int, datetime.date, datetime.date], Iterable[Row]] | None = None
    totals: Callable[[Sequence[str], int, Period], dict[str, int]] | None = None

    def compute(self, units: Sequence[OrgUnit], periods: Sequence[Period]) -> Cells:
        """The figure of every unit's subtree in every period: ``{(unit pk, period key): n}``.
        One query per distinct depth of ``units`` (one for flows over all periods)."""
        cells: Cells = {}
        by_length: dict[int, dict[str, OrgUnit]] = defaultdict(dict)
        for unit in units:
            by_length[len(unit.path)][unit.path] = unit
        for length, units_by_path in by_length.items():
            paths = sorted(units_by_path)
            if self.rows is not None:
                start = min(p.start for p in periods)
                end = max(p.end for p in periods)
                ordered = sorted(periods)
                for prefix, day, amount in self.rows(paths, length, start, end):
                    unit = units_by_path.get(prefix)
                    if unit is None or not amount:
                        continue
                    for period in ordered:
                        if period.contains(day):
                            key = (unit.pk, period.key)
                            cells[key] = cells.get(key, Decimal(0)) + Decimal(amount)
            else:
                for period in periods:
                    for prefix, amount in self.totals(paths, length, period).items():
                        unit = units_by_path.get(prefix)
                        if unit is not None and amount is not None:
                            cells[(unit.pk, period.key)] = Decimal(amount)
        return cells


def _village_months(field: str) -> Callable[..., Iterable[Row]]:
    def rows(paths: Sequence[str], length: int, start: datetime.date, end: datetime.date):
        from hocvuso.fieldwork.selectors import monthly_sums

        # Monthly summaries: a month counts in the period holding its first day.
        return monthly_sums(paths=paths, length=length, start=start, end=end, field=field)

    return rows


def _teams(members: bool) -> Callable[..., dict[str, int]]:
    def totals(paths: Sequence[str], length: int, period: Period) -> dict[str, int]:
        from hocvuso.fieldwork.selectors import team_counts

        return team_counts(paths=paths, length=length, members=members)

    return totals


def _bridge_points(measure: int) -> Callable[..., Iterable[Row]]:
    def rows(paths: Sequence[str], length: int, start: datetime.date, end: datetime.date):
        from hocvuso.events.selectors import bridge_point_sums

        zone = ZoneInfo(settings.TIME_ZONE)
        since = datetime.datetime.combine(start, datetime.time.min, zone)
        until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, zone)
        for prefix, starts_at, *figures in bridge_point_sums(
            paths=paths, length=length, start=since, end=until
        ):
            yield prefix, starts_at.astimezone(zone).date(), figures[measure]

    return rows


def _tasks_done(paths: Sequence[str], length: int, start: datetime.date, end: datetime.date):
    from hocvuso.plans.selectors import tasks_done_by_day

    return tasks_done_by_day(paths=paths, length=length, start=start, end=end)


def _population(index: int) -> Callable[..., dict[str, int]]:
    def totals(paths: Sequence[str], length: int, period: Period) -> dict[str, int]:
        from hocvuso.orgunits.models import OrgUnit
        from hocvuso.orgunits.selectors import population_by_path

        # The figures under the units' nearest common ancestor, in one query.
        common = os.path.commonprefix(list(paths))  # noqa: RUF071 — tree paths, by character
        common = common[: len(common) - len(common) % OrgUnit.steplen]
        roots = OrgUnit.objects.filter(path__in=[common] if common else paths)
        found: dict[str, int] = {}
        for root in roots:
            figures = population_by_path(root, year=period.end.year)
            for path in paths:
                value = figures.get(path, (None, None))[index]
                if value is not None:
                    found[path] = value
        return found

    return totals


def _learning_people(field: str, groups: tuple[str, ...] | None = None):
    def rows(paths: Sequence[str], length: int, start: datetime.date, end: datetime.date):
        from hocvuso.learning.selectors.coverage import monthly_sums

        return monthly_sums(
            paths=paths, length=length, start=start, end=end, field=field, groups=groups
        )

    return rows


def _learning_classes(field: str):
    def rows(paths: Sequence[str], length: int, start: datetime.date, end: datetime.date):
        from hocvuso.learning.selectors.coverage import class_sums

        return class_sums(paths=paths, length=length, start=start, end=end, field=field)

    return rows


def _trained(share: str | None = None, groups: tuple[str, ...] | None = None):
    def totals(paths: Sequence[str], length: int, period: Period) -> dict[str, int]:
        from hocvuso.learning.selectors.coverage import SHARES, trained_totals

        wanted = groups if share is None else next(s[2] for s in SHARES if s[0] == share)
        return trained_totals(paths=paths, length=length, end=period.end, groups=wanted)

    return totals


def _vneid(paths: Sequence[str], length: int, period: Period) -> dict[str, int]:
    from hocvuso.learning.selectors.coverage import vneid_totals

    return vneid_totals(paths=paths, length=length, end=period.end)


def _group_size(name: str) -> Callable[..., dict[str, int]]:
    def totals(paths: Sequence[str], length: int, period: Period) -> dict[str, int]:
        from hocvuso.learning.selectors.coverage import group_sizes

        return group_sizes(paths=paths, length=length, year=period.end.year, name=name)

    return totals


def _outputs(measure: str = "count", **only: object) -> Callable[..., Iterable[Row]]:
    def rows(paths: Sequence[str], length: int, start: datetime.date, end: datetime.date):
        from hocvuso.communications.selectors.sources import output_sums

        return output_sums(
            paths=paths, length=length, start=start, end=end, measure=measure, **only
        )

    return rows


def _communications() -> list[Source]:
    """Outputs by channel family and by kind (issue 16), each summed by its date in the
    subtree of the unit that logged it. Articles and posts are counted; broadcasts, banners,
    screens and meetings are summed by quantity (KINDS_BY_QUANTITY: one entry often records
    several, a week's broadcasts or 12 banners)."""
    from hocvuso.communications.selectors.sources import KINDS_BY_QUANTITY, OUTPUT_KINDS

    kinds = [
        Source(
            f"communications.kind.{kind}",
            format_lazy(_("Sản phẩm truyền thông loại “{}” (từ phần Truyền thông)"), label),
            rows=_outputs("quantity" if kind in KINDS_BY_QUANTITY else "count", kind=kind),
        )
        for kind, label in OUTPUT_KINDS
    ]
    return [
        Source(
            "communications.outputs",
            _("Sản phẩm truyền thông đã đăng, phát (từ phần Truyền thông)"),
            rows=_outputs(),
        ),
        Source(
            "communications.press",
            _("Tin, bài trên báo chí, phát thanh, truyền hình (từ phần Truyền thông)"),
            rows=_outputs(family="press"),
        ),
        Source(
            "communications.portal",
            _("Tin, bài trên cổng, trang thông tin điện tử (từ phần Truyền thông)"),
            rows=_outputs(family="portal"),
        ),
        Source(
            "communications.social",
            _("Bài đăng, video trên mạng xã hội (từ phần Truyền thông)"),
            rows=_outputs(family="social"),
        ),
        Source(
            "communications.grassroots",
            _("Lượt phát trên hệ thống loa truyền thanh cơ sở (từ phần Truyền thông)"),
            rows=_outputs("quantity", family="grassroots"),
        ),
        Source(
            "communications.visual",
            _("Băng-rôn, pa-nô, áp phích, màn hình LED (số lượng, từ phần Truyền thông)"),
            rows=_outputs("quantity", family="visual"),
        ),
        Source(
            "communications.meetings",
            _("Hội nghị, lớp, buổi sinh hoạt có tuyên truyền (từ phần Truyền thông)"),
            rows=_outputs("quantity", family="meeting"),
        ),
        Source(
            "communications.meeting_attendees",
            _("Người tham dự hội nghị, buổi tuyên truyền (từ phần Truyền thông)"),
            rows=_outputs("attendees", family="meeting"),
        ),
        Source(
            "communications.hashtag",
            _("Sản phẩm truyền thông có dùng hashtag của chiến dịch (từ phần Truyền thông)"),
            rows=_outputs(hashtag=True),
        ),
        *kinds,
    ]


SOURCES: dict[str, Source] = {
    s.code: s
    for s in (
        Source(
            "fieldwork.visits",
            _("Lượt đến hộ (từ nhật ký Tổ công nghệ số)"),
            rows=_village_months("visits"),
        ),
        Source(
            "fieldwork.people_guided",
            _("Lượt người được hướng dẫn (từ nhật ký Tổ công nghệ số)"),
            rows=_village_months("people_guided"),
        ),
        Source(
            "fieldwork.households_reached",
            _("Hộ được hướng dẫn lần đầu (từ nhật ký Tổ công nghệ số)"),
            rows=_village_months("new_households"),
        ),
        Source("fieldwork.teams", _("Số Tổ công nghệ số cộng đồng"), totals=_teams(False)),
        Source("fieldwork.team_members", _("Số thành viên Tổ công nghệ số"), totals=_teams(True)),
        Source("events.bridge_points", _("Điểm cầu của các lễ phát động"), rows=_bridge_points(0)),
        Source("events.attendees", _("Người dự tại các điểm cầu"), rows=_bridge_points(1)),
        Source("plans.tasks_done", _("Nhiệm vụ hoàn thành (theo kế hoạch)"), rows=_tasks_done),
        Source("orgunits.households", _("Số hộ gia đình (số liệu dân số)"), totals=_population(0)),
        Source(
            "orgunits.adults", _("Số người trưởng thành (số liệu dân số)"), totals=_population(1)
        ),
        Source(
            "orgunits.staff",
            _("Số cán bộ, công chức, viên chức (số liệu của đơn vị)"),
            totals=_group_size("staff"),
        ),
        Source(
            "orgunits.pupils",
            _("Số học sinh, sinh viên (số liệu của đơn vị)"),
            totals=_group_size("pupils"),
        ),
        Source(
            "orgunits.workers",
            _("Số người lao động doanh nghiệp, hợp tác xã (số liệu của đơn vị)"),
            totals=_group_size("workers"),
        ),
        # Learning (issue 15): classes by where they were held, people by where they live.
        Source(
            "learning.classes_held",
            _("Lớp học đã tổ chức (từ phần Học tập)"),
            rows=_learning_classes("classes_held"),
        ),
        Source(
            "learning.attendances",
            _("Lượt người dự lớp (từ điểm danh)"),
            rows=_learning_classes("attendances"),
        ),
        Source(
            "learning.learners",
            _("Người được học lần đầu trong kỳ (không trùng)"),
            rows=_learning_people("new_learners"),
        ),
        Source(
            "learning.completions",
            _("Lượt hoàn thành khóa học (lớp và nền tảng)"),
            rows=_learning_people("completions"),
        ),
        Source(
            "learning.trained_adults",
            _("Người trưởng thành đã được học kỹ năng số (cộng dồn, không trùng)"),
            totals=_trained("adults"),
        ),
        Source(
            "learning.trained_citizens",
            _("Người dân đã được học kỹ năng số (cộng dồn, không trùng)"),
            totals=_trained(groups=("citizens",)),
        ),
        Source(
            "learning.trained_staff",
            _("Cán bộ, công chức, viên chức đã được học (cộng dồn, không trùng)"),
            totals=_trained("staff"),
        ),
        Source(
            "learning.trained_pupils",
            _("Học sinh, sinh viên đã được học (cộng dồn, không trùng)"),
            totals=_trained("pupils"),
        ),
        Source(
            "learning.trained_workers",
            _("Người lao động doanh nghiệp, hợp tác xã đã được học (cộng dồn, không trùng)"),
            totals=_trained("workers"),
        ),
        Source(
            "learning.vneid_confirmed",
            _("Người được xác nhận kỹ năng số cơ bản trên VNeID (số mới nhất)"),
            totals=_vneid,
        ),
        *_communications(),
    )
}


def source_choices() -> list[tuple[str, str]]:
    return [("", _("Đơn vị nhập"))] + [(code, s.label) for code, s in SOURCES.items()]
