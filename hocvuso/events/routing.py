from __future__ import annotations

from django.urls import path

from hocvuso.events import consumers

websocket_urlpatterns = [
    path("ws/events/p/<str:token>/", consumers.EventConsumer.as_asgi()),
    path("ws/events/<int:pk>/", consumers.EventConsumer.as_asgi()),
]
