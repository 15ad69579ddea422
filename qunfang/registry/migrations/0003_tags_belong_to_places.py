"""Tags were shared by every place; now each belongs to a place. An old tag goes to the deepest place
above all the veterans who carry it within one district, and is split into one tag per district where
veterans of several districts carry it. A tag that nobody carries is dropped."""

import django.db.models.deletion
from django.db import migrations, models


def _common_path(paths):
    parts = [p.strip("/").split("/") for p in paths]
    common = []
    for level in zip(*parts):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return common


def give_tags_places(apps, schema_editor):
    Tag = apps.get_model("registry", "Tag")
    OrgUnit = apps.get_model("core", "OrgUnit")
    Through = apps.get_model("registry", "Veteran").tags.through
    districts = {str(pk) for pk in OrgUnit.objects.filter(level="district").values_list("pk", flat=True)}
    for tag in list(Tag.objects.all()):
        rows = list(Through.objects.filter(tag_id=tag.pk).values_list("pk", "veteran__place__path"))
        if not rows:
            tag.delete()
            continue
        groups = {}
        for row_id, path in rows:
            ids = path.strip("/").split("/")
            district = next((i for i in ids if i in districts), ids[0])
            groups.setdefault(district, []).append((row_id, path))
        for number, members in enumerate(groups.values()):
            owner = int(_common_path([path for _row, path in members])[-1])
            if number == 0:
                tag.place_id = owner
                tag.save(update_fields=["place"])
                continue
            copy = Tag.objects.create(name=tag.name, place_id=owner)
            Through.objects.filter(pk__in=[row for row, _path in members]).update(tag_id=copy.pk)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_token_password_hash"), ("registry", "0002_family_moves_tags_imports")]

    operations = [
        migrations.AlterField(model_name="tag", name="name", field=models.CharField(max_length=30, verbose_name="name")),
        migrations.AddField(
            model_name="tag",
            name="place",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.orgunit"
            ),
        ),
        migrations.RunPython(give_tags_places, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="tag",
            name="place",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.orgunit"),
        ),
        migrations.AlterModelOptions(
            name="tag",
            options={"ordering": ["name", "place__path"], "verbose_name": "tag", "verbose_name_plural": "tags"},
        ),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.UniqueConstraint(fields=("place", "name"), name="one_tag_name_per_place"),
        ),
    ]
