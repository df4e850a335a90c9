"""Signed-in pages of the learning app, under /learning/."""

from __future__ import annotations

from django.urls import path

from hocvuso.learning.views import certificates, coverage, door, imports, manage

app_name = "learning"
urlpatterns: list = [
    # --- Courses, classes, campaigns (views/manage.py)
    path("", manage.class_list, name="classes"),
    path("classes/new/", manage.class_create, name="class_create"),
    path("classes/<int:pk>/", manage.class_detail, name="class"),
    path("classes/<int:pk>/edit/", manage.class_edit, name="class_edit"),
    path("classes/<int:pk>/status/", manage.class_status, name="class_status"),
    path("classes/<int:pk>/enrol/", manage.class_enrol, name="class_enrol"),
    path("courses/", manage.course_list, name="courses"),
    path("courses/new/", manage.course_create, name="course_create"),
    path("courses/<int:pk>/", manage.course_detail, name="course"),
    path("topics/", manage.topics, name="topics"),
    path("topics/<int:pk>/", manage.topic_edit, name="topic_edit"),
    path("campaigns/", manage.campaign_list, name="campaigns"),
    path("campaigns/new/", manage.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", manage.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", manage.campaign_edit, name="campaign_edit"),
    # --- The door: rotating code, roll call (views/door.py)
    path("classes/<int:pk>/qr/", door.class_qr, name="class_qr"),
    path("classes/<int:pk>/roll/", door.roll_call, name="roll_call"),
    path("classes/<int:pk>/roll/marks/", door.roll_marks, name="roll_marks"),
    path("classes/roll-sw.js", door.roll_service_worker, name="roll_service_worker"),
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
    path("coverage/", coverage.coverage, name="coverage"),
    # --- Results and certificates (views/certificates.py)
    path("classes/<int:pk>/results/", certificates.results, name="results"),
    path(
        "classes/<int:pk>/certificates.pdf",
        certificates.class_certificates_pdf,
        name="class_certificates_pdf",
    ),
    path("certificates/<int:pk>/pdf/", certificates.certificate_pdf, name="certificate_pdf"),
    path(
        "certificates/<int:pk>/revoke/", certificates.certificate_revoke, name="certificate_revoke"
    ),
]
