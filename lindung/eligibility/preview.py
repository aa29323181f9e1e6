"""What a rule version would change before it is applied: how many workers gain or lose
eligibility, by district and by sector, against the decisions stored by the latest run.

A read: nothing is written, so it is not audited. Administrators only, as they edit rules.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.permissions import Capability, require
from lindung.eligibility.evaluation import ImpactRow, criteria_for, impact
from lindung.eligibility.models import EligibilityRun, RuleVersion
from lindung.eligibility.selectors import latest_run
from lindung.regions.models import Region
from lindung.registry.models import Sector


@dataclass
class ImpactLine:
    key: str
    label: str
    before: int = 0
    after: int = 0
    gained: int = 0
    lost: int = 0

    def add(self, row: ImpactRow) -> None:
        self.before += row.before
        self.after += row.after
        self.gained += row.gained
        self.lost += row.lost

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass
class Impact:
    version: RuleVersion
    on: dt.date
    baseline: EligibilityRun | None
    total: ImpactLine = field(default_factory=lambda: ImpactLine("", ""))
    by_district: list[ImpactLine] = field(default_factory=list)
    by_sector: list[ImpactLine] = field(default_factory=list)


def preview_impact(
    *, actor: User | None, version: RuleVersion, on: dt.date | None = None
) -> Impact:
    """``actor`` is None only for the command line."""
    if actor is not None:
        require(actor, Capability.MANAGE_PROGRAMS)
    on = on or timezone.localdate()
    baseline = latest_run(version.program)
    rows = impact(criteria_for(version, on), baseline.pk if baseline else None)
    districts = dict(
        Region.objects.filter(code__in={row.district_id for row in rows}).values_list(
            "code", "name"
        )
    )
    sectors = dict(Sector.objects.values_list("pk", "name"))
    by_district: dict[str, ImpactLine] = {}
    by_sector: dict[int, ImpactLine] = {}
    result = Impact(version, on, baseline)
    for row in rows:
        district = by_district.setdefault(
            row.district_id, ImpactLine(row.district_id, districts.get(row.district_id, ""))
        )
        sector = by_sector.setdefault(
            row.sector_id, ImpactLine(str(row.sector_id), sectors.get(row.sector_id, ""))
        )
        for line in (district, sector, result.total):
            line.add(row)
    result.by_district = sorted(by_district.values(), key=lambda line: line.label)
    result.by_sector = sorted(by_sector.values(), key=lambda line: line.label)
    return result
