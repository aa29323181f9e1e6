import django.db.models.deletion
from django.db import migrations, models


def copy_district_from_village(apps, schema_editor):
    Worker = apps.get_model("registry", "Worker")
    Region = apps.get_model("regions", "Region")
    for village in Region.objects.filter(level=4, code__in=Worker.objects.values("village_id")):
        Worker.objects.filter(village_id=village.code).update(district_id=village.parent_id)


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("registry", "0004_index_existing_worker_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="worker",
            name="district",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.region",
                verbose_name="district",
            ),
        ),
        migrations.RunPython(copy_district_from_village, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="worker",
            name="district",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.region",
                verbose_name="district",
            ),
        ),
        migrations.AlterField(
            model_name="worker",
            name="village",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="workers",
                to="regions.region",
                verbose_name="village",
            ),
        ),
        migrations.AddIndex(
            model_name="worker",
            index=models.Index(
                fields=["district", "name_normalized"], name="worker_district_name_idx"
            ),
        ),
    ]
