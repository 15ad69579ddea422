from django.db import migrations, models

from qunfang.lib.text import natural_key


def fill_sort_names(apps, schema_editor):
    """Every place kept before the column was, given its sort key (a province's tree in batches)."""
    OrgUnit = apps.get_model("core", "OrgUnit")
    batch = []
    for place in OrgUnit.objects.only("pk", "name").iterator(chunk_size=2000):
        place.sort_name = natural_key(place.name)
        batch.append(place)
        if len(batch) == 2000:
            OrgUnit.objects.bulk_update(batch, ["sort_name"])
            batch = []
    OrgUnit.objects.bulk_update(batch, ["sort_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_submissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="orgunit",
            name="sort_name",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill_sort_names, migrations.RunPython.noop),
    ]
