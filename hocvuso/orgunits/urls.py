from __future__ import annotations

from django.urls import path

from hocvuso.orgunits import views

app_name = "orgunits"
urlpatterns = [
    path("", views.unit_browser, name="browser"),
    path("search/", views.unit_search, name="search"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/edit/", views.unit_edit, name="edit"),
    path("<int:pk>/add/", views.unit_add_child, name="add_child"),
    path("<int:pk>/population/", views.unit_population, name="population"),
    path("<int:pk>/import/", views.unit_import, name="import"),
    path("import-template.xlsx", views.import_template, name="import_template"),
]
