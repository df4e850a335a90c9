"""Issue 15: Plan 01's numerators and denominators and the class counters are computed from
the learning app and the units' figures, no longer typed."""

from __future__ import annotations

from django.db import migrations


def point_at_sources(apps, schema_editor):
    from hocvuso.reports.builtin import LEARNING_SOURCES

    Indicator = apps.get_model("reports", "Indicator")
    for code, source in LEARNING_SOURCES.items():
        # A province that pointed a built-in indicator elsewhere keeps its choice.
        Indicator.objects.filter(code=code, is_builtin=True, source="").update(source=source)


def typed_again(apps, schema_editor):
    from hocvuso.reports.builtin import LEARNING_SOURCES

    Indicator = apps.get_model("reports", "Indicator")
    for code, source in LEARNING_SOURCES.items():
        Indicator.objects.filter(code=code, is_builtin=True, source=source).update(source="")


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_indicator_over_time")]

    operations = [migrations.RunPython(point_at_sources, typed_again)]
