from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "hocvuso.learning"
    label = "learning"
    verbose_name = _("Học tập số: lớp học, người học")
