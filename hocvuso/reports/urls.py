from __future__ import annotations

from django.urls import path

from hocvuso.reports.views import analysis, documents, entry, setup

app_name = "reports"
urlpatterns = [
    path("", entry.index, name="index"),
    path("indicators/", setup.indicators, name="indicators"),
    path("forms/new/", setup.dataset_create, name="dataset_create"),
    path("forms/<int:pk>/", entry.dataset_detail, name="dataset"),
    path("forms/<int:pk>/<int:unit_pk>/<str:period>/", entry.entry, name="entry"),
    path("forms/<int:pk>/<int:unit_pk>/<str:period>/submit", entry.submit, name="submit"),
    path("review/<int:pk>/", entry.review, name="review"),
    path("review/<int:pk>/decide", entry.decide, name="decide"),
    path("forms/<int:pk>/approve-all", entry.approve_all, name="approve_all"),
]
urlpatterns += [
    path("pivot/", analysis.pivot, name="pivot"),
    path("pivot/xlsx", analysis.pivot_xlsx, name="pivot_xlsx"),
    path("dashboard/", analysis.dashboard, name="dashboard"),
]

urlpatterns += [
    path("forms/<int:pk>/import/", documents.values_import, name="values_import"),
    path("forms/<int:pk>/template.xlsx", documents.values_template, name="values_template"),
    path("forms/<int:pk>/completeness.xlsx", documents.completeness_xlsx, name="completeness_xlsx"),
    path("results/", documents.results, name="results"),
    path("results/report.docx", documents.results_docx, name="results_docx"),
    path("results/report.pdf", documents.results_pdf, name="results_pdf"),
]
