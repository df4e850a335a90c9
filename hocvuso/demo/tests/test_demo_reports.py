"""The demo's periodic reports: Plan 01's targets, a monthly form sent by every commune,
some on time, some late, some approved, some missing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hocvuso.demo.services import load_demo
from hocvuso.orgunits.models import OrgUnit
from hocvuso.reports import periods, selectors
from hocvuso.reports.models import DataSet, Indicator, Target


@pytest.mark.django_db
def test_the_demo_has_a_monthly_form_partly_sent_and_plan01_targets() -> None:
    load_demo()
    load_demo()  # idempotent
    province = OrgUnit.objects.get(code="37")
    form = DataSet.objects.get()
    last = periods.last_n("monthly", 2, timezone.localdate())[0]
    c = selectors.completeness(form, last, province)
    assert c.total.assigned == 129
    assert 0 < c.total.submitted < 129
    assert c.total.late > 0
    assert 0 < c.total.approved < c.total.submitted
    assert Target.objects.filter(unit=province, indicator__code="plan01-adults-share").exists()
    share = Indicator.objects.get(code="plan01-adults-share")
    figures = selectors.values_for([share], [province], [last])
    assert 30 < figures[(share.pk, province.pk, last.key)] < 90
    # People with skills are counted as they stand, not added up month after month.
    year = periods.year(last.start.year)
    assert (
        30
        < selectors.values_for([share], [province], [year])[(share.pk, province.pk, year.key)]
        < 90
    )
