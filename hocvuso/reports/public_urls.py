"""The open statistics page, mounted at /statistics/ outside the signed-in reports pages."""

from __future__ import annotations

from django.urls import path

from hocvuso.reports.views import analysis

app_name = "statistics"
urlpatterns = [path("", analysis.public_statistics, name="index")]
