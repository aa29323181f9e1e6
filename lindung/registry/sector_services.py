"""Changes to the editable lists of sectors and occupation names."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.audit.services import record_event
from lindung.core.exceptions import NotFound
from lindung.registry.models import Occupation, Sector


def save_sector(
    *,
    actor: User,
    sector_id: int | None,
    name: str,
    name_en: str = "",
    is_active: bool = True,
    sort_order: int = 0,
) -> Sector:
    """Create a sector (``sector_id`` None) or rename/reorder/deactivate one."""
    require(actor, Capability.MANAGE_REFERENCE_DATA)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": [_("The name is required.")]})
    with transaction.atomic():
        if sector_id is None:
            code = slugify(name)[:40]
            if not code or Sector.objects.filter(code=code).exists():
                raise ValidationError({"name": [_("A sector with this name already exists.")]})
            sector = Sector.objects.create(
                code=code,
                name=name,
                name_en=name_en.strip(),
                is_active=is_active,
                sort_order=sort_order,
            )
            record_event(
                actor=actor,
                action="sector.create",
                object_type="sector",
                object_id=sector.pk,
                changes={"name": [None, name]},
            )
            return sector
        sector = Sector.objects.select_for_update().filter(pk=sector_id).first()
        if sector is None:
            raise NotFound(_("Sector not found."))
        before = {
            "name": sector.name,
            "name_en": sector.name_en,
            "is_active": sector.is_active,
            "sort_order": sector.sort_order,
        }
        after = {
            "name": name,
            "name_en": name_en.strip(),
            "is_active": is_active,
            "sort_order": sort_order,
        }
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changes:
            for key, value in after.items():
                setattr(sector, key, value)
            sector.save()
            record_event(
                actor=actor,
                action="sector.update",
                object_type="sector",
                object_id=sector.pk,
                changes=changes,
            )
    return sector


def map_occupation(*, actor: User, name: str, sector_code: str) -> Occupation:
    """Let an occupation name (`motoris`) stand for a sector from now on."""
    require(actor, Capability.MANAGE_REFERENCE_DATA)
    key = " ".join(name.lower().split())
    if not key:
        raise ValidationError({"name": [_("The occupation is required.")]})
    sector = Sector.objects.filter(code=sector_code).first()
    if sector is None:
        raise ValidationError(
            {"sector": [_("Sector %(code)s is not known.") % {"code": sector_code}]}
        )
    with transaction.atomic():
        occupation = Occupation.objects.select_for_update().filter(name=key).first()
        before = occupation.sector.code if occupation else None
        if occupation is None:
            occupation = Occupation.objects.create(name=key, sector=sector)
        elif occupation.sector_id != sector.pk:
            occupation.sector = sector
            occupation.save(update_fields=["sector"])
        else:
            return occupation
        record_event(
            actor=actor,
            action="occupation.map",
            object_type="occupation",
            object_id=occupation.pk,
            changes={"sector": [before, sector.code]},
            context={"occupation": key},
        )
    return occupation


def unmap_occupation(*, actor: User, occupation_id: int) -> None:
    require(actor, Capability.MANAGE_REFERENCE_DATA)
    with transaction.atomic():
        occupation = Occupation.objects.filter(pk=occupation_id).select_related("sector").first()
        if occupation is None:
            raise NotFound(_("Occupation not found."))
        record_event(
            actor=actor,
            action="occupation.unmap",
            object_type="occupation",
            object_id=occupation.pk,
            changes={"sector": [occupation.sector.code, None]},
            context={"occupation": occupation.name},
        )
        occupation.delete()
