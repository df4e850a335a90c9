"""Writes to accounts and role assignments; each audits in its transaction."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from hocvuso.accounts.models import (
    API_PREFIX_LENGTH,
    ApiToken,
    Notification,
    RoleAssignment,
    User,
    hash_api_secret,
    new_api_secret,
)
from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.orgunits.models import OrgUnit

USER_FIELDS = ("username", "email", "full_name", "is_active")
# The secret's hash is never logged: it is no secret, but nothing needs it outside the table.
API_TOKEN_FIELDS = ("name", "prefix", "expires_at", "revoked_at")
# Enough for every script a person runs; a cap keeps a forgotten loop from minting thousands.
MAX_ACTIVE_API_TOKENS = 20
# Recording each use would write on every request; once a minute says enough about "last used".
API_TOKEN_USE_RESOLUTION = datetime.timedelta(minutes=1)
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

logger = logging.getLogger(__name__)


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
            action=AuditLog.Action.ROLE_GRANTED,
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
        action=AuditLog.Action.ROLE_REVOKED,
        obj=assignment,
        unit=assignment.unit,
        changes={"user": [assignment.user_id, None], "role": [assignment.role, None]},
    )
    assignment.delete()


@transaction.atomic
def change_password(*, actor: User, user: User, password: str) -> User:
    """Give ``user`` a new password, checked by the site's rules. ``actor`` is the person
    themselves (the password page) or an administrator. Audited as a password change, the
    password itself never written anywhere but the hash. The caller keeps the session
    signed in (``update_session_auth_hash``)."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record_password_change(actor=actor, user=user)
    return user


def record_password_change(*, actor: User | None, user: User) -> None:
    """The audit row of a password change made by a writer that is not this module (the
    Django admin's form): who changed whose password, and nothing of the password.

    Filed under the outermost unit where ``user`` holds a role, so the coordinators who
    manage them see it; a person without a role is seen by superusers only."""
    home = user.role_assignments.select_related("unit").order_by("unit__path").first()
    record_audit(
        actor=actor,
        action=AuditLog.Action.PASSWORD_CHANGED,
        obj=user,
        unit=home.unit if home else None,
    )


def email_is_configured() -> bool:
    """Whether notifications also go out by e-mail.

    Yes with any backend other than SMTP (console in development, locmem in tests, a
    provider's backend); with SMTP only once ``EMAIL_HOST`` names a server. A server deployed
    without a mail relay then keeps notifications in the app instead of failing to send.
    """
    return settings.EMAIL_BACKEND != SMTP_BACKEND or bool(settings.EMAIL_HOST)


@transaction.atomic
def notify(
    *,
    users: Iterable[User],
    subject: str,
    body: str,
    url: str = "",
    actor: User | None = None,
) -> list[Notification]:
    """Put one notification in the inbox of each active person in ``users`` and, after
    commit, e-mail it to those with an address when e-mail is configured.

    ``actor`` is the person whose action the message reports; nobody is notified of their
    own action. ``url`` is a path inside the site, never personal data. A rolled-back
    transaction leaves neither rows nor e-mail. Not audited: the service that calls this
    records the change it reports, and an inbox row only tells people about it.
    """
    parts = urlsplit(url)
    if url and (parts.scheme or parts.netloc or not url.startswith("/")):
        raise ValueError(f"Notification links must be site paths, got {url!r}")
    # A line break in a subject is refused by e-mail headers.
    subject = Truncator(" ".join(subject.split())).chars(200)
    recipients: dict[int, User] = {}
    for user in users:
        if user.is_active and (actor is None or user.pk != actor.pk):
            recipients.setdefault(user.pk, user)
    notifications = Notification.objects.bulk_create(
        Notification(user=user, subject=subject, body=body, url=url) for user in recipients.values()
    )
    emailed = [n.pk for n in notifications if n.user.email]
    if emailed and email_is_configured():
        # Sent by a job once the change is committed: the person who acted never waits for
        # (or sees the failure of) a mail server, and a rolled-back action sends nothing.
        transaction.on_commit(lambda: _enqueue_emails(emailed))
    return notifications


