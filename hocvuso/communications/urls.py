"""Signed-in pages of the communications app, under /communications/."""

from __future__ import annotations

from django.urls import path

from hocvuso.communications.views import board, campaigns, channels, imports, outputs

app_name = "communications"
urlpatterns: list = [
    # --- Campaigns (views/campaigns.py)
    path("", campaigns.campaigns, name="campaigns"),
    path("new/", campaigns.campaign_create, name="campaign_create"),
    path("<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path("<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("<int:pk>/targets/", campaigns.campaign_targets, name="campaign_targets"),
    path("<int:pk>/publish/", campaigns.campaign_publish, name="campaign_publish"),
    path("<int:pk>/resources/", campaigns.campaign_resource_add, name="campaign_resource_add"),
    path(
        "<int:pk>/resources/<int:resource_pk>/",
        campaigns.campaign_resource_file,
        name="campaign_resource_file",
    ),
    path(
        "<int:pk>/resources/<int:resource_pk>/delete/",
        campaigns.campaign_resource_delete,
        name="campaign_resource_delete",
    ),
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
    path("<int:pk>/board/", board.board, name="board"),
    path("<int:pk>/silent/", board.silent, name="silent"),
    path("<int:pk>/gallery/", board.gallery, name="gallery"),
    path("<int:pk>/export.xlsx", board.board_xlsx, name="board_xlsx"),
    path("<int:pk>/outputs.csv", board.board_csv, name="board_csv"),
    path("<int:pk>/report.docx", board.report_docx, name="report_docx"),
    # --- Monthly Excel reports (views/imports.py)
    path("<int:pk>/import/", imports.outputs_import, name="outputs_import"),
    path(
        "<int:pk>/import/template.xlsx",
        imports.outputs_import_template,
        name="outputs_import_template",
    ),
    # --- The channel list (views/channels.py)
    path("channels/", channels.channels, name="channels"),
    path("channels/<int:pk>/", channels.channel_edit, name="channel_edit"),
]
