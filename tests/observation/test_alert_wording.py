"""A critical-answer alert reads in the coordinator's language: the question's label and the answer's choice label."""

from electoral.core.auth import Role
from electoral.observation import services
from tests.observation.factories import make_observer


def _checklist_with_a_critical_choice(db):
    template = services.create_template(db.session, "SUPPLY", "Supplies", "opening")
    services.add_question(
        db.session, template, "S1", "single_choice",
        {"en": "What was missing at opening?", "fr": "Que manquait-il à l'ouverture ?"},
        choices=[{"value": "none", "texts": {"en": "Nothing", "fr": "Rien"}},
                 {"value": "ink", "texts": {"en": "Indelible ink", "fr": "Encre indélébile"}}],
        critical="S1 = ink")
    services.add_question(db.session, template, "S2", "yes_no",
                          {"en": "Was the box sealed?", "fr": "L'urne était-elle scellée ?"}, critical="S2 = no")
    services.publish(db.session, template)
    return template


def test_alert_shows_question_and_choice_labels_in_french(client, db, login_as):
    template = _checklist_with_a_critical_choice(db)
    observer = make_observer()
    services.submit(db.session, template, observer.station, {"S1": "ink", "S2": "no"}, "alert-fr-0001", observer)
    db.session.commit()
    login_as(Role.OBSERVER_COORDINATOR)

    page = client.get("/observation/alerts", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Que manquait-il à l'ouverture ?" in page.replace("&#39;", "'")
    assert "Encre indélébile" in page
    assert "L'urne était-elle scellée ?" in page.replace("&#39;", "'") and ">Non</strong>" in page
    # Neither the English question nor the stored code of the answer.
    assert "What was missing at opening?" not in page and "= ink" not in page and "S1:" not in page


def test_alert_in_english_names_the_choice_not_its_code(client, db, login_as):
    template = _checklist_with_a_critical_choice(db)
    observer = make_observer()
    services.submit(db.session, template, observer.station, {"S1": "ink", "S2": "yes"}, "alert-en-0001", observer)
    db.session.commit()
    login_as(Role.OBSERVER_COORDINATOR)

    page = client.get("/observation/dashboard").get_data(as_text=True)
    assert "What was missing at opening?" in page and ">Indelible ink</strong>" in page
    assert "= ink" not in page
