from __future__ import annotations

from django.urls import path

from hocvuso.events import views

app_name = "events"
urlpatterns = [
    # --- Managing events (list, create, bridge points, quotas, delegates, registries)
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("from-plan/<int:plan_pk>/", views.event_from_plan, name="from_plan"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/programme/", views.program_add, name="program_add"),
    path("<int:pk>/programme/<int:item_pk>/", views.program_edit, name="program_edit"),
    path("<int:pk>/programme/<int:item_pk>/move/", views.program_move, name="program_move"),
    path("<int:pk>/programme/<int:item_pk>/delete/", views.program_delete, name="program_delete"),
    path("<int:pk>/quotas/", views.quota_add, name="quota_add"),
    path("<int:pk>/quotas/<int:quota_pk>/", views.quota_edit, name="quota_edit"),
    path("<int:pk>/quotas/<int:quota_pk>/delete/", views.quota_delete, name="quota_delete"),
    path("<int:pk>/quotas/<int:quota_pk>/register/", views.quota_register, name="quota_register"),
    path("<int:pk>/bridge-points/", views.bridge_points, name="bridge_points"),
    path("<int:pk>/bridge-points/add/", views.bridge_point_add, name="bridge_point_add"),
    path("<int:pk>/bridge-points/bulk/", views.bridge_points_bulk, name="bridge_points_bulk"),
    path(
        "<int:pk>/bridge-points/<int:point_pk>/", views.bridge_point_edit, name="bridge_point_edit"
    ),
    # --- Live: the bridge-point screen (secret link, no account) and the control room
    path("p/<str:token>/", views.point_screen, name="point_screen"),
    path("p/<str:token>/state/", views.point_state, name="point_state"),
    path("p/<str:token>/attendance/", views.point_attendance, name="point_attendance"),
    path("p/<str:token>/check-in/", views.point_check_in, name="point_check_in"),
    path("p/<str:token>/connected/", views.point_connected, name="point_connected"),
    path("p/<str:token>/trouble/", views.point_trouble, name="point_trouble"),
    path("<int:pk>/control/", views.control_room, name="control_room"),
    path("<int:pk>/control/launch/", views.control_launch, name="control_launch"),
    path("<int:pk>/control/next/", views.control_advance, name="control_advance"),
    path("<int:pk>/bridge-points/<int:point_pk>/link/", views.point_link, name="point_link"),
    path("<int:pk>/bridge-points/<int:point_pk>/revoke/", views.point_revoke, name="point_revoke"),
    # --- Delegates, attendee names and side registries
    path("<int:pk>/delegates/", views.delegates, name="delegates"),
    path("<int:pk>/delegates/add/", views.delegate_add, name="delegate_add"),
    path("<int:pk>/delegates/<int:delegate_pk>/", views.delegate_edit, name="delegate_edit"),
    path(
        "<int:pk>/delegates/<int:delegate_pk>/delete/",
        views.delegate_delete,
        name="delegate_delete",
    ),
    path("rsvp/<str:token>/", views.rsvp, name="rsvp"),
    path(
        "<int:pk>/bridge-points/<int:point_pk>/names/",
        views.attendee_names,
        name="attendee_names",
    ),
    path("<int:pk>/registry/<str:kind>/add/", views.registry_add, name="registry_add"),
    path("<int:pk>/registry/<int:entry_pk>/delete/", views.registry_delete, name="registry_delete"),
    # --- Reports
    path("<int:pk>/report.xlsx", views.event_report_xlsx, name="report_xlsx"),
    path("<int:pk>/report.docx", views.event_report_docx, name="report_docx"),
    path("<int:pk>/results.docx", views.event_results_docx, name="results_docx"),
]
