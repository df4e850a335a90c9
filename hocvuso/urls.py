from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from hocvuso.api import api

urlpatterns = [
    path("", include("hocvuso.accounts.urls")),
    path("units/", include("hocvuso.orgunits.urls")),
    path("plans/", include("hocvuso.plans.urls")),
    path("events/", include("hocvuso.events.urls")),
    path("fieldwork/", include("hocvuso.fieldwork.urls")),
    path("learning/", include("hocvuso.learning.urls")),
    path("communications/", include("hocvuso.communications.urls")),
    path("reports/", include("hocvuso.reports.urls")),
    path("statistics/", include("hocvuso.reports.public_urls")),
    path("", include("hocvuso.learning.public_urls")),
    path("", include("hocvuso.communications.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
