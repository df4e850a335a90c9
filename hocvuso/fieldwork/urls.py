from __future__ import annotations

from django.urls import path

from hocvuso.fieldwork import views

app_name = "fieldwork"
urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("visits/", views.visits, name="visits"),
    path("visits/import/", views.visit_import, name="visit_import"),
    # --- Teams
    path("teams/", views.teams, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    # --- The offline phone form
    path("log/", views.log_visits, name="log"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
