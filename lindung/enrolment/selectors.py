"""Every read of enrolments, batches and BPJS files, limited to the user's area.

An enrolment belongs to its worker's area: a district operator sees the enrolments of their
district's workers and no other. Batches and BPJS files are the exporting or importing
user's work; regency-wide roles see them all, an operator the ones of their own area.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.accounts.scope import area_scope
from lindung.core.exceptions import NotFound
from lindung.enrolment.models import (
    BpjsFileImport,
    BpjsParticipant,
    Enrolment,
    EnrolmentStatus,
    Graduation,
    RegistrationBatch,
)
from lindung.regions.models import Region


def worker_area_scope(user: User) -> Q:
    return area_scope(user, village_field="worker__village", district_field="worker__district")


def narrow_area(user: User) -> Region | None:
    """The district or village a user is tied to; None for regency-wide users."""
    area = user.area if user.area_id else None
    if area is not None and area.level in (Region.Level.DISTRICT, Region.Level.VILLAGE):
        return area
    return None


def enrolments_for_user(user: User) -> QuerySet[Enrolment]:
    require(user, Capability.VIEW_WORKERS)
    return Enrolment.objects.filter(worker_area_scope(user))


def get_enrolment_for_user(user: User, enrolment_id: int, *, for_update: bool = False) -> Enrolment:
    """One enrolment, or NotFound when it does not exist or its worker is outside the area."""
    enrolments = enrolments_for_user(user).select_related(
        "worker__village__parent", "program", "batch"
    )
    if for_update:
        enrolments = enrolments.select_for_update(of=("self",))
    enrolment = enrolments.filter(pk=enrolment_id).first()
    if enrolment is None:
        raise NotFound("Kepesertaan tidak ditemukan.")
    return enrolment


@dataclass(frozen=True)
class EnrolmentFilters:
    program: int | None = None
    status: str = ""
    batch: int | None = None
    worker: int | None = None
    district: str = ""
    village: str = ""
    end_reason: str = ""

    def as_dict(self) -> dict[str, str]:
        return {key: str(value) for key, value in self.__dict__.items() if value}


def search_enrolments(user: User, filters: EnrolmentFilters) -> QuerySet[Enrolment]:
    enrolments = enrolments_for_user(user).select_related(
        "worker__village__parent", "program", "batch"
    )
    exact = {
        "program_id": filters.program,
        "status": filters.status,
        "batch_id": filters.batch,
        "worker_id": filters.worker,
        "worker__district_id": filters.district,
        "worker__village_id": filters.village,
        "end_reason": filters.end_reason,
    }
    enrolments = enrolments.filter(**{field: value for field, value in exact.items() if value})
    return enrolments.order_by("-candidate_since", "-id")


def enrolment_history(enrolment: Enrolment) -> list:
    return list(enrolment.status_changes.select_related("changed_by").order_by("changed_at", "id"))


def graduation_of(enrolment: Enrolment) -> Graduation | None:
    """The enrolment's graduation to self-paying, if any; ``enrolment`` comes from
    ``get_enrolment_for_user``, so it is in the user's area."""
    return Graduation.objects.filter(enrolment=enrolment).first()


def worker_enrolments(user: User, worker_id: int) -> list[Enrolment]:
    """A worker's enrolments, newest first, with their programme."""
    return list(
        enrolments_for_user(user)
        .filter(worker_id=worker_id)
        .select_related("program", "batch")
        .order_by("-candidate_since", "-id")
    )


def batches_for_user(user: User) -> QuerySet[RegistrationBatch]:
    """Batches exported in the user's area: an operator sees their own area's batches."""
    require(user, Capability.VIEW_WORKERS)
    batches = RegistrationBatch.objects.select_related("program", "created_by", "area")
    area = narrow_area(user)
    if area is not None:
        batches = batches.filter(area=area)
    return batches.order_by("-created_at", "-id")


def get_batch_for_user(user: User, batch_id: int) -> RegistrationBatch:
    batch = batches_for_user(user).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound("Batch pendaftaran tidak ditemukan.")
    return batch


def bpjs_imports_for_user(user: User) -> QuerySet[BpjsFileImport]:
    """Files received from BPJS: an operator sees the ones they imported."""
    require(user, Capability.VIEW_WORKERS)
    imports = BpjsFileImport.objects.select_related("created_by")
    if narrow_area(user) is not None:
        imports = imports.filter(created_by=user)
    return imports.order_by("-created_at", "-id")


def get_bpjs_import_for_user(user: User, import_id: int) -> BpjsFileImport:
    found = bpjs_imports_for_user(user).filter(pk=import_id).first()
    if found is None:
        raise NotFound("Berkas BPJS tidak ditemukan.")
    return found


def workers_participating_elsewhere(*, on: dt.date) -> QuerySet[BpjsParticipant]:
    """Participants BPJS listed as active on or before ``on`` who are not covered by one of
    our own enrolments (their KPJ is not one of ours): formal wage earners, members paid by
    someone else, or paying themselves (``payer`` says which). Eligibility leaves their
    workers out; ``worker_id`` links the registry."""
    own_kpj = Enrolment.objects.filter(
        status=EnrolmentStatus.ACTIVE, coverage_start__lte=on
    ).values("kpj_number")
    return BpjsParticipant.objects.filter(
        is_active=True, as_of__lte=on, worker__isnull=False
    ).exclude(Q(kpj_number__in=own_kpj) & ~Q(kpj_number=""))
