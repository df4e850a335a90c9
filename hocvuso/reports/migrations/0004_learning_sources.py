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


# The built-in monthly form's rules before issue 15: every one compares two figures that
# are now computed, which a commune cannot correct by typing, so they would only block.
OLD_RULES = [
    ("plan01-adults-skilled", "le", "plan01-adults"),
    ("plan01-vneid-confirmed", "le", "plan01-adults-skilled"),
    ("class-attendees", "ge", "classes-held"),
]


def drop_rules_between_computed(apps, schema_editor):
    ValidationRule = apps.get_model("reports", "ValidationRule")
    for left, operator, right in OLD_RULES:
        ValidationRule.objects.filter(
            left__code=left,
            operator=operator,
            right__code=right,
            message="",
            left__source__gt="",
            right__source__gt="",
        ).delete()


def typed_again(apps, schema_editor):
    from hocvuso.reports.builtin import LEARNING_SOURCES

    Indicator = apps.get_model("reports", "Indicator")
    for code, source in LEARNING_SOURCES.items():
        Indicator.objects.filter(code=code, is_builtin=True, source=source).update(source="")


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_indicator_over_time")]

    operations = [
        migrations.RunPython(point_at_sources, typed_again),
        migrations.RunPython(drop_rules_between_computed, migrations.RunPython.noop),
    ]
