from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "hocvuso.reports"
    label = "reports"
    verbose_name = _("Báo cáo, chỉ tiêu")

    def ready(self) -> None:
        from hocvuso.core import audit

        # A report's audit rows name each changed figure by its indicator's code.
        audit.register_key_resolver("reports.report", _indicator_names)


def _indicator_names(codes: set[str]) -> dict[str, str]:
    from hocvuso.reports.models import Indicator

    return dict(Indicator.objects.filter(code__in=codes).values_list("code", "name"))
