"""The observer's badge and the observation report, read back from the PDF."""

import pytest

from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.observation import services
from electoral.reports.registry import render
from tests.observation.factories import OPENING_OK, make_observer, make_opening_checklist
from tests.reports.helpers import pdf_text


def test_badge_shows_name_organisation_number_and_validity(db):
    observer = make_observer(family_name="Sirleaf")
    db.session.commit()
    pdf = render("badge", {"observer": str(observer.id)}, lang="en", roles=[Role.OBSERVER_COORDINATOR],
                 printed_by="test")
    text = pdf_text(pdf)
    assert "Fatu Sirleaf" in text
    assert observer.organisation.name in text
    assert observer.accreditation_number in text
    assert "Valid until" in text


def test_badge_is_refused_for_an_unaccredited_observer(db):
    observer = make_observer(accredited=False)
    db.session.commit()
    with pytest.raises(ValidationFailed):
        render("badge", {"observer": str(observer.id)}, lang="en", roles=[Role.ADMINISTRATOR], printed_by="test")


def test_observation_report_has_coverage_findings_and_incidents(db):
    template = make_opening_checklist()
    observer = make_observer()
    services.submit(db.session, template, observer.station, OPENING_OK, "report-0001", observer)
    services.report_incident(db.session, observer, observer.station, "violence", "Fight at the gate", "high",
                             "report-inc-01")
    db.session.commit()
    text = pdf_text(render("observation-report", {}, lang="fr", roles=[Role.ADMINISTRATOR], printed_by="test"))
    assert observer.station.centre.district.region.code in text
    assert "Q1 Le bureau a-t-il ouvert" in text
    assert "100" in text


def test_badge_prints_from_the_command_line(runner, db, tmp_path):
    observer = make_observer(family_name="Weah")
    db.session.commit()
    out = tmp_path / "badge.pdf"
    result = runner.invoke(args=["reports", "print", "badge", "--param", f"observer={observer.id}", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "Fatu Weah" in text and observer.accreditation_number in text
