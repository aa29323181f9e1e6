"""Every read of workers, scoped to what the user may see."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import CharField, Count, Func, Q, QuerySet

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.accounts.scope import area_scope, villages_in_scope
from lindung.audit.models import AuditEvent
from lindung.core.exceptions import NotFound
from lindung.regions.models import Region
from lindung.registry.models import Sector, Worker, WorkerStatus
from lindung.registry.name_index import (
    fewest_matches,
    is_common_name_search,
    name_prefix_filter,
)
from lindung.registry.names import normalize_name
from lindung.registry.validation import digits_only


def workers_for_user(user: User) -> QuerySet[Worker]:
    """All workers the user may see, and none other."""
    require(user, Capability.VIEW_WORKERS)
    return Worker.objects.filter(area_scope(user))


def get_worker_for_user(user: User, worker_id: int, *, for_update: bool = False) -> Worker:
    """One worker, or NotFound when it does not exist *or* lies outside the user's area."""
    workers = workers_for_user(user).select_related(
        "village__parent", "sector", "updated_by", "created_by"
    )
    if for_update:
        workers = workers.select_for_update(of=("self",))
    worker = workers.filter(pk=worker_id).first()
    if worker is None:
        raise NotFound("Pekerja tidak ditemukan.")
    return worker


@dataclass(frozen=True)
class WorkerFilters:
    q: str = ""
    district: str = ""
    village: str = ""
    sector: str = ""
    status: str = ""
    needs_verification: bool = False

    def as_dict(self) -> dict[str, str]:
        return {key: str(value) for key, value in self.__dict__.items() if value}


def search_workers(user: User, filters: WorkerFilters) -> QuerySet[Worker]:
    """Workers matching a free-text query and filters, in name order."""
    workers = workers_for_user(user).select_related("village__parent", "sector")
    if filters.q.strip():
        workers = workers.filter(_text_query(filters.q))
    if filters.district:
        workers = workers.filter(district_id=filters.district)
    if filters.village:
        workers = workers.filter(village_id=filters.village)
    if filters.sector:
        workers = workers.filter(sector__code=filters.sector)
    if filters.status:
        workers = workers.filter(status=filters.status)
    if filters.needs_verification:
        workers = workers.filter(Q(birth_date_mismatch=True) | Q(sex_mismatch=True))
    if _is_narrow_name_search(filters.q):
        # Asked for a page in name order, the database would walk the name index expecting
        # matches all along it, but the names a word starts (`siti`, `hj`, `aminah`) mostly
        # sort under one letter, far along the index. Sorting the matches themselves is
        # cheap and sure while they are few.
        return workers.order_by(WithoutIndex("name_normalized"), "id")
    # No name search, or a word so common (`muhammad`, `a`) that the walk finds a page at once.
    return workers.order_by("name_normalized", "id")


# Up to this many matches a name search sorts its matches rather than walk the name index.
NARROW_MATCHES = 20_000


class WithoutIndex(Func):
    """A text column as an expression no index provides, so the database sorts the rows it
    found instead of walking an index in that order (same value, same collation)."""

    template = "(%(expressions)s || '')"
    output_field = CharField()


def _is_narrow_name_search(text: str) -> bool:
    text = text.strip()
    if not text or any(character.isdigit() for character in text):
        return False
    words = normalize_name(text).split()
    return bool(words) and fewest_matches(words, cap=NARROW_MATCHES) <= NARROW_MATCHES


def _text_query(text: str) -> Q:
    """Digits search NIK and KK by prefix; other text with a digit is a source reference
    (`S7-0000268`); words search names by the start of any word.

    Each branch is one equality or range, so both databases answer it from an index.
    """
    text = text.strip()
    digits = digits_only(text)
    if digits.isdigit() and len(digits) >= 4:
        return (
            _starts_with("nik", digits)
            | _starts_with("kk_number", digits)
            | Q(source_ref__in={text, text.upper()})
        )
    if any(character.isdigit() for character in text):
        return Q(source_ref__in={text, text.upper()})
    words = normalize_name(text).split()
    if not words:
        return Q(source_ref__in={text, text.upper()})
    name_match = Q()
    for word in words:
        name_match &= name_prefix_filter(word)
    return name_match


def _starts_with(field: str, prefix: str) -> Q:
    # `LIKE 'x%'` with Django's ESCAPE clause cannot use SQLite's index; a range can.
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


def districts_for_user(user: User) -> QuerySet[Region]:
    """Districts that appear in the user's filters and summaries."""
    return Region.objects.filter(code__in=villages_in_scope(user).values("parent_id")).order_by(
        "name"
    )


def villages_for_user(user: User, *, district: str = "") -> QuerySet[Region]:
    villages = villages_in_scope(user).select_related("parent").order_by("name")
    return villages.filter(parent_id=district) if district else villages


def active_sectors() -> QuerySet[Sector]:
    return Sector.objects.filter(is_active=True)


def sector_names(codes: Iterable[str]) -> dict[str, str]:
    """Sector names by code, retired sectors included (old records may name one)."""
    return dict(Sector.objects.filter(code__in=set(codes)).values_list("code", "name"))


@dataclass(frozen=True)
class RegistrySummary:
    total: int
    by_status: dict[str, int]
    by_district: list[tuple[Region, int]]
    by_sector: list[tuple[Sector, int]]
    needs_verification: int


def registry_summary(user: User) -> RegistrySummary:
    """The headline numbers of the user's area: aggregates only, so leaders may see them."""
    require(user, Capability.VIEW_AGGREGATES)
    workers = Worker.objects.filter(area_scope(user))
    by_status = dict(workers.values_list("status").annotate(n=Count("id")).order_by())
    district_counts = dict(workers.values_list("district_id").annotate(n=Count("id")).order_by())
    sector_counts = dict(workers.values_list("sector_id").annotate(n=Count("id")).order_by())
    flagged = workers.filter(Q(birth_date_mismatch=True) | Q(sex_mismatch=True)).count()
    districts = districts_for_user(user)
    return RegistrySummary(
        total=sum(by_status.values()),
        by_status={status: by_status.get(status, 0) for status in WorkerStatus.values},
        by_district=sorted(
            ((d, district_counts.get(d.code, 0)) for d in districts),
            key=lambda item: (-item[1], item[0].name),
        ),
        by_sector=[
            (s, sector_counts[s.pk]) for s in Sector.objects.all() if sector_counts.get(s.pk)
        ],
        needs_verification=flagged,
    )


def worker_history(user: User, worker: Worker) -> QuerySet[AuditEvent]:
    """The audit events of one worker the user may already see, newest first."""
    get_worker_for_user(user, worker.pk)
    return AuditEvent.objects.filter(worker_id=worker.pk).order_by("-sequence")


def is_broad_search(text: str, *, more_than: int) -> bool:
    """Whether a free-text search matches so many workers that only "more than N" is worth
    counting (see ``core.pagination.CappedPaginator``)."""
    if any(character.isdigit() for character in text):
        return False
    return is_common_name_search(normalize_name(text).split(), more_than=more_than)
