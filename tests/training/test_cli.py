"""`electoral training ...` imports and exports: good files import, a bad line imports nothing."""

import datetime as dt

from electoral.training import services
from electoral.training.models import Certificate, Official
from tests.factories import make_district, user_called
from tests.training.factories import make_course, make_official, make_position, make_session

OFFICIALS = """reference,full_name,sex,district_code,position_code,birth_date,phone,languages,education,status,locale
LR-1,Fatu Kollie,F,BO,PO,1990-02-11,0770111222,English; Kpelle,secondary,selected,en
LR-2,محمد الأمين,M,BO,PO,12/03/1985,,Arabic,tertiary,applicant,ar
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_officials_import_adds_everyone_from_a_good_file(runner, db, tmp_path):
    make_district(code="BO")
    make_position("PO")
    db.session.commit()
    result = runner.invoke(args=["training", "officials", "import", _write(tmp_path, "o.csv", OFFICIALS)])
    assert result.exit_code == 0, result.output
    assert "2 officials added, 0 updated." in result.output
    people = {o.reference: o for o in db.session.scalars(db.select(Official))}
    assert people["LR-2"].full_name == "محمد الأمين" and people["LR-2"].birth_date == dt.date(1985, 3, 12)


def test_officials_import_again_changes_nothing(runner, db, tmp_path):
    make_district(code="BO")
    make_position("PO")
    db.session.commit()
    path = _write(tmp_path, "o.csv", OFFICIALS)
    runner.invoke(args=["training", "officials", "import", path])
    result = runner.invoke(args=["training", "officials", "import", path])
    assert "0 officials added, 0 updated." in result.output


def test_officials_import_reports_every_bad_line_and_imports_nothing(runner, db, tmp_path):
    make_district(code="BO")
    make_position("PO")
    db.session.commit()
    bad = OFFICIALS + "LR-3,,F,BO,PO,,,,,,\nLR-1,Twice,F,BO,PO,,,,,,\nLR-4,Young,F,BO,PO,2020-01-01,,,,,\n"
    result = runner.invoke(args=["training", "officials", "import", _write(tmp_path, "o.csv", bad)])
    assert result.exit_code == 1
    assert "line 4: A name is required." in result.output
    assert "line 5: recruitment number LR-1 is also on line 2" in result.output
    assert "line 6: An official must be at least 18 years old." in result.output
    assert "3 bad lines; nothing was imported." in result.output
    assert db.session.scalars(db.select(Official)).all() == []


def _two_day_session(db):
    course = make_course()
    ts = make_session(course, days=2, start=dt.date(2026, 3, 2))
    people = [make_official(position=course.position, reference=ref) for ref in ("A1", "A2")]
    for person in people:
        services.enrol(db.session, ts, person)
    user_called("recorder")  # the imports act --as recorder
    db.session.commit()
    return ts


def test_attendance_and_scores_imports_certify_who_qualifies(runner, db, tmp_path):
    ts = _two_day_session(db)
    attendance = "session,reference,day,present\n" + "".join(
        f"{ts.id},{ref},{day},{'no' if (ref, day) == ('A2', '2026-03-03') else 'yes'}\n"
        for ref in ("A1", "A2") for day in ("2026-03-02", "2026-03-03"))
    result = runner.invoke(args=["training", "attendance", "import", _write(tmp_path, "a.csv", attendance), "--as", "recorder"])
    assert result.exit_code == 0, result.output
    scores = f"session,reference,pre_test,post_test\n{ts.id},A1,40,75\n{ts.id},A2,35,90\n"
    result = runner.invoke(args=["training", "scores", "import", _write(tmp_path, "s.csv", scores), "--as", "recorder"])
    assert result.exit_code == 0, result.output
    assert db.session.scalars(db.select(Certificate)).all() == []  # until a coordinator confirms
    from electoral.core.auth import Role
    from tests.factories import make_user

    make_user(Role.TRAINING_COORDINATOR, username="confirmer")
    db.session.commit()
    result = runner.invoke(args=["training", "confirm", str(ts.id), "--as", "confirmer"])
    assert result.exit_code == 0, result.output
    certified = [c.official.reference for c in db.session.scalars(db.select(Certificate))]
    assert certified == ["A1"]


def test_scores_import_with_bad_lines_saves_no_score(runner, db, tmp_path):
    ts = _two_day_session(db)
    scores = f"session,reference,pre_test,post_test\n{ts.id},A1,40,75\n{ts.id},A2,35,190\n{ts.id},ZZ,1,1\n999,A1,1,1\n"
    result = runner.invoke(args=["training", "scores", "import", _write(tmp_path, "s.csv", scores), "--as", "recorder"])
    assert result.exit_code == 1
    assert "line 3: the post-test score must be between 0 and 100." in result.output
    assert f"line 4: ZZ is not enrolled in session {ts.id}" in result.output
    assert "line 5: no session 999 in your area" in result.output
    assert all(e.post_score is None for e in db.session.get(type(ts), ts.id).enrolments)


def test_attendance_import_refuses_a_day_outside_the_session(runner, db, tmp_path):
    ts = _two_day_session(db)
    text = f"session,reference,day,present\n{ts.id},A1,2026-03-09,yes\n"
    result = runner.invoke(args=["training", "attendance", "import", _write(tmp_path, "a.csv", text), "--as", "recorder"])
    assert result.exit_code == 1
    assert f"line 2: 2026-03-09 is not a day of session {ts.id}" in result.output


def test_coverage_export_writes_one_line_per_district(runner, db, tmp_path):
    make_district(code="D-A")
    make_district(code="D-B")
    db.session.commit()
    out = tmp_path / "coverage.csv"
    result = runner.invoke(args=["training", "coverage", "export", str(out)])
    assert result.exit_code == 0, result.output
    assert [line.split(",")[0] for line in out.read_text(encoding="utf-8-sig").splitlines()] == ["district_code", "D-A", "D-B"]


def test_positions_defaults_adds_the_usual_staffing(runner, db):
    result = runner.invoke(args=["training", "positions", "defaults"])
    assert result.exit_code == 0
    assert services.staffing_template(db.session) == {"PO": 1, "QC": 1, "BBC": 1, "VIO": 1, "INK": 1}


def test_officials_import_reads_an_xlsx_file(runner, db, tmp_path):
    from openpyxl import Workbook

    make_district(code="BO")
    make_position("PO")
    db.session.commit()
    book = Workbook()
    sheet = book.active
    sheet.append(["reference", "full_name", "sex", "district_code", "position_code", "birth_date"])
    sheet.append(["LR-7", "Musu Kamara", "F", "BO", "PO", dt.datetime(1992, 6, 1)])
    path = tmp_path / "officials.xlsx"
    book.save(path)
    result = runner.invoke(args=["training", "officials", "import", str(path)])
    assert result.exit_code == 0, result.output
    official = db.session.scalars(db.select(Official)).one()
    assert (official.full_name, official.birth_date) == ("Musu Kamara", dt.date(1992, 6, 1))
