from __future__ import annotations

from django.contrib import admin

from hocvuso.communications.models import Campaign, Channel, Output
from hocvuso.core.admin import AuditedAdminMixin


@admin.register(Channel)
class ChannelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The channel list and the domains that recognise a pasted link: a province adds its
    newspaper's and television's here."""

    list_display = ["name", "code", "family", "domains", "position", "active"]
    list_editable = ["domains", "position", "active"]


@admin.register(Campaign)
class CampaignAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "owner", "starts_on", "ends_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["owner", "activity", "event", "created_by"]


@admin.register(Output)
class OutputAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "unit", "channel", "kind", "published_on", "quantity"]
    list_filter = ["channel", "kind"]
    raw_id_fields = ["campaign", "unit", "created_by", "source"]
    search_fields = ["title", "url"]
