"""Pages per second of a voter-list-style table (number, name, sex, year of birth), Latin and Arabic.

    .venv/bin/python bench/reports_bench.py [--rows 10000,20000,30000] [--profile]

Goal on the 2-core machine: at least 100 pages/s in Latin, 80 in Arabic, and
time growing linearly with the number of rows.
"""

import argparse
import cProfile
import pstats
import random
import time

from flask_babel import force_locale
from machine import speed_reported

from electoral import create_app
from electoral.reports import text as kit_text
from electoral.reports.document import ReportDocument
from electoral.reports.page import Furniture  # noqa: F401  (imported before timing)

LATIN_FIRST = ["Amina", "Jean", "Fatou", "Moussa", "Mariam", "Ibrahim", "Aïcha", "Oumar", "Hélène", "Kofi",
               "Mamadou", "Awa", "José", "Ana", "Pedro", "Grace", "Samuel", "Esther", "Yusuf", "Zainab"]
LATIN_LAST = ["Diallo", "Traoré", "Koné", "Dupont", "Mensah", "Okafor", "Ndiaye", "Cissé", "Silva", "Sousa",
              "Bangura", "Kamara", "Sesay", "Conteh", "Mbeki", "Owusu", "Haddad", "Nkosi", "Abebe", "Tesfaye"]
ARABIC_FIRST = ["محمد", "أحمد", "فاطمة", "عائشة", "علي", "حسن", "مريم", "يوسف", "خديجة", "عمر",
                "زينب", "إبراهيم", "سارة", "خالد", "ليلى", "مصطفى", "نور", "سلمى", "طارق", "هدى"]
ARABIC_LAST = ["العلي", "الحسن", "الأحمد", "السيد", "المصري", "الخطيب", "النجار", "الحداد", "الشامي", "البغدادي",
               "القاسم", "الزين", "العمر", "الحلبي", "الكردي", "التونسي", "الجزائري", "المغربي", "الليبي", "اليمني"]


def voters(count: int, arabic: bool) -> list[list[str]]:
    rng = random.Random(count)
    first, last = (ARABIC_FIRST, ARABIC_LAST) if arabic else (LATIN_FIRST, LATIN_LAST)
    sexes = ("ذ", "أ") if arabic else ("M", "F")
    # Three name parts, as on real rolls: far more distinct full names than the cache could hold.
    return [[str(n), f"{rng.choice(first)} {rng.choice(first)} {rng.choice(last)}", rng.choice(sexes),
             str(rng.randint(1940, 2007))] for n in range(1, count + 1)]


def print_list(rows: list[list[str]], lang: str) -> tuple[float, int, int]:
    with force_locale(lang):
        started, cpu = time.perf_counter(), time.process_time()
        doc = ReportDocument(title="Voter list", lang=lang, printed_by="bench")
        doc.area = "Centre C1"
        doc.table(["No.", "Name", "Sex", "Year of birth"], rows, [0.12, 0.58, 0.1, 0.2],
                  align=["end", "start", "center", "end"])
        data = doc.render()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    import io

    from pypdf import PdfReader

    return elapsed, cpu, len(PdfReader(io.BytesIO(data)).pages), len(data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="10000,20000,30000")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        print_list(voters(200, False), "en")  # fonts registered, modules warm
        print_list(voters(200, True), "ar")
        for label, lang, arabic in (("Latin", "en", False), ("Arabic", "ar", True)):
            for count in (int(n) for n in args.rows.split(",")):
                rows = voters(count, arabic)
                kit_text.visual_line.cache_clear()
                kit_text._reshape_word.cache_clear()
                if args.profile and count == max(int(n) for n in args.rows.split(",")):
                    profiler = cProfile.Profile()
                    profiler.enable()
                elapsed, cpu, pages, size = print_list(rows, lang)
                if args.profile and count == max(int(n) for n in args.rows.split(",")):
                    profiler.disable()
                    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
                # CPU time too: on a shared machine the wall clock also counts other processes.
                print(f"{label:6} {count:6} rows  {pages:4} pages  {elapsed:6.2f} s wall  {cpu:6.2f} s CPU  "
                      f"{pages / elapsed:6.1f} pages/s wall  {pages / cpu:6.1f} pages/s CPU  {size / 1e6:.1f} MB")


if __name__ == "__main__":
    with speed_reported():
        main()
