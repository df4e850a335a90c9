from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for development and trials; installed only in development mode."""

    name = "hocvuso.demo"
    label = "demo"
