"""The sectors and common occupation names a new instance starts with (editable afterwards)."""

SECTORS = [
    # code, Indonesian name, English name
    ("pertanian", "Pertanian", "Agriculture"),
    ("perkebunan", "Perkebunan", "Plantations"),
    ("perikanan", "Perikanan", "Fisheries"),
    ("peternakan", "Peternakan", "Livestock"),
    ("usaha-kecil", "Usaha kecil / UMKM", "Small business"),
    ("buruh-harian-lepas", "Buruh harian lepas", "Daily casual labour"),
    ("transportasi", "Transportasi", "Transport"),
    ("keagamaan", "Pekerja keagamaan", "Religious work"),
    ("kemasyarakatan", "Pekerja kemasyarakatan", "Community work"),
    ("jasa-lainnya", "Jasa lainnya", "Other services"),
]

OCCUPATIONS = {
    "pertanian": ["petani", "buruh tani", "petani padi", "petani sayur", "petani ladang"],
    "perkebunan": ["pekebun", "petani sawit", "petani karet", "buruh kebun", "penyadap karet"],
    "perikanan": ["nelayan", "nelayan tangkap", "pembudidaya ikan", "petambak", "buruh nelayan",
                  "pengolah ikan"],
    "peternakan": ["peternak", "peternak sapi", "peternak ayam", "peternak kambing"],
    "usaha-kecil": ["pedagang", "pedagang kecil", "pedagang kaki lima", "pedagang sayur",
                    "penjahit", "pengrajin", "warung", "pedagang keliling"],
    "buruh-harian-lepas": ["buruh harian lepas", "buruh bangunan", "tukang batu", "tukang kayu",
                           "buruh pelabuhan", "kuli angkut", "buruh"],
    "transportasi": ["ojek", "tukang ojek", "pengemudi ojek", "motoris", "motoris speedboat",
                     "sopir", "juru parkir", "tukang becak"],
    "keagamaan": ["guru ngaji", "marbot", "imam masjid", "penjaga gereja", "penjaga pura",
                  "penjaga vihara", "pengurus masjid", "khatib", "muazin"],
    "kemasyarakatan": ["ketua rt", "kader posyandu", "kader kesehatan", "linmas", "penggali kubur",
                       "petugas kebersihan", "relawan"],
    "jasa-lainnya": ["pemulung", "tukang cukur", "asisten rumah tangga", "pengasuh anak",
                     "montir", "tukang servis"],
}
