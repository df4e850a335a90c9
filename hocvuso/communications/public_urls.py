"""Pages of the communications app that need no account: a campaign's public page."""

from __future__ import annotations

from django.urls import path

from hocvuso.communications.views import public

app_name = "comms"
urlpatterns: list = [
    # --- A campaign's published outputs (views/public.py): /campaigns/…
    path("campaigns/<int:pk>/", public.campaign, name="campaign"),
]
