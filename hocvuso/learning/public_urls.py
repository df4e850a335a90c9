"""Pages of the learning app that need no account: the class finder, check-in at the door,
certificate verification."""

from __future__ import annotations

from django.urls import path  # noqa: F401 — each part adds its routes below

app_name = "learn"
urlpatterns: list = [
    # --- The class finder and registration (views/public.py): /classes/…
    # --- Check-in by the rotating code (views/door.py): /checkin/…
    # --- Certificates (views/public.py): /verify/<code>/
]
