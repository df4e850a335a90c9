from __future__ import annotations

from django.db import migrations


def install(apps, schema_editor):
    from hocvuso.communications.channels import CHANNELS

    channel = apps.get_model("communications", "Channel")
    for position, (code, name, family, domains) in enumerate(CHANNELS):
        channel.objects.get_or_create(
            code=code,
            defaults={"name": name, "family": family, "domains": domains, "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("communications", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
