from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunicationsConfig(AppConfig):
    name = "hocvuso.communications"
    label = "communications"
    verbose_name = _("Truyền thông: chiến dịch, tin bài")
