"""Reads of indicators, forms, values and reports, scoped through the one scoping function.

:func:`values_for` (``figures``) is the one place figures are computed for any unit, indicator
and period; ``forms`` holds what a person reports and reviews, ``completeness`` who has sent,
``analysis`` the pivot, the dashboards and the public statistics. Import from here.
"""

from __future__ import annotations

from hocvuso.reports.selectors.analysis import (
    Dashboard,
    Pivot,
    PivotRow,
    PivotTable,
    PublicStatistics,
    TargetProgress,
    Trend,
    dashboard,
    pivot,
    public_provinces,
    public_statistics,
)
from hocvuso.reports.selectors.completeness import (
    Completeness,
    CompletenessRow,
    completeness,
    late_units,
)
from hocvuso.reports.selectors.figures import (
    indicators_visible,
    targets_for,
    values_for,
)
from hocvuso.reports.selectors.forms import (
    EntryForm,
    FormCell,
    FormRow,
    MyForm,
    ValueChange,
    assigned_units,
    datasets_visible_to,
    entry_units_for,
    form_for,
    get_dataset_for_user,
    get_entry_unit,
    get_report_for_user,
    is_assigned,
    managed_units_for,
    my_forms,
    pending_reviews,
    recent_periods,
    value_history,
)

__all__ = [
    "Completeness",
    "CompletenessRow",
    "Dashboard",
    "EntryForm",
    "FormCell",
    "FormRow",
    "MyForm",
    "Pivot",
    "PivotRow",
    "PivotTable",
    "PublicStatistics",
    "TargetProgress",
    "Trend",
    "ValueChange",
    "assigned_units",
    "completeness",
    "dashboard",
    "datasets_visible_to",
    "entry_units_for",
    "form_for",
    "get_dataset_for_user",
    "get_entry_unit",
    "get_report_for_user",
    "indicators_visible",
    "is_assigned",
    "late_units",
    "managed_units_for",
    "my_forms",
    "pending_reviews",
    "pivot",
    "public_provinces",
    "public_statistics",
    "recent_periods",
    "targets_for",
    "value_history",
    "values_for",
]
