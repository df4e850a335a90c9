from __future__ import annotations

from django.urls import path

from hocvuso.events import views

app_name = "events"
urlpatterns = [
    # --- Managing events (list, create, bridge points, quotas, delegates, registries)
    # --- Live: the bridge-point screen (secret link, no account) and the control room
    # --- Reports
]
