from __future__ import annotations

from django.urls import path

from hocvuso.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("duties/", views.my_duties, name="duties"),
    path("duties/<int:pk>/", views.task_detail, name="task"),
]
