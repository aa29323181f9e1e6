"""Every change to funders, budgets, programmes, rates and shares: checked, in one
transaction, with its audit event. Only roles with ``MANAGE_PROGRAMS`` make them."""

import dataclasses
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import record_event
from lindung.core.exceptions import ConcurrentEdit, DomainError
from lindung.programs.inputs import FundingSourceInput, ProgramInput, RateInput
from lindung.programs.models import (
    FunderKind,
    FundingBudget,
    FundingShare,
    FundingSource,
    Program,
    RateVersion,
)
from lindung.programs.selectors import (
    get_funding_source_for_user,
    get_program_for_user,
    get_rate_version,
)
from lindung.regions.models import Region
from lindung.regions.selectors import normalize_code
from lindung.registry.validation import check_phone

FieldErrors = dict[str, list[str]]

# ---------------------------------------------------------------- funding sources

_SOURCE_FIELDS = tuple(f.name for f in dataclasses.fields(FundingSourceInput))


def save_funding_source(
    *,
    actor: User,
    data: FundingSourceInput,
    funding_source_id: int | None = None,
    expected_version: int | None = None,
) -> FundingSource:
    """Add a funder (``funding_source_id`` None) or correct one edited from
    ``expected_version``."""
    require(actor, Capability.MANAGE_PROGRAMS)
    values = _clean_funding_source(data)
    now = timezone.now()
    with transaction.atomic():
        if funding_source_id is None:
            source = FundingSource(
                code=_unique_code(FundingSource, values["name"]),
                created_at=now,
                updated_at=now,
                **values,
            )
            _ensure_village_free(source)
            source.save()
            record_event(
                actor=actor,
                action="funding_source.create",
                object_type="funding_source",
                object_id=source.pk,
                changes={k: [None, v] for k, v in _audited(source).items() if v not in ("", None)},
            )
            return source
        source = get_funding_source_for_user(actor, funding_source_id, for_update=True)
        _ensure_version(source, expected_version)
        before = _audited(source)
        for key, value in values.items():
            setattr(source, key, value)
        changes = _diff(before, _audited(source))
        if not changes:
            return source
        _ensure_village_free(source)
        source.version += 1
        source.updated_at = now
        source.save()
        record_event(
            actor=actor,
            action="funding_source.update",
            object_type="funding_source",
            object_id=source.pk,
            changes=changes,
            context={"version": source.version},
        )
    return source


def _clean_funding_source(data: FundingSourceInput) -> dict[str, Any]:
    errors: FieldErrors = {}
    values = {name: getattr(data, name) for name in _SOURCE_FIELDS}
    for name in ("name", "membership_kind", "contact_name", "agreement_reference"):
        values[name] = " ".join(str(values[name] or "").split())
    if not values["name"]:
        errors["name"] = ["Nama sumber dana wajib diisi."]
    if values["kind"] not in FunderKind.values:
        errors["kind"] = ["Jenis sumber dana tidak dikenal."]
    values["membership_kind"] = values["membership_kind"].upper()
    if values["membership_kind"] and not re.fullmatch(r"[A-Z]{1,8}", values["membership_kind"]):
        errors["membership_kind"] = ["Jenis kepesertaan BPJS berupa huruf, misalnya SG."]
    village_code = values.pop("village") or ""
    values["village"] = None
    if values["kind"] == FunderKind.VILLAGE_BUDGET:
        values["village"] = _regency_area(village_code, levels={Region.Level.VILLAGE})
        if values["village"] is None:
            errors["village"] = ["Pilih desa/kelurahan pemilik APBDes."]
    elif village_code:
        errors["village"] = ["Hanya APBDes yang terikat pada satu desa."]
    try:
        values["contact_phone"] = check_phone(values["contact_phone"] or "")
    except ValidationError as error:
        errors["contact_phone"] = error.messages
    values["contact_email"] = (values["contact_email"] or "").strip()
    if values["contact_email"]:
        try:
            validate_email(values["contact_email"])
        except ValidationError:
            errors["contact_email"] = ["Alamat email tidak valid."]
    start, end = values["agreement_start"], values["agreement_end"]
    if start and end and end < start:
        errors["agreement_end"] = ["Akhir perjanjian tidak boleh sebelum awalnya."]
    if errors:
        raise ValidationError(errors)
    return values


