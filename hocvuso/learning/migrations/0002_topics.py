from __future__ import annotations

from django.db import migrations


def install(apps, schema_editor):
    from hocvuso.learning.topics import TOPICS

    topic = apps.get_model("learning", "Topic")
    for position, (code, name) in enumerate(TOPICS):
        topic.objects.get_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
