"""Worker lists for the import benchmark, shaped like the files offices send.

The people come from the demo generator (``lindung.registry.demo.DemoGenerator``), so NIKs
are unique and agree with birth date, sex and a Kukar district. Each person is written the
way a clerk types them: the import template's Indonesian headers, dates as text in several
styles (and as date cells in the XLSX), `L`/`P` or `Laki-laki`/`Perempuan`, names sometimes
in capitals, RT/RW inside the address, phones as `08…`. A few rows in a thousand are broken
on purpose (a NIK repeated from an earlier row, a date that does not exist, an empty
village) and must be rejected.

Beside each file, ``<name>.typed.tsv`` holds the accepted rows as the registry stores them
(ISO dates, village code, sector code, `+62…` phone): the input of the bulk_create floor and
of django-import-export, which so do none of the reading and checking Lindung does.

Needs Django set up on a database with the regions loaded (the generator places people in
real villages).
"""

import csv
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

HEADERS = [
    "NIK", "No. KK", "Nama Lengkap", "Tempat Lahir", "Tanggal Lahir", "Jenis Kelamin",
    "Alamat", "Desa/Kel", "Kecamatan", "Pekerjaan", "No. HP", "ID Sumber",
]  # fmt: skip
TITLE_ROWS = [
    ["DAFTAR PEKERJA RENTAN PENERIMA BANTUAN IURAN BPJS KETENAGAKERJAAN"],
    ["KABUPATEN KUTAI KARTANEGARA TAHUN 2026"],
]
TYPED_FIELDS = [
    "nik", "kk_number", "full_name", "name_normalized", "birth_place", "birth_date", "sex",
    "phone", "address", "rt", "rw", "village", "occupation", "sector", "source_ref",
    "birth_date_mismatch", "sex_mismatch",
]  # fmt: skip
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]  # fmt: skip
MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov",
                "Des"]  # fmt: skip
BROKEN_EVERY = 400  # one row in 400 is broken on purpose
SEED = 20260101
NOW = dt.datetime(2026, 11, 1, 3, 0, tzinfo=dt.UTC)


def ensure_files(results: Path, *, xlsx_rows: int, csv_rows: int) -> dict[str, Path]:
    """The benchmark's input files, made once and kept in ``results``."""
    paths = {}
    if xlsx_rows:
        paths["xlsx"] = results / f"daftar_pekerja_{xlsx_rows}.xlsx"
        if not _complete(paths["xlsx"]):
            _write_xlsx(paths["xlsx"], _rows(xlsx_rows, seed=SEED))
    if csv_rows:
        paths["csv"] = results / f"daftar_pekerja_{csv_rows}.csv"
        if not _complete(paths["csv"]):
            _write_csv(paths["csv"], _rows(csv_rows, seed=SEED + 1))
    return paths


def typed_path(path: Path) -> Path:
    return path.with_suffix(".typed.tsv")


def expected_counts(path: Path) -> tuple[int, int]:
    """(rows, accepted rows) of a generated file."""
    with typed_path(path).open(encoding="utf-8") as handle:
        accepted = sum(1 for _ in handle) - 1
    total = int(path.stem.rsplit("_", 1)[1])
    return total, accepted


def _complete(path: Path) -> bool:
    return path.exists() and typed_path(path).exists()


def _rows(count: int, *, seed: int) -> Iterator[tuple[list[object], dict | None]]:
    """(cells as written in the file, typed values or None for a broken row)."""
    from lindung.regions.selectors import regency_villages
    from lindung.registry.demo import DemoGenerator
    from lindung.registry.models import Sector

    villages = list(regency_villages())
    generator = DemoGenerator(
        seed=seed,
        now=NOW,
        villages=villages,
        sector_codes=list(Sector.objects.values_list("code", flat=True)),
    )
    by_code = {village.code: village for village in villages}
    rng = random.Random(seed)
    written_niks: list[str] = []
    for number, demo in enumerate(generator.workers(count), start=1):
        cells, typed = _written(demo, by_code[demo.values["village"]], rng)
        if number % BROKEN_EVERY == 0:
            cells, typed = _broken(cells, rng, written_niks), None
        written_niks.append(str(cells[0]))
        yield cells, typed


