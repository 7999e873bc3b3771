"""A synthetic roll with realistic multi-script names and labelled planted duplicates.

For benchmarks and tests, never for real use. A third of the people carry Arabic
names, written in Arabic script or in one of their Latin spellings; the others carry
West African names (Sierra Leone, Liberia, Guinea, Cote d'Ivoire). Names, fathers'
names and places of birth are drawn from pools of realistic size with a few very
common entries (Mohamed, Kamara, Freetown) and a long tail, as on real rolls: two
different people then share a name and a birth year often, but rarely every field.

Planted duplicates re-register a person with one variation of a known kind. Hard
negatives are different people that must not be flagged: a common name and birth
year shared by people with different fathers and places of birth, the same with one
date year-only, and محمد against محمود written in Arabic or in Latin ("Mahmud").
"""

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

# (Arabic script, Latin spellings), commonest first: the order sets the weights.
ARABIC_MALE = [
    ("محمد", ["Mohamed", "Mohammed", "Muhammad", "Mohamad"]), ("أحمد", ["Ahmed", "Ahmad"]),
    ("علي", ["Ali"]), ("عبد الله", ["Abdallah", "Abdullah", "Abd Allah"]), ("محمود", ["Mahmoud", "Mahmud"]),
    ("مصطفى", ["Mustafa", "Moustafa"]), ("عمر", ["Omar", "Umar"]), ("إبراهيم", ["Ibrahim", "Ebrahim"]),
    ("خالد", ["Khaled", "Khalid"]), ("يوسف", ["Youssef", "Yusuf", "Yousef"]), ("حسن", ["Hassan", "Hasan"]),
    ("عبد الرحمن", ["Abdelrahman", "Abdul Rahman", "Abdurrahman"]), ("حسين", ["Hussein", "Husein"]),
    ("سالم", ["Salem", "Salim"]), ("صالح", ["Saleh", "Salih"]), ("سعيد", ["Said", "Saeed"]),
    ("عبد السلام", ["Abdelsalam", "Abdul Salam", "Abdessalam"]), ("فرج", ["Faraj", "Farag"]),
    ("عثمان", ["Othman", "Osman"]), ("طارق", ["Tarek", "Tariq"]), ("كريم", ["Karim", "Kareem"]),
    ("عادل", ["Adel", "Adil"]), ("ميلاد", ["Milad", "Meelad"]), ("مفتاح", ["Miftah", "Muftah"]),
    ("جمعة", ["Jumaa", "Jumah"]), ("رمضان", ["Ramadan", "Ramadhan"]),
    ("نوري", ["Nouri", "Nuri"]),
    ("عبد الكريم", ["Abdelkarim", "Abdul Karim"]), ("عبد العزيز", ["Abdelaziz", "Abdul Aziz"]),
    ("منصور", ["Mansour", "Mansur"]), ("مختار", ["Mukhtar", "Mokhtar"]), ("بشير", ["Bashir", "Bachir"]),
    ("جمال", ["Jamal", "Gamal"]), ("ناصر", ["Nasser", "Naser"]), ("هشام", ["Hisham", "Hicham"]),
    ("وليد", ["Walid", "Waleed"]), ("مراد", ["Murad", "Mourad"]), ("أسامة", ["Osama", "Usama"]),
    ("إسماعيل", ["Ismail"]), ("موسى", ["Musa", "Moussa"]), ("عيسى", ["Issa", "Isa"]),
    ("سليمان", ["Suleiman", "Sulaiman"]), ("حمزة", ["Hamza", "Hamzah"]), ("أنور", ["Anwar", "Anouar"]),
    ("رضا", ["Rida", "Reda"]), ("سامي", ["Sami", "Samy"]), ("نبيل", ["Nabil", "Nabeel"]),
    ("فيصل", ["Faisal", "Faysal"]), ("زياد", ["Ziad", "Ziyad"]), ("ماهر", ["Maher", "Mahir"]),
    ("عماد", ["Imad", "Emad"]), ("أيمن", ["Ayman", "Aymen"]), ("بلال", ["Bilal", "Belal"]),
]
ARABIC_FEMALE = [
    ("فاطمة", ["Fatima", "Fatma", "Fatimah"]), ("عائشة", ["Aisha", "Aicha"]), ("مريم", ["Maryam", "Mariam"]),
    ("خديجة", ["Khadija", "Khadidja"]), ("زينب", ["Zainab", "Zeinab"]), ("أمينة", ["Amina", "Aminah"]),
     ("حليمة", ["Halima", "Halimah"]), ("نور", ["Nour", "Nur"]),
    ("سارة", ["Sara", "Sarah"]), ("سلمى", ["Salma", "Selma"]), ("ليلى", ["Layla", "Leila"]),
    ("هدى", ["Huda", "Houda"]),  ("سعاد", ["Suad", "Souad"]),
    ("حنان", ["Hanan"]), ("ابتسام", ["Ibtisam", "Ebtisam"]), ("منى", ["Mona", "Muna"]),
    ("رحمة", ["Rahma", "Rahmah"]), ("صفية", ["Safia", "Safiya"]), ("نادية", ["Nadia", "Nadiya"]),
    ("سميرة", ["Samira", "Samirah"]), ("جميلة", ["Jamila", "Gamila"]), ("كريمة", ["Karima", "Kareema"]),
    ("آمنة", ["Amna"]), ("مبروكة", ["Mabruka", "Mabrouka"]), ("نعيمة", ["Naima", "Naeema"]),
    ("وفاء", ["Wafa", "Wafaa"]), ("أسماء", ["Asma", "Asmaa"]), ("هاجر", ["Hajar", "Hager"]),
    ("رقية", ["Ruqaya", "Roqaya"]), ("إيمان", ["Iman"]), ("سهام", ["Siham", "Seham"]),
]
ARABIC_FAMILY = [
    ("الترهوني", ["Al-Tarhouni", "Tarhouni"]), ("المصراتي", ["Al-Misrati", "Misrati"]),
    ("بن علي", ["Ben Ali", "Bin Ali"]), ("الزوي", ["Al-Zawi", "Zawi"]), ("القذافي", ["Gaddafi", "Qaddafi"]),
    ("الورفلي", ["Al-Warfalli", "Warfalli"]), ("السنوسي", ["Al-Senussi", "Senussi"]),
    ("العبيدي", ["Al-Obeidi", "Obeidi"]), ("الفيتوري", ["Al-Fitouri", "Fitouri"]),
    ("المقريف", ["Al-Magariaf", "Magariaf"]), ("الشريف", ["Al-Sharif", "Sharif"]),
    ("بوشناق", ["Bushnaq", "Boushnak"]), ("الطرابلسي", ["Al-Trabelsi", "Trabelsi"]),
    ("حمودة", ["Hamouda", "Hammouda"]), ("الغرياني", ["Al-Gheriani", "Gheriani"]),
     ("الزنتاني", ["Al-Zintani", "Zintani"]), ("المجبري", ["Al-Majbri", "Majbri"]),
    ("الفرجاني", ["Al-Ferjani", "Ferjani"]),
    ("العريبي", ["Al-Oraibi", "Oraibi"]), ("المنفي", ["Al-Menfi", "Menfi"]), ("الدباشي", ["Al-Dabbashi", "Dabbashi"]),
    ("الحاسي", ["Al-Hassi", "Hassi"]), ("المسماري", ["Al-Mismari", "Mismari"]), ("الجهاني", ["Al-Juhani", "Juhani"]),
    ("الشاعري", ["Al-Shaeri", "Shaeri"]), ("الكبتي", ["Al-Kabti", "Kabti"]), ("الساعدي", ["Al-Saadi", "Saadi"]),
    ("البدري", ["Al-Badri", "Badri"]), ("الحضيري", ["Al-Hudairi", "Hudairi"]), ("الصويعي", ["Al-Suwai", "Suwai"]),
    ("بن عمران", ["Ben Omran", "Bin Imran"]), ("بن حليم", ["Ben Halim", "Bin Halim"]),
    ("أبو زيد", ["Abu Zaid", "Abou Zaid"]), ("أبو بكر", ["Abu Bakr", "Abou Bakr"]),
    ("الأحمر", ["Al-Ahmar", "Ahmar"]), ("الجروشي", ["Al-Jaroushi", "Jaroushi"]), ("القماطي", ["Al-Gamati", "Gamati"]),
    ("الرياني", ["Al-Riyani", "Riyani"]), ("الطاهر", ["Al-Taher", "Taher"]), ("الهوني", ["Al-Houni", "Houni"]),
    ("المهدوي", ["Al-Mahdawi", "Mahdawi"]), ("الفاخري", ["Al-Fakhri", "Fakhri"]), ("العقوري", ["Al-Agouri", "Agouri"]),
     ("الكاديكي", ["Al-Kadiki", "Kadiki"]), ("الشيباني", ["Al-Shaibani", "Shaibani"]),
    ("النعاس", ["Al-Naas", "Naas"]), ("المبروك", ["Al-Mabrouk", "Mabrouk"]), ("الزليتني", ["Al-Zliteni", "Zliteni"]),
]
WEST_MALE = """Mohamed Ibrahim Abu Alhaji Momodu Sorie Foday Abdul Musa Lansana Alusine Sahr Tamba Fallah Joseph
John James Emmanuel Samuel Daniel Moses David Peter Paul Francis Patrick Augustine Prince George Thomas Michael
Charles Edward Henry Albert Alfred Philip Stephen Solomon Isaac Abraham Jacob Benjamin Matthew Mark Luke Andrew
Simon Anthony Christopher Richard Robert William Arthur Ernest Victor Vincent Lawrence Sheku Saidu Bockarie Brima
Komba Aiah Amara Kai Lahai Momoh Bai Santigie Kabba Kemoh Osman Yusufu Amadu Alpha Sekou Mamadou Seydou Boubacar
Ousmane Lamin Kouame Kouassi Yao Kofi Kwame Kwabena Kwaku Kojo Jean-Baptiste Jean-Pierre Koffi Konan Drissa
Souleymane Adama Bakary Siaka Yaya Issa Idrissa Karamo Sidiki Mustapha Umaru Unisa Amidu Sulaiman Kalilu Morlai
Tejan Ansu Varney Morris Jallah Sumo Sackie Togba Saah Dauda Jusu Vandi Joe Nathaniel Ezekiel Elijah Gabriel
Josiah Jonathan Timothy Titus Cephas Harrison Jeremiah Isaiah Amos Othello Winston Edwin Sylvester Benedict Cyril
Kpakolo Gbessie Nyumah Sumaila Mohamed-Lamin Abdulai Abubakarr Ishmael Hindolo Sahr-Francis Mambu Tommy Kekura""".split()
WEST_FEMALE = """Fatu Aminata Mariama Isatu Hawa Kadiatu Musu Comfort Esther Marie Adjoa Aya Awa Fanta Binta Jeneba
Salamatu Yei Korto Satta Bendu Massa Finda Agnes Grace Victoria Oumou Kadija Ramatu Sia Yatta Mamie Hannah Mary
Elizabeth Sarah Ruth Rebecca Rachel Deborah Martha Christiana Josephine Theresa Patience Mercy Gift Blessing
Beatrice Florence Margaret Janet Rose Juliana Alice Cecilia Dorcas Edna Eunice Famata Jestina Kumba Tenneh Zainab
Adama Aminatta Haja Fatmata Umu Memuna Nancy Regina Veronica Gladys Irene Lucy Annie Betty Princess Massah Mawata
Mabinty Yabom Sallay Isha Tiangay Nenneh Jebbeh Kebbeh Ellen Edith Monica Sophie Angela Felicia Amie Konah
Decontee Youngor Wokie Yamah Lorpu Oretha Siah Aissata Safiatou Mariatou Kadiatou Djeneba Fatoumata Assetou
Rokia Affoue Amenan Akissi Ahou Adjoua Amoin Marie-Claire Ya-Fatu Kpana Matilda Hawanatu""".split()
WEST_FAMILY = """Kamara Sesay Conteh Bangura Koroma Turay Jalloh Kargbo Mansaray Kollie Flomo Dolo Kpoto Tarpeh
N'Guessan Kouassi Kouadio Kone Traore Diallo Bah Barry Sow Camara Toure Cisse Ouattara Yeboah Mensah Asante
Owusu Kanneh Fofanah Sankoh Kallon Lahai Massaquoi Gbessay Sirleaf Johnson Weah Zinnah Mulbah Boakai Nyumah Keita
Dumbuya Samura Kanu Kabia Kamanda Kpaka Marah Bundu Fullah Tarawallie Jabbie Koker Cole Macauley Williams Thomas
Davies Taylor Wright George Nicol Pratt Campbell Decker Browne Carew Coker Roberts Jones Smith Brown Harris King
Tucker Caulker Kaikai Sannoh Swaray Vandi Jusu Sheriff Kemokai Ngobeh Gbla Bockarie Moiwo Saffa Sandy Fomba
Sumana Kabba Bangali Sillah Jaward Deen Barrie Fornah Tejan Kakay Bayoh Jah Dabo Senesie Sama Moseray Yillah
Kallay Doe Tubman Tolbert Kpadeh Kromah Dukuly Konneh Sherif Freeman Cooper Gray Dennis Barclay Harmon Tweh Togba
Saye Gaye Zeon Kieh Gbowee Karnga Cassell Nyenswah Korvah Gono Pewee Quaye Sackor Zayzay Kerkula Fahnbulleh
Massaley Varfee Kiazolu Kpan Sumo Nimely Wleh Toe Dahn Saylee Mator Gbatu Kouakou Koffi Konan Kra Brou Aka Assi
Bamba Coulibaly Dosso Fofana Sangare Sylla Soro Tuo Yeo Silue Zadi Gnahore Dje Tape Gueu Ble Kacou N'Dri Ehui Ake
Amani Adou Anoh Kamara-Taylor Lamina Koroma-Bangura Mustapha Kabbah Margai Stevens Momoh Bio Koinange Sowa Gbao
Kondeh Foray Kamaray Magona Thulla Kuyateh Suma Jawara Darboe Ceesay Touray Njie Mendy Gomez Mane Badjie Sanneh
Bojang Jammeh Colley Jobe Faye Ndiaye Diop Fall Gueye Sarr Ba Sy Diouf Kourouma Conde Soumah Sylla-Bah Bangoura""".split()
TOWNS = """Freetown Bo Kenema Makeni Koidu Port-Loko Lunsar Kabala Kailahun Magburaka Waterloo Pujehun Moyamba Bonthe
Kambia Mile-91 Segbwema Daru Pendembu Yengema Tongo Kamakwie Rokupr Mattru Bumpe Gerihun Blama Hangha Panguma
Tikonko Jaiama Motema Tombodu Kayima Bumbuna Binkolo Masiaka Yele Mano Njala Rotifunk Sumbuya Zimmi Potoru Gbinti
Kukuna Fadugu Alikalia Bendugu Monrovia Gbarnga Ganta Kakata Voinjama Buchanan Zwedru Harper Tubmanburg Robertsport
Sanniquellie Greenville Barclayville Fish-Town Cestos Bopolu Foya Kolahun Zorzor Salayea Saclepea Karnplay Tappita
Yekepa Bensonville Careysburg Todee Totota Suakoko Palala Belefanai Weala Bong-Mines Kle Bomi-Hills Klay Gbah Zleh
Tripoli Benghazi Misrata Zawiya Sabha Sirte Bayda Tobruk Derna Zliten Khoms Gharyan Zuwara Ajdabiya Marj Ghat Ubari
Murzuq Kufra Yafran Nalut Jadu Zintan Bani-Walid Tarhuna Sabratha Surman Ghadames Brak Hun Waddan Sokna Awjila Jalu
Shahat Susa Qubba Tocra Abidjan Bouake Daloa Korhogo Yamoussoukro Man Gagnoa Divo Abengourou Odienne Touba Seguela
Bondoukou Danane Guiglo Duekoue Soubre Sassandra Agboville Adzope Dimbokro Bouafle Katiola Ferkessedougou Boundiali
Conakry Kankan Nzerekore Gueckedou Macenta Kissidougou Faranah Kindia Labe Mamou Boke Siguiri Beyla Lola Yomou""".split()


