from django.db import migrations


def seed(apps, schema_editor):
    from qunfang.care.seed import ensure_categories

    ensure_categories(apps.get_model("care", "CareCategory"))


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