def _written(demo, village, rng: random.Random) -> tuple[list[object], dict]:
    from lindung.imports.values import split_rt_rw
    from lindung.registry.names import normalize_name

    values = demo.values
    name = values["full_name"].upper() if rng.random() < 0.15 else values["full_name"]
    nik = values["nik"]
    if rng.random() < 0.03:  # typed in groups of four
        nik = " ".join(nik[i : i + 4] for i in range(0, 16, 4))
    address = values["address"]
    if values["rt"]:
        address += f" RT {values['rt']}" + (f"/RW {values['rw']}" if values["rw"] else "")
    phone = values["phone"]
    if phone and rng.random() < 0.9:
        phone = "0" + phone[3:]
    village_name = village.name.upper() if rng.random() < 0.3 else village.name
    cells = [
        nik, values["kk_number"], name, values["birth_place"],
        _date_as_typed(values["birth_date"], rng), _sex_as_typed(values["sex"], rng),
        address, village_name, village.parent.name, values["occupation"], phone,
        values["source_ref"],
    ]  # fmt: skip
    stored_address, rt, rw = split_rt_rw(address)
    typed = {
        **{key: values[key] for key in ("kk_number", "birth_place", "sex", "village")},
        **{key: values[key] for key in ("occupation", "sector", "source_ref", "phone")},
        "nik": values["nik"],
        "full_name": name,
        "name_normalized": normalize_name(name),
        "birth_date": values["birth_date"].isoformat(),
        "address": stored_address,
        "rt": rt,
        "rw": rw,
        "birth_date_mismatch": int(demo.birth_date_mismatch),
        "sex_mismatch": int(demo.sex_mismatch),
    }
    return cells, typed


def _date_as_typed(day: dt.date, rng: random.Random) -> object:
    style = rng.random()
    if style < 0.3:
        return day  # a real date cell in a spreadsheet; ISO text in a CSV
    if style < 0.5:
        return f"{day:%d-%m-%Y}"
    if style < 0.65:
        return f"{day:%d/%m/%Y}"
    if style < 0.8:
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    if style < 0.9:
        return f"{day:%d}-{MONTHS_SHORT[day.month - 1]}-{day.year}"
    return day.isoformat()


def _sex_as_typed(sex: str, rng: random.Random) -> str:
    forms = {"M": ("L", "L", "L", "Laki-laki", "LK", "l"), "F": ("P", "P", "P", "Perempuan", "PR")}
    return rng.choice(forms[sex])


def _broken(cells: list[object], rng: random.Random, earlier_niks: list[str]) -> list[object]:
    cells = list(cells)
    problem = rng.randrange(3)
    if problem == 0 and earlier_niks:
        cells[0] = rng.choice(earlier_niks[-1000:])  # the same person typed twice
    elif problem == 1:
        cells[4] = "31-02-1980"
    else:
        cells[7] = ""
    return cells


def _write_xlsx(path: Path, rows) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    text = workbook.add_format({"num_format": "@"})
    sheet = workbook.add_worksheet("Data")
    for index, title in enumerate(TITLE_ROWS):
        sheet.write_row(index, 0, title, bold)
    header_row = len(TITLE_ROWS)
    sheet.write_row(header_row, 0, HEADERS, bold)
    with _TypedWriter(path) as typed_out:
        for offset, (cells, typed) in enumerate(rows, start=1):
            row = header_row + offset
            for column, value in enumerate(cells):
                if isinstance(value, dt.date):
                    sheet.write_datetime(row, column, value, date_format)
                elif value:
                    # NIK, KK and phone as text cells: never numbers.
                    sheet.write_string(
                        row, column, str(value), text if column in (0, 1, 10) else None
                    )
            typed_out.write(typed)
    workbook.close()


def _write_csv(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle, _TypedWriter(path) as typed_out:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS)
        for cells, typed in rows:
            writer.writerow(
                [value.isoformat() if isinstance(value, dt.date) else value for value in cells]
            )
            typed_out.write(typed)


class _TypedWriter:
    def __init__(self, path: Path) -> None:
        self.path = typed_path(path)

    def __enter__(self):
        self.handle = self.path.open("w", encoding="utf-8", newline="")
        self.writer = csv.DictWriter(self.handle, TYPED_FIELDS, delimiter="\t")
        self.writer.writeheader()
        return self

    def write(self, typed: dict | None) -> None:
        if typed is not None:
            self.writer.writerow(typed)

    def __exit__(self, *exc) -> None:
        self.handle.close()
        if exc[0] is not None:
            self.path.unlink(missing_ok=True)


def main() -> None:
    """Make the files with a database of their own (regions loaded once, kept)."""
    import argparse
    import os
    import sys

    parser = argparse.ArgumentParser()
    parser.add_argument("results", type=Path)
    parser.add_argument("--xlsx-rows", type=int, default=35_000)
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    data_dir = args.results / "generator"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["LINDUNG_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from lindung.regions.models import Region

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)
    for path in ensure_files(
        args.results, xlsx_rows=args.xlsx_rows, csv_rows=args.csv_rows
    ).values():
        print(path)


if __name__ == "__main__":
    main()
