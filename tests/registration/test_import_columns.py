"""The import's column-by-column check and its writers give what the row-by-row check gives.

``RowChecker.check`` row by row is the reference: ``checked_batches`` (a CSV file read in
chunks, each distinct text judged once, rows built by C-level maps) must give the same
good rows' values, import keys included, and reject the same lines for the same
reasons. The rows written (SQLite: a hundred rows a statement, the number formatted by
SQLite; PostgreSQL: COPY) must be those values with numbers in file order.
"""

import random
from datetime import date

import pytest
import sqlalchemy
from sqlalchemy import func, inspect, select, text

from electoral.accounts.models import Role
from electoral.core.errors import ImportFailed
from electoral.core.tabular import read_columns
from electoral.registration.models import Voter
from electoral.registration.services import dedup, evidence, import_rows, imports, names, numbers
from tests.factories import make_centre, make_district, make_user, user_called
from tests.registration.factories import make_election

HEADER = "family_name,given_names,father_name,sex,date_of_birth,place_of_birth,centre_code,id_type,id_number,phone"
GIVEN = ["Amara", "Mariam Aminata", "JeanBaptiste", "محمد عبد الله", "Fatu", "N'Guessan", "Abdul Rahman", ""]
FAMILY = ["Kollie", "Al-Zawi", "AlZawi", "الزاوي", "Dolo", "Dool", "", "Ben Ali"]
SEXES = ["F", "M", "female", "Homme", "ذكر", "X", ""]
DATES = ["1980-05-14", "14/05/1980", "1975", "31/02/1990", "2090-01-01", "2015-01-01", "soon", "1969-12-31T00:00"]
CENTRES = ["MO-001", "MO-001", "MO-002", "FAR-9", "NOWHERE"]
TYPES = ["national_id", "NID", "passport", "voter_card", "tax_card", "chief_letter", "attestation", "ration card"]
NUMBERS = ["A123", "", "T-99", "x", "TX1234"]


def _line(rng: random.Random) -> str:
    """A line breaking any rule, or (one in two) none: the values that pass come first in each list."""
    good = rng.random() < 0.5
    pick = (lambda values, passing: rng.choice(values[:passing])) if good else (lambda values, _: rng.choice(values))
    cells = [pick(FAMILY, 6), pick(GIVEN, 7), rng.choice(["", "Musa", "'=1+1"]), pick(SEXES, 5), pick(DATES, 3),
             rng.choice(["", "Monrovia", " Gbarnga "]), pick(CENTRES, 3), pick(TYPES, 3), pick(NUMBERS, 1),
             rng.choice(["", "+231770000001"])]
    return ",".join(f'"{cell}"' if "," in cell else cell for cell in cells)


@pytest.fixture
def roll_file(db):
    """An election with a typed evidence number, centres (one outside the clerk's area), and a clerk scoped to MO's district."""
    settings = make_election(polling_day=date(2026, 10, 10))
    evidence.save_type(db.session, settings, "tax_card", {"en": "Tax card"}, True, number_format=r"TX\d{4}")
    home = make_district()
    make_centre(district=home, code="MO-001")
    make_centre(district=home, code="MO-002")
    make_centre(code="FAR-9")
    clerk = make_user(Role.REGISTRATION_CLERK, scope=home)
    db.session.commit()
    rng = random.Random(17)
    lines = [HEADER] + [_line(rng) for _ in range(400)]
    lines[50:50] = ["", " , ,", lines[10], lines[10]]  # blank lines, and a row three times over
    lines[200] = 'Kollie,"Two\nlines",,F,1980-05-14,,MO-001,passport,P1,'  # a quoted line break
    return "\r\n".join(lines).encode(), clerk


def _row_by_row(db, data: bytes, user) -> tuple[list[tuple], list[tuple]]:
    checker = import_rows.RowChecker(db.session, user=user, today=date(2026, 6, 1))
    good, bad = [], []
    for line, values in read_columns(data, "roll.csv", import_rows.ALL_COLUMNS, import_rows.IMPORT_COLUMNS):
        try:
            good.append(checker.check(values))
        except ValueError as problem:
            bad.append((line, str(problem)))
    return good, bad


