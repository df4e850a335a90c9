"""Writes to indicators, targets, forms, values and reports. Each validates, writes and
audits in one transaction; figures up the tree are recomputed in that same transaction.

``setup``: indicators, targets, forms; ``values``: a unit's values and the roll-ups;
``workflow``: sending, approving, returning, reminding; ``imports``: many units from a file.
Import from here.
"""

from __future__ import annotations

from hocvuso.reports.services.imports import (
    ValuesImport,
    import_values,
)
from hocvuso.reports.services.setup import (
    create_dataset,
    create_indicator,
    create_monthly_form,
    set_plan01_targets,
    set_target,
)
from hocvuso.reports.services.values import (
    SaveResult,
    get_or_create_report,
    refresh_rollups,
    save_values,
)
from hocvuso.reports.services.workflow import (
    BulkApproval,
    approve_report,
    approve_reports,
    check_report,
    may_approve,
    may_review,
    report_authors,
    return_report,
    send_report_reminders,
    submit_report,
)

__all__ = [
    "BulkApproval",
    "SaveResult",
    "ValuesImport",
    "approve_report",
    "approve_reports",
    "check_report",
    "create_dataset",
    "create_indicator",
    "create_monthly_form",
    "get_or_create_report",
    "import_values",
    "may_approve",
    "may_review",
    "refresh_rollups",
    "report_authors",
    "return_report",
    "save_values",
    "send_report_reminders",
    "set_plan01_targets",
    "set_target",
    "submit_report",
]
