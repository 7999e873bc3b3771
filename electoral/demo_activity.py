"""The demo election in progress: logistics, training, observation and results, made by each domain's services.

Called by electoral.demo.load_demo after users, geography and the roll exist. Everything goes
through the same service functions the pages call (never rows written here), so every page of
the demo shows what the rules would have produced. Dates are relative to ``today``.
"""

import csv
import datetime as dt
import io
import random
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.geography.models import District, PollingCentre, PollingStation

# Stations whose sheets, filings and consignments the demo fills: the first ones of Montserrado,
# where the demo clerk works, so a newcomer finds them first.
DEMO_REGION = "MO"


def _user(session: Session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def _stations(session: Session, limit: int) -> list[PollingStation]:
    return list(session.scalars(select(PollingStation).join(PollingCentre).join(District)
                                .where(District.code.like(f"{DEMO_REGION}-%"))
                                .order_by(PollingStation.code).limit(limit)))


# ---- logistics -------------------------------------------------------------

def load_logistics(session: Session) -> dict[str, int]:
    """Catalogue, an allocation, a stocked central warehouse and consignments in every state."""
    from electoral.logistics import services as logistics

    # The logistics officer computes, stocks, packs and dispatches; the administrator confirms receipt
    # (a different person must: core/duties.py).
    officer, receiver = _user(session, "logistics"), _user(session, "admin")
    logistics.seed_catalogue(session)
    logistics.record_run(session, logistics.compute_allocation(session), officer)
    central = logistics.save_warehouse(session, "CW-01", "Central warehouse, Monrovia", "central")
    region = session.scalar(select(District).where(District.code == f"{DEMO_REGION}-01")).region
    hub = logistics.save_warehouse(session, "HUB-MO", "Montserrado hub", "hub", region)
    items = {code: logistics.find_item(session, code) for code in ("LAMP", "STAMP", "SCREEN", "STATIONERY")}
    for item in items.values():
        logistics.receive_stock(session, central, item, 2000, supplier="Demo supplier", user=officer)
    centres = list(session.scalars(select(PollingCentre).join(District).where(District.code == f"{DEMO_REGION}-01")
                                   .order_by(PollingCentre.code).limit(4)))

    def consignment(origin, destination, seals, number):
        c = logistics.create_consignment(session, origin, destination, vehicle=f"LBR-{4400 + number}",
                                         driver=["Moses Kollie", "Hawa Sirleaf", "Prince Doe", "Mary Tarr"][number % 4],
                                         user=officer)
        for code in ("LAMP", "STAMP", "SCREEN"):
            logistics.add_line(session, c, items[code], 3)
        logistics.add_seals(session, c, seals)
        return c

    to_hub = consignment(central, hub, ["SL-100001", "SL-100002"], 0)
    logistics.dispatch(session, to_hub, officer)
    logistics.receive(session, to_hub, _full_receipt(logistics, to_hub), receiver)
    received = consignment(central, centres[0], ["SL-200001", "SL-200002"], 1)
    logistics.dispatch(session, received, officer)
    logistics.receive(session, received, _full_receipt(logistics, received), receiver)
    # One with an open discrepancy: a seal broken, a lamp short, and a seal never packed.
    troubled = consignment(central, centres[1], ["SL-300001", "SL-300002"], 2)
    logistics.dispatch(session, troubled, officer)
    receipt = _full_receipt(logistics, troubled, broken="SL-300002")
    receipt.counts[troubled.lines[0].id] -= 1
    receipt.other_seals.append("SL-999999")
    logistics.receive(session, troubled, receipt, receiver)
    delivered = consignment(central, centres[2], ["SL-400001"], 3)
    logistics.dispatch(session, delivered, officer)
    logistics.receive(session, delivered, _full_receipt(logistics, delivered), receiver)
    # Polling day + 1: materials come back from the centres; one return is on the road to the hub,
    # another is still being packed at its centre.
    on_the_road = logistics.create_consignment(session, centres[0], hub, kind="return", vehicle="LBR-4404",
                                               driver="Moses Kollie", user=officer)
    logistics.add_line(session, on_the_road, items["LAMP"], 3, condition="used")
    logistics.add_line(session, on_the_road, items["STAMP"], 3, condition="used")
    logistics.add_seals(session, on_the_road, ["SL-600001"])
    logistics.dispatch(session, on_the_road, officer)
    packing = logistics.create_consignment(session, centres[3], hub, kind="return", vehicle="LBR-4405",
                                           driver="Hawa Sirleaf", user=officer)
    logistics.add_line(session, packing, items["SCREEN"], 3, condition="used")
    return {"consignments": 6}


def _full_receipt(logistics, consignment, broken: str = ""):
    return logistics.Receipt({line.id: line.quantity for line in consignment.lines},
                             {s.id: "broken" if s.number == broken else "intact" for s in consignment.seals}, [])


# ---- training --------------------------------------------------------------

def load_training(session: Session, today: dt.date, rng: random.Random) -> dict[str, int]:
    """Positions, a two-level cascade of courses and sessions, attendance, scores and certificates."""
    from electoral.training import services as training

    training.add_default_positions(session)
    positions = {p.code: p for p in training.list_positions(session)}
    district = session.scalar(select(District).where(District.code == f"{DEMO_REGION}-01"))
    names = ["Kollie", "Flomo", "Dolo", "Sirleaf", "Kpoto", "Tarpeh", "Gbowee", "Konneh", "Kamara", "Doe",
             "Weah", "Johnson", "Tubman", "Taylor", "Cooper", "Sackor"]
    given = ["Esther", "Musu", "Joseph", "Hawa", "Prince", "Mary", "Abdullah", "Comfort", "Amos", "Ruth"]
    count = 0

    def official(position: str, status: str = "selected"):
        nonlocal count
        count += 1
        return training.save_official(session, training.OfficialData(
            reference=f"OF-{count:05d}", full_name=f"{rng.choice(given)} {rng.choice(names)}",
            sex=rng.choice("FM"), district=district, position=positions[position],
            birth_date=dt.date(1970 + rng.randrange(30), 1 + rng.randrange(12), 1 + rng.randrange(28)),
            phone=f"0770{rng.randrange(100000, 999999)}", status=status))

    master = official("MT")
    training.set_master_trainer(session, master, True)
    trainers_course = training.save_course(
        session, code="TOT", name="Training of trainers", position=positions["TR"], level=1,
        modules="The election\nPolling procedures\nCounting\nTeaching adults", pre_test_max=Decimal(100),
        post_test_max=Decimal(100), pass_mark=Decimal(70), retake_allowed=True, min_days=None)
    officers_course = training.save_course(
        session, code="PO-2", name="Presiding officers", position=positions["PO"], level=2,
        modules="Opening\nVoting\nCounting\nThe tally sheet", pre_test_max=Decimal(100),
        post_test_max=Decimal(100), pass_mark=Decimal(70), retake_allowed=True, min_days=None)
    first = _session(training, session, trainers_course, district, today - dt.timedelta(days=40), 3, master)
    trainers = [official("TR") for _ in range(4)]
    _run(training, session, first, trainers, rng)
    second = _session(training, session, officers_course, district, today - dt.timedelta(days=20), 2, trainers[0])
    _run(training, session, second, [official("PO") for _ in range(10)], rng)
    # The last one, held the week before polling day: its results are recorded, waiting for the
    # coordinator's confirmation (no certificate until then).
    last = _session(training, session, officers_course, district, today - dt.timedelta(days=8), 2, trainers[1])
    _run(training, session, last, [official("PO") for _ in range(6)], rng, confirm=False)
    return {"officials": count, "training sessions": 3}


def _session(training, session, course, district, start, days, trainer):
    ts = training.save_session(session, course=course, district=district, venue="Monrovia City Hall",
                               start_date=start, end_date=start + dt.timedelta(days=days - 1), capacity=20)
    training.add_trainer(session, ts, trainer)
    return ts


def _run(training, session, ts, participants, rng, confirm: bool = True) -> None:
    enrolments = [training.enrol(session, ts, person) for person in participants]
    recorder = _user(session, "admin")  # who records may not confirm: the coordinator confirms below
    day = ts.start_date
    while day <= ts.end_date:
        training.mark_attendance(session, ts, day, {enrolments[-1].id} if day == ts.start_date else set(), recorder)
        day += dt.timedelta(days=1)
    # Everyone passes but two: the one absent on the first day, and one below the pass mark.
    scores = {e.id: (Decimal(rng.randrange(30, 60)), Decimal(rng.randrange(72, 98))) for e in enrolments}
    scores[enrolments[-2].id] = (Decimal(35), Decimal(55))
    training.save_scores(session, ts, scores, recorder)
    # Recorded by the administrator, confirmed by the demo's training coordinator: certificates follow.
    if confirm:
        training.confirm_results(session, ts, _user(session, "trainer"))


# ---- results ----------------------------------------------------------------

RACES = [
    # race code, name, kind, areas, candidates (code, name, party)
    ("PRES", "President of the Republic", "presidential", "",
     [("C1", "Amara Kollie", "Unity Party"), ("C2", "Joseph Boakai", "People's Alliance"),
      ("C3", "Hawa Tarpeh", "Green Coalition")]),
    ("LEG-MO-01", "Representative, Greater Monrovia", "legislative", "MO-01",
     [("C1", "Prince Doe", "Unity Party"), ("C2", "Musu Dolo", "People's Alliance")]),
]


def load_races(session: Session) -> None:
    """Two races with their candidates, imported as the administrator's file would be."""
    from electoral.results import services as results
    from electoral.results.services.races import RACE_COLUMNS

    data = io.StringIO()
    writer = csv.writer(data)
    writer.writerow(RACE_COLUMNS)
    for code, name, kind, areas, candidates in RACES:
        for order, (candidate, candidate_name, party) in enumerate(candidates, start=1):
            writer.writerow([code, name, kind, areas, candidate, candidate_name, party, order])
    results.import_races(session, data.getvalue().encode(), "demo-races.csv")


def _figures(rng: random.Random, registered: int, candidates: int, packed: int) -> dict:
    """A plausible tally sheet for a station of ``registered`` voters: it passes every check."""
    cast = max(candidates + 1, round(registered * rng.uniform(0.6, 0.85)))
    invalid = rng.randrange(0, 3) if cast > 10 else 0
    valid = cast - invalid
    # Shares near 45/35/20 (or 55/45): close races, no candidate suspiciously dominant.
    weights = [0.45, 0.35, 0.2][:candidates] if candidates > 2 else [0.55, 0.45]
    votes = [int(valid * w * rng.uniform(0.9, 1.1)) for w in weights[:-1]]
    votes.append(valid - sum(votes))
    # Ballots handed over differ station by station (``packed`` spare), so no two sheets are the same
    # paper, which the checks would take for one sheet reported twice.
    received = registered + packed
    return {"ballots_received": received, "ballots_cast": cast, "unused": received - cast - 1, "spoiled": 1,
            "invalid": invalid, "valid": valid, "candidates": {f"C{i}": v for i, v in enumerate(votes, start=1)}}


def load_results(session: Session, rng: random.Random) -> dict[str, int]:
    """Tally sheets in every state, entered by the two demo clerks and settled by the supervisor."""
    from electoral.results import services as results

    clerks = (_user(session, "results"), _user(session, "results2"))
    supervisor = _user(session, "results-supervisor")
    candidates_stations = _stations(session, 120)
    registered = results.registered_voters(session, [s.id for s in candidates_stations])
    # The largest stations: their counts vary enough that no two sheets look alike.
    stations = sorted(sorted(candidates_stations, key=lambda s: -(registered.get(s.id) or 0))[:24],
                      key=lambda s: s.code)
    sheets = 0
    for race_code, *_rest, candidates in RACES:
        race = results.find_race(session, race_code)
        contested = [s for s in stations if results.contested_at(session, race, s)]
        seen: set[tuple] = set()
        for index, station in enumerate(contested[:20]):
            # Two stations with the very same counts read as one sheet reported twice: draw again.
            for _attempt in range(50):
                raw = _figures(rng, registered.get(station.id) or 10, len(candidates), 20 + index)
                key = (raw["ballots_cast"], raw["invalid"], tuple(raw["candidates"].values()))
                if key not in seen:
                    break
            seen.add(key)
            if race_code != "PRES" and index >= 8:
                break
            sheets += 1
            if race_code == "PRES" and index in (17, 18):
                raw["valid"] += 5  # the paper's sums do not add up: quarantined when both entries agree
            results.submit_entry(session, race, station, clerks[0], raw)
            if race_code == "PRES" and index == 14:
                continue  # waiting for its second entry
            second = dict(raw, candidates=dict(raw["candidates"]))
            if race_code == "PRES" and index in (15, 16):
                second["invalid"] += 1  # a typing slip: the two entries disagree
            entry = results.submit_entry(session, race, station, clerks[1], second)
            sheet = entry.sheet
            if index == 16:
                results.resolve(session, sheet, supervisor, {"invalid": raw["invalid"]},
                                "Checked against the paper sheet.")
            elif index == 18:
                results.start_audit(session, sheet, supervisor)
                results.decide(session, sheet, supervisor, "accept",
                               "Recount at the tally centre: the presiding officer's addition was wrong.")
    return {"tally sheets": sheets}


# ---- observation -------------------------------------------------------------

def _phone_time_of_a_late_filing(today: dt.date) -> dt.datetime:
    """Polling morning (yesterday) at 07:40, or earlier that day: more than the gap limit before now."""
    from electoral.observation import services as observation

    polling_morning = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(7, 40), dt.UTC)
    beyond_the_limit = dt.datetime.now(dt.UTC) - observation.gap_limit() - dt.timedelta(minutes=1)
    return min(polling_morning, max(polling_morning.replace(hour=0, minute=0), beyond_the_limit))


