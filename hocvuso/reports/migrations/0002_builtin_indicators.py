from __future__ import annotations

from django.db import migrations


def install(apps, schema_editor):
    from hocvuso.reports import builtin

    builtin.install(apps.get_model("reports", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
