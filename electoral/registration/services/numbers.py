"""Voter numbers: a sequence that never goes back, with ISO 7064 mod 97-10 check digits.

Mod 97-10 (the IBAN check) catches every single wrong digit and every swap of two
neighbouring digits, which are the mistakes people make when copying a number.
"""

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from electoral.registration.models import NumberCounter

COUNTER = "voter_number"
BODY_DIGITS = 9


def format_number(sequence: int) -> str:
    """The sequence's voter number: its digits, then the two ISO 7064 mod 97-10 check digits,
    which make the whole number leave 1 modulo 97 (see ``is_valid``)."""
    return f"{sequence:0{BODY_DIGITS}d}{98 - (sequence * 100) % 97:02d}"


def is_valid(number: str) -> bool:
    """True when ``number`` is well formed and its check digits agree."""
    number = clean(number)
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    return len(number) == BODY_DIGITS + 2 and number.isdecimal() and int(number) % 97 == 1


def clean(number: str) -> str:
    """The number without the spaces and dashes people type in it."""
    return "".join(c for c in (number or "") if c not in " -.")


def take(session: Session, count: int = 1) -> list[str]:
    """Reserve ``count`` new voter numbers (in the caller's transaction)."""
    first = reserve(session, count)
    return [format_number(n) for n in range(first, first + count)]


def reserve(session: Session, count: int) -> int:
    """Reserve the next ``count`` sequences (in the caller's transaction); return the first (see ``format_number``)."""
    connection = session.connection()
    bump = (update(NumberCounter).where(NumberCounter.name == COUNTER)
            .values(value=NumberCounter.value + count).returning(NumberCounter.value))
    row = connection.execute(bump).first()
    if row is None:
        # The very first numbers: two takers may both find no counter. ON CONFLICT makes
        # the second wait for the first's row instead of failing on the primary key.
        dialect_insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        connection.execute(dialect_insert(NumberCounter).values(name=COUNTER, value=0).on_conflict_do_nothing())
        row = connection.execute(bump).first()
    return row[0] - count + 1
