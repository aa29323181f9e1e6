"""From one row of cells to the values the registry's cleaning takes, naming bad columns."""

from dataclasses import dataclass, field
from typing import Any

from lindung.imports import values as parse
from lindung.imports.places import PlaceMatch, VillageDirectory
from lindung.registry.models import Sector

# Fields of the registry that a column can fill directly with text.
_TEXT_FIELDS = ("full_name", "birth_place", "address", "occupation", "source_ref")
_MAX_REMEMBERED_PLACES = 20_000


@dataclass
class ParsedRow:
    number: int  # row number in the sender's sheet (1-based)
    values: dict[str, Any]
    # Problems found while reading cells, keyed by registry field.
    errors: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add_error(self, field_name: str, message: str) -> None:
        self.errors.setdefault(field_name, []).append(message)


class RowReader:
    """Turns cells into registry values using a column mapping (column index → field)."""

    def __init__(self, mapping: dict[int, str], villages: VillageDirectory) -> None:
        self.mapping = mapping
        self.villages = villages
        self._places: dict[tuple[str, str, str], PlaceMatch] = {}
        self.sectors_by_name = {
            " ".join(s.name.lower().split()): s.code for s in Sector.objects.all()
        } | {s.code: s.code for s in Sector.objects.all()}

    def read(self, number: int, cells: list[object]) -> ParsedRow:
        raw = {name: cells[index] for index, name in self.mapping.items() if index < len(cells)}
        row = ParsedRow(number=number, values={})
        for name in _TEXT_FIELDS:
            if name in raw:
                row.values[name] = parse.parse_text(raw[name])
        self._identity(raw, row)
        self._birth(raw, row)
        self._place(raw, row)
        self._work(raw, row)
        return row

    def _identity(self, raw: dict, row: ParsedRow) -> None:
        for name, label in (("nik", "NIK"), ("kk_number", "Nomor KK")):
            if name in raw:
                try:
                    row.values[name] = parse.parse_identity_number(raw[name], label=label) or ""
                except ValueError as error:
                    row.add_error(name, str(error))
        if "phone" in raw:
            row.values["phone"] = parse.parse_phone_text(raw["phone"])
        if "sex" in raw:
            try:
                row.values["sex"] = parse.parse_sex(raw["sex"]) or ""
            except ValueError as error:
                row.add_error("sex", str(error))

    def _birth(self, raw: dict, row: ParsedRow) -> None:
        birth_value = raw.get("birth_date")
        if "birth_place_date" in raw and not parse.is_blank(raw["birth_place_date"]):
            # `Tenggarong, 12-03-1980`: place and date in one column.
            place, _, date_text = str(raw["birth_place_date"]).rpartition(",")
            row.values.setdefault("birth_place", parse.parse_text(place))
            birth_value = date_text if place else raw["birth_place_date"]
        try:
            row.values["birth_date"] = parse.parse_date(birth_value)
        except ValueError as error:
            row.add_error("birth_date", str(error))
        if row.values.get("birth_date") is None and "birth_date" not in row.errors:
            row.notes.append("tanggal lahir diambil dari NIK")

    def _place(self, raw: dict, row: ParsedRow) -> None:
        address = row.values.get("address", "")
        if address and "rt" not in raw:
            address, rt, rw = parse.split_rt_rw(address)
            row.values.update(address=address, rt=rt, rw=rw or row.values.get("rw", ""))
        for name in ("rt", "rw"):
            if name in raw:
                row.values[name] = parse.parse_text(raw[name]).lstrip("0") or ""
        place = (
            parse.parse_text(raw.get("village_code")),
            parse.parse_text(raw.get("village")),
            parse.parse_text(raw.get("district")),
        )
        # A list names the same few hundred villages over and over.
        match = self._places.get(place)
        if match is None:
            if len(self._places) > _MAX_REMEMBERED_PLACES:
                self._places.clear()
            match = self._places[place] = self.villages.find(
                code=place[0], name=place[1], district=place[2]
            )
        if match.village is None:
            row.add_error("village", match.error)
        else:
            row.values["village"] = match.village.code

    def _work(self, raw: dict, row: ParsedRow) -> None:
        if "sector" in raw and not parse.is_blank(raw["sector"]):
            text = " ".join(str(raw["sector"]).lower().split())
            code = self.sectors_by_name.get(text)
            if code is None:
                row.add_error("sector", f"sektor '{raw['sector']}' tidak dikenal")
            else:
                row.values["sector"] = code
        for name, label in (("monthly_income", "penghasilan"), ("welfare_decile", "desil")):
            if name in raw:
                try:
                    row.values[name] = parse.parse_whole_number(raw[name], label=label)
                except ValueError as error:
                    row.add_error(name, str(error))
