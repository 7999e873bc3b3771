"""Observation factories: organisations, accredited observers, published checklists."""

import datetime as dt
import itertools

from electoral.core.auth import Role
from electoral.extensions import db
from electoral.observation import services
from electoral.observation.models import Observer, Organisation
from tests.factories import make_station, make_user, user_called

_numbers = itertools.count(1)


def make_organisation(code=None, name=None) -> Organisation:
    n = next(_numbers)
    return services.save_organisation(db.session, code or f"ORG{n}", name or f"Observer group {n}")


def make_observer(station=None, organisation=None, accredited=True, user=True, family_name=None) -> Observer:
    n = next(_numbers)
    observer = services.save_observer(db.session, organisation or make_organisation(), family_name or f"Kamara{n}",
                                      "Fatu", "F", f"+231 77{n:07d}", "en fr")
    observer.station = station if station is not None else make_station()
    if accredited:
        services.request_accreditation(db.session, observer, user_called("coordinator"))
        services.decide_accreditation(db.session, observer, True, valid_until=dt.date.today() + dt.timedelta(30), user=user_called("commission"))
    if user:
        account = make_user(Role.OBSERVER)
        services.link_user(db.session, observer, account.username)
    db.session.flush()
    return observer


def make_opening_checklist(code="OPEN", publish=True):
    """Q1 opened on time (yes/no), Q2 minutes late when Q1 = no, Q3 box sealed (critical when no),
    Q4 officials present (0..10), Q5 problems (multiple choice)."""
    template = services.create_template(db.session, code, "Opening", "opening")
    services.add_question(db.session, template, "Q1", "yes_no", {"en": "Did the station open on time?",
                                                                 "fr": "Le bureau a-t-il ouvert à l'heure ?"})
    services.add_question(db.session, template, "Q2", "integer", {"en": "How many minutes late?"},
                          minimum=0, maximum=600, relevance="Q1 = no")
    services.add_question(db.session, template, "Q3", "yes_no", {"en": "Was the ballot box sealed?"},
                          critical="Q3 = no")
    services.add_question(db.session, template, "Q4", "integer", {"en": "Officials present"}, minimum=0, maximum=10)
    services.add_question(db.session, template, "Q5", "multiple_choice", {"en": "Problems seen"},
                          choices=services.parse_choices("ink = No ink\nlist = No voter list\nlight = No light"),
                          required=False)
    if publish:
        services.publish(db.session, template)
    return template


def make_counting_checklist(code="COUNT", candidates=("A", "B")):
    template = services.create_template(db.session, code, "Counting", "counting")
    services.add_question(db.session, template, "REG", "integer", {"en": "Registered voters"}, minimum=0,
                          tally="registered")
    services.add_question(db.session, template, "CAST", "integer", {"en": "Ballots cast"}, minimum=0, tally="cast")
    services.add_question(db.session, template, "INV", "integer", {"en": "Invalid ballots"}, minimum=0,
                          tally="invalid")
    for c in candidates:
        services.add_question(db.session, template, f"V{c}", "integer", {"en": f"Votes for {c}"}, minimum=0,
                              tally="votes")
    services.publish(db.session, template)
    return template


OPENING_OK = {"Q1": "yes", "Q3": "yes", "Q4": 5}


def make_api_filing(client_id="phone-0001-abcd") -> dict:
    """An accredited observer with an API token, and an opening checklist ready to post as they would."""
    template = make_opening_checklist()
    observer = make_observer()
    token = services.create_token(db.session, observer.user)
    db.session.commit()
    body = {"client_id": client_id, "template": "OPEN", "version": template.version,
            "station_code": observer.station.code, "answers": OPENING_OK, "submitted_at": "2026-11-25T07:05:00Z"}
    return {"headers": {"Authorization": f"Bearer {token}"}, "body": body, "observer": observer}
