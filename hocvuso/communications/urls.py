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
    path("<int:pk>/board/", board.board, name="board"),
    path("<int:pk>/silent/", board.silent, name="silent"),
    path("<int:pk>/gallery/", board.gallery, name="gallery"),
    path("<int:pk>/export.xlsx", board.board_xlsx, name="board_xlsx"),
    path("<int:pk>/outputs.csv", board.board_csv, name="board_csv"),
    path("<int:pk>/report.docx", board.report_docx, name="report_docx"),
    # --- Monthly Excel reports (views/imports.py)
]