def load_observation(session: Session, today: dt.date, rng: random.Random) -> dict[str, int]:
    """Published checklists, observers deployed to a sample of stations, their filings and incidents."""
    from electoral.observation import services as observation
    from electoral.observation.sms import services as sms

    opening = observation.create_template(session, "OPEN", "Opening", "opening")
    observation.add_question(session, opening, "Q1", "yes_no", {"en": "Did the station open on time?"})
    observation.add_question(session, opening, "Q2", "integer", {"en": "How many minutes late?"},
                             minimum=0, maximum=600, relevance="Q1 = no")
    observation.add_question(session, opening, "Q3", "yes_no", {"en": "Was the ballot box shown empty and sealed?"},
                             critical="Q3 = no")
    observation.publish(session, opening)
    counting = observation.create_template(session, "COUNT", "Counting", "counting")
    observation.add_question(session, counting, "REG", "integer", {"en": "Registered voters"}, minimum=0,
                             tally="registered")
    observation.add_question(session, counting, "CAST", "integer", {"en": "Ballots cast"}, minimum=0, tally="cast")
    observation.add_question(session, counting, "INV", "integer", {"en": "Invalid ballots"}, minimum=0,
                             tally="invalid")
    for code, name, _party in RACES[0][4]:
        observation.add_question(session, counting, code, "integer", {"en": f"Votes for {name}"}, minimum=0,
                                 tally="votes")
    # A photo of the results form posted at the station (XLSForm image): taken and compressed on the phone.
    observation.add_question(session, counting, "PHOTO", "image",
                             {"en": "Photo of the results form posted at the station",
                              "fr": "Photo du procès-verbal affiché au bureau de vote"}, required=False)
    # One entry per party agent present at the count (XLSForm repeat): the phone page adds and removes them.
    agents = observation.add_section(session, counting, "AGENTS", {"en": "Party agent present",
                                                                   "fr": "Agent de parti présent"}, repeat=True)
    parties = [{"value": f"P{i}", "texts": {"en": party}} for i, (_code, _name, party) in enumerate(RACES[0][4], 1)]
    observation.add_question(session, counting, "AGP", "single_choice", {"en": "Party", "fr": "Parti"},
                             choices=parties, section=agents)
    observation.add_question(session, counting, "AGN", "text", {"en": "Agent's name", "fr": "Nom de l'agent"},
                             section=agents)
    observation.add_question(session, counting, "AGS", "yes_no", {"en": "Did the agent sign the results?",
                                                                  "fr": "L'agent a-t-il signé les résultats ?"},
                             section=agents)
    observation.add_question(session, counting, "AGW", "text", {"en": "Why not?", "fr": "Pourquoi ?"},
                             relevance="AGS = no", section=agents)
    observation.publish(session, counting)
    group = observation.save_organisation(session, "CCO", "Civil Coalition of Observers")
    coordinator, commission = _user(session, "coordinator"), _user(session, "admin")
    # The quick count's random sample; observers are deployed to most of its stations, so
    # the coordinator's quick count has enough reports to estimate.
    from electoral.observation.models import QuickCountSample

    observation.draw_sample(session, 40, seed=rng.randrange(1 << 30))
    sample = list(session.scalars(select(PollingStation).join(QuickCountSample,
                                                              QuickCountSample.station_id == PollingStation.id)
                                  .order_by(PollingStation.code).limit(14)))
    filings = 0
    for number, station in enumerate(sample, start=1):
        observer = observation.save_observer(session, group, rng.choice(["Kamara", "Doe", "Weah", "Sackor"]),
                                             rng.choice(["Fatu", "Amos", "Ruth", "Prince"]), rng.choice("FM"),
                                             f"+231 770 100 {number:03d}", "en")
        observation.request_accreditation(session, observer, coordinator)
        observation.decide_accreditation(session, observer, True, valid_until=today + dt.timedelta(days=180),
                                         user=commission)
        observation.deploy(session, observer, station_code=station.code)
        answers = {"Q1": "yes", "Q3": "yes"} if number != 3 else {"Q1": "no", "Q2": 45, "Q3": "no"}
        if number == len(sample):
            # Filed by SMS from the observer's phone; and a second message the parser refuses.
            sms.receive(session, "manual", f"demo-sms-{number:04d}", observer.phone,
                        f"OPEN {observer.accreditation_number} Q1Y Q3Y")
            sms.receive(session, "manual", f"demo-sms-{number:04d}-bad", observer.phone,
                        f"OPEN {observer.accreditation_number} Q1 maybe")
        else:
            # The critical one was filled on polling morning with no network and synced from the phone
            # only now: the phone's time says yesterday, the receipt today, so it shows as late. Late
            # means more than the gap limit (24 h) before the receipt: loaded before 07:40, the demo
            # takes an earlier time of polling morning, or the filing would not show as late.
            phone_time = _phone_time_of_a_late_filing(today) if number == 3 else None
            observation.submit(session, opening, station, answers, f"demo-open-{number:04d}", observer,
                               submitted_at=phone_time)
        registered = 10 + rng.randrange(0, 4)
        cast = registered - rng.randrange(0, 3)
        votes = [cast // 2, cast // 3]
        counts = {"REG": registered, "CAST": cast, "INV": 0, "C1": votes[0], "C2": votes[1],
                  "C3": cast - sum(votes),
                  "AGENTS": [{"AGP": f"P{p}", "AGN": rng.choice(["J. Flomo", "M. Kollie", "E. Sirleaf", "T. Gbowee"]),
                              "AGS": "yes" if (number, p) != (2, 2) else "no",
                              **({"AGW": "Left before the count ended."} if (number, p) == (2, 2) else {})}
                             for p in range(1, 1 + number % 4)]}
        observation.submit(session, counting, station, counts, f"demo-count-{number:04d}", observer)
        filings += 2
    first = session.get(PollingStation, sample[0].id)
    observation.report_incident(session, None, first, "intimidation",
                                "Party agents questioning voters in the queue.", "high", "demo-incident-0001")
    return {"observers deployed": len(sample), "filings": filings, "SMS messages": 2}


# ---- exhibition ----------------------------------------------------------------

def load_cases(session: Session, today: dt.date) -> dict[str, int]:
    """Claims and objections the demo clerk lodged on days of the (past) exhibition; the supervisor decided some.

    Each is lodged through the service with the day it was lodged, which the service checks against the
    exhibition period; deciding has no period (only an unfrozen roll), so one is still to decide today.
    """
    from electoral.demo import exhibition_period
    from electoral.registration.models import Voter
    from electoral.registration.services import roll

    start, _end = exhibition_period(today)
    voters = list(session.scalars(select(Voter).where(Voter.registered).join(PollingCentre)
                                  .join(District).where(District.code == f"{DEMO_REGION}-01")
                                  .order_by(Voter.id).limit(3)))
    clerk, supervisor = _user(session, "clerk"), _user(session, "supervisor")
    deceased = roll.lodge_objection(session, voters[0], "deceased", "Death certificate 2291 from the town clerk",
                                    clerk, today=start + dt.timedelta(days=2))
    correction = roll.lodge_correction(session, voters[1], {"given_names": voters[1].given_names + " Jr."},
                                       "National ID card shown at the exhibition centre", clerk,
                                       today=start + dt.timedelta(days=5))
    roll.lodge_objection(session, voters[2], "under_age", "School register shows a birth year too late to vote",
                         clerk, today=start + dt.timedelta(days=9))
    roll.decide_case(session, deceased, True, "Death certificate verified with the civil registry.", supervisor)
    roll.decide_case(session, correction, True, "The ID card matches the corrected name.", supervisor)
    return {"claims and objections": 3}
