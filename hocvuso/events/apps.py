from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "hocvuso.events"
    label = "events"
    verbose_name = _("Sự kiện")

    def ready(self) -> None:
        from hocvuso.core import audit
        from hocvuso.events.models import AttendanceCategory

        # A bridge point's counts are audited by category.
        for field in ("expected", "actual"):
            audit.register_choices("events.bridgepoint", field, AttendanceCategory.choices)
