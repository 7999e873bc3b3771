"""The training certificate is asked for by the official's recruitment number, never by a database number."""

import re

import pytest

from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.reports import registry
from tests.reports.helpers import pdf_text
from tests.training.test_reports import _certified


def _print(params):
    return registry.render("certificate", params, lang="en", roles=[Role.TRAINING_COORDINATOR], printed_by="test")


def test_certificate_prints_by_recruitment_number(app, db):
    certificate = _certified(db, name="Fatu Kollie")
    text = pdf_text(_print({"official": certificate.official.reference}))
    assert "Fatu Kollie" in text and certificate.official.reference in text


def test_internal_database_number_is_not_a_recruitment_number(app, db):
    certificate = _certified(db)
    with pytest.raises(ValidationFailed, match="No official has the recruitment number"):
        registry.get("certificate").validate({"official": str(certificate.official_id)})


def test_official_page_prints_with_the_recruitment_number(client, login_as, db):
    certificate = _certified(db)
    login_as(Role.TRAINING_COORDINATOR)
    page = client.get(f"/training/officials/{certificate.official_id}").get_data(as_text=True)
    assert re.search(rf'name="p_official" value="{re.escape(certificate.official.reference)}"', page)
    # The print form names the field by what the official's papers say.
    form = client.get("/reports/certificate").get_data(as_text=True)
    assert "Recruitment number of the official" in form
