"""Recognising the columns of a worker list by the names offices give them."""

import re

from django.utils.translation import gettext_lazy as _

# Canonical field → the header names seen in village lists, district lists and the DTSEN
# export, already normalised (see ``normalize_header``).
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "nik": (
        "nik",
        "no ktp",
        "nomor ktp",
        "no nik",
        "nomor nik",
        "nomor induk kependudukan",
        "nik ktp",
        "ktp",
    ),
    "kk_number": (
        "no kk",
        "nomor kk",
        "kk",
        "no kartu keluarga",
        "nomor kartu keluarga",
        "nokk",
        "no_kk",
    ),
    "full_name": (
        "nama",
        "nama lengkap",
        "nama pekerja",
        "nama peserta",
        "nama sesuai ktp",
        "name",
        "full name",
    ),
    "birth_place": (
        "tempat lahir",
        "tmp lahir",
        "tempat lhr",
        "tmpt lahir",
        "birth place",
        "place of birth",
    ),
    "birth_date": (
        "tgl lahir",
        "tanggal lahir",
        "tgl lhr",
        "tanggal lhr",
        "tgllahir",
        "birth date",
        "date of birth",
        "dob",
    ),
    "birth_place_date": ("tempat tanggal lahir", "tempat tgl lahir", "ttl"),
    "sex": (
        "l p",
        "jenis kelamin",
        "jk",
        "jns kel",
        "jns kelamin",
        "kelamin",
        "sex",
        "gender",
        "lk pr",
        "jenis kelamin l p",
    ),
    "address": ("alamat", "alamat lengkap", "alamat rumah", "address", "dusun"),
    "rt": ("rt",),
    "rw": ("rw",),
    "village": (
        "desa kel",
        "desa",
        "kelurahan",
        "desa kelurahan",
        "nama desa",
        "kel desa",
        "village",
        "desa/kel",
    ),
    "village_code": (
        "kode desa",
        "kode kelurahan",
        "kode desa kel",
        "kode wilayah",
        "village code",
    ),
    "district": ("kecamatan", "kec", "nama kec", "nama kecamatan", "district"),
    "occupation": (
        "pekerjaan",
        "jenis pekerjaan",
        "profesi",
        "mata pencaharian",
        "occupation",
        "job",
    ),
    "sector": ("sektor", "sektor usaha", "bidang usaha", "sector"),
    "phone": (
        "no hp",
        "no telp",
        "nomor hp",
        "no handphone",
        "hp",
        "telepon",
        "no telepon",
        "nomor telepon",
        "no wa",
        "nomor wa",
        "phone",
        "telp",
    ),
    "monthly_income": (
        "penghasilan",
        "penghasilan per bulan",
        "pendapatan",
        "pendapatan per bulan",
        "income",
        "monthly income",
    ),
    "welfare_decile": ("desil", "desil kesejahteraan", "decile", "welfare decile"),
    "source_ref": (
        "id sumber",
        "id",
        "no urut sumber",
        "id data",
        "id dtsen",
        "source ref",
        "source id",
        "kode sumber",
    ),
}

# Columns that are never data fields, so they are not offered for mapping by default.
IGNORED_HEADERS = {"no", "nomor", "no urut", "keterangan", "ket"}

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_BRACKETED = re.compile(r"\([^)]*\)")


def normalize_header(text: object) -> str:
    """`No. HP` → `no hp`; `NAMA_KEC` → `nama kec`; `Penghasilan (Rp)` → `penghasilan`."""
    text = str(text or "").lower()
    # A note in brackets (`(L/P)`, `(Rp)`, `(dd-mm-yyyy)`) is not part of the name, unless
    # the note is all there is.
    without_note = _BRACKETED.sub(" ", text)
    return _NON_ALNUM.sub(" ", without_note if without_note.strip() else text).strip()


_LOOKUP = {
    normalize_header(name): field for field, names in FIELD_SYNONYMS.items() for name in names
}
# DTSEN export names, e.g. `TGL_LHR`, `JNS_KEL`, `KODE_DESA`, `NAMA_DESA`, `NAMA_KEC`.
_LOOKUP |= {
    "tgl lhr": "birth_date",
    "jns kel": "sex",
    "kode desa": "village_code",
    "nama desa": "village",
    "nama kec": "district",
    "nama": "full_name",
    "no kk": "kk_number",
}


def field_for_header(header: object) -> str | None:
    return _LOOKUP.get(normalize_header(header))


def guess_mapping(headers: list[object]) -> dict[int, str]:
    """Column index → field for every recognised header; the first of two wins."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        field = field_for_header(header)
        if field and field not in taken:
            mapping[index] = field
            taken.add(field)
    return mapping


def header_score(row: list[object]) -> int:
    """How many cells of a row are known column names: the header row scores highest."""
    return len({field_for_header(cell) for cell in row} - {None})


# Every field a column can fill, in the order the mapping select offers them.
FIELD_LABELS = {
    "nik": _("NIK"),
    "full_name": _("Full name"),
    "kk_number": _("Family card number (KK)"),
    "birth_place": _("Place of birth"),
    "birth_date": _("Date of birth"),
    "birth_place_date": _("Place and date of birth (one column)"),
    "sex": _("Sex"),
    "address": _("Address"),
    "rt": _("RT"),
    "rw": _("RW"),
    "village": _("Village (name)"),
    "village_code": _("Village code"),
    "district": _("District (name or code)"),
    "occupation": _("Occupation"),
    "sector": _("Sector"),
    "phone": _("Phone number"),
    "monthly_income": _("Monthly income"),
    "welfare_decile": _("Welfare decile"),
    "source_ref": _("Source ID"),
}
