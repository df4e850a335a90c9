from __future__ import annotations

from django.urls import path

from hocvuso.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/progress/", views.plan_progress, name="progress"),
    path("<int:pk>/export.docx", views.plan_export_docx, name="export_docx"),
    path("<int:pk>/progress.xlsx", views.plan_progress_xlsx, name="progress_xlsx"),
    path("<int:pk>/source/", views.plan_source_file, name="source_file"),
    path("import/", views.plan_import, name="import"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/review/", views.plan_review, name="review"),
    path("<int:pk>/publish/", views.plan_publish, name="publish"),
    path("duties/<int:pk>/draft/", views.draft_task_edit, name="draft_task"),
    path("activities/<int:pk>/draft/", views.draft_activity_edit, name="draft_activity"),
    path("<int:pk>/activities/add/", views.activity_add, name="activity_add"),
    path("activities/<int:pk>/move/", views.activity_move, name="activity_move"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("<int:pk>/duties/add/", views.task_add, name="task_add"),
    path("duties/<int:pk>/move/", views.task_move, name="task_move"),
    path("duties/", views.my_duties, name="duties"),
    path("duties/<int:pk>/", views.task_detail, name="task"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
