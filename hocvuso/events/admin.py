from __future__ import annotations

from django.contrib import admin

from hocvuso.core.admin import AuditedAdminMixin
from hocvuso.events.models import BridgePoint, Event


@admin.register(Event)
class EventAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "organiser", "starts_at", "mode"]
    raw_id_fields = ["organiser", "plan"]


@admin.register(BridgePoint)
class BridgePointAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["event", "host", "status", "is_main"]
    list_filter = ["status"]
    raw_id_fields = ["event", "host"]
    exclude = ["access_token"]
