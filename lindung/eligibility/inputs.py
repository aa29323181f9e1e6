"""What a form or an API call submits for a draft rule version."""

from dataclasses import dataclass, field

# Highest work risk first (FACTS §1: fisheries and plantations carry the most accidents).
DEFAULT_SECTOR_RISK_ORDER = [
    "perikanan",
    "perkebunan",
    "buruh-harian-lepas",
    "pertanian",
    "transportasi",
    "peternakan",
    "usaha-kecil",
    "jasa-lainnya",
    "kemasyarakatan",
    "keagamaan",
]


@dataclass(frozen=True)
class RulesInput:
    min_age: int = 18
    max_age: int = 65
    max_welfare_decile: int | None = 4
    sector_codes: list[str] = field(default_factory=list)
    income_limit: str = "umk"
    income_limit_amount: int | None = None
    require_residence: bool = True
    exclude_active_elsewhere: bool = True
    district_quotas: dict[str, int] = field(default_factory=dict)
    sector_risk_order: list[str] = field(default_factory=lambda: list(DEFAULT_SECTOR_RISK_ORDER))
    note: str = ""


RULE_FIELDS = tuple(RulesInput.__dataclass_fields__)
