"""The events app's pages, by part: managing events (``manage``), their bridge points
(``points``), the live screens (``screen``), delegates (``delegates``) and the reports to
download (``documents``). Every view is importable from here, as before the split."""

from __future__ import annotations

from hocvuso.events.views.delegates import (
    delegate_add,
    delegate_delete,
    delegate_edit,
    delegates,
    rsvp,
)
from hocvuso.events.views.documents import (
    event_report_docx,
    event_report_xlsx,
    event_results_docx,
)
from hocvuso.events.views.manage import (
    event_create,
    event_detail,
    event_from_plan,
    event_list,
    program_add,
    program_delete,
    program_edit,
    program_move,
    quota_add,
    quota_delete,
    quota_edit,
    quota_register,
    registry_add,
    registry_delete,
)
from hocvuso.events.views.points import (
    attendee_names,
    bridge_point_add,
    bridge_point_edit,
    bridge_points,
    bridge_points_bulk,
    point_link,
    point_revoke,
)
from hocvuso.events.views.screen import (
    control_advance,
    control_launch,
    control_room,
    point_attendance,
    point_check_in,
    point_connected,
    point_screen,
    point_state,
    point_trouble,
)

__all__ = [
    "attendee_names",
    "bridge_point_add",
    "bridge_point_edit",
    "bridge_points",
    "bridge_points_bulk",
    "control_advance",
    "control_launch",
    "control_room",
    "delegate_add",
    "delegate_delete",
    "delegate_edit",
    "delegates",
    "event_create",
    "event_detail",
    "event_from_plan",
    "event_list",
    "event_report_docx",
    "event_report_xlsx",
    "event_results_docx",
    "point_attendance",
    "point_check_in",
    "point_connected",
    "point_link",
    "point_revoke",
    "point_screen",
    "point_state",
    "point_trouble",
    "program_add",
    "program_delete",
    "program_edit",
    "program_move",
    "quota_add",
    "quota_delete",
    "quota_edit",
    "quota_register",
    "registry_add",
    "registry_delete",
    "rsvp",
]
