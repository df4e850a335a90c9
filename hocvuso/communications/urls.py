"""Signed-in pages of the communications app, under /communications/."""

from __future__ import annotations

from django.urls import path

from hocvuso.communications.views import board, campaigns, imports, outputs  # noqa: F401

app_name = "communications"
urlpatterns: list = [
    # --- Campaigns (views/campaigns.py)
    path("<int:pk>/", campaigns.campaign_detail, name="campaign"),
    # --- Logging outputs, a unit's outputs (views/outputs.py)
    # --- The owner's board, exports, the directive's report (views/board.py)
    # --- Monthly Excel reports (views/imports.py)
]
