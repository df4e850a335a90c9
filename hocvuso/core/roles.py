"""The roles a person holds on an org unit, and what each may do there.

A role held on a unit applies to that unit's whole subtree. Kept in ``core`` because both
``orgunits`` (scoping) and ``accounts`` (assignments) need it, and dependencies point one way.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Quản trị viên")
    COORDINATOR = "coordinator", _("Điều phối viên")
    FOCAL_POINT = "focal_point", _("Đầu mối đơn vị")
    TEAM_MEMBER = "team_member", _("Thành viên Tổ công nghệ số")
    VIEWER = "viewer", _("Người xem")


# Capabilities, each a set of roles. A capability is checked on the subtree of the unit the
# role is held on, through orgunits.selectors.scope_for_user(…, roles=CAPABILITY).
VIEW = frozenset(Role.values)
EDIT_UNITS = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.FOCAL_POINT})
# The shape of the tree — a unit's kind (beyond the villages a focal point adds) and its
# groups — decides what the province's plans address and what /statistics/ counts.
SHAPE_UNITS = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR})
MANAGE_PEOPLE = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR})
VIEW_AUDIT = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR})
MANAGE_PLANS = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR})
REPORT_TASKS = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.FOCAL_POINT})
MANAGE_TEAMS = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.FOCAL_POINT})
# A team member logs visits for the teams they belong to, wherever their role is held.
LOG_VISITS = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.FOCAL_POINT, Role.TEAM_MEMBER})

# Reports: a focal point types their unit's figures; reviewers of an ancestor approve them.
ENTER_DATA = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.FOCAL_POINT})
REVIEW_REPORTS = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.FOCAL_POINT})
MANAGE_INDICATORS = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR})

# Order used to pick the home page of a person who holds several roles.
PRECEDENCE = [
    Role.ADMINISTRATOR,
    Role.COORDINATOR,
    Role.FOCAL_POINT,
    Role.TEAM_MEMBER,
    Role.VIEWER,
]