def _ensure_village_free(source: FundingSource) -> None:
    if source.village_id is None:
        return
    taken = FundingSource.objects.filter(village_id=source.village_id).exclude(pk=source.pk)
    if taken.exists():
        raise ValidationError({"village": ["Desa ini sudah memiliki sumber dana APBDes."]})


def set_funding_budget(
    *, actor: User, funding_source_id: int, fiscal_year: int, amount: int, note: str = ""
) -> FundingBudget:
    """Set a funder's budget for one fiscal year (a new one, or a revised amount)."""
    require(actor, Capability.MANAGE_PROGRAMS)
    errors: FieldErrors = {}
    if not 2000 <= fiscal_year <= 2100:
        errors["fiscal_year"] = ["Tahun anggaran tidak wajar."]
    if amount is None or amount < 0:
        errors["amount"] = ["Anggaran harus berupa rupiah, nol atau lebih."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        source = get_funding_source_for_user(actor, funding_source_id, for_update=True)
        budget = (
            FundingBudget.objects.filter(funding_source=source, fiscal_year=fiscal_year)
            .select_for_update()
            .first()
        )
        before = budget.amount if budget else None
        if budget is None:
            budget = FundingBudget(funding_source=source, fiscal_year=fiscal_year)
        elif budget.amount == amount and budget.note == note.strip():
            return budget
        budget.amount, budget.note = amount, note.strip()
        budget.save()
        record_event(
            actor=actor,
            action="funding_source.budget",
            object_type="funding_source",
            object_id=source.pk,
            changes={"budget": [before, amount]},
            context={"fiscal_year": fiscal_year} | ({"note": budget.note} if budget.note else {}),
        )
    return budget


# ---------------------------------------------------------------- programmes

_PROGRAM_FIELDS = tuple(f.name for f in dataclasses.fields(ProgramInput))


def create_program(*, actor: User, data: ProgramInput) -> Program:
    require(actor, Capability.MANAGE_PROGRAMS)
    values = _clean_program(data)
    now = timezone.now()
    with transaction.atomic():
        program = Program.objects.create(
            code=_unique_code(Program, values["name"]), created_at=now, updated_at=now, **values
        )
        record_event(
            actor=actor,
            action="program.create",
            object_type="program",
            object_id=program.pk,
            changes={k: [None, v] for k, v in values.items() if v not in ("", None)},
        )
    return program


def update_program(
    *, actor: User, program_id: int, expected_version: int, data: ProgramInput
) -> Program:
    require(actor, Capability.MANAGE_PROGRAMS)
    values = _clean_program(data)
    with transaction.atomic():
        program = get_program_for_user(actor, program_id, for_update=True)
        _ensure_version(program, expected_version)
        before = {name: getattr(program, name) for name in values}
        changes = _diff(before, values)
        if not changes:
            return program
        for name, value in values.items():
            setattr(program, name, value)
        program.version += 1
        program.updated_at = timezone.now()
        program.save()
        record_event(
            actor=actor,
            action="program.update",
            object_type="program",
            object_id=program.pk,
            changes=changes,
            context={"version": program.version},
        )
    return program


def _clean_program(data: ProgramInput) -> dict[str, Any]:
    errors: FieldErrors = {}
    values = {name: getattr(data, name) for name in _PROGRAM_FIELDS}
    values["name"] = " ".join(str(values["name"] or "").split())
    values["owning_office"] = " ".join(str(values["owning_office"] or "").split())
    values["description"] = str(values["description"] or "").strip()
    if not values["name"]:
        errors["name"] = ["Nama program wajib diisi."]
    if not values["owning_office"]:
        errors["owning_office"] = ["Instansi pengelola wajib diisi."]
    first, last = values["first_fiscal_year"], values["last_fiscal_year"]
    if not first or not 2000 <= first <= 2100:
        errors["first_fiscal_year"] = ["Tahun anggaran pertama tidak wajar."]
    elif last is not None and last < first:
        errors["last_fiscal_year"] = ["Tahun terakhir tidak boleh sebelum tahun pertama."]
    if not values["reported_income"] or values["reported_income"] <= 0:
        errors["reported_income"] = ["Penghasilan yang dilaporkan harus lebih dari nol."]
    if errors:
        raise ValidationError(errors)
    return values


# ---------------------------------------------------------------- rate versions


def add_rate_version(*, actor: User, program_id: int | None, data: RateInput) -> RateVersion:
    """A new rate version for a programme, or a national one (``program_id`` None) that
    every programme uses. Rates change only this way: versions in effect stay as they are."""
    require(actor, Capability.MANAGE_PROGRAMS)
    values = _clean_rate(data)
    with transaction.atomic():
        program = None
        if program_id is not None:
            program = get_program_for_user(actor, program_id, for_update=True)
        _ensure_no_twin(program, values)
        version = RateVersion.objects.create(
            program=program, created_at=timezone.now(), created_by=actor, **values
        )
        record_event(
            actor=actor,
            action="rate_version.create",
            object_type="rate_version",
            object_id=version.pk,
            changes={k: [None, v] for k, v in _rate_audit(values).items()},
            context={"program_id": program_id}
            | ({"backdated": True} if data.valid_from < timezone.localdate() else {}),
        )
    return version


def update_rate_version(*, actor: User, rate_version_id: int, data: RateInput) -> RateVersion:
    """Correct a version that has not started yet."""
    require(actor, Capability.MANAGE_PROGRAMS)
    values = _clean_rate(data)
    with transaction.atomic():
        version = get_rate_version(rate_version_id, for_update=True)
        _ensure_upcoming(version)
        if values["valid_from"] <= timezone.localdate():
            raise ValidationError(
                {"valid_from": ["Perbaikan versi tarif harus tetap berlaku setelah hari ini."]}
            )
        _ensure_no_twin(version.program, values, exclude=version.pk)
        before = _rate_audit({name: getattr(version, name) for name in values})
        for name, value in values.items():
            setattr(version, name, value)
        version.save()
        changes = _diff(before, _rate_audit(values))
        if changes:
            record_event(
                actor=actor,
                action="rate_version.update",
                object_type="rate_version",
                object_id=version.pk,
                changes=changes,
                context={"program_id": version.program_id},
            )
    return version


def withdraw_rate_version(*, actor: User, rate_version_id: int) -> None:
    """Remove a version that has not started yet (entered by mistake)."""
    require(actor, Capability.MANAGE_PROGRAMS)
    with transaction.atomic():
        version = get_rate_version(rate_version_id, for_update=True)
        _ensure_upcoming(version)
        record_event(
            actor=actor,
            action="rate_version.withdraw",
            object_type="rate_version",
            object_id=version.pk,
            changes={"valid_from": [version.valid_from, None]},
            context={"program_id": version.program_id, "legal_reference": version.legal_reference},
        )
        version.delete()


def _ensure_upcoming(version: RateVersion) -> None:
    if version.valid_from <= timezone.localdate():
        raise DomainError(
            "Versi tarif yang sudah berlaku tidak dapat diubah atau dihapus; "
            "tambahkan versi baru dengan tanggal mulai berlaku."
        )


def _ensure_no_twin(program: Program | None, values: dict, *, exclude: int | None = None) -> None:
    twins = RateVersion.objects.filter(program=program, valid_from=values["valid_from"])
    if exclude is not None:
        twins = twins.exclude(pk=exclude)
    if any(set(twin.payer_kinds) == set(values["payer_kinds"]) for twin in twins):
        raise ValidationError(
            {"valid_from": ["Sudah ada versi tarif untuk pembayar yang sama pada tanggal ini."]}
        )


def _clean_rate(data: RateInput) -> dict[str, Any]:
    errors: FieldErrors = {}
    values: dict[str, Any] = {
        "valid_from": data.valid_from,
        "valid_until": data.valid_until,
        "jkm_amount": data.jkm_amount,
        "legal_reference": " ".join(str(data.legal_reference or "").split()),
        "note": " ".join(str(data.note or "").split()),
        "payer_kinds": sorted(set(data.payer_kinds or [])),
    }
    for name in ("jkk_percent", "jht_percent", "discount_percent"):
        value = _percent(getattr(data, name))
        if value is None:
            errors[name] = ["Persentase harus antara 0 dan 100, paling banyak dua desimal."]
        values[name] = value
    if not data.valid_from:
        errors["valid_from"] = ["Tanggal mulai berlaku wajib diisi."]
    elif data.valid_until and data.valid_until < data.valid_from:
        errors["valid_until"] = ["Akhir berlaku tidak boleh sebelum mulai berlaku."]
    if data.jkm_amount is None or data.jkm_amount < 0:
        errors["jkm_amount"] = ["Iuran JKM berupa rupiah, nol atau lebih."]
    if not values["legal_reference"]:
        errors["legal_reference"] = ["Dasar hukum wajib diisi, misalnya PP 44/2015."]
    if not set(values["payer_kinds"]) <= set(FunderKind.values):
        errors["payer_kinds"] = ["Jenis pembayar tidak dikenal."]
    if errors:
        raise ValidationError(errors)
    return values


def _percent(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError):
        return None
    if not number.is_finite() or not 0 <= number <= 100 or number != round(number, 2):
        return None
    return round(number, 2)


def _rate_audit(values: dict[str, Any]) -> dict[str, Any]:
    # Decimals as text ("1.00"), so the audit trail reads as entered.
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


# ---------------------------------------------------------------- funders' shares


def set_funding_shares(
    *,
    actor: User,
    program_id: int,
    area_code: str | None,
    shares: Mapping[int, Decimal],
) -> list[FundingShare]:
    """Replace who pays what part of each member's contribution in ``area_code`` (a district
    or village; None for the programme's default). Percentages must sum to 100; an empty
    ``shares`` removes an area's own rule, so the default applies there again."""
    require(actor, Capability.MANAGE_PROGRAMS)
    with transaction.atomic():
        program = get_program_for_user(actor, program_id, for_update=True)
        area = None
        if area_code:
            area = _regency_area(area_code, levels={Region.Level.DISTRICT, Region.Level.VILLAGE})
            if area is None:
                raise ValidationError({"area": ["Wilayah harus kecamatan atau desa di kabupaten."]})
        percents = _clean_shares(shares, area)
        current = FundingShare.objects.filter(program=program, area=area)
        before = _share_summary(current.select_related("funding_source"))
        if not percents and area is None and current.exists():
            raise DomainError("Pembagian dana utama program tidak dapat dikosongkan.")
        current.delete()
        created = FundingShare.objects.bulk_create(
            FundingShare(program=program, funding_source=source, area=area, percent=percent)
            for source, percent in percents
        )
        after = _share_summary(created)
        if before != after:
            record_event(
                actor=actor,
                action="program.shares",
                object_type="program",
                object_id=program.pk,
                changes={"shares": [before or None, after or None]},
                context={"area": area.code if area else None},
            )
    return created


def _clean_shares(
    shares: Mapping[int, Decimal], area: Region | None
) -> list[tuple[FundingSource, Decimal]]:
    errors: list[str] = []
    wanted = {int(pk): _percent(value) for pk, value in shares.items()}
    sources = FundingSource.objects.in_bulk(list(wanted))
    result = []
    for pk, percent in wanted.items():
        source = sources.get(pk)
        if source is None or not source.is_active:
            errors.append(f"Sumber dana #{pk} tidak ditemukan atau tidak aktif.")
        elif percent is None or percent <= 0:
            errors.append(f"Bagian {source.name} harus lebih dari 0 dan paling banyak 100%.")
        elif source.village_id and (area is None or area.code != source.village_id):
            errors.append(f"{source.name} hanya dapat membiayai pekerja di desanya sendiri.")
        else:
            result.append((source, percent))
    total = sum((p for _s, p in result), Decimal(0))
    if result and not errors and total != 100:
        errors.append(f"Jumlah bagian harus 100%, sekarang {total.normalize():f}%.")
    if errors:
        raise ValidationError({"shares": errors})
    return sorted(result, key=lambda pair: (-pair[1], pair[0].name))


def _share_summary(shares) -> dict[str, str]:
    return {s.funding_source.code: f"{s.percent:.2f}" for s in shares}


# ---------------------------------------------------------------- shared helpers


def _regency_area(code: str, *, levels: set[int]) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=normalize_code(code), level__in=levels).first()
    if region is None or not region.code.startswith(settings.LINDUNG_REGENCY_CODE + "."):
        return None
    return region


def _unique_code(model, name: str) -> str:
    base = slugify(name)[:34] or model.__name__.lower()
    code, n = base, 1
    while model.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _ensure_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise ConcurrentEdit(
            "Data ini telah diubah orang lain sejak Anda membukanya. "
            "Muat ulang halaman dan ulangi perubahan Anda."
        )


def _audited(source: FundingSource) -> dict[str, Any]:
    values = {name: getattr(source, name) for name in _SOURCE_FIELDS if name != "village"}
    return values | {"village": source.village_id}


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
