"""Every change to eligibility: rule versions, runs and overrides, each checked, in one
transaction, with its audit event.

Administrators (``MANAGE_PROGRAMS``) write rules and apply runs; administrators and
verifiers record overrides about workers in their area.
"""

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, Count, Max, Sum, Value, When
from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import record_event
from lindung.core.exceptions import ConcurrentEdit, DomainError, PermissionDenied
from lindung.core.formatting import format_date
from lindung.eligibility.cut import budget_plan, draw_cut
from lindung.eligibility.evaluation import criteria_for, store_decisions
from lindung.eligibility.inputs import RULE_FIELDS, RulesInput
from lindung.eligibility.models import (
    EligibilityDecision,
    EligibilityOverride,
    EligibilityRun,
    IncomeLimit,
    MinimumWage,
    OverrideKind,
    RuleVersion,
)
from lindung.eligibility.preview import Impact, preview_impact
from lindung.eligibility.selectors import (
    can_decide_overrides,
    get_override_for_user,
    get_version,
    version_in_effect,
)
from lindung.programs.models import Program
from lindung.programs.selectors import DENIED, get_program_for_user
from lindung.regions.models import Region
from lindung.registry.models import Sector
from lindung.registry.selectors import get_worker_for_user

FieldErrors = dict[str, list[str]]
MIN_REASON_LENGTH = 10

# ---------------------------------------------------------------- rule versions


def create_draft(*, actor: User, program_id: int) -> RuleVersion:
    """A new draft, starting from the programme's newest version (or the defaults)."""
    require(actor, Capability.MANAGE_PROGRAMS)
    with transaction.atomic():
        program = get_program_for_user(actor, program_id, for_update=True)
        latest = program.eligibility_versions.order_by("-number").first()
        values = (
            {name: getattr(latest, name) for name in RULE_FIELDS}
            if latest
            else dataclasses.asdict(RulesInput())
        )
        values["note"] = ""
        number = (program.eligibility_versions.aggregate(top=Max("number"))["top"] or 0) + 1
        version = RuleVersion.objects.create(
            program=program, number=number, created_at=timezone.now(), created_by=actor, **values
        )
        record_event(
            actor=actor,
            action="eligibility_rules.create",
            object_type="rule_version",
            object_id=version.pk,
            changes={k: [None, v] for k, v in values.items() if v not in ("", None, [], {})},
            context={"program_id": program.pk, "number": number},
        )
    return version


def update_draft(
    *, actor: User, program_id: int, version_id: int, expected_version: int, data: RulesInput
) -> RuleVersion:
    require(actor, Capability.MANAGE_PROGRAMS)
    values = clean_rules(data)
    with transaction.atomic():
        program = get_program_for_user(actor, program_id)
        version = get_version(program, version_id, for_update=True)
        _ensure_draft(version)
        if version.version != expected_version:
            raise ConcurrentEdit(
                "Aturan ini telah diubah orang lain sejak Anda membukanya. "
                "Muat ulang halaman dan ulangi perubahan Anda."
            )
        changes = {
            name: [getattr(version, name), value]
            for name, value in values.items()
            if getattr(version, name) != value
        }
        if not changes:
            return version
        for name, value in values.items():
            setattr(version, name, value)
        version.version += 1
        version.save()
        record_event(
            actor=actor,
            action="eligibility_rules.update",
            object_type="rule_version",
            object_id=version.pk,
            changes=changes,
            context={"program_id": program.pk, "number": version.number},
        )
    return version


