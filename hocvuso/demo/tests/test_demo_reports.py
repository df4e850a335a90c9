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
    # Plan 01's shares are computed from the learning app's classes (issue 15), no longer
    # typed; what communes still type is there.
    share = Indicator.objects.get(code="plan01-adults-share")
    assert share.numerator.source == "learning.trained_adults"
    typed = Indicator.objects.get(code="accounts-vneid")
    figures = selectors.values_for([typed], [province], [last])
    assert figures[(typed.pk, province.pk, last.key)] > 0
