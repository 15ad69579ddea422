"""Seeds the activity types the reports count (qunfang/mobilization/seed.py)."""

from django.db import migrations

from qunfang.mobilization.seed import ensure_activity_types


def add_types(apps, schema_editor):
    ensure_activity_types(apps.get_model("mobilization", "ActivityType"))


class Migration(migrations.Migration):
    dependencies = [("mobilization", "0001_initial")]

    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
