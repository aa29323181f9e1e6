"""Finding the village a row means: by code, or by name within the row's district."""

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from lindung.regions.models import Region
from lindung.regions.selectors import normalize_code, regency_villages

# Similarity (0–100) above which a misspelt name is taken to mean the closest village.
FUZZY_CUTOFF = 88
_PREFIXES = re.compile(r"^(desa|kelurahan|kel|ds|kec|kecamatan)\.?\s+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _key(name: str) -> str:
    text = _NON_ALNUM.sub(" ", str(name or "").lower()).strip()
    return _PREFIXES.sub("", text).replace(" ", "")


@dataclass(frozen=True)
class PlaceMatch:
    village: Region | None
    error: str = ""


class VillageDirectory:
    """The regency's villages and districts in memory (a few hundred rows), for fast lookup
    of thousands of rows."""

    def __init__(self) -> None:
        villages = list(regency_villages(include_expired=True))
        self.by_code = {village.code: village for village in villages}
        self.districts: dict[str, Region] = {}
        self.by_district: dict[str, dict[str, Region]] = {}
        self.by_name: dict[str, list[Region]] = {}
        for village in villages:
            district = village.parent
            self.districts[district.code] = district
            self.by_district.setdefault(district.code, {})[_key(village.name)] = village
            self.by_name.setdefault(_key(village.name), []).append(village)
        self.district_by_name = {_key(d.name): d for d in self.districts.values()}

    def district(self, text: str) -> Region | None:
        if not text:
            return None
        code = normalize_code(text)
        if code in self.districts:
            return self.districts[code]
        key = _key(text)
        if key in self.district_by_name:
            return self.district_by_name[key]
        found = process.extractOne(
            key, list(self.district_by_name), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        return self.district_by_name[found[0]] if found else None

    def find(self, *, code: str = "", name: str = "", district: str = "") -> PlaceMatch:
        if code:
            village = self.by_code.get(normalize_code(code))
            if village is None:
                return PlaceMatch(None, f"kode desa '{code}' tidak dikenal di kabupaten ini")
            return PlaceMatch(village)
        if not name:
            return PlaceMatch(None, "desa/kelurahan kosong")
        district_region = self.district(district) if district else None
        if district and district_region is None:
            return PlaceMatch(None, f"kecamatan '{district}' tidak dikenal")
        if district_region is not None:
            return self._within(name, district_region)
        same_name = self.by_name.get(_key(name), [])
        if len(same_name) == 1:
            return PlaceMatch(same_name[0])
        if len(same_name) > 1:
            places = ", ".join(v.label for v in same_name)
            return PlaceMatch(
                None, f"ada beberapa desa bernama '{name}' ({places}); isi kolom Kecamatan"
            )
        return PlaceMatch(
            None, f"desa/kelurahan '{name}' tidak dikenal (isi kolom Kecamatan atau kode desa)"
        )

    def _within(self, name: str, district: Region) -> PlaceMatch:
        villages = self.by_district.get(district.code, {})
        key = _key(name)
        if key in villages:
            return PlaceMatch(villages[key])
        found = process.extractOne(
            key, list(villages), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        if found:
            return PlaceMatch(villages[found[0]])
        elsewhere = self.by_name.get(key, [])
        if elsewhere:
            return PlaceMatch(
                None,
                f"desa '{name}' tidak ada di Kecamatan {district.name} "
                f"(ada di Kecamatan {', '.join(v.parent.name for v in elsewhere)})",
            )
        return PlaceMatch(None, f"desa/kelurahan '{name}' tidak ada di Kecamatan {district.name}")
