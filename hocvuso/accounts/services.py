"""Writes to accounts and role assignments; each audits in its transaction."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hocvuso.accounts.models import RoleAssignment, User
from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.orgunits.models import OrgUnit

USER_FIELDS = ("username", "email", "full_name", "is_active")


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    unit: OrgUnit,
    role: str,
    email: str = "",
    full_name: str = "",
    is_demo: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a person with one role on ``unit``. Validates the password with the site's rules.

    Caller checks MANAGE_PEOPLE on ``unit``. Audits the user and the role, never the password.
    """
    username = username.strip()
    email = email.strip().lower()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Tên đăng nhập này đã có người dùng.")})
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Địa chỉ e-mail này đã có người dùng.")})
    user = User(
        username=username,
        email=email,
        full_name=full_name.strip(),
        is_demo=is_demo,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=user,
        unit=unit,
        changes=diff({}, snapshot(user, USER_FIELDS)),
    )
    assign_role(actor=actor, user=user, unit=unit, role=role)
    return user


@transaction.atomic
def assign_role(*, actor: User | None, user: User, unit: OrgUnit, role: str) -> RoleAssignment:
    """Give ``user`` ``role`` on ``unit``'s subtree (idempotent). Caller checks MANAGE_PEOPLE."""
    assignment, created = RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        record_audit(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=assignment,
            unit=unit,
            changes={"user": [None, user.pk], "role": [None, role]},
        )
    user.__dict__.pop("_scope_paths", None)
    return assignment


@transaction.atomic
def revoke_role(*, actor: User | None, assignment: RoleAssignment) -> None:
    """Remove one role assignment. Caller checks MANAGE_PEOPLE on its unit."""
    record_audit(
        actor=actor,
        action=AuditLog.Action.DELETE,
        obj=assignment,
        unit=assignment.unit,
        changes={"user": [assignment.user_id, None], "role": [assignment.role, None]},
    )
    assignment.delete()
