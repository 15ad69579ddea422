"""Seeds the epidemic's daily report (qunfang/reporting/seed.py)."""

from django.db import migrations

from qunfang.reporting.seed import ensure_epidemic_data_set


def add_data_set(apps, schema_editor):
    ensure_epidemic_data_set(
        apps.get_model("reporting", "DataSet"), apps.get_model("reporting", "DataField"), apps.get_model("reporting", "Rule")
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(add_data_set, migrations.RunPython.noop)]