def _zipf(count: int, exponent: float) -> list[float]:
    """Cumulative weights where the n-th entry is 1/n**exponent as common as the first."""
    total, cumulative = 0.0, []
    for rank in range(1, count + 1):
        total += rank ** -exponent
        cumulative.append(total)
    return cumulative


# Given and family names are top-heavy (a tenth of the men of Sierra Leone are called
# Mohamed); places of birth less so.
_NAME_SKEW, _PLACE_SKEW = 0.9, 0.7
_WEIGHTS = {id(pool): _zipf(len(pool), _NAME_SKEW)
            for pool in (ARABIC_MALE, ARABIC_FEMALE, ARABIC_FAMILY, WEST_MALE, WEST_FEMALE, WEST_FAMILY)}
_TOWN_WEIGHTS = _zipf(len(TOWNS), _PLACE_SKEW)

KINDS = ["spelling", "script", "swapped", "middle_missing", "apostrophe_hyphen", "typo", "year_only", "jan1",
         "day_month_swapped", "year_apart", "same_id"]
NEGATIVE_KINDS = ["common_name", "mohamed_mahmoud", "common_name_year_only", "mahmud_latin_arabic"]
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

    def pick(self, pool: list):
        return self.rng.choices(pool, cum_weights=_WEIGHTS[id(pool)])[0]

    def person(self, origin: str | None = None, sex: str | None = None) -> _Person:
        rng = self.rng
        origin = origin or rng.choices(["west", "arabic", "latin-arabic"], [66, 17, 17])[0]
        sex = sex or rng.choice("FM")
        if origin == "west":
            pool = WEST_FEMALE if sex == "F" else WEST_MALE
            given = [self.pick(pool)] + ([self.pick(pool)] if rng.random() < 0.3 else [])
            family = self.pick(WEST_FAMILY)
            # The form asks for the father's name; a few people leave it blank.
            father = self.pick(WEST_MALE) if rng.random() < 0.9 else None
        else:
            pool = ARABIC_FEMALE if sex == "F" else ARABIC_MALE
            given = [self.pick(pool)] + ([self.pick(ARABIC_MALE)] if rng.random() < 0.3 else [])
            family = self.pick(ARABIC_FAMILY)
            father = self.pick(ARABIC_MALE)
        if len(given) == 2 and given[0] == given[1]:
            given.pop()
        # At least 19 so that a planted date one year later still leaves the person of age.
        born = self.today - timedelta(days=rng.randint(19 * 366, 80 * 365))
        year_only = rng.random() < 0.07
        if year_only:
            born = date(born.year, 7, 1)
        elif rng.random() < 0.03:
            born = date(born.year, 1, 1)
        id_type = rng.choices(["national_id", "passport", "birth_certificate", "old_voter_card"], [70, 10, 10, 10])[0]
        place = rng.choices(TOWNS, cum_weights=_TOWN_WEIGHTS)[0]
        person = _Person(origin, sex, given, family, father, born, year_only, place, id_type,
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
            # Inside a word of five letters or more: in a shorter one a letter changes the
            # name (Ali, Ari), which the matcher rightly does not take for a slip.
            words = [(m.start(), m.end()) for m in re.finditer(r"[^\W\d_]{5,}", name)]
            positions = [p for start, end in words for p in range(start + 1, end - 1)]
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
    mohamed, mahmoud = ARABIC_MALE[0], ARABIC_MALE[4]  # محمد, محمود
    for n in range(wanted_negatives):
        kind = NEGATIVE_KINDS[n % len(NEGATIVE_KINDS)]
        if kind.startswith("common_name"):
            # Two different men called Mohamed Kamara born the same year, with other fathers.
            a, b = generator.person("west", "M"), generator.person("west", "M")
            a.given, b.given = ["Mohamed"], ["Mohamed"]
            a.family = b.family = "Kamara"
            a.father, b.father = rng.sample(WEST_MALE[:20], 2)
            if kind == "common_name":
                b.born = date(a.born.year, rng.randint(1, 12), rng.randint(1, 28))
                b.year_only = a.year_only = False
                a.place, b.place = rng.sample(TOWNS[:20], 2)
            else:
                # One knows only the year; both were born in the same big town.
                a.year_only, a.born = True, date(a.born.year, 7, 1)
                b.year_only, b.born = False, date(a.born.year, rng.randint(1, 12), rng.randint(1, 28))
                b.place = a.place = TOWNS[0]
        else:
            a, b = generator.person("arabic", "M"), generator.person("arabic", "M")
            a.given, b.given = [mohamed], [mahmoud]
            b.family, b.father, b.born, b.year_only, b.place = a.family, a.father, a.born, a.year_only, a.place
            if kind == "mahmud_latin_arabic":
                # محمد in Arabic script against "Mahmud" in Latin: the Latin u is the و of محمود.
                b.origin, b.spelling = "latin-arabic", {**a.spelling, mahmoud[0]: "Mahmud"}
        roll.negatives.append((len(roll.rows), len(roll.rows) + 1, kind))
        roll.rows.extend([_row(a), _row(b)])
    return roll


def write_csv(roll: SyntheticRoll, path) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(roll.rows)
