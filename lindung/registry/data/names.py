"""Names for demo data, by the communities that make up Kutai Kartanegara's population.

Kutai and Banjar people along the Mahakam, Bugis on the coast (Anggana, Muara Badak,
Samboja, Muara Jawa), Javanese in the transmigration areas (Tenggarong Seberang, Loa
Janan), and Dayak, Toraja, Batak, Manado and Flores Christians upriver and in the towns.
Most Indonesians have no family name: ``second_names`` are the second words people commonly
carry (a father's name, a name shared by siblings), ``family_names`` are real family names.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Community:
    code: str
    male: tuple[str, ...]
    female: tuple[str, ...]
    second_names: tuple[str, ...]
    # Share of people of this community who are Christian (the rest are Muslim).
    christian_share: float
    # Places people of this community were born when not in the district they live in.
    birth_places: tuple[str, ...]
    # Second words only women carry (`Sri Lestari`); ``second_names`` suit everyone.
    female_second_names: tuple[str, ...] = ()
    # Prefixes a few families carry: Kutai `Awang`/`Dayang`, Bugis `Andi`.
    noble_male: str = ""
    noble_female: str = ""
    family_names: tuple[str, ...] = ()


# fmt: off
KUTAI = Community(
    code="kutai",
    male=(
        "Syahrani", "Syahrudin", "Rusdi", "Jumransyah", "Ardiansyah", "Hairil", "Junaidi",
        "Masrani", "Ramli", "Zainal", "Saparudin", "Juhriansyah", "Herliansyah", "Mahyudin",
        "Hamdani", "Sarkani", "Erwinsyah", "Rizaldi", "Bahrun", "Ismail", "Abdul Rahman",
        "Aminuddin", "Darmansyah", "Fahrizal", "Iskandar", "Rahmadsyah", "Sulaiman",
    ),
    female=(
        "Salasiah", "Jumiati", "Masitah", "Rusmini", "Hairiah", "Noraini", "Jamilah", "Rahmah",
        "Mahrita", "Asmah", "Hartini", "Rosmiati", "Nurhasanah", "Nurlaila", "Sarifah", "Juliana",
        "Nurhayati", "Aisyah", "Mariana", "Rusnah", "Sumarni",
    ),
    second_names=(
        "Effendi", "Ramadhan", "Saputra", "Rahman", "Hidayat", "Syahputra", "Yusuf", "Anwar",
    ),
    female_second_names=("Fitriani", "Wati", "Aini"),
    christian_share=0.02,
    birth_places=(
        "Tenggarong", "Kota Bangun", "Muara Muntai", "Muara Kaman", "Samarinda", "Sebulu",
        "Kenohan",
    ),
    noble_male="Awang",
    noble_female="Dayang",
)

BANJAR = Community(
    code="banjar",
    male=(
        "Aspiannor", "Supian", "Arbain", "Saberan", "Anang", "Jailani", "Basri", "Fauzi", "Mahyuni",
        "Norhadi", "Rahmadi", "Syarkawi", "Hairani", "Abdullah", "Akhmad", "Husin", "Salman",
        "Ariyadi", "Fahriannor", "Gazali", "Mardani", "Rusli", "Samsul", "Zainuddin", "Ahmad",
        "Syamsuri", "Jumberi",
    ),
    female=(
        "Norhayati", "Noorhasanah", "Nor Aini", "Hamidah", "Masniah", "Arbayah", "Jubaidah",
        "Rusmilawati", "Halimah", "Fitriani", "Salmah", "Raudah", "Mahmudah", "Hafsah", "Aminah",
        "Saniah", "Nurhidayah", "Laila", "Nurjannah", "Nur Aini", "Rabiatul Adawiyah",
    ),
    second_names=(
        "Noor", "Rahman", "Effendi", "Arsyad", "Hakim", "Ramadhani", "Ansyari", "Rifani", "Hidayat",
        "Fahmi",
    ),
    christian_share=0.01,
    birth_places=(
        "Banjarmasin", "Martapura", "Kandangan", "Amuntai", "Barabai", "Samarinda", "Tenggarong",
        "Rantau",
    ),
)

BUGIS = Community(
    code="bugis",
    male=(
        "Baharuddin", "Hasanuddin", "Syamsuddin", "Jamaluddin", "Amiruddin", "Arifuddin",
        "Nasrullah", "Sulkarnain", "Muhlis", "Hamzah", "Ambo Dalle", "Baso", "Ridwan", "Sudirman",
        "Rusdin", "Kaharuddin", "Darwis", "Mustari", "Sahabuddin", "Haeruddin", "Abdul Gaffar",
        "Ilham", "Sainal", "Jumardi", "Muh. Saleh",
    ),
    female=(
        "Hamsiah", "Nurmiati", "Hasnah", "Besse", "Rosdiana", "Mardiana", "Fatmawati", "Hadijah",
        "Suriani", "Nurhaedah", "Hasmawati", "Megawati", "Asriani", "Rahmatia", "Darmawati",
        "Sumarni", "Nurbaya", "Nur Asiah", "Jusmiati", "Ramlah",
    ),
    second_names=(
        "Syam", "Latif", "Hamid", "Said", "Pananrangi", "Lamba", "Tang", "Dg. Ngalle", "Pawelloi",
        "Rasyid",
    ),
    christian_share=0.01,
    birth_places=(
        "Bone", "Wajo", "Sengkang", "Soppeng", "Pinrang", "Sidrap", "Balikpapan", "Samarinda",
        "Pare-Pare",
    ),
    noble_male="Andi",
    noble_female="Andi",
)

JAWA = Community(
    code="jawa",
    male=(
        "Slamet", "Sutrisno", "Bambang", "Joko", "Wahyudi", "Sugeng", "Suparman", "Sukirman",
        "Tukiman", "Heru", "Eko", "Agus", "Budi", "Teguh", "Wagiman", "Paimin", "Sarno", "Suyono",
        "Dwi Hartono", "Hadi", "Purwanto", "Supriyadi", "Sugiarto", "Riyanto", "Widodo",
        "Ahmad Fauzi", "Mochammad Rifai",
    ),
    female=(
        "Sri Wahyuni", "Sumiati", "Suharti", "Wartini", "Painem", "Tumini", "Sutinah", "Sulastri",
        "Ernawati", "Endang", "Rini", "Tri Wahyuningsih", "Dwi Lestari", "Puji Astuti", "Suparmi",
        "Rukmini", "Yuliani", "Nanik", "Nur Khasanah", "Siti Mariyam", "Umi Kulsum",
    ),
    second_names=(
        "Santoso", "Wibowo", "Prasetyo", "Susanto", "Setiawan", "Purnomo", "Kurniawan", "Saputra",
        "Nugroho", "Riyadi", "Hartono", "Wijaya",
    ),
    female_second_names=("Lestari", "Rahayu", "Handayani", "Wulandari"),
    christian_share=0.07,
    birth_places=(
        "Surabaya", "Malang", "Kediri", "Blitar", "Jember", "Banyuwangi", "Ponorogo",
        "Tenggarong Seberang", "Samarinda", "Yogyakarta",
    ),
)

# Dayak, Toraja, Batak, Manado and Flores people: most are Christian and carry a family name.
NUSANTARA = Community(
    code="nusantara",
    male=(
        "Lahang", "Ajang", "Lawing", "Jalung", "Ngau", "Ibau", "Hendrik", "Rudi", "Herman", "Frans",
        "Robert", "Alfons", "Yohanis", "Donatus",
    ),
    female=(
        "Lusi", "Yuni", "Sinta", "Lenny", "Dewi", "Merry", "Yanti", "Novi", "Santi", "Ice",
        "Rosa",
    ),
    second_names=(
        "Anyeq", "Lejau", "Usat", "Bilung",
    ),
    christian_share=0.85,
    birth_places=(
        "Tabang", "Long Iram", "Melak", "Rantepao", "Makale", "Tarutung", "Manado", "Kupang",
        "Ende", "Maumere", "Samarinda",
    ),
    family_names=(
        "Simanjuntak", "Siregar", "Sitorus", "Nainggolan", "Manurung", "Hutapea", "Tandi",
        "Palimbong", "Rante", "Pakiding", "Sondakh", "Rumondor", "Tumbelaka", "Kewa", "Bria",
        "Nuban", "Da Costa", "Lahang", "Ajang",
    ),
)

COMMUNITIES = {c.code: c for c in (KUTAI, BANJAR, BUGIS, JAWA, NUSANTARA)}

# Baptismal names, given to Christians of any community.
CHRISTIAN_MALE = (
    "Yohanes", "Petrus", "Paulus", "Yosef", "Markus", "Stefanus", "Fransiskus", "Antonius",
    "Daniel", "Yakobus", "Lukas", "Matius", "Simon", "Thomas", "Benediktus", "Yulius",
    "Agustinus", "Robertus", "Andreas", "Martinus", "Kristian", "Samuel",
)  # fmt: skip
CHRISTIAN_FEMALE = (
    "Maria", "Magdalena", "Yuliana", "Theresia", "Agustina", "Marta", "Elisabeth", "Veronika",
    "Lusia", "Katarina", "Rosalina", "Susana", "Yohana", "Debora", "Ester", "Ruth", "Natalia",
    "Kristina", "Paulina",
)  # fmt: skip

# `Muhammad` in the spellings registers actually contain (all normalise to `muhammad`).
MUHAMMAD_SPELLINGS = (("Muhammad", 70), ("Moh.", 12), ("Muhamad", 10), ("Mochammad", 8))
SITI_SPELLINGS = {"bugis": "Sitti"}

# Streets and hamlets for addresses: kelurahan have streets, desa mostly hamlets (dusun).
STREETS = (
    "Jl. Pesut", "Jl. Mulawarman", "Jl. Ki Hajar Dewantara", "Jl. Jend. Sudirman",
    "Jl. Panjaitan", "Jl. Gunung Belah", "Jl. Kartini", "Jl. Imam Bonjol", "Jl. Pattimura",
    "Jl. Diponegoro", "Jl. Danau Aji", "Jl. Padat Karya", "Jl. Pendidikan", "Jl. Masjid",
    "Jl. Pasar", "Jl. Pelabuhan", "Jl. Poros", "Jl. Cendana", "Jl. Mangkurawang",
    "Gg. Sepakat", "Gg. Kenanga", "Gg. Melati", "Gg. Rukun", "Gg. Damai",
)  # fmt: skip
HAMLETS = (
    "Dusun I", "Dusun II", "Dusun III", "Dusun Sumber Rejeki", "Dusun Karya Bakti",
    "Dusun Sido Mulyo", "Dusun Tanjung", "Dusun Muara", "Dusun Tani Makmur", "Dusun Jaya",
    "Dusun Harapan Baru", "Dusun Sungai Payang",
)  # fmt: skip
# fmt: on
