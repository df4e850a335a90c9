from __future__ import annotations

from django.contrib import admin

from hocvuso.core.admin import AuditedAdminMixin
from hocvuso.fieldwork.models import Service, Team


@admin.register(Service)
class ServiceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The list of guidance topics is edited here; a topic's bit is fixed once created."""

    list_display = ["name", "code", "position", "active"]
    list_editable = ["position", "active"]

    def get_readonly_fields(self, request, obj=None):
        return ["bit", "code"] if obj else []


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "unit"]
    raw_id_fields = ["unit"]
