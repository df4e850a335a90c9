from __future__ import annotations

import datetime
import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from hocvuso.core.models import TimeStampedModel
from hocvuso.core.roles import PRECEDENCE, Role


class User(AbstractUser):
    """A person who signs in. What they may see comes only from their role assignments."""

    # One name field: Vietnamese names do not split cleanly into first/last.
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            # Login by e-mail needs an e-mail to name one person; blank e-mails are allowed.
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                condition=~models.Q(email=""),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def main_role(self) -> str | None:
        """The strongest role the person holds anywhere: it picks their home page."""
        held = {a.role for a in self.role_assignments.all()}
        return next((role for role in PRECEDENCE if role in held), None)


class RoleAssignment(TimeStampedModel):
    """``user`` holds ``role`` on ``unit`` and, through it, on the unit's whole subtree."""

    user = models.ForeignKey(
        User,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="role_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class Notification(models.Model):
    """A message to one person in the app: their inbox, and an e-mail when e-mail is on.

    ``url`` is a relative path inside the site ("/plans/duties/"); it never carries personal
    data, since it may travel by e-mail and sit in browser histories.
    """

    user = models.ForeignKey(
        User,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    subject = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        # The unread badge on every page counts (user, read_at IS NULL) through this index.
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.subject


# What every personal API secret starts with: a leaked one is recognisable in a log or a
# repository (secret scanners key on such prefixes), and a wrong paste fails on sight.
API_SECRET_PREFIX = "hvs_"  # noqa: S105 -- a public marker, not a secret
# How much of the secret the person sees again after creation, to tell their tokens apart.
API_PREFIX_LENGTH = 12


def new_api_secret() -> str:
    return API_SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_api_secret(secret: str) -> str:
    """SHA-256 of the secret: a 256-bit random secret needs no slow, salted hash."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal token a program sends as ``Authorization: Bearer <secret>`` to act through
    the API as its owner: the owner's units and roles, nothing more.

    Only the SHA-256 of the secret is kept; the secret itself is shown once, when created.
    ``prefix`` is its first characters, which the owner sees to tell their tokens apart.
    """

    user = models.ForeignKey(
        User, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(_("mã nhận diện"), max_length=API_PREFIX_LENGTH)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: datetime.datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
