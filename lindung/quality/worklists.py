"""The data-quality worklists, each defined once: the page, the counts, the export and the API
all read ``WORKLISTS``.

A worklist narrows a queryset of workers the caller already scoped to the user's area. Every
condition is set-based SQL (flags, ranges, grouped subqueries, ``EXISTS``), so a count is one
grouped query however many workers the registry holds, and a record leaves its list the moment
it is fixed: the lists are live queries, not stored results. The age list first reads the age
limits of the eligibility rules in effect (one small query), see ``age_window``.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lindung.eligibility.selectors import versions_in_effect_of_active_programs
from lindung.quality.open_records import has_open_record
from lindung.regions.models import Region
from lindung.registry.models import (
    Heir,
    InactiveReason,
    Worker,
    WorkerStatus,
    WorkerStatusChange,
)

# Inactive and rejected workers are not funded, so most lists leave them out.
FUNDED = Q(status__in=[WorkerStatus.REGISTERED, WorkerStatus.VERIFIED])
NAME_ORDER = ("name_normalized", "id")

# A mobile number as ``validation.check_phone`` stores it: `+62` and a national number of
# 9 to 12 digits starting with 8 (lokal-id's rule for mobiles; 08xx written with its 0 is
# 10 to 13 digits). Anything else that passed the check is a landline.
MOBILE_PREFIX = "+628"
MOBILE_LENGTHS = (12, 15)

Select = Callable[[QuerySet[Worker], dt.date], QuerySet[Worker]]
Details = Callable[[dt.date], dict[str, Any]]


@dataclass(frozen=True)
class Worklist:
    """One list of records an operator should fix, and how to find them."""

    code: str
    title_id: str  # fixed Indonesian words, for files and the API
    title: Promise
    short_title: Promise  # a column header on the overview
    explanation: Promise  # why it matters and how to fix it; may name the settings below
    select: Select
    ordering: tuple[str, ...] = NAME_ORDER
    # Workers sharing this value are shown together (``kk_number``, ``phone``).
    grouped_by: str = ""
    # Values of the explanation that depend on the day (the age limits in effect then).
    details: Details | None = None

    def workers(self, scoped: QuerySet[Worker], *, today: dt.date) -> QuerySet[Worker]:
        return self.select(scoped, today)

    def explanation_text(self, today: dt.date | None = None) -> str:
        values = thresholds()
        if self.details is not None:
            values |= self.details(today or timezone.localdate())
        return str(self.explanation) % values


def thresholds() -> dict[str, Any]:
    """The settings the worklists use, by the names their explanations refer to."""
    return {
        "kk_limit": settings.LINDUNG_QUALITY_MAX_WORKERS_PER_KK,
        "phone_limit": settings.LINDUNG_QUALITY_MAX_WORKERS_PER_PHONE,
    }


@dataclass(frozen=True)
class AgeWindow:
    """The ages (whole years, both ends included) at which a programme can fund a worker on
    a day, and the programmes' own limits they come from."""

    # Every age some programme funds, as separate ranges only when the limits leave a gap.
    ranges: tuple[tuple[int, int], ...]
    # (name, minimum age, maximum age) of each active programme with rules in effect; empty
    # when none has any and LINDUNG_PROGRAMME_AGE_WINDOW applies.
    programmes: tuple[tuple[str, int, int], ...] = ()

    @property
    def ages(self) -> str:
        return ", ".join(_years(low, high) for low, high in self.ranges)