@pytest.mark.parametrize("chunk", [1, 7, 1000])
def test_the_column_check_gives_the_row_checks_values_and_reasons(db, roll_file, monkeypatch, chunk):
    data, clerk = roll_file
    good, bad = _row_by_row(db, data, clerk)
    assert len(good) > 150 and len(bad) > 150  # the file breaks every rule somewhere, and passes too
    assert len({values[-1] for values in good}) == len(good)  # a row repeated gets keys of its own
    monkeypatch.setattr(import_rows, "CHUNK", chunk)
    checker = import_rows.RowChecker(db.session, user=clerk, today=date(2026, 6, 1))
    fast_good, fast_bad = [], []
    for batch, rejected in import_rows.checked_batches(checker, data, "roll.csv", 50):
        fast_good += batch
        fast_bad += [(r.line, r.reason) for r in rejected]
    assert fast_good == good
    assert fast_bad == bad
    reasons = " ".join(reason for _line, reason in bad)
    for words in ("family_name is empty", "given_names is empty", "sex must be", "is not a date", "in the future",
                  "under 18", "no polling centre", "outside your area", "id_type must be", "id_number is empty",
                  "does not have the form"):
        assert words in reasons


def test_the_cached_name_keys_are_the_keys_of_each_name(db, roll_file):
    """Each distinct name's skeletons and fold are worked out once: the same as working them out each time."""
    data, _clerk = roll_file
    good, _bad = _row_by_row(db, data, None)
    names.tokens.cache_clear()
    for values in good:
        family, given, sex = values[0], values[1], values[3]
        assert values[12:16] == dedup.keys(given, family, sex)
        assert values[16] == f"{names.display_fold(family)}\x01{names.display_fold(given)}"[:200]


def test_sqlite_numbers_voters_as_format_number_does(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the number is formatted in SQL on SQLite only")
    sequences = [1, 2, 96, 97, 98, 194, 123456, 999_999_999, 1_000_000_000, 4_294_967_297]
    for sequence in sequences:
        sql = f"SELECT {imports._numbered(':n')}"  # noqa: S608 (the expression under test)
        assert db.session.execute(text(sql), {"n": sequence}).scalar() == numbers.format_number(sequence)


@pytest.mark.parametrize("bulk", [False, True])
def test_the_rows_written_are_the_checked_values_numbered_in_file_order(db, roll_file, monkeypatch, bulk):
    """Both engines, in batches or in bulk (SQLite by INSERTs, PostgreSQL by COPY), write exactly the checked values."""
    data, clerk = roll_file
    good, _bad = _row_by_row(db, data, clerk)
    monkeypatch.setattr(imports, "BULK_FROM", 10 if bulk else 10**9)
    monkeypatch.setattr(imports, "ROWS_PER_INSERT", 7)  # statements of 7 rows and a shorter last one
    first = numbers.reserve(db.session, 5) + 5  # numbers taken before: the import's start after them
    db.session.commit()
    summary = imports.import_voters(db.session, data, "roll.csv", clerk, skip_invalid=True,
                                    batch_size=23, end_batch=db.session.commit, scan=False)
    assert summary.imported == len(good)
    voters = db.session.scalars(select(Voter).order_by(Voter.id)).all()
    columns = import_rows.ROW_COLUMNS
    written = [tuple(getattr(v, c) for c in columns) for v in voters]
    expected = [tuple(date.fromisoformat(v) if c == "date_of_birth" and isinstance(v, str) else v
                      for c, v in zip(columns, values, strict=True)) for values in good]
    assert written == expected
    assert [v.voter_number for v in voters] == [numbers.format_number(first + n) for n in range(len(good))]
    assert {(v.status, v.registered_by) for v in voters} == {("active", clerk.username)}
    assert all(v.registered_at is not None for v in voters)


def _voter_indexes(db) -> set[str]:
    return {index["name"] for index in inspect(db.session.connection()).get_indexes("voter")}


def test_a_bulk_load_into_an_empty_roll_is_all_or_nothing_on_either_engine(db, monkeypatch):
    """PostgreSQL loads a large file into an empty roll as SQLite does: one transaction, indexes rebuilt after."""
    make_election()
    make_centre(code="MO-001")
    db.session.commit()
    monkeypatch.setattr(imports, "BULK_FROM", 10)
    indexes = _voter_indexes(db)
    assert {"ix_voter_import_key", "ix_voter_key_last_year"} <= indexes
    lines = ["family_name,given_names,sex,date_of_birth,centre_code,id_type,id_number"]
    lines += [f"Family{n},Given{n},{'FM'[n % 2]},1970-01-{1 + n % 28:02d},MO-001,national_id,B{n}" for n in range(30)]
    broken = [*lines]
    broken[27] = broken[27].replace("MO-001", "NOWHERE")
    stages = []
    with pytest.raises(ImportFailed) as failure:
        imports.import_voters(db.session, "\n".join(broken).encode(), "kit.csv", user_called("clerk"), batch_size=10,
                              progress=lambda stage, done, total: stages.append(stage), end_batch=db.session.commit)
    assert [error.line for error in failure.value.errors] == [28]
    assert stages[:2] == ["loading", "writing"]  # written in bulk, then undone
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Voter)) == 0
    assert _voter_indexes(db) == indexes

    stages.clear()
    summary = imports.import_voters(db.session, "\n".join(lines).encode(), "kit.csv", user_called("clerk"),
                                    batch_size=10,
                                    progress=lambda stage, done, total: stages.append(stage),
                                    end_batch=db.session.commit)
    assert (summary.imported, stages[0]) == (30, "loading")
    assert _voter_indexes(db) == indexes
    again = imports.import_voters(db.session, "\n".join(lines).encode(), "kit.csv", user_called("clerk"), batch_size=10,
                                  end_batch=db.session.commit)
    assert (again.imported, again.already_imported) == (0, 30)
    assert db.session.scalar(select(func.count()).select_from(Voter)) == 30


