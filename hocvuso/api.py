"""The open REST API: one NinjaAPI, each app's Router mounted under its name."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import django_auth

from hocvuso.fieldwork.api import router as fieldwork_router
from hocvuso.orgunits.api import router as orgunits_router

api = NinjaAPI(
    title="Học vụ số API",
    version="1",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/units/", orgunits_router)
api.add_router("/fieldwork/", fieldwork_router)
