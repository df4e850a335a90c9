"""Signed-in pages of the learning app, under /learning/."""

from __future__ import annotations

from django.urls import path

from hocvuso.learning.views import certificates, coverage, manage

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
    # --- Imports: sheets, meeting reports, the national platform (views/imports.py)
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