def _voter_foreign_keys(db) -> list[dict]:
    return sorted(inspect(db.session.connection()).get_foreign_keys("voter"), key=lambda key: key["name"])


def test_a_bulk_load_puts_the_voter_foreign_keys_back_under_their_names(db, monkeypatch):
    """On PostgreSQL the foreign keys are dropped while the rows go in and added back after, named as before;
    a load that fails leaves them as they were; on SQLite they stay."""
    make_election()
    make_centre(code="MO-001")
    db.session.commit()
    monkeypatch.setattr(imports, "BULK_FROM", 10)
    keys = _voter_foreign_keys(db)
    assert {key["name"] for key in keys} == {
        "fk_voter_centre_id_polling_centre", "fk_voter_station_id_polling_station", "fk_voter_kept_voter_id_voter"}
    lines = ["family_name,given_names,sex,date_of_birth,centre_code,id_type,id_number"]
    lines += [f"Family{n},Given{n},{'FM'[n % 2]},1970-01-{1 + n % 28:02d},MO-001,national_id,B{n}" for n in range(30)]
    while_writing = []

    def look(stage, done, total):
        if stage == "writing":
            while_writing.append({key["name"] for key in _voter_foreign_keys(db)})

    broken = [*lines[:-1], lines[-1].replace("MO-001", "NOWHERE")]
    with pytest.raises(ImportFailed):
        imports.import_voters(db.session, "\n".join(broken).encode(), "kit.csv", user_called("clerk"), batch_size=10,
                              end_batch=db.session.commit)
    db.session.rollback()
    assert _voter_foreign_keys(db) == keys
    summary = imports.import_voters(db.session, "\n".join(lines).encode(), "kit.csv", user_called("clerk"),
                                    batch_size=10, progress=look, end_batch=db.session.commit, scan=False)
    assert summary.imported == 30
    dropped = db.engine.dialect.name == "postgresql"
    assert while_writing
    assert all(names == (set() if dropped else {key["name"] for key in keys}) for names in while_writing)
    assert _voter_foreign_keys(db) == keys


