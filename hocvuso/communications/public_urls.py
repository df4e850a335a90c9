"""Pages of the communications app that need no account: a campaign's public page."""

from __future__ import annotations

from django.urls import path  # noqa: F401 — the section below adds its paths

from hocvuso.communications.views import public  # noqa: F401

app_name = "comms"
urlpatterns: list = [
    # --- A campaign's published outputs (views/public.py): /truyen-thong/…
]
