"""A race's results in NIST SP 1500-100 Election Results Common Data Format, version 2 (JSON).

The document is an ``ElectionReport`` holding the ``GpUnit`` tree (country, regions,
districts, polling centres, polling stations as reporting units), the parties and
candidates, and one ``CandidateContest`` for the race with a ``VoteCounts`` per
counted station and candidate and its ``CountStatus``. The summary counts of each
station are where version 2 keeps them: registered voters and voters who took part on
its ``ReportingUnit``, ballots cast and rejected in the election's ``BallotCounts``.

Each part is built by a function of its own so that others can be added (the winners
of a race, once seats are allocated) without touching the rest.
"""

import datetime as dt
import re
from collections.abc import Iterable

from sqlalchemy.orm import Session

from electoral.results.models import Candidate, Race
from electoral.results.seats.service import post_election_status
from electoral.results.services import opendata
from electoral.results.services.aggregate import AreaResult, results, summary

VENDOR = "electoral"
NATIONAL_ID = "gp-national"
# Levels of the geography as CDF reporting unit types; regions and districts have no CDF word.
UNIT_TYPES = {"region": ("other", "region"), "district": ("other", "district"),
              "centre": ("polling-place", None), "station": ("precinct", None)}


def text(content: str, language: str = "en") -> dict:
    """An InternationalizedText holding one language's text."""
    return {"@type": "ElectionResults.InternationalizedText",
            "Text": [{"@type": "ElectionResults.LanguageString", "Content": content, "Language": language}]}


def _identifier(code: str) -> list[dict]:
    return [{"@type": "ElectionResults.ExternalIdentifier", "Type": "local-level", "Value": code}]


def _slug(value: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]+", "-", value).strip("-") or "x"


def gp_unit_id(level: str, code: str) -> str:
    return NATIONAL_ID if level == "national" else f"gp-{level}-{_slug(code)}"


def candidate_id(race: Race, candidate: Candidate) -> str:
    return f"cand-{_slug(race.code)}-{_slug(candidate.code)}"


def party_id(party: str) -> str:
    return f"party-{_slug(party)}"


def _unit(level: str, code: str, name: str, children: Iterable[str] = (), **extra) -> dict:
    unit_type, other = UNIT_TYPES.get(level, ("country", None))
    unit = {"@id": gp_unit_id(level, code), "@type": "ElectionResults.ReportingUnit", "Type": unit_type,
            "Name": text(name)}
    if other:
        unit["OtherType"] = other
    if level != "national":
        unit["ExternalIdentifier"] = _identifier(code)
    composing = sorted(set(children))
    if composing:
        unit["ComposingGpUnitIds"] = composing
    unit.update(extra)
    return unit


def _image_identifiers(images: list[tuple[str, str]]) -> list[dict]:
    # CDF v2 has no field for a tally sheet's image: its own extension point, an identifier of
    # Type "other", carries each image's SHA-256 and public address beside the station's code.
    found = []
    for sha256, url in images:
        found.append({"@type": "ElectionResults.ExternalIdentifier", "Type": "other",
                      "OtherType": "tally-sheet-image-sha256", "Value": sha256})
        found.append({"@type": "ElectionResults.ExternalIdentifier", "Type": "other",
                      "OtherType": "tally-sheet-image-url", "Value": url})
    return found


def gp_units(stations: list[AreaResult], places: dict[int, opendata.Place], country: str,
             images: dict[str, list[tuple[str, str]]] | None = None) -> list[dict]:
    """The GpUnit tree of the race's stations: country, regions, districts, centres, stations (with their
    tally sheet images' SHA-256 and address, from ``images`` by station code)."""
    tree: dict[str, dict[str, tuple[str, set[str]]]] = {level: {} for level in ("region", "district", "centre")}
    units = []
    for station in stations:
        place = places.get(station.area_id)
        if place is None:
            continue
        steps = [("region", place.region_code, place.region_name, ("district", place.district_code)),
                 ("district", place.district_code, place.district_name, ("centre", place.centre_code)),
                 ("centre", place.centre_code, place.centre_name, ("station", place.station_code))]
        for level, code, name, (child_level, child_code) in steps:
            tree[level].setdefault(code, (name, set()))[1].add(gp_unit_id(child_level, child_code))
        # A station's registered voters and turnout are known from its counted tally sheet.
        extra = {"VotersRegistered": station.registered, "VotersParticipated": station.cast} if station.counted else {}
        unit = _unit("station", place.station_code, place.station_name, **extra)
        unit["ExternalIdentifier"] += _image_identifiers((images or {}).get(place.station_code, []))
        units.append(unit)
    national = _unit("national", "", country, (gp_unit_id("region", code) for code in tree["region"]))
    higher = [_unit(level, code, name, children) for level in ("region", "district", "centre")
              for code, (name, children) in sorted(tree[level].items())]
    return [national, *higher, *units]


