"""Where demo families live, and the communities and sectors of each district."""

import random
from collections.abc import Iterable
from itertools import accumulate

from lindung.regions.models import Region
from lindung.registry.data import names
from lindung.registry.data.demo_population import (
    COMMUNITY_WEIGHTS,
    DEFAULT_PROFILE,
    DISTRICT_PROFILES,
    SECTOR_WEIGHTS,
)


class Places:
    """Draws districts, villages, communities and sectors by each district's profile.

    Building it draws each village's size from ``rng``, so the generator builds it at one fixed
    point to keep a seed's people the same.
    """

    def __init__(self, rng: random.Random, villages: list[Region], sector_codes: list[str]) -> None:
        self.rng = rng
        by_district: dict[str, list[Region]] = {}
        for village in villages:
            by_district.setdefault(village.parent_id, []).append(village)
        self.districts = sorted(by_district)
        self._villages_of = by_district
        self._district_cum = _cumulative(_profile(code)[0] for code in self.districts)
        # Towns (kelurahan) are denser; each village gets its own size, fixed by the seed.
        self._village_cum = {
            code: _cumulative(
                (1.5 if v.kind == Region.Kind.KELURAHAN else 1.0) * (0.5 + rng.random())
                for v in villages
            )
            for code, villages in by_district.items()
        }
        communities = list(COMMUNITY_WEIGHTS)
        sectors = [code for code in SECTOR_WEIGHTS if code in sector_codes]
        if not sectors:
            raise ValueError("none of the demo sectors exists")
        self._community_cum, self._sector_cum = {}, {}
        for district in self.districts:
            _weight, community_weights, sector_factors = _profile(district)
            self._community_cum[district] = (
                communities,
                _cumulative(community_weights.get(c, COMMUNITY_WEIGHTS[c]) for c in communities),
            )
            self._sector_cum[district] = (
                sectors,
                _cumulative(SECTOR_WEIGHTS[s] * sector_factors.get(s, 1) for s in sectors),
            )

    def district(self) -> str:
        return self.rng.choices(self.districts, cum_weights=self._district_cum)[0]

    def village(self) -> Region:
        district = self.district()
        return self.rng.choices(
            self._villages_of[district], cum_weights=self._village_cum[district]
        )[0]

    def issuing_district(self, village: Region) -> str:
        """Most people got their NIK where they live; some moved within the regency."""
        if self.rng.random() < 0.85:
            return village.parent_id
        return self.district()

    def community(self, district: str) -> names.Community:
        codes, cum = self._community_cum[district]
        return names.COMMUNITIES[self.rng.choices(codes, cum_weights=cum)[0]]

    def sector(self, district: str) -> str:
        sectors, cum = self._sector_cum[district]
        return self.rng.choices(sectors, cum_weights=cum)[0]


def _profile(district: str) -> tuple[int, dict[str, int], dict[str, float]]:
    return DISTRICT_PROFILES.get(district, DEFAULT_PROFILE)


def _cumulative(weights: Iterable[float]) -> list[float]:
    return list(accumulate(weights))
