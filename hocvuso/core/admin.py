from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit, snapshot


def _unit_of(obj: models.Model) -> Any:
    from hocvuso.orgunits.models import OrgUnit

    if isinstance(obj, OrgUnit):
        return obj
    return getattr(obj, "unit", None)


def _loggable_fields(obj: models.Model) -> list[str]:
    return [
        f.name
        for f in obj._meta.concrete_fields
        if f.name not in {"id", "password", "path", "depth", "numchild", "search_text"}
        and not f.name.endswith("_at")
    ]


class AuditedAdminMixin:
    """Superusers' edits in the Django admin land in the same audit trail as everyone's."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        fields = _loggable_fields(obj)
        before = snapshot(type(obj).objects.get(pk=obj.pk), fields) if change else {}
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            record_audit(
                actor=request.user,  # type: ignore[arg-type]
                action=AuditLog.Action.UPDATE if change else AuditLog.Action.CREATE,
                obj=obj,
                unit=_unit_of(obj),
                changes=diff(before, snapshot(obj, fields)),
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            record_audit(
                actor=request.user,  # type: ignore[arg-type]
                action=AuditLog.Action.DELETE,
                obj=obj,
                unit=None,
                changes=diff(snapshot(obj, _loggable_fields(obj)), {}),
            )
            super().delete_model(request, obj)  # type: ignore[misc]


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "object_type", "object_repr", "unit"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr"]
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
