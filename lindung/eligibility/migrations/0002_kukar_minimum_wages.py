"""Kutai Kartanegara's minimum wage (UMK), the rules' default income limit (FACTS §6).
Administrators add the following years' values as they are decreed."""

from django.db import migrations

UMK = [
    (2025, 3_766_379, "UMK Kutai Kartanegara 2025"),
    (2026, 3_991_797, "UMK Kutai Kartanegara 2026"),
]


def add_minimum_wages(apps, schema_editor):
    MinimumWage = apps.get_model("eligibility", "MinimumWage")
    for year, amount, reference in UMK:
        MinimumWage.objects.get_or_create(
            year=year, defaults={"amount": amount, "legal_reference": reference}
        )


def remove_minimum_wages(apps, schema_editor):
    MinimumWage = apps.get_model("eligibility", "MinimumWage")
    MinimumWage.objects.filter(year__in=[year for year, _a, _r in UMK]).delete()


class Migration(migrations.Migration):
    dependencies = [("eligibility", "0001_rules_runs_decisions_overrides")]

    operations = [migrations.RunPython(add_minimum_wages, remove_minimum_wages)]
