"""`electoral reports list` and `electoral reports print`."""

from electoral.core.auth import Role
from tests.factories import make_user
from tests.reports.factories import make_map
from tests.reports.helpers import pdf_text


def test_list_names_both_reports(runner, db):
    result = runner.invoke(args=["reports", "list"])
    assert result.exit_code == 0
    assert "geography-summary" in result.output and "audit-extract" in result.output


def test_print_writes_the_geography_summary_of_a_region(runner, db, tmp_path):
    make_map()
    db.session.commit()
    target = tmp_path / "summary.pdf"
    result = runner.invoke(args=["reports", "print", "geography-summary", "--lang", "ar",
                                 "--param", "region=NO", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Marché" in pdf_text(target.read_bytes())


def test_print_as_a_user_names_them_in_the_footer(runner, db, tmp_path):
    user = make_user(Role.ADMINISTRATOR, username="amina")
    user.full_name = "Amina Kone"
    db.session.commit()
    target = tmp_path / "audit.pdf"
    result = runner.invoke(args=["reports", "print", "audit-extract", "--as", "amina", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "by Amina Kone" in pdf_text(target.read_bytes())


def test_print_as_a_user_whose_role_may_not_is_refused(runner, db, tmp_path):
    make_user(Role.REGISTRATION_CLERK, username="clerk")
    db.session.commit()
    target = tmp_path / "audit.pdf"
    result = runner.invoke(args=["reports", "print", "audit-extract", "--as", "clerk", "-o", str(target)])
    assert result.exit_code != 0
    assert "may not print audit-extract" in result.output
    assert not target.exists()


def test_bad_parameter_exits_with_a_message(runner, db, tmp_path):
    make_map()
    db.session.commit()
    result = runner.invoke(args=["reports", "print", "geography-summary", "--param", "region=XX",
                                 "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert "region" in result.output


def test_unknown_report_exits_with_a_message(runner, db, tmp_path):
    result = runner.invoke(args=["reports", "print", "nothing", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert "no report named" in result.output
