from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class AuditLog(models.Model):
    """One create, update or delete, written by the service that made it, in its transaction.

    ``unit`` is the org unit the change belongs to, so the log is scoped like everything else;
    ``changes`` maps a field name to ``[old, new]`` and never holds passwords.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Cập nhật")
        DELETE = "delete", _("Xóa")
        FILE_DOWNLOADED = "file_downloaded", _("Tải tệp")

    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("hành động"), max_length=32, choices=Action.choices)
    object_type = models.CharField(_("loại đối tượng"), max_length=100)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    object_repr = models.CharField(_("đối tượng"), max_length=255)
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type} {self.object_repr}"
