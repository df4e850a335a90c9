"""User-dependent reads for accounts: people on a unit, the audit trail, the home page."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from hocvuso.accounts.models import (
    API_SECRET_PREFIX,
    ApiToken,
    Notification,
    RoleAssignment,
    User,
    hash_api_secret,
)
from hocvuso.core import roles as R
from hocvuso.core.models import AuditLog
from hocvuso.orgunits.models import OrgUnit
from hocvuso.orgunits.selectors import scope_for_user, user_can


def roles_of(user: User) -> QuerySet[RoleAssignment]:
    return user.role_assignments.select_related("unit").order_by("unit__path", "role")


def audit_log_for(
    user: User, *, unit: OrgUnit | None = None, action: str = ""
) -> QuerySet[AuditLog]:
    """Audit rows in the subtrees where ``user`` may read the audit trail (coordinators and
    administrators), optionally only under ``unit`` and of one kind (``action``). Rows with
    no unit are superuser-only."""
    qs = scope_for_user(AuditLog.objects.all(), user, via="unit", roles=R.VIEW_AUDIT)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if action:
        qs = qs.filter(action=action)
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


def notifications_for(user: User) -> QuerySet[Notification]:
    """The person's own notifications, newest first; nobody reads another's inbox."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_notification_count(user: User) -> int:
    """One indexed COUNT on (user, read_at): cheap enough for every page's badge."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def get_notification_for_user(user: User, pk: int) -> Notification:
    """The notification if it is ``user``'s own, else 404."""
    return get_object_or_404(notifications_for(user), pk=pk)


def focal_points_by_unit(units: Iterable[OrgUnit]) -> dict[int, list[User]]:
    """Who to tell about each unit's duties: active people holding the focal-point role on
    the unit itself or, when it has none, on its nearest ancestor that has one.

    Maps each unit's pk to those people (empty when no unit up the tree has one). One query
    for any number of units: every ancestor path is a prefix of the unit's path.
    """
    units = list(units)
    step = OrgUnit.steplen
    prefixes = {u.path[:end] for u in units for end in range(step, len(u.path) + 1, step)}
    holders: dict[str, list[User]] = {}
    assignments = (
        RoleAssignment.objects.filter(
            role=R.Role.FOCAL_POINT, unit__path__in=prefixes, user__is_active=True
        )
        .select_related("user")
        .annotate(unit_path=F("unit__path"))
        .order_by("user_id")
    )
    for assignment in assignments:
        holders.setdefault(assignment.unit_path, []).append(assignment.user)
    found: dict[int, list[User]] = {}
    for unit in units:
        own_and_ancestors = (unit.path[:end] for end in range(len(unit.path), 0, -step))
        found[unit.pk] = next((holders[p] for p in own_and_ancestors if p in holders), [])
    return found


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The person's own API tokens, newest first; nobody lists another's."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def get_api_token_for_user(user: User, pk: int) -> ApiToken:
    """The token if it is ``user``'s own, else 404."""
    return get_object_or_404(api_tokens_of(user), pk=pk)


def get_usable_api_token(secret: str, *, now: datetime.datetime) -> ApiToken | None:
    """The token whose secret this is, if it is neither revoked nor expired and its owner may
    still sign in; one indexed query. The owner comes with it as ``token.user``."""
    if not secret.startswith(API_SECRET_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(secret_hash=hash_api_secret(secret), revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token
