from __future__ import annotations

import datetime

import pytest

from hocvuso.reports import periods as P


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("2025-10", datetime.date(2025, 10, 1), datetime.date(2025, 10, 31)),
        ("2024-02", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),
        ("2025-Q4", datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)),
        ("2025-W01", datetime.date(2024, 12, 30), datetime.date(2025, 1, 5)),
        ("2025", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
        ("2025-10-01_2025-11-30", datetime.date(2025, 10, 1), datetime.date(2025, 11, 30)),
    ],
)
def test_a_key_names_one_period(key, start, end):
    period = P.parse(key)
    assert (period.start, period.end, period.key) == (start, end, key)


@pytest.mark.parametrize(
    "key", ["", "2025-13", "2025-Q5", "2025-W60", "x", "2025-11-30_2025-10-01"]
)
def test_a_bad_key_is_refused_in_vietnamese(key):
    with pytest.raises(P.PeriodError, match="không hợp lệ"):
        P.parse(key)


def test_a_campaign_window_repeats_each_year_and_may_cross_the_new_year():
    window = ((10, 1), (11, 30))
    assert P.containing("campaign", datetime.date(2026, 10, 15), window).key == (
        "2026-10-01_2026-11-30"
    )
    winter = ((12, 15), (1, 15))
    period = P.containing("campaign", datetime.date(2026, 1, 10), winter)
    assert (period.start, period.end) == (datetime.date(2025, 12, 15), datetime.date(2026, 1, 15))


def test_last_n_months_are_in_time_order():
    keys = [p.key for p in P.last_n("monthly", 3, datetime.date(2026, 1, 20))]
    assert keys == ["2025-11", "2025-12", "2026-01"]


def test_labels_read_as_officials_write_them():
    assert P.parse("2025-10").label == "Tháng 10/2025"
    assert P.parse("2025-Q3").label == "Quý III/2025"
