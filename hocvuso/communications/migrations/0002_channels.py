from __future__ import annotations

from django.db import migrations


def install(apps, schema_editor):
    from hocvuso.communications.channels import install as install_channels

    install_channels(apps.get_model("communications", "Channel"))


class Migration(migrations.Migration):
    dependencies = [("communications", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
