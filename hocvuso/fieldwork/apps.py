from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "hocvuso.fieldwork"
    label = "fieldwork"
    verbose_name = _("Đi từng ngõ, gõ từng nhà")
