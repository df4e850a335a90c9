"""Signed-in pages of the communications app, under /communications/."""

from __future__ import annotations

from django.urls import path

from hocvuso.communications.views import board, campaigns, imports, outputs  # noqa: F401

app_name = "communications"
urlpatterns: list = [
    # --- Campaigns (views/campaigns.py)
    path("<int:pk>/", campaigns.campaign_detail, name="campaign"),
    # --- Logging outputs, a unit's outputs (views/outputs.py)
    path("log/", outputs.log, name="log"),
    path("<int:pk>/log/", outputs.log_output, name="log_output"),
    path("recognise/", outputs.recognise, name="recognise"),
    path("sw.js", outputs.service_worker, name="service_worker"),
    path("outputs/", outputs.outputs, name="outputs"),
    path("outputs/<uuid:pk>/edit/", outputs.output_edit, name="output_edit"),
    path("outputs/<uuid:pk>/delete/", outputs.output_delete, name="output_delete"),
    path("outputs/<uuid:pk>/hide/", outputs.output_hide, name="output_hide"),
    path("outputs/<uuid:pk>/photos/<int:photo_pk>/", outputs.output_photo, name="output_photo"),
    # --- The owner's board, exports, the directive's report (views/board.py)
    # --- Monthly Excel reports (views/imports.py)
]
