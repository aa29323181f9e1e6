from django.db import migrations

BATCH = 5000


def index_existing_names(apps, schema_editor):
    Worker = apps.get_model("registry", "Worker")
    WorkerNameToken = apps.get_model("registry", "WorkerNameToken")
    last_id = 0
    while True:
        batch = list(
            Worker.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "name_normalized")[:BATCH]
        )
        if not batch:
            return
        WorkerNameToken.objects.bulk_create(
            [
                WorkerNameToken(worker_id=pk, token=token[:40])
                for pk, name in batch
                for token in sorted(set(name.split()))
            ],
            ignore_conflicts=True,
        )
        last_id = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_worker_name_tokens")]
    operations = [migrations.RunPython(index_existing_names, migrations.RunPython.noop)]
