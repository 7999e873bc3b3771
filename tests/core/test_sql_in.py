"""The check constraints over state tuples are written by one helper (electoral/core/models.py)."""

from pathlib import Path

from electoral.core.models import sql_in

ELECTORAL = Path(__file__).resolve().parents[2] / "electoral"


def test_strings_are_quoted_and_numbers_are_not():
    assert sql_in("status", ("active", "removed")) == "status IN ('active', 'removed')"
    assert sql_in("entry_no", (1, 2)) == "entry_no IN (1, 2)"
    assert sql_in("name", ("O'Brien",)) == "name IN ('O''Brien')"


def test_no_domain_keeps_its_own_copy():
    copies = [str(p.relative_to(ELECTORAL)) for p in ELECTORAL.rglob("*.py") if "def _in(" in p.read_text("utf-8")]
    assert copies == []
