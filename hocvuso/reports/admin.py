"""Indicators, targets, forms and their rules are edited here by administrators; the
built-in indicators too (their codes are fixed)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from hocvuso.core.admin import AuditedAdminMixin
from hocvuso.core.forms import ModelForm
from hocvuso.reports.models import (
    DataSet,
    DataSetIndicator,
    Indicator,
    Target,
    ValidationRule,
)
from hocvuso.reports.sources import source_choices


class IndicatorForm(ModelForm):
    source = forms.ChoiceField(choices=source_choices, required=False)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "short_name",
            "description",
            "value_type",
            "aggregation",
            "over_time",
            "unit_of_measure",
            "numerator",
            "denominator",
            "source",
            "position",
            "is_public",
        ]


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = IndicatorForm
    list_display = ["name", "code", "value_type", "aggregation", "source", "is_public", "position"]
    list_filter = ["value_type", "aggregation", "is_builtin", "is_public"]
    search_fields = ["name", "code"]
    list_editable = ["position"]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "is_builtin"] if obj and obj.is_builtin else ["is_builtin"]


@admin.register(Target)
class TargetAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["indicator", "unit", "year", "value"]
    list_filter = ["year", "indicator"]
    raw_id_fields = ["unit"]


class MemberInline(admin.TabularInline):
    model = DataSetIndicator
    extra = 1


class RuleInline(admin.TabularInline):
    model = ValidationRule
    extra = 1


@admin.register(DataSet)
class DataSetAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "owner_unit", "period_type", "deadline_days", "is_active"]
    raw_id_fields = ["owner_unit"]
    filter_horizontal = ["assigned_groups"]
    inlines = [MemberInline, RuleInline]
