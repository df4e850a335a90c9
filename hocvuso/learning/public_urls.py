"""Pages of the learning app that need no account: the class finder, check-in at the door,
certificate verification."""

from __future__ import annotations

from django.urls import path

from hocvuso.learning.views import public

app_name = "learn"
urlpatterns: list = [
    # --- The class finder and registration (views/public.py): /classes/…
    path("classes/", public.finder, name="finder"),
    path("classes/<int:pk>/", public.class_page, name="class"),
    path("classes/<int:pk>/registered/", public.registered, name="registered"),
    path("classes/<int:pk>/calendar.ics", public.calendar, name="calendar"),
    # --- Check-in by the rotating code (views/door.py): /checkin/…
    # --- Certificates (views/public.py): /verify/<code>/
    path("verify/", public.verify_form, name="verify_form"),
    path("verify/<str:code>/", public.verify, name="verify"),
]
