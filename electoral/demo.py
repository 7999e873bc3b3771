"""A realistic demo election for newcomers, trainings and screenshots (never for real use)."""

import csv
import datetime as dt
import io
import random

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from electoral.accounts import services as accounts
from electoral.accounts.models import User
from electoral.core.auth import Role
from electoral.geography import services as geography
from electoral.geography.models import District, PollingCentre, PollingStation, Region

DEMO_PASSWORD = "demo-password-2026"
DEMO_USERS = [
    ("admin", "Amara Kollie", [Role.ADMINISTRATOR], None),
    ("clerk", "Fatu Sirleaf", [Role.REGISTRATION_CLERK], "MO-01"),
    ("supervisor", "Joseph Kpoto", [Role.REGISTRATION_SUPERVISOR], None),
    ("logistics", "Musu Dolo", [Role.LOGISTICS_OFFICER], None),
    ("trainer", "Esther Flomo", [Role.TRAINING_COORDINATOR], None),
    ("observer", "Mohammed Kamara", [Role.OBSERVER], None),
    ("coordinator", "Comfort Gbessay", [Role.OBSERVER_COORDINATOR], None),
    ("results", "Abdullah Konneh", [Role.RESULTS_CLERK], None),
    # Double entry needs two clerks: each sheet is typed by both.
    ("results2", "Musa Sackor", [Role.RESULTS_CLERK], None),
    ("results-supervisor", "Hawa Tarpeh", [Role.RESULTS_SUPERVISOR], None),
    # Polling staff: sends the sheet photo of the first station of the clerk's district.
    ("presiding", "Bendu Johnson", [Role.PRESIDING_OFFICER], "MO-01-001-01"),
]

# Five regions of a coastal West African country, each with four districts,
# and the rough position of the region so centres get plausible coordinates.
REGIONS = [
    ("MO", "Montserrado", (6.35, -10.70), ["Greater Monrovia", "St. Paul River", "Todee", "Careysburg"]),
    ("BO", "Bong", (7.00, -9.50), ["Jorquelleh", "Suakoko", "Panta", "Salala"]),
    ("NI", "Nimba", (7.30, -8.70), ["Sanniquellie-Mahn", "Saclepea-Mah", "Tappita", "Gbehlay-Geh"]),
    ("LO", "Lofa", (8.10, -9.75), ["Voinjama", "Foya", "Zorzor", "Kolahun"]),
    ("GB", "Grand Bassa", (6.00, -9.90), ["Buchanan", "District Two", "Owensgrove", "St. John River"]),
]
TOWNS = [
    "Gbarnga", "Kakata", "Ganta", "Zwedru", "Harbel", "Bensonville", "Totota", "Palala", "Karnplay",
    "Bahn", "Yekepa", "Kolahun", "Vezela", "Salayea", "Konia", "Borkeza", "Gbeyilataa", "Fissebu",
    "Gbalatuah", "Wainsue", "Nyenwoe", "Barclayville", "Compound One", "Edina", "Kpelle Town",
    "Duazon", "Paynesville", "Johnsonville", "Dixville", "Caldwell", "Virginia", "Brewerville",
    "Gardnersville", "Logan Town", "Bushrod Island", "Sinkor", "Congo Town", "Chocolate City",
    "Kpatawee", "Naama", "Sanoyea", "Haindii", "Gbarpolu Junction", "Belefanai", "Yila", "Bokay Town",
]
INSTITUTIONS = [
    "Public School", "Community Hall", "Central High School", "Lutheran School", "Town Hall",
    "Catholic Mission School", "Islamic School", "Elementary School", "Palava Hut", "Health Centre Grounds",
]
CENTRES_PER_DISTRICT = 10
STATIONS_PER_CENTRE = 3
DEMO_VOTERS = 6000  # a synthetic roll with a few planted duplicates for the supervisor


def exhibition_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The demo's exhibition period: two weeks, ended well before polling day (yesterday)."""
    return today - dt.timedelta(days=45), today - dt.timedelta(days=31)


def users_table() -> str:
    """The demo accounts as a plain-text table: who to sign in as for each role."""
    rows = [("Username", "Name", "Role", "Scope")]
    rows += [(username, full_name, ", ".join(str(role.label) for role in roles), scope or "national")
             for username, full_name, roles, scope in DEMO_USERS]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines + ["", f"Every demo user's password is {DEMO_PASSWORD}"])


def database_is_empty(session: Session) -> bool:
    return not (session.scalar(select(func.count(User.id))) or session.scalar(select(func.count(Region.id))))


