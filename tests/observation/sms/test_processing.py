"""What becomes of a message: submissions, revisions, alerts, incidents, and the reply."""

from sqlalchemy import select

from electoral.observation.models import Alert, Incident, Submission
from electoral.observation.sms import services
from tests.observation.factories import make_observer, make_opening_checklist


def _receive(db, observer, text, gateway_id="m1"):
    outcome = services.receive(db.session, "tr", gateway_id, observer.phone, text)
    db.session.commit()
    return outcome.message


def _ready(db):
    make_opening_checklist()
    observer = make_observer()
    db.session.commit()
    return observer


def test_value_above_the_maximum_is_named_in_the_reply(db):
    observer = _ready(db)
    message = _receive(db, observer, f"OPEN {observer.accreditation_number} Q1Y Q3Y Q4 450")
    assert message.status == "rejected"
    assert "Q4: 450: At most 10." in message.reply
    assert db.session.scalars(select(Submission)).all() == []


def test_missing_relevant_answer_is_named_in_the_reply(db):
    observer = _ready(db)
    # Q1 = no makes Q2 (minutes late) relevant and required.
    message = _receive(db, observer, f"OPEN {observer.accreditation_number} Q1N Q3Y Q45")
    assert message.status == "rejected" and "Q2: Answer this question." in message.reply


def test_answer_to_a_hidden_question_is_dropped_as_on_the_web(db):
    observer = _ready(db)
    message = _receive(db, observer, f"OPEN {observer.accreditation_number} Q1Y Q2 30 Q3Y Q45")
    assert message.status == "processed" and "Q2" not in message.submission.answers


def test_reply_is_in_the_observers_language(db):
    observer = _ready(db)
    observer.languages = "fr en"
    db.session.commit()
    message = _receive(db, observer, f"OPEN {observer.accreditation_number} Q1Y Q3Y Q4 450")
    # Observation's own message, already translated; the SMS wording follows when the catalogues are filled.
    assert "Q4: 450: Au plus 10." in message.reply


def test_account_language_comes_before_the_spoken_ones(db):
    observer = _ready(db)
    observer.user.locale = "ar"
    assert services.language_of(observer) == "ar"


def test_critical_answer_by_sms_raises_the_same_alert(db):
    observer = _ready(db)
    message = _receive(db, observer, f"OPEN {observer.accreditation_number} Q1Y Q3N Q45")
    alert = db.session.scalars(select(Alert)).one()
    assert alert.submission_id == message.submission_id and alert.question_code == "Q3"


def test_corrected_resend_creates_a_revision(db):
    observer = _ready(db)
    _receive(db, observer, f"OPEN {observer.accreditation_number} Q1Y Q3Y Q45", "m1")
    second = _receive(db, observer, f"OPEN {observer.accreditation_number} Q1Y Q3Y Q46", "m2")
    assert second.submission.revision == 2
    current = db.session.scalars(select(Submission).where(Submission.current.is_(True))).one()
    assert current.answers["Q4"] == 6


def test_incident_by_sms_raises_an_alert(db):
    observer = _ready(db)
    message = _receive(db, observer, f"INC {observer.accreditation_number} 1 Men with sticks at the gate")
    incident = db.session.scalars(select(Incident)).one()
    assert (incident.category, incident.description) == ("violence", "Men with sticks at the gate")
    assert message.status == "processed"
    assert db.session.scalars(select(Alert)).one().incident_id == incident.id


def test_someone_elses_accreditation_number_is_refused(db):
    observer = _ready(db)
    other = make_observer()
    db.session.commit()
    message = _receive(db, observer, f"OPEN {other.accreditation_number} Q1Y Q3Y Q45")
    assert message.status == "rejected" and "is not your accreditation number" in message.reply


def test_observer_not_accredited_is_an_unknown_sender(db):
    make_opening_checklist()
    observer = make_observer(accredited=False)
    db.session.commit()
    message = _receive(db, observer, "OPEN 12345 Q1Y")
    assert message.status == "unknown_sender"


def test_phone_numbers_match_whatever_their_spelling(db):
    assert services.normalise("0770 000 001") == services.normalise("+231 77 000 0001") == "+231770000001"


def test_mobile_observer_names_the_station_even_with_dashes_in_its_code(db):
    from electoral.observation.models import ObserverCentre
    from tests.factories import make_centre, make_station

    make_opening_checklist()
    centre = make_centre()
    first, second = make_station(centre=centre, code="MO-01-001-1"), make_station(centre=centre, code="MO-01-001-2")
    observer = make_observer(station=first)
    observer.station = None
    db.session.add(ObserverCentre(observer=observer, centre=centre))
    db.session.commit()
    message = _receive(db, observer, f"OPEN {observer.accreditation_number} mo-01-001-2 Q1Y Q3Y Q45")
    assert message.status == "processed", message.reply
    assert message.submission.station_id == second.id


def test_mobile_observer_without_a_station_code_is_told_to_add_it(db):
    from electoral.observation.models import ObserverCentre
    from tests.factories import make_centre, make_station

    make_opening_checklist()
    centre = make_centre()
    make_station(centre=centre)
    make_station(centre=centre)
    observer = make_observer()
    observer.station = None
    db.session.add(ObserverCentre(observer=observer, centre=centre))
    db.session.commit()
    message = _receive(db, observer, f"OPEN {observer.accreditation_number} Q1Y Q3Y Q45")
    assert "Put the polling station code after your number." in message.reply
