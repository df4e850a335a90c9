"""Signed-in pages of the learning app, under /learning/."""

from __future__ import annotations

from django.urls import path

from hocvuso.learning.views import imports

app_name = "learning"
urlpatterns: list = [
    # --- Courses, classes, campaigns (views/manage.py)
    # --- The door: rotating code, roll call (views/door.py)
    # --- Imports: sheets, meeting reports, the national platform (views/imports.py)
    path("classes/<int:pk>/sheet/", imports.class_sheet, name="class_sheet"),
    path("sheet-template.xlsx", imports.sheet_template, name="sheet_template"),
    path(
        "classes/<int:pk>/online-report/", imports.class_online_report, name="class_online_report"
    ),
    path("platform/", imports.platform_imports, name="platform_imports"),
    path("platform/completions/", imports.platform_completions, name="platform_completions"),
    path("platform/vneid/", imports.platform_vneid, name="platform_vneid"),
    path("duplicates/", imports.duplicates, name="duplicates"),
    path("duplicates/merge/", imports.duplicates_merge, name="duplicates_merge"),
    # --- Who has been trained (views/coverage.py)
]
