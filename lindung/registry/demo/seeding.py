"""Writing demo workers to the registry in bulk, with one audit event."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import record_event
from lindung.core.exceptions import DomainError
from lindung.regions.selectors import regency_villages
from lindung.registry.demo.generator import DemoGenerator, DemoWorker
from lindung.registry.models import RELATIONSHIP_RANK, Heir, Sector, Worker, WorkerStatusChange
from lindung.registry.name_index import index_names

BATCH_SIZE = 5000


def seed_demo_workers(
    *, actor: User | None, count: int, seed: int, now: dt.datetime | None = None
) -> int:
    """Add ``count`` synthetic workers (with heirs and status history); return how many.

    A bulk system action: one ``demo.seed`` audit event, not one per worker. ``actor`` is
    None when run from the command line.
    """
    if actor is not None:
        require(actor, Capability.MANAGE_REFERENCE_DATA)
    if count < 1:
        raise DomainError(_("The number of demo workers must be at least 1."))
    villages = list(regency_villages())
    if not villages:
        raise DomainError(_("No villages are loaded. Run `lindung load_regions` first."))
    sector_ids = dict(Sector.objects.filter(is_active=True).values_list("code", "pk"))
    now = now or timezone.now()
    with transaction.atomic():
        try:
            generator = DemoGenerator(
                seed=seed,
                now=now,
                villages=villages,
                sector_codes=list(sector_ids),
                existing_niks=set(Worker.objects.values_list("nik", flat=True)),
                existing_kks=set(
                    Worker.objects.exclude(kk_number="").values_list("kk_number", flat=True)
                ),
            )
        except ValueError as error:
            raise DomainError(
                _("Demo data cannot be made: %(problem)s.") % {"problem": error}
            ) from error
        batch: list[DemoWorker] = []
        for demo_worker in generator.workers(count):
            batch.append(demo_worker)
            if len(batch) == BATCH_SIZE:
                _insert(batch, actor=actor, sector_ids=sector_ids)
                batch = []
        _insert(batch, actor=actor, sector_ids=sector_ids)
        record_event(
            actor=actor,
            action="demo.seed",
            object_type="worker",
            context={"count": count, "seed": seed},
        )
    return count


def _insert(batch: list[DemoWorker], *, actor: User | None, sector_ids: dict[str, int]) -> None:
    if not batch:
        return
    workers = Worker.objects.bulk_create(
        [_worker_row(demo, actor=actor, sector_ids=sector_ids) for demo in batch],
        batch_size=BATCH_SIZE,
    )
    heirs, changes = [], []
    for worker, demo in zip(workers, batch, strict=True):
        heirs.extend(
            Heir(
                worker_id=worker.pk,
                priority=RELATIONSHIP_RANK[heir["relationship"]],
                position=position,
                **heir,
            )
            for position, heir in enumerate(demo.heirs)
        )
        changes.extend(
            WorkerStatusChange(
                worker_id=worker.pk,
                from_status=from_status,
                to_status=to_status,
                reason=reason,
                note=note,
                changed_by=actor,
                changed_at=at,
            )
            for from_status, to_status, reason, note, at in demo.history
        )
    Heir.objects.bulk_create(heirs, batch_size=BATCH_SIZE)
    index_names(workers, replace=False)
    WorkerStatusChange.objects.bulk_create(changes, batch_size=BATCH_SIZE)


def _worker_row(demo: DemoWorker, *, actor: User | None, sector_ids: dict[str, int]) -> Worker:
    values = {key: value for key, value in demo.values.items() if key not in ("village", "sector")}
    last = demo.history[-1]
    return Worker(
        **values,
        village_id=demo.values["village"],
        district_id=demo.values["village"].rsplit(".", 1)[0],
        sector_id=sector_ids[demo.values["sector"]],
        name_normalized=demo.name_normalized,
        status=last[1],
        inactive_reason=last[2],
        birth_date_mismatch=demo.birth_date_mismatch,
        sex_mismatch=demo.sex_mismatch,
        # Every status change after registration is a new version, as in the services.
        version=len(demo.history),
        created_at=demo.created_at,
        created_by=actor,
        updated_at=last[4],
        updated_by=actor,
    )
