"""Issue 16: the built-in indicators computed from the communications app's outputs (by
channel family, with the campaign's hashtag). Installing is idempotent: an install that
already has them, or renamed them, keeps its rows."""

from __future__ import annotations

from django.db import migrations


def install(apps, schema_editor):
    from hocvuso.reports import builtin

    builtin.install(apps.get_model("reports", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_learning_sources")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
