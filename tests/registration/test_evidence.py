"""Identity evidence types as the election's settings: synonyms in files, labels in the user's language, numbers."""

import re

import pytest
from sqlalchemy import select

from electoral.core.auth import Role
from electoral.core.errors import ImportFailed, ValidationFailed
from electoral.registration.models import EvidenceType, Voter
from electoral.registration.services import evidence, imports
from electoral.registration.services.voters import register
from tests.factories import make_centre, user_called
from tests.registration.factories import make_election, make_voter, registration

HEADER = "family_name,given_names,sex,date_of_birth,centre_code,id_type,id_number"


def _import(db, *rows, skip_invalid=False):
    data = "\n".join([HEADER, *rows]).encode()
    return imports.import_voters(db.session, data, "kit.csv", user_called("clerk"), skip_invalid=skip_invalid,
                                 end_batch=db.session.commit)


def _refugee_card(db, settings):
    return evidence.save_type(db.session, settings, "refugee_card", {"en": "Refugee card", "fr": "Carte de réfugié"},
                              True, r"RC-[0-9]{6}", ["UNHCR card", "carte HCR"])


def test_a_new_election_starts_with_the_default_evidence_types(db):
    settings = make_election()
    assert [t.code for t in settings.evidence_types] == [
        "national_id", "passport", "birth_certificate", "old_voter_card", "attestation"]
    assert evidence.label(settings.evidence_types[0], "fr") == "Carte nationale d'identité"


@pytest.mark.parametrize("written", ["voter_card", "VOTER CARD", "Voter-Card", "Ancienne carte d'électeur",
                                     "carte d'electeur", "old_voter_card"])
def test_import_accepts_the_words_files_use_for_a_type(db, written):
    make_election()
    make_centre(code="BO-001")
    summary = _import(db, f"Kamara,Fatmata,F,1985-02-11,BO-001,{written},OVC-4471")
    assert summary.imported == 1, summary.rejected
    assert db.session.scalar(select(Voter.id_type)) == "old_voter_card"


def test_import_refuses_an_unknown_type_and_names_the_known_ones(db):
    make_election()
    make_centre(code="BO-001")
    with pytest.raises(ImportFailed) as failure:
        _import(db, "Kamara,Fatmata,F,1985-02-11,BO-001,refugee card,RC-004471")
    message = failure.value.errors[0].message
    assert "id_type must be one of national_id, passport, birth_certificate, old_voter_card" in message
    assert "attestation" not in message


def test_a_type_the_commission_adds_is_imported_by_its_synonym_and_its_number_format_enforced(db):
    settings = make_election()
    make_centre(code="BO-001")
    _refugee_card(db, settings)
    summary = _import(db, "Kamara,Fatmata,F,1985-02-11,BO-001,unhcr card,RC-004471",
                      "Sesay,Isatu,F,1979-07-30,BO-001,Carte de réfugié,4471", skip_invalid=True)
    assert summary.imported == 1
    assert db.session.scalar(select(Voter.id_type)) == "refugee_card"
    assert [(r.line, r.reason) for r in summary.rejected] == [
        (3, "\"4471\" does not have the form of a Refugee card number")]


def test_a_type_without_a_required_number_imports_rows_without_one(db):
    settings = make_election()
    make_centre(code="BO-001")
    evidence.save_type(db.session, settings, "chief_attestation", {"en": "Attestation by the chief"}, False,
                       synonyms=["chief letter"])
    summary = _import(db, "Kamara,Fatmata,F,1985-02-11,BO-001,Chief Letter,")
    assert summary.imported == 1
    assert db.session.scalars(select(Voter.id_number)).one() is None


def test_registration_enforces_the_types_number_rules(db):
    settings = make_election()
    _refugee_card(db, settings)
    with pytest.raises(ValidationFailed) as missing:
        register(db.session, registration(id_type="refugee_card", id_number=""), user_called("clerk"))
    assert missing.value.errors["id_number"] == ["Enter the number of the identity document."]
    with pytest.raises(ValidationFailed) as malformed:
        register(db.session, registration(id_type="refugee_card", id_number="RC-12"), user_called("clerk"))
    assert malformed.value.errors["id_number"] == ["\"RC-12\" does not have the form of a Refugee card number"]
    voter = register(db.session, registration(id_type="refugee_card", id_number="RC-123456"), user_called("clerk"))
    assert voter.id_type == "refugee_card"
    with pytest.raises(ValidationFailed) as unknown:
        register(db.session, registration(id_type="driving_licence", id_number="D1"), user_called("clerk"))
    assert "id_type" in unknown.value.errors


def test_registration_form_offers_the_elections_types_in_the_users_language(client, db, login_as):
    settings = make_election()
    _refugee_card(db, settings)
    make_centre(code="BO-001")
    user = login_as(Role.REGISTRATION_CLERK)
    user.locale = "fr"
    db.session.commit()
    page = client.get("/registration/register").get_data(as_text=True)
    assert '<option value="refugee_card">Carte de réfugié</option>' in page
    assert '<option value="national_id">Carte nationale d&#39;identité</option>' in page
    response = client.post_form("/registration/register", {
        "family_name": "Kamara", "given_names": "Fatmata", "sex": "F", "date_of_birth": "1985-02-11",
        "centre_code": "BO-001", "id_type": "refugee_card", "id_number": "RC-12"})
    assert response.status_code == 200
    # The message beside the number names the type by its French label.
    assert re.search(r'<p class="error">[^<]*RC-12[^<]*Carte de réfugié', response.get_data(as_text=True))
    assert db.session.scalar(select(Voter.id)) is None


