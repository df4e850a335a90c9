from __future__ import annotations

from django.contrib import admin

from hocvuso.core.admin import AuditedAdminMixin
from hocvuso.plans.models import Activity, Plan, Task


class ActivityInline(admin.StackedInline):
    model = Activity
    extra = 0
    raw_id_fields = ["lead_unit"]
    filter_horizontal = ["partner_units"]


@admin.register(Plan)
class PlanAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "number", "issuing_unit", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "number"]
    raw_id_fields = ["issuing_unit"]
    inlines = [ActivityInline]


@admin.register(Task)
class TaskAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["unit", "plan", "deadline", "status"]
    list_filter = ["status"]
    raw_id_fields = ["unit", "plan", "activity"]