def adopt_version(
    *,
    actor: User,
    program_id: int,
    version_id: int,
    effective_from: dt.date,
    today: dt.date | None = None,
) -> RuleVersion:
    """Put a draft in effect from ``effective_from`` (today or later, after the start of
    every version adopted before). The version in effect until then is superseded on that
    day; the stored decisions change only when the rules are next run."""
    require(actor, Capability.MANAGE_PROGRAMS)
    today = today or timezone.localdate()
    with transaction.atomic():
        program = get_program_for_user(actor, program_id, for_update=True)
        version = get_version(program, version_id, for_update=True)
        _ensure_draft(version)
        if effective_from < today:
            raise ValidationError(
                {"effective_from": ["Tanggal mulai berlaku tidak boleh sebelum hari ini."]}
            )
        last = program.eligibility_versions.filter(status=RuleVersion.Status.ADOPTED)
        last_start = last.aggregate(start=Max("effective_from"))["start"]
        if last_start and effective_from <= last_start:
            raise ValidationError(
                {
                    "effective_from": [
                        "Tanggal mulai berlaku harus setelah versi terakhir "
                        f"({format_date(last_start)})."
                    ]
                }
            )
        clean_rules(_as_input(version))  # a draft saved before a sector was removed
        replaced = version_in_effect(program, on=effective_from)
        version.status = RuleVersion.Status.ADOPTED
        version.effective_from = effective_from
        version.adopted_at, version.adopted_by = timezone.now(), actor
        version.version += 1
        version.save()
        record_event(
            actor=actor,
            action="eligibility_rules.adopt",
            object_type="rule_version",
            object_id=version.pk,
            changes={"status": ["draft", "adopted"], "effective_from": [None, effective_from]},
            context={
                "program_id": program.pk,
                "number": version.number,
                "supersedes": replaced.number if replaced else None,
            },
        )
    return version


def _ensure_draft(version: RuleVersion) -> None:
    if not version.is_draft:
        raise DomainError(
            "Versi aturan yang sudah ditetapkan tidak dapat diubah; buat draf versi baru."
        )


def _as_input(version: RuleVersion) -> RulesInput:
    return RulesInput(**{name: getattr(version, name) for name in RULE_FIELDS})


def clean_rules(data: RulesInput) -> dict[str, Any]:
    """The draft's values, or a ``ValidationError`` naming every field at fault."""
    errors: FieldErrors = {}
    values = {name: getattr(data, name) for name in RULE_FIELDS}
    if values["min_age"] is None or not 0 <= values["min_age"] <= 120:
        errors["min_age"] = ["Umur paling muda harus antara 0 dan 120 tahun."]
    if values["max_age"] is None or not 0 <= values["max_age"] <= 120:
        errors["max_age"] = ["Umur paling tua harus antara 0 dan 120 tahun."]
    elif "min_age" not in errors and values["max_age"] < values["min_age"]:
        errors["max_age"] = ["Umur paling tua tidak boleh di bawah umur paling muda."]
    decile = values["max_welfare_decile"]
    if decile is not None and not 1 <= decile <= 10:
        errors["max_welfare_decile"] = ["Desil kesejahteraan 1 sampai 10, atau kosong."]
    known = set(Sector.objects.values_list("code", flat=True))
    values["sector_codes"] = sorted(set(values["sector_codes"] or []))
    if unknown := [code for code in values["sector_codes"] if code not in known]:
        errors["sector_codes"] = [f"Sektor tidak dikenal: {', '.join(unknown)}."]
    order = list(dict.fromkeys(values["sector_risk_order"] or []))
    if unknown := [code for code in order if code not in known]:
        errors["sector_risk_order"] = [f"Sektor tidak dikenal: {', '.join(unknown)}."]
    values["sector_risk_order"] = order
    if values["income_limit"] not in IncomeLimit.values:
        errors["income_limit"] = ["Batas penghasilan tidak dikenal."]
    elif values["income_limit"] == IncomeLimit.AMOUNT:
        if not values["income_limit_amount"] or values["income_limit_amount"] <= 0:
            errors["income_limit_amount"] = ["Isi batas penghasilan dalam rupiah."]
    else:
        values["income_limit_amount"] = None
    quotas, quota_errors = _clean_quotas(values["district_quotas"] or {})
    values["district_quotas"] = quotas
    if quota_errors:
        errors["district_quotas"] = quota_errors
    values["note"] = " ".join(str(values["note"] or "").split())[:300]
    if errors:
        raise ValidationError(errors)
    return values