def parties(race: Race) -> list[dict]:
    names = sorted({c.party.strip() for c in race.candidates if (c.party or "").strip()})
    return [{"@id": party_id(name), "@type": "ElectionResults.Party", "Name": text(name)} for name in names]


def candidates(race: Race, statuses: dict[str, str] | None = None) -> list[dict]:
    """The race's candidates; ``statuses``: each one's PostElectionStatus (winner, advanced-to-runoff, defeated)."""
    found = []
    for c in race.candidates:
        entry = {"@id": candidate_id(race, c), "@type": "ElectionResults.Candidate", "BallotName": text(c.name),
                 "ExternalIdentifier": _identifier(c.code)}
        if (statuses or {}).get(c.code):
            entry["PostElectionStatus"] = statuses[c.code]
        if (c.party or "").strip():
            entry["PartyId"] = party_id(c.party.strip())
        found.append(entry)
    return found


def count_status(counted: int, expected: int) -> list[dict]:
    status = "completed" if expected and counted >= expected else "in-process" if counted else "not-processed"
    return [{"@type": "ElectionResults.CountStatus", "Status": status, "Type": "total"}]


def contest(race: Race, stations: list[AreaResult]) -> dict:
    """The race as a CandidateContest: a selection per candidate with its votes at every counted station."""
    counted = [s for s in stations if s.counted]
    selections = []
    for order, c in enumerate(race.candidates, start=1):
        selections.append({
            "@id": f"sel-{_slug(race.code)}-{_slug(c.code)}", "@type": "ElectionResults.CandidateSelection",
            "CandidateIds": [candidate_id(race, c)], "SequenceOrder": c.ballot_order or order,
            "VoteCounts": [{"@type": "ElectionResults.VoteCounts", "GpUnitId": gp_unit_id("station", s.code),
                            "Count": s.votes.get(c.id, 0), "Type": "total"} for s in counted]})
    return {"@id": f"contest-{_slug(race.code)}", "@type": "ElectionResults.CandidateContest",
            "ElectionDistrictId": NATIONAL_ID, "Name": race.name, "Abbreviation": race.code, "VotesAllowed": 1,
            "ContestSelection": selections, "CountStatus": count_status(len(counted), len(stations)),
            "SubUnitsReported": len(counted), "TotalSubUnits": len(stations)}


def ballot_counts(stations: list[AreaResult]) -> list[dict]:
    """Ballots cast and rejected (invalid) at each counted station."""
    return [{"@type": "ElectionResults.BallotCounts", "GpUnitId": gp_unit_id("station", s.code),
             "BallotsCast": s.cast, "BallotsRejected": s.invalid, "Type": "total"} for s in stations if s.counted]


def report_status(final: bool, counted: int, expected: int) -> str:
    if final:
        return "certified"
    return "unofficial-complete" if expected and counted >= expected else "unofficial-partial"


def issuer() -> tuple[str, str]:
    """The commission's name (ELECTORAL_COMMISSION_NAME) and its initials, as the report's issuer."""
    from flask import current_app

    name = current_app.config.get("COMMISSION_NAME") or "Electoral commission"
    return name, "".join(word[0] for word in name.split() if word[:1].isupper()) or name[:8]


def build(session: Session, race: Race, now: dt.datetime | None = None) -> dict:
    """The race's ElectionReport as a JSON-ready dict."""
    from electoral.registration.services import election as election_settings
    from electoral.results.sheets.evidence import image_url, images_by_station

    issuer_name, abbreviation = issuer()
    settings = election_settings.current(session)
    stations = [s for s in results(session, race, "station") if s.code]
    images = {code: [(i.sha256, image_url(race.code, code, i.sha256)) for i in found]
              for code, found in images_by_station(session, race).items()}
    where = opendata.places(session, [s.area_id for s in stations])
    counted = sum(1 for s in stations if s.counted)
    final = summary(session, race).final
    day = settings.polling_day if settings is not None else (now or dt.datetime.now(dt.UTC)).date()
    name = settings.name if settings is not None else race.name
    generated = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    election = {"@type": "ElectionResults.Election", "ElectionScopeId": NATIONAL_ID, "Name": text(name),
                "StartDate": day.isoformat(), "EndDate": day.isoformat(), "Type": "general",
                # Who won, once the seats can be computed (every sheet final; no lots left to draw).
                "Candidate": candidates(race, post_election_status(session, race)),
                "Contest": [contest(race, stations)],
                "BallotCounts": ballot_counts(stations), "CountStatus": count_status(counted, len(stations))}
    return {"@type": "ElectionResults.ElectionReport", "Format": "precinct-level",
            "GeneratedDate": generated.strftime("%Y-%m-%dT%H:%M:%SZ"), "Issuer": issuer_name,
            "IssuerAbbreviation": abbreviation, "SequenceStart": 1, "SequenceEnd": 1,
            "Status": report_status(final, counted, len(stations)), "VendorApplicationId": VENDOR,
            "Election": [election], "GpUnit": gp_units(stations, where, name, images), "Party": parties(race)}
