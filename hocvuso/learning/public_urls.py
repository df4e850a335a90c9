"""Pages of the learning app that need no account: the class finder, check-in at the door,
certificate verification."""

from __future__ import annotations

from django.urls import path

from hocvuso.learning.views import door

app_name = "learn"
urlpatterns: list = [
    # --- The class finder and registration (views/public.py): /classes/…
    # --- Check-in by the rotating code (views/door.py): /checkin/…
    path("checkin/<int:pk>/<str:code>/", door.checkin, name="checkin"),
    # --- Certificates (views/public.py): /verify/<code>/
]
