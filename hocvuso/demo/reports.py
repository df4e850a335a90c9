"""The demo's periodic reports: Plan 01's indicators with Ninh Bình's targets, the monthly
form sent by every commune — the two months before last all sent and most approved, last
month partly sent (some late, one returned), the rest missing — so completeness, the pivot
and the dashboards show something real. Figures are invented and plausible."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from hocvuso.accounts.models import User
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import children_of
from hocvuso.orgunits.services import set_population
from hocvuso.reports import builtin, periods
from hocvuso.reports.models import DataSet, DataValue, Indicator, Report, ReportStep
from hocvuso.reports.services import (
    create_monthly_form,
    refresh_rollups,
    set_plan01_targets,
    set_target,
)

FORM_CODE = "ninh-binh-monthly"
SOURCE = "Số liệu mẫu (demo)"


@transaction.atomic
def load_demo_reports(province: OrgUnit) -> None:
    if DataSet.objects.filter(code=FORM_CODE).exists():
        return
    builtin.install(Indicator)  # a flushed test database has lost the migration's rows
    rng = random.Random(37)  # noqa: S311 — demo figures, not secrets
    today = timezone.localdate()
    communes = list(children_of(province).filter(kind=OrgUnit.Kind.COMMUNE))
    _populations(communes, rng, today.year)
    set_plan01_targets(actor=None, unit=province)
    by_code = Indicator.objects.in_bulk(field_name="code")
    # Invented for the demo: Ninh Bình's share of the 40 and 60 million national targets.
    for year, value in ((2025, 1_760_000), (2026, 2_640_000)):
        set_target(
            actor=None,
            indicator=by_code["plan01-vneid-confirmed"],
            unit=province,
            year=year,
            value=Decimal(value),
        )
        set_target(
            actor=None,
            indicator=by_code["classes-held"],
            unit=province,
            year=year,
            value=Decimal(72 * len(communes)),  # six classes a month in each commune
        )
    dataset = create_monthly_form(actor=None, owner_unit=province, code=FORM_CODE)
    months = periods.last_n(periods.PeriodType.MONTHLY, 4, today)[:3]  # three complete months
    adults = {u.pk: u.populations.order_by("-year").first().adults for u in communes}
    focal = User.objects.filter(username="hoalu").first()
    values, reports, steps = [], [], []
    for age, month in enumerate(reversed(months)):  # last month first
        for commune in communes:
            sent = rng.random() < (0.62 if age == 0 else 0.97)
            if age == 0 and not sent and rng.random() < 0.5:
                continue  # nothing typed at all
            share = 0.35 + 0.12 * (2 - age) + rng.random() * 0.2
            skilled = int(adults[commune.pk] * share)
            classes = rng.randint(2, 12)
            figures = {
                "plan01-adults-skilled": skilled,
                "plan01-vneid-confirmed": int(skilled * (0.5 + rng.random() * 0.3)),
                "classes-held": classes,
                "class-attendees": classes * rng.randint(20, 55),
                "accounts-vneid": rng.randint(50, 600),
                "accounts-payment": rng.randint(30, 400),
                "accounts-ecommerce": rng.randint(0, 40),
            }
            values += [
                DataValue(
                    indicator=by_code[code],
                    unit=commune,
                    period=month.key,
                    period_start=month.start,
                    period_end=month.end,
                    value=Decimal(n),
                )
                for code, n in figures.items()
                # Computed since issue 15 (classes, people with skills, VNeID): not typed.
                if not by_code[code].is_computed
            ]
            deadline = dataset.deadline(month)
            report = Report(
                dataset=dataset,
                unit=commune,
                period=month.key,
                period_start=month.start,
                period_end=month.end,
                deadline=deadline,
            )
            reports.append(report)
            if not sent:
                continue
            late = rng.random() < 0.15
            submitted = datetime.datetime.combine(
                deadline
                + datetime.timedelta(days=rng.randint(1, 4) if late else -rng.randint(0, 4)),
                datetime.time(9, 30),
                tzinfo=timezone.get_current_timezone(),
            )
            report.submitted_at, report.is_late = submitted, late
            report.submitted_by = focal if commune.name == "Phường Hoa Lư" else None
            roll = rng.random()
            if age == 0 and roll < 0.04:
                report.status = Report.Status.RETURNED
            elif roll < (0.45 if age == 0 else 0.9):
                report.status = Report.Status.APPROVED
            else:
                report.status, report.awaiting_unit = Report.Status.SUBMITTED, province
            steps.append((report, ReportStep.Action.SUBMIT, commune, "", submitted))
            if report.status == Report.Status.APPROVED:
                steps.append((report, ReportStep.Action.APPROVE, province, "", submitted))
            elif report.status == Report.Status.RETURNED:
                comment = "Số người có kỹ năng số lớn hơn tháng trước quá nhiều: kiểm tra lại."
                steps.append((report, ReportStep.Action.RETURN, province, comment, submitted))
    DataValue.objects.bulk_create(values, batch_size=2000)
    Report.objects.bulk_create(reports, batch_size=1000)
    ReportStep.objects.bulk_create(
        ReportStep(report=r, action=a, at_unit=u, comment=c) for r, a, u, c, _at in steps
    )
    refresh_rollups(indicator_ids={v.indicator_id for v in values}, periods=[m.key for m in months])


def _populations(communes: list[OrgUnit], rng: random.Random, year: int) -> None:
    """Adults and households for the communes that have none (the Hoa Lư wards have theirs
    from their residential groups)."""
    have = set(
        OrgUnit.objects.filter(
            pk__in=[c.pk for c in communes], populations__isnull=False
        ).values_list("pk", flat=True)
    )
    for commune in communes:
        if commune.pk in have:
            continue
        households = rng.randint(2500, 9000)
        set_population(
            actor=None,
            unit=commune,
            year=min(year, 2025),
            adults=households * 26 // 10,
            households=households,
            source=SOURCE,
        )
