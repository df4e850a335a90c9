"""Signed-in pages of the learning app, under /learning/."""

from __future__ import annotations

from django.urls import path

from hocvuso.learning.views import coverage

app_name = "learning"
urlpatterns: list = [
    # --- Courses, classes, campaigns (views/manage.py)
    # --- The door: rotating code, roll call (views/door.py)
    # --- Imports: sheets, meeting reports, the national platform (views/imports.py)
    # --- Who has been trained (views/coverage.py)
    path("coverage/", coverage.coverage, name="coverage"),
]
