"""Signed-in pages of the learning app, under /learning/."""

from __future__ import annotations

from django.urls import path

from hocvuso.learning.views import door

app_name = "learning"
urlpatterns: list = [
    # --- Courses, classes, campaigns (views/manage.py)
    # --- The door: rotating code, roll call (views/door.py)
    path("classes/<int:pk>/qr/", door.class_qr, name="class_qr"),
    path("classes/<int:pk>/roll/", door.roll_call, name="roll_call"),
    path("classes/<int:pk>/roll/marks/", door.roll_marks, name="roll_marks"),
    path("classes/roll-sw.js", door.roll_service_worker, name="roll_service_worker"),
    # --- Imports: sheets, meeting reports, the national platform (views/imports.py)
    # --- Who has been trained (views/coverage.py)
]