def _clean_quotas(quotas: dict) -> tuple[dict[str, int], list[str]]:
    districts = set(
        Region.objects.filter(
            level=Region.Level.DISTRICT, parent_id=settings.LINDUNG_REGENCY_CODE
        ).values_list("code", flat=True)
    )
    cleaned, errors = {}, []
    for code, quota in quotas.items():
        if code not in districts:
            errors.append(f"Kecamatan {code} tidak ada di kabupaten.")
        elif not isinstance(quota, int) or isinstance(quota, bool) or quota < 0:
            errors.append(f"Kuota Kecamatan {code} harus bilangan bulat, nol atau lebih.")
        else:
            cleaned[code] = quota
    return dict(sorted(cleaned.items())), errors


# ---------------------------------------------------------------- minimum wages


def set_minimum_wage(
    *, actor: User, year: int, amount: int, legal_reference: str = ""
) -> MinimumWage:
    """Set the regency's UMK for a year (a new year, or a corrected amount)."""
    require(actor, Capability.MANAGE_PROGRAMS)
    errors: FieldErrors = {}
    if not 2000 <= year <= 2100:
        errors["year"] = ["Tahun tidak wajar."]
    if amount is None or amount <= 0:
        errors["amount"] = ["UMK berupa rupiah, lebih dari nol."]
    if errors:
        raise ValidationError(errors)
    reference = " ".join(str(legal_reference or "").split())[:120]
    with transaction.atomic():
        wage = MinimumWage.objects.select_for_update().filter(year=year).first()
        before = wage.amount if wage else None
        if wage is None:
            wage = MinimumWage(year=year)
        elif wage.amount == amount and wage.legal_reference == reference:
            return wage
        wage.amount, wage.legal_reference = amount, reference
        wage.save()
        record_event(
            actor=actor,
            action="minimum_wage.set",
            object_type="minimum_wage",
            object_id=year,
            changes={"amount": [before, amount]},
            context={"legal_reference": reference} if reference else None,
        )
    return wage


# ---------------------------------------------------------------- runs


def apply_eligibility(
    *, actor: User | None, program_id: int, on: dt.date | None = None
) -> EligibilityRun:
    """Evaluate the version in effect on ``on`` (default today) over the whole registry and
    store every worker's decision, ranked and cut. Running the same version again replaces
    its earlier decisions; the runs themselves stay with their counts.

    ``actor`` is None only for the command line, which has no user."""
    if actor is not None:
        require(actor, Capability.MANAGE_PROGRAMS)
        program = get_program_for_user(actor, program_id)
    else:
        program = Program.objects.get(pk=program_id)
    on = on or timezone.localdate()
    version = version_in_effect(program, on=on)
    if version is None:
        raise DomainError(no_rules_message(program, on))
    criteria = criteria_for(version, on)
    plan, budget_note = budget_plan(program, on)
    with transaction.atomic():
        # One run of a programme at a time: a second waits, then replaces this one's rows.
        Program.objects.select_for_update().get(pk=program.pk)
        started = timezone.now()
        _forget_earlier_decisions(version)
        run = EligibilityRun.objects.create(
            program=program,
            rule_version=version,
            reference_date=on,
            umk=criteria.income_limit,
            started_at=started,
            finished_at=started,
            created_by=actor,
        )
        store_decisions(criteria, run.pk, capacity=plan.capacity() if plan else None)
        run.cut = draw_cut(run, version.district_quotas, plan, budget_note)
        run.counts = _totals(run)
        run.finished_at = timezone.now()
        run.save(update_fields=["cut", "counts", "finished_at"])
        record_event(
            actor=actor,
            action="eligibility.run",
            object_type="program",
            object_id=program.pk,
            context={
                "run_id": run.pk,
                "rule_version": version.number,
                "reference_date": on,
                **run.counts,
            },
        )
    return run


@dataclass(frozen=True)
class Evaluation:
    run: EligibilityRun
    impact: Impact
    applied: bool


def evaluate_eligibility(
    *, actor: User | None, program_id: int, on: dt.date | None = None, apply: bool = False
) -> Evaluation:
    """The version in effect evaluated over the registry, with its impact against the stored
    decisions; stored only with ``apply``. Without it the run is made and rolled back, as
    the cut needs the stored ranks: the counts are exactly what applying would give."""
    on = on or timezone.localdate()
    if actor is not None:
        require(actor, Capability.MANAGE_PROGRAMS)
        program = get_program_for_user(actor, program_id)
    else:
        program = Program.objects.get(pk=program_id)
    version = version_in_effect(program, on=on)
    if version is None:
        raise DomainError(no_rules_message(program, on))
    impact = preview_impact(actor=actor, version=version, on=on)
    with transaction.atomic():
        run = apply_eligibility(actor=actor, program_id=program.pk, on=on)
        transaction.set_rollback(not apply)
    return Evaluation(run, impact, apply)