def _enqueue_emails(notification_ids: list[int]) -> None:
    from hocvuso.accounts.jobs import send_notification_emails  # jobs import this module

    send_notification_emails.enqueue(notification_ids)


def send_notification_emails(*, notification_ids: Iterable[int]) -> int:
    """E-mail each of these notifications to its recipient, one message per person so that
    nobody sees who else was told; returns how many were sent. Run by
    ``accounts.jobs.send_notification_emails`` after :func:`notify` committed.

    A mail server that is down is logged, not raised: the inbox already has the message.
    People who lost their address or their account since are skipped. Not audited: the
    service that notified recorded the change."""
    notifications = Notification.objects.filter(
        pk__in=list(notification_ids), user__is_active=True
    ).select_related("user")
    messages = [
        _notification_email(n.subject, n.body, n.url, to=n.user.email)
        for n in notifications
        if n.user.email
    ]
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        logger.exception("Could not send %d notification e-mails", len(messages))
        return 0


def _notification_email(subject: str, body: str, url: str, *, to: str) -> EmailMessage:
    # One message per person, so that nobody sees who else was told.
    lines = [body]
    if url and settings.SITE_URL:
        lines.append(settings.SITE_URL + url)
    lines.append("—\n" + _("Thư gửi tự động từ Học vụ số; xem mọi thông báo trong ứng dụng."))
    return EmailMessage(subject=subject, body="\n\n".join(lines), to=[to])


@transaction.atomic
def mark_notifications_read(*, actor: User, notification: Notification | None = None) -> int:
    """Mark ``notification`` (or, without one, every unread notification) of ``actor`` read;
    returns how many changed. Only the recipient marks their own notifications. Not audited:
    reading one's inbox changes no record."""
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def create_api_token(
    *, actor: User, name: str, expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """Give ``actor`` a personal API token; returns it with its secret, the only time the
    secret exists outside the caller's hands (only its SHA-256 is stored).

    The token authenticates as ``actor`` exactly: same units, same roles, revoked with them.
    Anyone signed in may create their own. Audited without the secret or its hash.
    """
    name = " ".join(name.split())
    now = timezone.now()
    if not name:
        raise ValidationError({"name": _("Hãy đặt tên cho mã truy cập.")})
    if expires_at is not None and expires_at <= now:
        raise ValidationError({"expires_at": _("Thời hạn phải ở sau thời điểm hiện tại.")})
    active = ApiToken.objects.filter(user=actor, revoked_at__isnull=True).exclude(
        expires_at__lte=now
    )
    if active.count() >= MAX_ACTIVE_API_TOKENS:
        raise ValidationError(
            _("Bạn đã có %(n)s mã truy cập đang dùng; hãy thu hồi mã không cần nữa.")
            % {"n": MAX_ACTIVE_API_TOKENS}
        )
    secret = new_api_secret()
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=secret[:API_PREFIX_LENGTH],
        secret_hash=hash_api_secret(secret),
        expires_at=expires_at,
    )
    record_audit(
        actor=actor,
        action=AuditLog.Action.TOKEN_CREATED,
        obj=token,
        changes=diff({}, snapshot(token, API_TOKEN_FIELDS)),
    )
    return token, secret


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken) -> ApiToken:
    """Stop ``token`` working from now on (idempotent). Only its owner, or a superuser,
    revokes it. Audited."""
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied
    if token.revoked_at is not None:
        return token
    before = snapshot(token, API_TOKEN_FIELDS)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_audit(
        actor=actor,
        action=AuditLog.Action.TOKEN_REVOKED,
        obj=token,
        changes=diff(before, snapshot(token, API_TOKEN_FIELDS)),
    )
    return token


def mark_api_token_used(*, token: ApiToken, now: datetime.datetime) -> None:
    """Stamp ``last_used_at`` at most once a minute: one conditional UPDATE, none while the
    stamp is fresh. Not audited: using a token changes no record."""
    if token.last_used_at is not None and now - token.last_used_at < API_TOKEN_USE_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
