from __future__ import annotations

from django.db import migrations, models

import hocvuso.core.uploads


class Migration(migrations.Migration):
    dependencies = [("communications", "0002_channels")]

    operations = [
        migrations.AddField(
            model_name="outputphoto",
            name="thumbnail",
            field=models.FileField(
                blank=True,
                max_length=255,
                upload_to=hocvuso.core.uploads.UploadPath("photo"),
                verbose_name="ảnh thu nhỏ",
            ),
        ),
    ]