def no_rules_message(program: Program, on: dt.date) -> str:
    return (
        f"Program {program.name} belum memiliki aturan kelayakan yang berlaku pada "
        f"{format_date(on)}."
    )


def _forget_earlier_decisions(version: RuleVersion) -> None:
    """One stored set of decisions per version: a million rows a run would otherwise pile
    up. Deleted in one statement (the ORM would load every row to cascade)."""
    earlier = list(version.runs.values_list("pk", flat=True))
    if not earlier:
        return
    table = connection.ops.quote_name(EligibilityDecision._meta.db_table)
    marks = ", ".join(["%s"] * len(earlier))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE run_id IN ({marks})", earlier)


def _totals(run: EligibilityRun) -> dict[str, int]:
    found = EligibilityDecision.objects.filter(run=run).aggregate(
        workers=Count("id"),
        eligible=Sum(Case(When(eligible=True, then=Value(1)), default=Value(0))),
        within_cut=Sum(Case(When(within_cut=True, then=Value(1)), default=Value(0))),
    )
    workers, eligible = found["workers"], found["eligible"] or 0
    return {
        "workers": workers,
        "eligible": eligible,
        "not_eligible": workers - eligible,
        "within_cut": found["within_cut"] or 0,
    }


# ---------------------------------------------------------------- overrides


def record_override(
    *, actor: User, program_id: int, worker_id: int, kind: str, reason: str
) -> EligibilityOverride:
    """Record that a worker is eligible despite their welfare decile, or not eligible at
    all, with the reason. It replaces the worker's standing override in the programme and
    counts from the next run."""
    if not can_decide_overrides(actor):
        raise PermissionDenied(DENIED)
    reason = " ".join(str(reason or "").split())
    errors: FieldErrors = {}
    if kind not in OverrideKind.values:
        errors["kind"] = ["Pilih jenis keputusan."]
    if len(reason) < MIN_REASON_LENGTH:
        errors["reason"] = [
            f"Tuliskan alasan keputusan (paling sedikit {MIN_REASON_LENGTH} huruf)."
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        program = get_program_for_user(actor, program_id)
        worker = get_worker_for_user(actor, worker_id)
        now = timezone.now()
        standing = (
            EligibilityOverride.objects.select_for_update()
            .filter(program=program, worker=worker, withdrawn_at__isnull=True)
            .first()
        )
        if standing is not None:
            standing.withdrawn_at, standing.withdrawn_by = now, actor
            standing.save(update_fields=["withdrawn_at", "withdrawn_by"])
        override = EligibilityOverride.objects.create(
            program=program,
            worker=worker,
            kind=kind,
            reason=reason,
            decided_at=now,
            decided_by=actor,
        )
        record_event(
            actor=actor,
            action="eligibility_override.record",
            object_type="eligibility_override",
            object_id=override.pk,
            worker_id=worker.pk,
            changes={"kind": [standing.kind if standing else None, kind]},
            context={"program_id": program.pk, "reason": reason},
        )
    return override


def withdraw_override(*, actor: User, override_id: int) -> EligibilityOverride:
    if not can_decide_overrides(actor):
        raise PermissionDenied(DENIED)
    with transaction.atomic():
        override = get_override_for_user(actor, override_id)
        override = EligibilityOverride.objects.select_for_update().get(pk=override.pk)
        override.withdrawn_at, override.withdrawn_by = timezone.now(), actor
        override.save(update_fields=["withdrawn_at", "withdrawn_by"])
        record_event(
            actor=actor,
            action="eligibility_override.withdraw",
            object_type="eligibility_override",
            object_id=override.pk,
            worker_id=override.worker_id,
            changes={"kind": [override.kind, None]},
            context={"program_id": override.program_id},
        )
    return override
