from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

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
    # The stored file is reached only through the scoped download view, never MEDIA_URL.
    exclude = ["source_file"]
    readonly_fields = ["source_download", "source_name"]

    @admin.display(description=_("tệp gốc"))
    def source_download(self, plan: Plan) -> str:
        if not plan.source_file:
            return "—"
        url = reverse("plans:source_file", args=[plan.pk])
        return format_html('<a href="{}">{}</a>', url, plan.source_name or _("Tải tệp gốc"))


@admin.register(Task)
class TaskAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["unit", "plan", "deadline", "deadline_time", "status"]
    list_filter = ["status"]
    raw_id_fields = ["unit", "plan", "activity"]
