from __future__ import annotations

from django.db import migrations, models


def mark_stocks(apps, schema_editor):
    from hocvuso.reports import builtin

    builtin.install(apps.get_model("reports", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_builtin_indicators")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="over_time",
            field=models.CharField(
                choices=[
                    ("sum", "Cộng các kỳ (số phát sinh trong kỳ)"),
                    ("last", "Lấy kỳ gần nhất (số hiện có)"),
                ],
                default="sum",
                max_length=4,
                verbose_name="gộp nhiều kỳ",
            ),
        ),
        migrations.RunPython(mark_stocks, migrations.RunPython.noop),
    ]
