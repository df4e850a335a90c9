"""User-dependent reads for accounts: people on a unit, the audit trail, the home page."""

from __future__ import annotations

from django.db.models import QuerySet

from hocvuso.accounts.models import RoleAssignment, User
from hocvuso.core import roles as R
from hocvuso.core.models import AuditLog
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import scope_for_user


def people_on_unit(user: User, unit: OrgUnit) -> QuerySet[RoleAssignment]:
    """Role assignments held directly on ``unit``, if ``user`` may see the unit."""
    qs = scope_for_user(RoleAssignment.objects.filter(unit=unit), user, via="unit")
    return qs.select_related("user").order_by("role", "user__full_name", "user__username")


def roles_of(user: User) -> QuerySet[RoleAssignment]:
    return user.role_assignments.select_related("unit").order_by("unit__path", "role")


def audit_log_for(user: User, *, unit: OrgUnit | None = None) -> QuerySet[AuditLog]:
    """Audit rows in the subtrees where ``user`` may read the audit trail (coordinators and
    administrators), optionally only under ``unit``. Rows with no unit are superuser-only."""
    qs = scope_for_user(AuditLog.objects.all(), user, via="unit", roles=R.VIEW_AUDIT)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.select_related("actor", "unit")


def can_read_audit(user: User) -> bool:
    return user.is_superuser or user.role_assignments.filter(role__in=R.VIEW_AUDIT).exists()
