"""The national BPU rates every programme starts from: JKK 1% of the reported income,
JKM Rp6.800 a month, JHT 2% (PP 44/2015, in force since 1 July 2015)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations
from django.utils import timezone


def add_national_rates(apps, schema_editor):
    RateVersion = apps.get_model("programs", "RateVersion")
    if RateVersion.objects.filter(program=None, valid_from=dt.date(2015, 7, 1)).exists():
        return
    RateVersion.objects.create(
        program=None,
        valid_from=dt.date(2015, 7, 1),
        jkk_percent=Decimal("1.00"),
        jkm_amount=6800,
        jht_percent=Decimal("2.00"),
        discount_percent=Decimal("0"),
        payer_kinds=[],
        legal_reference="PP 44/2015",
        note="Tarif nasional peserta Bukan Penerima Upah",
        created_at=timezone.now(),
    )


def remove_national_rates(apps, schema_editor):
    RateVersion = apps.get_model("programs", "RateVersion")
    RateVersion.objects.filter(
        program=None, valid_from=dt.date(2015, 7, 1), legal_reference="PP 44/2015"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_funders_programmes_rates_shares")]

    operations = [migrations.RunPython(add_national_rates, remove_national_rates)]
