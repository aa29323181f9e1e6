from django.db import migrations

from lindung.registry.data.sectors import OCCUPATIONS, SECTORS


def seed(apps, schema_editor):
    Sector = apps.get_model("registry", "Sector")
    Occupation = apps.get_model("registry", "Occupation")
    for order, (code, name, name_en) in enumerate(SECTORS, start=1):
        sector, _ = Sector.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )
        for occupation in OCCUPATIONS.get(code, []):
            Occupation.objects.get_or_create(name=occupation, defaults={"sector": sector})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
