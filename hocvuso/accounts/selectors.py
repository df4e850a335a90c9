"""User-dependent reads for accounts: people on a unit, the audit trail, the home page."""

from __future__ import annotations

from django.db.models import QuerySet

from hocvuso.accounts.models import RoleAssignment, User
from hocvuso.core import roles as R
from hocvuso.core.models import AuditLog
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import scope_for_user, user_can


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


def grantable_roles(user: User, unit: OrgUnit) -> list[tuple[str, str]]:
    """Roles ``user`` may give on ``unit``: all for an administrator there, all but
    administrator for a coordinator (nobody hands out more power than they hold)."""
    if user_can(user, unit, {R.Role.ADMINISTRATOR}):
        return list(R.Role.choices)
    return [(v, label) for v, label in R.Role.choices if v != R.Role.ADMINISTRATOR]


def get_assignment_for_manager(user: User, pk: int) -> RoleAssignment:
    """A role assignment on a unit where ``user`` manages people (else 404/403)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    assignment = (
        scope_for_user(RoleAssignment.objects.all(), user, via="unit")
        .select_related("unit", "user")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    if not user_can(user, assignment.unit, R.MANAGE_PEOPLE):
        raise PermissionDenied
    if assignment.role == R.Role.ADMINISTRATOR and not user_can(
        user, assignment.unit, {R.Role.ADMINISTRATOR}
    ):
        raise PermissionDenied
    return assignment
