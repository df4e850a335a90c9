from django.db import migrations

# Seed 003's fourth activity, plus what Plan 01 asks teams to guide: editable afterwards.
DEFAULT_SERVICES = [
    ("dvc", "Dịch vụ công trực tuyến"),
    ("vneid", "Định danh điện tử VNeID mức 2"),
    ("cashless", "Thanh toán không dùng tiền mặt"),
    ("ecommerce", "Thương mại điện tử, sản phẩm OCOP"),
    ("safety", "An toàn trên không gian mạng"),
    ("ai", "Kiến thức cơ bản về trí tuệ nhân tạo (AI)"),
]


def add_services(apps, schema_editor):
    Service = apps.get_model("fieldwork", "Service")
    for bit, (code, name) in enumerate(DEFAULT_SERVICES):
        Service.objects.get_or_create(code=code, defaults={"name": name, "bit": bit, "position": bit})


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0001_initial")]

    operations = [migrations.RunPython(add_services, migrations.RunPython.noop)]
