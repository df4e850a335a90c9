from __future__ import annotations

import datetime

import pytest

from hocvuso.reports import periods
from hocvuso.reports.models import Indicator, ValidationRule
from hocvuso.reports.services import create_dataset, create_indicator


@pytest.fixture
def indicators(db):
    guided = create_indicator(actor=None, code="t-guided", name="Người được hướng dẫn")
    adults = create_indicator(actor=None, code="t-adults", name="Người trưởng thành")
    skilled = create_indicator(
        actor=None, code="t-skilled", name="Người có kỹ năng số cơ bản", short_name="Có kỹ năng"
    )
    share = create_indicator(
        actor=None,
        code="t-share",
        name="Tỷ lệ người trưởng thành có kỹ năng số",
        value_type=Indicator.ValueType.PERCENTAGE,
        aggregation=Indicator.Aggregation.RATIO,
        numerator=skilled,
        denominator=adults,
    )
    note = create_indicator(
        actor=None,
        code="t-note",
        name="Khó khăn, vướng mắc",
        value_type=Indicator.ValueType.TEXT,
        aggregation=Indicator.Aggregation.NONE,
    )
    return {"guided": guided, "adults": adults, "skilled": skilled, "share": share, "note": note}


@pytest.fixture
def dataset(tree, indicators):
    ds = create_dataset(
        actor=None,
        owner_unit=tree.province,
        code="t-monthly",
        name="Báo cáo tháng",
        indicators=list(indicators.values()),
        required=[indicators["adults"]],
        assigned_kinds=["commune", "village"],
        period_type=periods.PeriodType.MONTHLY,
        deadline_days=5,
    )
    ValidationRule.objects.create(
        dataset=ds, left=indicators["skilled"], operator="le", right=indicators["adults"]
    )
    return ds


@pytest.fixture
def october():
    return periods.month(2025, 10)


@pytest.fixture
def day_after_deadline():
    return datetime.date(2025, 11, 6)
