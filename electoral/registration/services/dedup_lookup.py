"""The duplicate check's lookups on the roll (dedup.candidates): statements built once, dates that can be one birthday."""

from datetime import date
from functools import cache

from sqlalchemy import bindparam, or_, select

from electoral.registration.models import Voter

PERSON_COLUMNS = (Voter.id, Voter.family_name, Voter.given_names, Voter.father_name, Voter.sex,
                  Voter.date_of_birth, Voter.birth_year_only, Voter.place_of_birth, Voter.id_type,
                  Voter.id_number, Voter.voter_number)


@cache
def lookup_statements():
    """The check's lookups (names, last names, given name, family name, ID number), built once.

    Building a statement costs more than running it on an indexed key: each check
    only binds its keys and years. The last-names and single-name lookups come twice:
    as is, and for an exact date of birth with only the dates that can be one birthday
    with it (``birthday_dates``), so the database leaves out the rest of a common name's crowd.
    """
    columns = select(*PERSON_COLUMNS, Voter.key_given, Voter.key_family)
    key, low, high = bindparam("key"), bindparam("low"), bindparam("high")
    by_key = [columns.where(column == key, Voter.birth_year.between(low, high), Voter.registered)
              for column in (Voter.key_names, Voter.key_last, Voter.key_given, Voter.key_family)]
    dated = or_(Voter.birth_year_only, Voter.date_of_birth.in_(bindparam("dates", expanding=True)))
    return by_key + [columns.where(Voter.id_number == key, Voter.registered)] + [
        statement.where(dated) for statement in by_key[1:]]


def birthday_dates(born: date) -> list[date]:
    """The dates an exact date of birth can be one birthday with (could_be_one_birthday), year-only dates aside.

    1 January a year either side, the same day and month a year either side, and the
    day and month swapped.
    """
    year, month, day = born.year, born.month, born.day
    found = [date(y, 1, 1) for y in (year - 1, year, year + 1)]
    for y, m, d in ((year - 1, month, day), (year, month, day), (year + 1, month, day), (year, day, month)):
        try:
            found.append(date(y, m, d))
        except ValueError:  # 29 February in another year, or a day that is no month
            continue
    return found
