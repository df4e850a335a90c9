from __future__ import annotations

from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from hocvuso.core.admin import AuditedAdminMixin
from hocvuso.orgunits.models import OrgUnit, UnitGroup, UnitPopulation


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdminMixin, TreeAdmin):
    form = movenodeform_factory(OrgUnit, exclude=["search_text"])
    list_display = ["name", "kind", "code", "abbreviation", "is_demo"]
    list_filter = ["kind", "groups", "is_demo"]
    search_fields = ["name", "code", "search_text"]
    filter_horizontal = ["groups"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.refresh_search_text()
        super().save_model(request, obj, form, change)


@admin.register(UnitGroup)
class UnitGroupAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "is_demo"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(UnitPopulation)
class UnitPopulationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["unit", "year", "adults", "households"]
    list_filter = ["year"]
    raw_id_fields = ["unit"]