def age_window(today: dt.date) -> AgeWindow:
    """The age limits of the eligibility rules in effect on ``today`` for the active
    programmes.

    One programme with rules in effect: its minimum and maximum age. Several: every age at
    least one of them funds, so a worker is listed only when outside every programme's
    window (when the windows overlap, as they do in practice, that is the widest window:
    the lowest minimum to the highest maximum). A programme without rules in effect funds
    nobody yet and is left out; when no active programme has rules in effect, the setting
    ``LINDUNG_PROGRAMME_AGE_WINDOW`` applies.
    """
    versions = versions_in_effect_of_active_programs(today)
    if not versions:
        min_age, max_age = settings.LINDUNG_PROGRAMME_AGE_WINDOW
        return AgeWindow(ranges=((min_age, max_age),))
    programmes = tuple((v.program.name, v.min_age, v.max_age) for v in versions)
    windows = [(low, high) for _name, low, high in programmes]
    return AgeWindow(ranges=_joined(windows), programmes=programmes)


def _joined(windows: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Overlapping or touching windows as one (18–40 and 41–65 fund every age 18–65)."""
    ranges: list[tuple[int, int]] = []
    for low, high in sorted(windows):
        if ranges and low <= ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], high))
        else:
            ranges.append((low, high))
    return tuple(ranges)


def _years(low: int, high: int) -> str:
    return f"{low}–{high}"


AGE_LIMITS_OF_ONE_PROGRAMME = _(
    "Listed are workers whose age today is outside %(ages)s years: the age limits of the "
    "eligibility rules of %(programme)s in effect today."
)
AGE_LIMITS_OF_PROGRAMMES = _(
    "Listed are workers whose age today is outside %(ages)s years, the ages at which at least "
    "one active programme funds a worker under its eligibility rules in effect today "
    "(%(windows)s): a worker is listed only when outside every programme's limits."
)
AGE_LIMITS_OF_THE_SETTING = _(
    "No active programme has eligibility rules in effect today, so the regency's default "
    "limits apply: listed are workers whose age today is outside %(ages)s years."
)


def _age_details(today: dt.date) -> dict[str, Any]:
    window = age_window(today)
    if not window.programmes:
        sentence = AGE_LIMITS_OF_THE_SETTING % {"ages": window.ages}
    elif len(window.programmes) == 1:
        name, _low, _high = window.programmes[0]
        sentence = AGE_LIMITS_OF_ONE_PROGRAMME % {"ages": window.ages, "programme": name}
    else:
        each = "; ".join(f"{name} {_years(low, high)}" for name, low, high in window.programmes)
        sentence = AGE_LIMITS_OF_PROGRAMMES % {"ages": window.ages, "windows": each}
    return {"age_window": sentence}


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier; 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _nik_mismatch(workers: QuerySet[Worker], today: dt.date) -> QuerySet[Worker]:
    return workers.filter(Q(birth_date_mismatch=True) | Q(sex_mismatch=True))


def _age_outside_window(workers: QuerySet[Worker], today: dt.date) -> QuerySet[Worker]:
    # Ages as birth-date ranges, so an index on the birth date can answer; the same bounds
    # as the eligibility evaluation's too young / too old.
    outside_every_range = Q()
    for min_age, max_age in age_window(today).ranges:
        too_young = Q(birth_date__gt=years_before(today, min_age))
        too_old = Q(birth_date__lte=years_before(today, max_age + 1))
        outside_every_range &= too_young | too_old
    return workers.filter(FUNDED).filter(outside_every_range)


def valid_mobile() -> Q:
    """Stored phones that are Indonesian mobile numbers (needs ``phone_length``)."""
    low, high = MOBILE_LENGTHS
    next_prefix = MOBILE_PREFIX[:-1] + chr(ord(MOBILE_PREFIX[-1]) + 1)
    return Q(
        phone__gte=MOBILE_PREFIX,
        phone__lt=next_prefix,
        phone_length__gte=low,
        phone_length__lte=high,
    )


def _phone_missing_or_invalid(workers: QuerySet[Worker], today: dt.date) -> QuerySet[Worker]:
    workers = workers.alias(phone_length=Length("phone"))
    return workers.filter(FUNDED).filter(Q(phone="") | ~valid_mobile())


def _no_heir(workers: QuerySet[Worker], today: dt.date) -> QuerySet[Worker]:
    return workers.filter(FUNDED).filter(~Exists(Heir.objects.filter(worker=OuterRef("pk"))))


def _sharing(field: str, limit: int) -> Select:
    """Funded workers whose ``field`` is shared by more than ``limit`` funded workers.

    The groups are counted among the workers the caller passed in, i.e. within the user's
    area: a list never hints at workers the user may not see.
    """

    def select(workers: QuerySet[Worker], today: dt.date) -> QuerySet[Worker]:
        funded = workers.filter(FUNDED).exclude(**{field: ""})
        crowded = (
            funded.order_by()
            .values(field)
            # COUNT(*), not of the id: the funded KK and phone indexes alone can answer it.
            .annotate(sharing=Count("*"))
            .filter(sharing__gt=limit)
            .values(field)
        )
        return funded.filter(**{f"{field}__in": crowded})

    return select


def _crowded_kk(workers: QuerySet[Worker], today: dt.date) -> QuerySet[Worker]:
    return _sharing("kk_number", settings.LINDUNG_QUALITY_MAX_WORKERS_PER_KK)(workers, today)


def _shared_phone(workers: QuerySet[Worker], today: dt.date) -> QuerySet[Worker]:
    return _sharing("phone", settings.LINDUNG_QUALITY_MAX_WORKERS_PER_PHONE)(workers, today)


def _deceased_open_records(workers: QuerySet[Worker], today: dt.date) -> QuerySet[Worker]:
    # Every move to inactive goes through a status change that records its reason, so the
    # few workers with a death on record are where to start: the database never reads all
    # registered workers to find the ones made active again.
    death_recorded = WorkerStatusChange.objects.filter(
        to_status=WorkerStatus.INACTIVE, reason=InactiveReason.DECEASED
    ).values("worker_id")
    still_deceased = (
        Q(status=WorkerStatus.INACTIVE, inactive_reason=InactiveReason.DECEASED) & has_open_record()
    )
    # Made active again after the death was recorded, and no verifier has confirmed it
    # since (verifying moves the worker on to `verified`).
    active_again = Q(status=WorkerStatus.REGISTERED)
    return workers.filter(pk__in=death_recorded).filter(still_deceased | active_again)


def villages_outside_regency(today: dt.date) -> QuerySet[Region]:
    """Villages a worker may have been registered in that are no longer in the regency:
    their validity (or their district's) ended before today, or they now hang elsewhere."""
    regency = settings.LINDUNG_REGENCY_CODE
    # Kemendagri codes encode where an area was created, so the regency's villages are one
    # range of codes even when the whole country is loaded.
    ever_in_regency = Region.objects.filter(
        level=Region.Level.VILLAGE, code__gt=f"{regency}.", code__lt=f"{regency}/"
    )
    return ever_in_regency.filter(
        Q(valid_to__lt=today)
        | Q(parent__valid_to__lt=today)
        | Q(parent__isnull=True)
        | ~Q(parent__parent_id=regency)
    )


def _village_left_regency(workers: QuerySet[Worker], today: dt.date) -> QuerySet[Worker]:
    gone = villages_outside_regency(today).values("code")
    return workers.filter(FUNDED).filter(village_id__in=gone)


WORKLISTS: dict[str, Worklist] = {
    worklist.code: worklist
    for worklist in (
        Worklist(
            code="nik_mismatch",
            title_id="NIK tidak cocok dengan tanggal lahir atau jenis kelamin",
            title=_("NIK disagrees with the birth date or sex"),
            short_title=_("NIK mismatch"),
            explanation=_(
                "The NIK encodes the date of birth (day + 40 for women) and so the sex. When "
                "the declared values disagree, either the NIK or the declared value is wrong, "
                "and BPJS will refuse the enrolment or a claim. Compare both with the e-KTP and "
                "the family card, then correct the wrong one. Workers of every status are "
                "listed: a wrong identity also blocks a claim and hides duplicates."
            ),
            select=_nik_mismatch,
        ),
        Worklist(
            code="age_outside_window",
            title_id="Usia di luar batas program",
            title=_("Age outside the programme's window"),
            short_title=_("Age"),
            explanation=_(
                "%(age_window)s A worker outside these limits cannot be funded. Check the date "
                "of birth against the e-KTP and correct it if it was typed wrongly; if it is "
                "right, the worker cannot be funded now (those too young can be once they reach "
                "the minimum age)."
            ),
            select=_age_outside_window,
            ordering=("birth_date", "id"),
            details=_age_details,
        ),
        Worklist(
            code="phone_missing_or_invalid",
            title_id="No. HP kosong atau bukan nomor seluler",
            title=_("Missing or invalid mobile number"),
            short_title=_("Phone"),
            explanation=_(
                "Without a working mobile number the office cannot reach the worker or the "
                "family, for re-verification or after an accident. A landline or a malformed "
                "number is listed too. Ask the worker or the village for the number and enter "
                "it on the worker's form."
            ),
            select=_phone_missing_or_invalid,
        ),
        Worklist(
            code="no_heir",
            title_id="Belum ada ahli waris",
            title=_("No heir recorded"),
            short_title=_("No heir"),
            explanation=_(
                "If the worker dies, the death benefit (JKM) goes to the heirs. Without heirs "
                "on record the family has to prove who they are while grieving, and the claim "
                "waits. Ask for the family card and add the spouse or children as heirs."
            ),
            select=_no_heir,
        ),
        Worklist(
            code="crowded_kk",
            title_id="Satu KK dengan banyak pekerja",
            title=_("One family card with many workers"),
            short_title=_("Crowded KK"),
            explanation=_(
                "More than %(kk_limit)s funded workers share one family card (KK) number. Large "
                "families exist, but this is also how a mistyped KK, a copied row or an invented "
                "worker shows. Check the workers against the family card: correct a wrong KK "
                "number, and deactivate records that are not real or not eligible."
            ),
            select=_crowded_kk,
            ordering=("kk_number", "name_normalized", "id"),
            grouped_by="kk_number",
        ),
        Worklist(
            code="shared_phone",
            title_id="Satu No. HP dipakai banyak pekerja",
            title=_("One phone shared by many workers"),
            short_title=_("Shared phone"),
            explanation=_(
                "More than %(phone_limit)s funded workers have the same phone number. Often it "
                "is the number of the village official who registered them, so nobody can reach "
                "the workers themselves. Ask each worker for their own number, or a relative's."
            ),
            select=_shared_phone,
            ordering=("phone", "name_normalized", "id"),
            grouped_by="phone",
        ),
        Worklist(
            code="deceased_open_records",
            title_id="Meninggal dunia, catatan masih terbuka",
            title=_("Deceased, with records still open"),
            short_title=_("Deceased"),
            explanation=_(
                "A worker recorded as deceased must not stay in open processes, or the "
                "programme keeps paying and checking for someone who has died. Listed are "
                "deceased workers who are still part of an open duplicate case (resolve the "
                "case), and workers who were recorded as deceased and then made active again "
                "without a verifier confirming it since (verify them if they are alive, or "
                "record the death again). Open enrolments and claims will be added here when "
                "those parts of the programme exist."
            ),
            select=_deceased_open_records,
        ),
        Worklist(
            code="village_left_regency",
            title_id="Desa tidak lagi berada di kabupaten ini",
            title=_("Village no longer in the regency"),
            short_title=_("Village left"),
            explanation=_(
                "The worker's village has left the regency (for example to the capital "
                "authority, IKN) or its validity has ended, so the regency's budget can no "
                "longer fund the worker there. Confirm where the worker lives now: move them to "
                "their current village in the regency, or record that they moved away."
            ),
            select=_village_left_regency,
        ),
    )
}
