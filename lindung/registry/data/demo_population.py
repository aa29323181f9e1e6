"""Who lives where in Kutai Kartanegara and what they do, for demo data (`seed_demo`).

Rough shares, not statistics: enough that a demo of Anggana shows Bugis fishers and one of
Tenggarong Seberang Javanese farmers, as the real registers do.
"""

from lindung.registry.models import InactiveReason

# District: (relative population, community weights that differ from the regency's,
# sector multipliers). Coastal districts fish, upriver ones tap rubber and grow oil palm,
# Tenggarong Seberang was settled by Javanese transmigrants.
DISTRICT_PROFILES: dict[str, tuple[int, dict[str, int], dict[str, float]]] = {
    "64.02.01": (18, {"kutai": 60, "banjar": 25}, {"perikanan": 3}),
    "64.02.02": (52, {"jawa": 30}, {"pertanian": 1.5, "buruh-harian-lepas": 1.5}),
    "64.02.03": (70, {"jawa": 30, "banjar": 30}, {"buruh-harian-lepas": 1.8, "usaha-kecil": 1.5}),
    "64.02.04": (48, {"bugis": 55}, {"perikanan": 3.5}),
    "64.02.05": (47, {"bugis": 55}, {"perikanan": 3}),
    "64.02.06": (115, {"kutai": 40}, {"usaha-kecil": 2, "transportasi": 1.8, "jasa-lainnya": 1.5}),
    "64.02.07": (40, {"kutai": 40, "jawa": 25}, {"perkebunan": 2, "pertanian": 1.5}),
    "64.02.08": (32, {"kutai": 50, "banjar": 30}, {"perikanan": 2.5}),
    "64.02.09": (12, {"kutai": 60}, {"perikanan": 3}),
    "64.02.10": (28, {"kutai": 35, "nusantara": 20, "jawa": 20}, {"perkebunan": 3}),
    "64.02.11": (40, {"kutai": 40, "jawa": 20}, {"perkebunan": 2.5}),
    "64.02.12": (10, {"nusantara": 45, "kutai": 35}, {"perkebunan": 2, "pertanian": 1.5}),
    "64.02.13": (65, {"bugis": 40, "jawa": 25}, {"perikanan": 2, "pertanian": 1.5}),
    "64.02.14": (40, {"bugis": 45}, {"perikanan": 2.5, "buruh-harian-lepas": 1.5}),
    "64.02.15": (20, {"bugis": 30, "jawa": 30}, {"buruh-harian-lepas": 1.5}),
    "64.02.16": (70, {"jawa": 55}, {"pertanian": 2.5, "peternakan": 2}),
    "64.02.17": (27, {"bugis": 40, "jawa": 25}, {"perikanan": 2, "pertanian": 1.5}),
    "64.02.18": (9, {"kutai": 60}, {"perikanan": 3}),
    "64.02.19": (15, {"kutai": 35, "jawa": 35}, {"perkebunan": 2, "pertanian": 1.5}),
    "64.02.20": (30, {"jawa": 40, "bugis": 25}, {"pertanian": 2, "peternakan": 1.5}),
}  # fmt: skip
DEFAULT_PROFILE = (30, {}, {})
COMMUNITY_WEIGHTS = {"kutai": 26, "banjar": 28, "bugis": 20, "jawa": 18, "nusantara": 8}
SECTOR_WEIGHTS = {
    "pertanian": 20, "perkebunan": 12, "perikanan": 10, "peternakan": 4, "usaha-kecil": 14,
    "buruh-harian-lepas": 16, "transportasi": 8, "keagamaan": 5, "kemasyarakatan": 5,
    "jasa-lainnya": 6,
}  # fmt: skip
PHONE_PREFIXES = (
    "0811", "0812", "0813", "0821", "0822", "0823", "0852", "0853", "0814", "0815", "0856",
    "0857", "0817", "0818", "0819", "0859", "0877", "0878", "0831", "0838", "0895", "0896",
    "0881", "0882",
)  # fmt: skip
INACTIVE_REASONS = (
    (InactiveReason.DECEASED, 20), (InactiveReason.MOVED_AWAY, 30),
    (InactiveReason.FORMAL_WORKER, 20), (InactiveReason.WITHDREW, 15),
    (InactiveReason.DUPLICATE, 5), (InactiveReason.OTHER, 10),
)  # fmt: skip
# Occupations one sex holds far more often than the other in the registers.
MALE_OCCUPATIONS = {
    "ojek", "tukang ojek", "pengemudi ojek", "motoris", "motoris speedboat", "sopir",
    "tukang becak", "buruh bangunan", "tukang batu", "tukang kayu", "buruh pelabuhan",
    "kuli angkut", "penggali kubur", "linmas", "nelayan", "nelayan tangkap", "montir",
    "tukang cukur", "penyadap karet",
}  # fmt: skip
WOMEN_RELIGIOUS_WORK = {"guru ngaji", "penjaga gereja"}
FEMALE_OCCUPATIONS = {"asisten rumah tangga", "pengasuh anak", "kader posyandu", "penjahit"}
REJECTION_NOTES = (
    "KTP bukan warga Kutai Kartanegara.",
    "Sudah terdaftar sebagai peserta penerima upah.",
    "Penghasilan di atas UMK.",
    "Tidak ditemukan saat verifikasi lapangan.",
    "Data ganda dengan pendaftaran lain.",
)