def test_a_bulk_load_on_sqlite_puts_its_cache_and_sorter_threads_back(db, monkeypatch):
    """The index builds' small page cache and worker threads last only while the indexes are built."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's pragmas")
    make_election()
    make_centre(code="MO-001")
    db.session.commit()
    monkeypatch.setattr(imports, "BULK_FROM", 10)
    connection = db.session.connection()
    before = [connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name in ("cache_size", "threads")]
    seen = []
    create = sqlalchemy.Index.create

    def looked_at(index, bind, *args, **kwargs):
        seen.append(tuple(bind.exec_driver_sql(f"PRAGMA {name}").scalar() for name in ("cache_size", "threads")))
        return create(index, bind, *args, **kwargs)

    monkeypatch.setattr(sqlalchemy.Index, "create", looked_at)
    lines = ["family_name,given_names,sex,date_of_birth,centre_code,id_type,id_number"]
    lines += [f"Family{n},Given{n},{'FM'[n % 2]},1970-01-{1 + n % 28:02d},MO-001,national_id,B{n}" for n in range(30)]
    summary = imports.import_voters(db.session, "\n".join(lines).encode(), "kit.csv", user_called("clerk"),
                                    batch_size=10, end_batch=db.session.commit, scan=False)
    assert summary.imported == 30
    assert set(seen) == {(-imports.SORTER_CACHE_KIB, imports.SORTER_THREADS)}
    assert len(seen) == len(Voter.__table__.indexes)
    connection = db.session.connection()
    assert [connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name in ("cache_size", "threads")] == before


def test_an_import_in_batches_puts_the_cache_back_on_the_connection_it_enlarged(db):
    """Each batch commits, and the session may take another of the pool's connections after it: the
    512 MiB cache is put back on the one it was set on, not left on a connection back in the pool."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's pragmas")
    make_election()
    make_centre(code="MO-001")
    db.session.commit()
    first = db.session.connection().connection.driver_connection
    before = first.execute("PRAGMA cache_size").fetchone()[0]
    # A second connection waiting in the pool: the first batch's commit hands the session's back, and
    # the next batch takes the one that waited longest (the pool is first in, first out).
    with db.engine.connect() as other:
        assert other.connection.driver_connection is not first
    lines = ["family_name,given_names,sex,date_of_birth,centre_code,id_type,id_number"]
    lines += [f"Family{n},Given{n},{'FM'[n % 2]},1970-01-{1 + n % 28:02d},MO-001,national_id,B{n}" for n in range(30)]
    summary = imports.import_voters(db.session, "\n".join(lines).encode(), "kit.csv", user_called("clerk"),
                                    batch_size=10, end_batch=db.session.commit, scan=False)
    assert summary.imported == 30
    assert first.execute("PRAGMA cache_size").fetchone()[0] == before


def test_chunks_read_as_read_columns_reads_them(app):
    """read_column_chunks: the same lines, values and errors as read_columns, on files made to trip it."""
    from electoral.core import tabular

    pieces = ["x", " y ", "", "'=1", "'abc", "é", "محمد", '"q,1"', '"multi\nline"', '"cr\r\nlf"', "  ", "'+3",
              "w" * 2001, '"unterminated']
    rng = random.Random(5)

    def outcome(read):
        try:
            return list(read())
        except tabular.TabularError as error:
            return str(error)

    with app.test_request_context():
        for _trial in range(1500):
            lines = [rng.choice(["a,b,c,d", "d,b,a", "a,b,c,d,e", "b,a,c", "c,d"])]
            lines += [",".join(rng.choice(pieces) for _ in range(rng.randint(0, 5))) for _ in range(rng.randint(0, 9))]
            newline = rng.choice(["\n", "\r\n"])
            data = (newline.join(lines) + rng.choice(["", newline])).encode()
            size = rng.randint(1, 4)

            def chunked(data=data, size=size):
                for numbers_, rows, columns in tabular.read_column_chunks(data, "f.csv", list("abcd"), ["a", "b"], size):
                    assert [list(column) for column in zip(*rows, strict=True)] == columns
                    yield from zip(numbers_, rows, strict=True)

            expected = outcome(lambda data=data: tabular.read_columns(data, "f.csv", list("abcd"), ["a", "b"]))
            assert outcome(chunked) == expected, data


