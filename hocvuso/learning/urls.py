"""Signed-in pages of the learning app, under /learning/."""

from __future__ import annotations

from django.urls import path

from hocvuso.learning.views import certificates

app_name = "learning"
urlpatterns: list = [
    # --- Courses, classes, campaigns (views/manage.py)
    # --- The door: rotating code, roll call (views/door.py)
    # --- Imports: sheets, meeting reports, the national platform (views/imports.py)
    # --- Who has been trained (views/coverage.py)
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