def test_a_type_the_election_no_longer_offers_is_refused_on_the_form(client, db, login_as):
    make_election()
    make_centre(code="BO-001")
    evidence.remove_type(db.session, evidence.find_type(db.session, "birth_certificate"))
    login_as(Role.REGISTRATION_CLERK)
    page = client.get("/registration/register").get_data(as_text=True)
    assert 'value="birth_certificate"' not in page
    response = client.post_form("/registration/register", {
        "family_name": "Kamara", "given_names": "Fatmata", "sex": "F", "date_of_birth": "1985-02-11",
        "centre_code": "BO-001", "id_type": "birth_certificate", "id_number": "BC-1"})
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalar(select(Voter.id)) is None


def test_admin_adds_a_type_on_the_settings_page(client, db, login_as):
    make_election()
    login_as(Role.ADMINISTRATOR)
    response = client.post_form("/registration/election/evidence/new", {
        "code": "naturalisation", "label_en": "Naturalisation certificate", "label_fr": "Certificat de naturalisation",
        "number_required": "y", "number_format": "", "synonyms": "naturalization, nat cert"},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Identity evidence naturalisation saved." in page
    assert "Naturalisation certificate" in page and "naturalization, nat cert" in page
    saved = db.session.scalar(select(EvidenceType).where(EvidenceType.code == "naturalisation"))
    assert saved.labels["fr"] == "Certificat de naturalisation" and saved.number_required


def test_settings_page_refuses_a_bad_format_and_a_synonym_of_another_type(client, db, login_as):
    make_election()
    login_as(Role.ADMINISTRATOR)
    page = client.post_form("/registration/election/evidence/new", {
        "code": "refugee_card", "label_en": "Refugee card", "number_format": "RC-[0-9",
        "synonyms": "voter card"}).get_data(as_text=True)
    assert "Not a regular expression" in page
    assert "Already a word of another type: voter card (old_voter_card)" in page
    assert evidence.find_type(db.session, "refugee_card") is None


def test_a_type_voters_carry_cannot_be_removed(client, db, login_as):
    make_election()
    make_voter(id_type="passport", id_number="P123")
    login_as(Role.ADMINISTRATOR)
    page = client.post_form("/registration/election/evidence/passport/remove",
                            follow_redirects=True).get_data(as_text=True)
    assert "Voters on the roll carry Passport: it cannot be removed." in page
    assert evidence.find_type(db.session, "passport") is not None


def test_cli_configure_loads_evidence_types_from_a_file(runner, db, tmp_path):
    path = tmp_path / "evidence.csv"
    path.write_text("code,label_en,label_fr,number_required,number_format,synonyms\n"
                    "refugee_card,Refugee card,Carte de réfugié,yes,RC-[0-9]{6},\"UNHCR card, carte HCR\"\n"
                    "old_voter_card,Old voter card,Ancienne carte d'électeur,no,,\"voter_card, VC\"\n",
                    encoding="utf-8")
    result = runner.invoke(args=["election", "configure", "--name", "General elections 2026",
                                 "--polling-day", "2026-10-10", "--evidence-types", str(path)])
    assert result.exit_code == 0, result.output
    assert "Identity evidence: 1 types added, 1 updated." in result.output
    refugee = evidence.find_type(db.session, "refugee_card")
    assert (refugee.labels["fr"], refugee.number_format, refugee.synonyms) == (
        "Carte de réfugié", "RC-[0-9]{6}", ["UNHCR card", "carte HCR"])
    assert evidence.find_type(db.session, "old_voter_card").number_required is False


def test_cli_configure_lists_bad_lines_of_the_evidence_file_and_changes_nothing(runner, db, tmp_path):
    make_election()
    db.session.commit()
    path = tmp_path / "evidence.csv"
    path.write_text("code,label_en,number_required\nrefugee card,Refugee card,perhaps\nchief,,no\n")
    result = runner.invoke(args=["election", "configure", "--name", "General elections 2026",
                                 "--polling-day", "2026-10-10", "--evidence-types", str(path)])
    assert result.exit_code == 1
    assert "line 2: number_required must be yes or no" in result.output
    assert "line 3: Give the label in English at least." in result.output
    db.session.rollback()
    assert evidence.find_type(db.session, "chief") is None


def test_only_an_administrator_changes_the_evidence_types(client, db, login_as):
    make_election()
    login_as(Role.REGISTRATION_SUPERVISOR)
    assert client.get("/registration/election/evidence/new").status_code == 403
    assert client.post_form("/registration/election/evidence/passport/remove").status_code == 403
    assert evidence.find_type(db.session, "passport") is not None


def test_admin_edits_a_type_and_its_number_format_applies_at_once(client, db, login_as):
    make_election()
    login_as(Role.ADMINISTRATOR)
    page = client.get("/registration/election/evidence/passport/edit").get_data(as_text=True)
    assert 'value="Passeport"' in page and 'value="passeport, pasaporte' in page
    response = client.post_form("/registration/election/evidence/passport/edit", {
        "code": "passport", "label_en": "Passport", "label_fr": "Passeport", "number_required": "y",
        "number_format": "[A-Z][0-9]{7}", "synonyms": "passeport"})
    assert response.status_code == 302
    with pytest.raises(ValidationFailed) as malformed:
        register(db.session, registration(id_type="passport", id_number="12345"), user_called("clerk"))
    assert "does not have the form of a Passport number" in malformed.value.errors["id_number"][0]
