"""A synthetic roll with realistic multi-script names and labelled planted duplicates.

For benchmarks and tests, never for real use. A third of the people carry Arabic
names, written in Arabic script or in one of their Latin spellings; the others carry
West African names. Planted duplicates re-register a person with one variation of
a known kind; hard negatives are different people sharing a common name and birth
year (with different fathers and places of birth), or named محمد and محمود.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

# (Arabic script, Latin spellings)
ARABIC_MALE = [
    ("محمد", ["Mohamed", "Mohammed", "Muhammad", "Mohamad"]), ("أحمد", ["Ahmed", "Ahmad"]),
    ("محمود", ["Mahmoud", "Mahmud"]), ("عبد الله", ["Abdallah", "Abdullah", "Abd Allah"]),
    ("عبد الرحمن", ["Abdelrahman", "Abdul Rahman", "Abdurrahman"]), ("علي", ["Ali"]),
    ("حسن", ["Hassan", "Hasan"]), ("حسين", ["Hussein", "Husein"]), ("يوسف", ["Youssef", "Yusuf", "Yousef"]),
    ("إبراهيم", ["Ibrahim", "Ebrahim"]), ("عمر", ["Omar", "Umar"]), ("خالد", ["Khaled", "Khalid"]),
    ("سعيد", ["Said", "Saeed"]), ("مصطفى", ["Mustafa", "Moustafa"]), ("طارق", ["Tarek", "Tariq"]),
    ("صالح", ["Saleh", "Salih"]), ("عثمان", ["Othman", "Osman"]), ("كريم", ["Karim", "Kareem"]),
]
ARABIC_FEMALE = [
    ("فاطمة", ["Fatima", "Fatma", "Fatimah"]), ("عائشة", ["Aisha", "Aicha"]), ("مريم", ["Maryam", "Mariam"]),
    ("زينب", ["Zainab", "Zeinab"]), ("خديجة", ["Khadija", "Khadidja"]), ("سارة", ["Sara", "Sarah"]),
    ("نور", ["Nour", "Nur"]), ("أمينة", ["Amina", "Aminah"]), ("حليمة", ["Halima", "Halimah"]),
    ("سلمى", ["Salma", "Selma"]), ("ليلى", ["Layla", "Leila"]), ("هدى", ["Huda", "Houda"]),
]
ARABIC_FAMILY = [
    ("الترهوني", ["Al-Tarhouni", "Tarhouni"]), ("المصراتي", ["Al-Misrati", "Misrati"]),
    ("بن علي", ["Ben Ali", "Bin Ali"]), ("الزوي", ["Al-Zawi", "Zawi"]), ("القذافي", ["Gaddafi", "Qaddafi"]),
    ("الورفلي", ["Al-Warfalli", "Warfalli"]), ("السنوسي", ["Al-Senussi", "Senussi"]),
    ("العبيدي", ["Al-Obeidi", "Obeidi"]), ("الفيتوري", ["Al-Fitouri", "Fitouri"]),
    ("المقريف", ["Al-Magariaf", "Magariaf"]), ("الشريف", ["Al-Sharif", "Sharif"]),
    ("بوشناق", ["Bushnaq", "Boushnak"]), ("الطرابلسي", ["Al-Trabelsi", "Trabelsi"]),
    ("حمودة", ["Hamouda", "Hammouda"]), ("الغرياني", ["Al-Gheriani", "Gheriani"]),
]
WEST_MALE = ["Mohamed", "Ibrahim", "Sorie", "Abu", "Momodu", "Joseph", "Emmanuel", "Samuel", "Musa", "Sahr",
             "Foday", "Prince", "Augustine", "Amadu", "Lamin", "Kouame", "Yao", "Kofi", "Kwame", "Jean-Baptiste",
             "Alusine", "Osman", "Bockarie", "Tamba", "Francis", "Patrick", "Moses", "Daniel", "Mamadou", "Seydou",
             "Boubacar", "Ousmane", "Alpha", "Saidu", "Christian", "Varney", "Morris", "Jallah", "Sekou", "Yusufu"]
WEST_FEMALE = ["Fatu", "Aminata", "Mariama", "Isatu", "Hawa", "Kadiatu", "Musu", "Comfort", "Esther", "Marie",
               "Adjoa", "Aya", "Awa", "Fanta", "Binta", "Jeneba", "Salamatu", "Yei", "Korto", "Satta", "Bendu",
               "Massa", "Finda", "Agnes", "Grace", "Victoria", "Oumou", "Kadija", "Ramatu", "Sia"]
WEST_FAMILY = ["Kamara", "Sesay", "Conteh", "Bangura", "Koroma", "Turay", "Jalloh", "Kargbo", "Mansaray",
               "Kollie", "Flomo", "Dolo", "Kpoto", "Tarpeh", "N'Guessan", "Kouassi", "Kouadio", "Kone", "Traore",
               "Diallo", "Bah", "Barry", "Sow", "Camara", "Toure", "Cisse", "Ouattara", "Yeboah", "Mensah",
               "Asante", "Owusu", "Kanneh", "Fofanah", "Sankoh", "Kallon", "Lahai", "Massaquoi", "Gbessay",
               "Sirleaf", "Johnson", "Weah", "Zinnah", "Mulbah", "Boakai", "Nyumah", "Keita", "Dumbuya", "Samura"]
TOWNS = ["Kenema", "Bo", "Makeni", "Kono", "Freetown", "Gbarnga", "Ganta", "Kakata", "Voinjama", "Buchanan",
         "Zwedru", "Harper", "Kailahun", "Port Loko", "Kabala", "Pujehun", "Moyamba", "Bonthe", "Tripoli",
         "Benghazi", "Misrata", "Sabha", "Zawiya", "Sirte", "Abidjan", "Bouake", "Daloa", "Korhogo"]

KINDS = ["spelling", "script", "swapped", "middle_missing", "apostrophe_hyphen", "typo", "year_only", "jan1",
         "day_month_swapped", "year_apart", "same_id"]
COLUMNS = ["family_name", "given_names", "father_name", "sex", "date_of_birth", "place_of_birth", "centre_code",
           "id_type", "id_number", "phone"]


@dataclass
class SyntheticRoll:
    rows: list[dict[str, str]]
    duplicates: list[tuple[int, int, str]] = field(default_factory=list)  # (original, copy, kind)
    negatives: list[tuple[int, int, str]] = field(default_factory=list)  # different people that look alike
    centres: list[str] = field(default_factory=list)


@dataclass
class _Person:
    origin: str  # "west", "arabic", "latin-arabic"
    sex: str
    given: list  # names, or (arabic, latin variants) entries for Arabic names
    family: object
    father: object
    born: date
    year_only: bool
    place: str
    id_type: str
    id_number: str
    centre: str
    spelling: dict = field(default_factory=dict)  # chosen Latin spelling per Arabic entry


def _write(name, person: _Person, script: str | None = None) -> str:
    if isinstance(name, str):
        return name
    arabic, latin = name
    if (script or ("arabic" if person.origin == "arabic" else "latin")) == "arabic":
        return arabic
    return person.spelling.setdefault(arabic, latin[0])


def _row(person: _Person, script: str | None = None) -> dict[str, str]:
    return {
        "family_name": _write(person.family, person, script),
        "given_names": " ".join(_write(g, person, script) for g in person.given),
        "father_name": _write(person.father, person, script) if person.father else "",
        "sex": person.sex,
        "date_of_birth": str(person.born.year) if person.year_only else person.born.isoformat(),
        "place_of_birth": person.place,
        "centre_code": person.centre,
        "id_type": person.id_type,
        "id_number": person.id_number,
        "phone": "",
    }


class Generator:
    def __init__(self, centres: list[str], seed: int = 2026, today: date = date(2026, 6, 1)):
        self.rng = random.Random(seed)
        self.centres = centres
        self.today = today
        self.next_id = 0

    def id_number(self, kind: str) -> str:
        self.next_id += 1
        prefix = {"national_id": "NI", "passport": "P", "birth_certificate": "BC", "old_voter_card": "VC"}[kind]
        return f"{prefix}{self.next_id:08d}"

    def person(self, origin: str | None = None, sex: str | None = None) -> _Person:
        rng = self.rng
        origin = origin or rng.choices(["west", "arabic", "latin-arabic"], [66, 17, 17])[0]
        sex = sex or rng.choice("FM")
        if origin == "west":
            pool = WEST_FEMALE if sex == "F" else WEST_MALE
            given = [rng.choice(pool)] + ([rng.choice(pool)] if rng.random() < 0.25 else [])
            family = rng.choice(WEST_FAMILY)
            father = rng.choice(WEST_MALE) if rng.random() < 0.5 else None
        else:
            pool = ARABIC_FEMALE if sex == "F" else ARABIC_MALE
            given = [rng.choice(pool)] + ([rng.choice(ARABIC_MALE)] if rng.random() < 0.3 else [])
            family = rng.choice(ARABIC_FAMILY)
            father = rng.choice(ARABIC_MALE)
        # At least 19 so that a planted date one year later still leaves the person of age.
        born = self.today - timedelta(days=rng.randint(19 * 366, 80 * 365))
        year_only = rng.random() < 0.07
        if year_only:
            born = date(born.year, 7, 1)
        elif rng.random() < 0.03:
            born = date(born.year, 1, 1)
        id_type = rng.choices(["national_id", "passport", "birth_certificate", "old_voter_card"], [70, 10, 10, 10])[0]
        person = _Person(origin, sex, given, family, father, born, year_only, rng.choice(TOWNS), id_type,
                         self.id_number(id_type), rng.choice(self.centres))
        for name in [*given, family, father]:
            if name and not isinstance(name, str):
                person.spelling[name[0]] = rng.choice(name[1])
        return person

    def duplicate(self, person: _Person, kind: str) -> dict[str, str] | None:
        """A second registration of ``person`` differing by ``kind``; None if the kind cannot apply."""
        rng = self.rng
        row = _row(person)
        # A second registration usually shows another document; same_id keeps the same one.
        if kind != "same_id":
            other_type = rng.choice([t for t in ("national_id", "passport", "birth_certificate", "old_voter_card")
                                     if t != person.id_type])
            row["id_type"], row["id_number"] = other_type, self.id_number(other_type)
        if kind == "spelling":
            names = [n for n in [*person.given, person.family] if not isinstance(n, str) and len(n[1]) > 1]
            if person.origin != "latin-arabic" or not names:
                return None
            name = rng.choice(names)
            variant = rng.choice([v for v in name[1] if v != person.spelling[name[0]]])
            copy = _Person(**{**person.__dict__, "spelling": {**person.spelling, name[0]: variant}})
            row.update({k: v for k, v in _row(copy).items() if k in ("given_names", "family_name", "father_name")})
        elif kind == "script":
            if person.origin == "west":
                return None
            other = "latin" if person.origin == "arabic" else "arabic"
            row.update({k: v for k, v in _row(person, other).items() if k in ("given_names", "family_name", "father_name")})
        elif kind == "swapped":
            row["given_names"], row["family_name"] = row["family_name"], row["given_names"]
        elif kind == "middle_missing":
            if len(person.given) < 2:
                return None
            row["given_names"] = _write(person.given[0], person)
        elif kind == "apostrophe_hyphen":
            text = row["family_name"] + " " + row["given_names"]
            if "'" in row["family_name"]:
                row["family_name"] = row["family_name"].replace("'", "")
            elif "-" in text:
                row["family_name"] = row["family_name"].replace("-", " ")
                row["given_names"] = row["given_names"].replace("-", " ")
            else:
                return None
        elif kind == "typo":
            name = row["family_name"]
            if len(name) < 6 or person.origin == "arabic":
                return None
            positions = [p for p in range(2, len(name) - 1) if name[p].isalpha() and name[p - 1].isalpha()]
            if not positions:
                return None
            position = rng.choice(positions)
            letter = rng.choice([c for c in "bdgklmnprst" if c != name[position].lower()])
            row["family_name"] = name[:position] + letter + name[position + 1:]
        elif kind == "year_only":
            if person.year_only:
                return None
            row["date_of_birth"] = str(person.born.year)
        elif kind == "jan1":
            if person.year_only or (person.born.month, person.born.day) == (1, 1):
                return None
            row["date_of_birth"] = date(person.born.year, 1, 1).isoformat()
        elif kind == "day_month_swapped":
            if person.year_only or person.born.day > 12 or person.born.day == person.born.month:
                return None
            row["date_of_birth"] = date(person.born.year, person.born.day, person.born.month).isoformat()
        elif kind == "year_apart":
            if person.year_only or (person.born.month, person.born.day) == (2, 29):
                return None
            row["date_of_birth"] = person.born.replace(year=person.born.year + rng.choice((-1, 1))).isoformat()
        return row


def generate(size: int, centres: list[str], duplicate_share: float = 0.02, negatives: int = 200,
             seed: int = 2026) -> SyntheticRoll:
    """``size`` rows, about ``duplicate_share`` of them planted duplicates of every kind, plus hard negatives."""
    generator = Generator(centres, seed)
    rng = generator.rng
    roll = SyntheticRoll(rows=[], centres=centres)
    people: list[tuple[int, _Person]] = []
    wanted_duplicates = int(size * duplicate_share)
    wanted_negatives = min(negatives, size // 20)
    originals = size - wanted_duplicates - 2 * wanted_negatives
    for _ in range(originals):
        person = generator.person()
        people.append((len(roll.rows), person))
        roll.rows.append(_row(person))
    kind_index = 0
    attempts = 0
    while len(roll.duplicates) < wanted_duplicates and attempts < wanted_duplicates * 20:
        attempts += 1
        kind = KINDS[kind_index % len(KINDS)]
        index, person = rng.choice(people)
        row = generator.duplicate(person, kind)
        if row is None:
            continue
        kind_index += 1
        roll.duplicates.append((index, len(roll.rows), kind))
        roll.rows.append(row)
    for n in range(wanted_negatives):
        if n % 2:
            # Two different men named Mohamed Kamara born the same year, other father and place.
            a, b = generator.person("west", "M"), generator.person("west", "M")
            a.given, b.given = ["Mohamed"], ["Mohamed"]
            a.family = b.family = "Kamara"
            b.born = date(a.born.year, rng.randint(1, 12), rng.randint(1, 28))
            a.father, b.father = rng.sample(WEST_MALE, 2)
            a.place, b.place = rng.sample(TOWNS, 2)
            kind = "common_name"
        else:
            a, b = generator.person("arabic", "M"), generator.person("arabic", "M")
            a.given, b.given = [ARABIC_MALE[0]], [ARABIC_MALE[2]]  # محمد, محمود
            b.family, b.father, b.born, b.place = a.family, a.father, a.born, a.place
            kind = "mohamed_mahmoud"
        roll.negatives.append((len(roll.rows), len(roll.rows) + 1, kind))
        roll.rows.extend([_row(a), _row(b)])
    return roll


def write_csv(roll: SyntheticRoll, path) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(roll.rows)