def load_demo(session: Session, seed: int = 2026) -> dict[str, int]:
    """Load users, geography, the roll and an election in progress into an empty database; return what was created."""
    if not database_is_empty(session):
        raise RuntimeError("The database already holds data; the demo loads only into an empty one.")
    rng = random.Random(seed)
    readings = random.Random(seed + 1)  # its own stream: the rest of the demo stays as it was
    counts = {"regions": 0, "districts": 0, "centres": 0, "stations": 0, "users": 0}
    for region_code, region_name, (lat0, lon0), district_names in REGIONS:
        region = Region(code=region_code, name=region_name)
        session.add(region)
        counts["regions"] += 1
        for d, district_name in enumerate(district_names, start=1):
            district = District(code=f"{region_code}-{d:02d}", name=district_name, region=region)
            session.add(district)
            counts["districts"] += 1
            towns = rng.sample(TOWNS, CENTRES_PER_DISTRICT)
            for c, town in enumerate(towns, start=1):
                centre = PollingCentre(
                    code=f"{district.code}-{c:03d}",
                    name=f"{town} {rng.choice(INSTITUTIONS)}",
                    district=district,
                    latitude=round(lat0 + rng.uniform(-0.35, 0.35), 5),
                    longitude=round(lon0 + rng.uniform(-0.35, 0.35), 5),
                )
                session.add(centre)
                counts["centres"] += 1
                for s in range(1, STATIONS_PER_CENTRE + 1):
                    # Each station has its own GPS reading, a few metres from the others of its centre.
                    session.add(PollingStation(code=f"{centre.code}-{s:02d}", name=f"{centre.name} {s}",
                                               centre=centre, capacity=600,
                                               latitude=round(centre.latitude + readings.uniform(-3e-4, 3e-4), 6),
                                               longitude=round(centre.longitude + readings.uniform(-3e-4, 3e-4), 6)))
                    counts["stations"] += 1
                geography.derive_centre_point(centre)
    session.flush()
    for username, full_name, roles, scope in DEMO_USERS:
        accounts.create_user(session, username, DEMO_PASSWORD, roles, full_name=full_name, scope_code=scope)
        counts["users"] += 1
    _accredit_demo_observer(session)
    counts["voters"] = _load_roll(session, seed)
    counts.update(_load_activity(session, rng))
    return counts


def _load_activity(session: Session, rng: random.Random) -> dict[str, int]:
    """The election in progress: every domain's pages have something true to show."""
    from electoral import demo_activity as activity

    today = dt.date.today()
    counts = activity.load_logistics(session)
    counts.update(activity.load_training(session, today, rng))
    activity.load_races(session)
    counts.update(activity.load_results(session, rng))
    counts.update(activity.load_observation(session, today, rng))
    counts.update(activity.load_cases(session, today))
    return counts


def _accredit_demo_observer(session: Session) -> None:
    """The demo observer, accredited and deployed, so the account can sign in and file checklists."""
    from electoral.observation import services as observation

    group = observation.save_organisation(session, "ELWI", "Election Watch Initiative")
    observer = observation.save_observer(session, group, "Kamara", "Mohammed", "M", "+231 770 000 001", "en")
    # The observer group's coordinator asks; the commission (the administrator) decides.
    coordinator, commission = (session.scalar(select(User).where(User.username == name))
                               for name in ("coordinator", "admin"))
    observation.request_accreditation(session, observer, coordinator)
    observation.decide_accreditation(session, observer, True, valid_until=dt.date.today() + dt.timedelta(days=180),
                                     user=commission)
    observation.deploy(session, observer, station_code=session.scalar(
        select(PollingStation.code).order_by(PollingStation.code)))
    observation.link_user(session, observer, "observer")


def _load_roll(session: Session, seed: int) -> int:
    """Election settings with registration open today, and a synthetic roll split into stations."""
    from electoral.registration import synthetic
    from electoral.registration.services import assignment, election, imports

    today = dt.date.today()
    # Polling day was yesterday (results are being entered today): registration closed weeks ago and
    # the exhibition after it; demo_activity.load_cases lodges its claims and objections on its days.
    election.configure(session, "General Elections (demo)", today - dt.timedelta(days=1), 18,
                       registration=(today - dt.timedelta(days=120), today - dt.timedelta(days=50)),
                       exhibition=exhibition_period(today))
    centres = list(session.scalars(select(PollingCentre.code).order_by(PollingCentre.code)))
    roll = synthetic.generate(DEMO_VOTERS, centres, duplicate_share=0.01, negatives=20, seed=seed)
    data = io.StringIO()
    writer = csv.DictWriter(data, fieldnames=synthetic.COLUMNS)
    writer.writeheader()
    writer.writerows(roll.rows)
    # The national roll is registered by the administrator: the clerk's area is one district, and the
    # registration supervisor, who decides the planted duplicates, must not have registered them.
    admin = session.scalar(select(User).where(User.username == "admin"))
    summary = imports.import_voters(session, data.getvalue().encode(), "demo-roll.csv", admin, skip_invalid=True)
    assignment.assign_all(session)
    return summary.imported
