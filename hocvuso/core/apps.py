from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hocvuso.core"
    label = "core"
    verbose_name = _("Lõi hệ thống")

    def ready(self) -> None:
        from hocvuso.core.logs import install_redaction

        # Here, not in LOGGING: configuring these loggers there would replace the handlers
        # the server (uvicorn, runserver) gave them.
        install_redaction()