def test_a_bulk_load_writes_backslashes_tabs_and_line_breaks_as_read(db, monkeypatch):
    """PostgreSQL's bulk load sends the checker's lines of COPY text: what COPY would read as an escape,
    a separator, a line end or a NULL is written as the text read, on either engine."""
    make_election()
    make_centre(code="MO-001")
    db.session.commit()
    monkeypatch.setattr(imports, "BULK_FROM", 5)
    odd = ["Back\\slash", "Tab\there", "Two\nlines", "Carriage\rreturn", "\\N", "\\t\\n", "Plain"]
    lines = ["family_name,given_names,father_name,sex,date_of_birth,place_of_birth,centre_code,id_type,id_number"]
    lines += [f'"{name}","Given {n}","{name}",F,1970-01-{1 + n:02d},"{name}",MO-001,national_id,"N\\{n}"'
              for n, name in enumerate(odd)]
    lines.append("Kollie,Amara,,M,1971-02-03,,MO-001,national_id,K1")
    summary = imports.import_voters(db.session, "\n".join(lines).encode(), "kit.csv", user_called("clerk"),
                                    batch_size=3, end_batch=db.session.commit, scan=False)
    assert summary.imported == len(odd) + 1
    voters = db.session.scalars(select(Voter).order_by(Voter.id)).all()
    assert [(v.family_name, v.father_name, v.place_of_birth, v.id_number) for v in voters] == [
        *((name, name, name, f"N\\{n}") for n, name in enumerate(odd)), ("Kollie", None, None, "K1")]
    assert [v.given_names for v in voters[:2]] == ["Given 0", "Given 1"]
    assert {v.phone for v in voters} == {None}
    assert all(len(v.import_key) == import_rows.IMPORT_KEY_LENGTH for v in voters)


def test_a_bulk_rerun_with_nothing_new_leaves_the_indexes_alone(db, monkeypatch):
    """A file whose every row an earlier run wrote drops no index and builds none again; one new row does."""
    make_election()
    make_centre(code="MO-001")
    db.session.commit()
    monkeypatch.setattr(imports, "BULK_FROM", 10)
    lines = ["family_name,given_names,sex,date_of_birth,centre_code,id_type,id_number"]
    lines += [f"Family{n},Given{n},{'FM'[n % 2]},1970-01-{1 + n % 28:02d},MO-001,national_id,B{n}" for n in range(30)]
    clerk = user_called("clerk")
    assert imports.import_voters(db.session, "\n".join(lines).encode(), "kit.csv", clerk, batch_size=10,
                                 end_batch=db.session.commit, scan=False).imported == 30
    indexes = _voter_indexes(db)
    drop, dropped = sqlalchemy.Index.drop, []

    def counted_drop(index, *args, **kwargs):
        dropped.append(index.name)
        return drop(index, *args, **kwargs)

    monkeypatch.setattr(sqlalchemy.Index, "drop", counted_drop)
    lines_again = [*lines, "Kollie,Amara,F,1980-05-14,MO-001,national_id,K1"]
    for data, new in ((lines, 0), (lines_again, 1)):
        dropped.clear()
        # On SQLite both go in bulk (the roll is no larger than the file); on PostgreSQL in batches.
        bulk = imports._loads_in_bulk(db.session, "\n".join(data).count("\n") + 1, "kit.csv")
        assert bulk == (db.engine.dialect.name == "sqlite")
        summary = imports.import_voters(db.session, "\n".join(data).encode(), "kit.csv", clerk, batch_size=10,
                                        end_batch=db.session.commit, scan=False)
        assert (summary.imported, summary.already_imported) == (new, 30)
        assert sorted(dropped) == (sorted(i.name for i in Voter.__table__.indexes) if bulk and new else [])
        assert _voter_indexes(db) == indexes
    assert db.session.scalar(select(func.count()).select_from(Voter)) == 31
