from __future__ import annotations

from django.contrib import admin

from hocvuso.learning.models import Campaign, ClassSession, Course, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "active"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "level", "hours", "active"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "lead", "starts_on", "ends_on"]


@admin.register(ClassSession)
class ClassSessionAdmin(admin.ModelAdmin):
    list_display = ["course", "host", "starts_at", "status"]
    list_filter = ["status", "mode"]
