"""Quick count (PVT): estimates with 95% margins from a random sample, and the check against official results.

Estimator. For a share (candidate j's share of valid votes, or turnout) the
sample of n stations out of N gives, per station i, a numerator y_i (votes for
j; ballots cast) and a denominator x_i (valid votes; registered voters). The
ratio estimator is

    r = sum(y_i) / sum(x_i)

and, treating each station as a cluster of voters drawn by simple random
sampling without replacement, its variance is estimated by

    v(r) = (1 - n/N) / (n * xbar^2) * sum((y_i - r * x_i)^2) / (n - 1)

with xbar = sum(x_i) / n. The 95% margin of error is 1.96 * sqrt(v(r))
(Cochran, Sampling Techniques, 3rd ed., section 6.4; the method the NDI quick
count handbook describes).
"""

import math
import random
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from electoral.geography.models import PollingStation
from electoral.observation.models import ChecklistTemplate, QuickCountSample, Submission

Z95 = 1.96


@dataclass(frozen=True)
class Estimate:
    name: str
    value: float
    margin: float
    stations: int


def ratio_estimate(name: str, pairs: list[tuple[float, float]], population: int) -> Estimate | None:
    """Ratio estimate with its 95% margin from (numerator, denominator) pairs, one per sampled station."""
    n = len(pairs)
    total_x = sum(x for _y, x in pairs)
    if n < 2 or total_x <= 0:
        return None
    r = sum(y for y, _x in pairs) / total_x
    xbar = total_x / n
    fpc = max(0.0, 1 - n / population) if population else 1.0
    residual = sum((y - r * x) ** 2 for y, x in pairs) / (n - 1)
    variance = fpc * residual / (n * xbar ** 2)
    return Estimate(name, r, Z95 * math.sqrt(variance), n)


def draw_sample(session: Session, size: int, seed: int | None = None) -> int:
    """Replace the quick-count sample with ``size`` stations drawn at random."""
    for old in session.scalars(select(QuickCountSample)):
        session.delete(old)
    session.flush()
    ids = list(session.scalars(select(PollingStation.id).order_by(PollingStation.id)))
    chosen = random.Random(seed).sample(ids, min(size, len(ids)))
    session.add_all(QuickCountSample(station_id=i) for i in chosen)
    session.flush()
    return len(chosen)


def observed_counts(session: Session, sample_only: bool = False) -> dict[str, dict[str, int]]:
    """Per station code, the counts of its current counting checklist keyed by tally role or candidate code."""
    query = (select(PollingStation.code, Submission.answers, ChecklistTemplate.id)
             .join(PollingStation, PollingStation.id == Submission.station_id)
             .join(ChecklistTemplate, ChecklistTemplate.id == Submission.template_id)
             .where(Submission.current.is_(True), ChecklistTemplate.phase == "counting"))
    if sample_only:
        query = query.join(QuickCountSample, QuickCountSample.station_id == Submission.station_id)
    roles: dict[int, dict[str, str]] = {}
    counts: dict[str, dict[str, int]] = {}
    for code, answers, template_id in session.execute(query):
        if template_id not in roles:
            template = session.get(ChecklistTemplate, template_id)
            roles[template_id] = {q.code: q.tally for q in template.questions if q.tally}
        row = {}
        for question, role in roles[template_id].items():
            if question in answers:
                row[question if role == "votes" else role] = int(answers[question])
        if row:
            counts[code] = row
    return counts


def candidates(session: Session) -> list[str]:
    """Codes of the vote questions of the current published counting checklists."""
    from electoral.observation.services.checklists import published_templates

    return [q.code for t in published_templates(session) if t.phase == "counting"
            for q in t.questions if q.tally == "votes"]


def estimates(session: Session) -> list[Estimate]:
    """Turnout and each candidate's share of valid votes, from the sampled stations that reported."""
    population = session.scalar(select(func.count(PollingStation.id))) or 0
    rows = list(observed_counts(session, sample_only=True).values())
    found = []
    if turnout := ratio_estimate("turnout", [(r["cast"], r["registered"]) for r in rows
                                             if "cast" in r and "registered" in r], population):
        found.append(turnout)
    names = candidates(session)
    complete = [r for r in rows if all(c in r for c in names)]
    for name in names:
        estimate = ratio_estimate(name, [(r[name], sum(r[c] for c in names)) for r in complete], population)
        if estimate:
            found.append(estimate)
    return found


@dataclass(frozen=True)
class Discrepancy:
    station_code: str
    item: str
    observed: int
    official: int


def compare_with_official(session: Session, official_counts: dict[str, dict[str, int]],
                          tolerance: int = 0) -> list[Discrepancy]:
    """Every station and count where the observers' figure and the official result differ by more than ``tolerance``.

    ``official_counts`` maps a station code to its counts keyed as the observers'
    are: "registered", "cast", "invalid" and each candidate's question code.
    """
    observed = observed_counts(session)
    found = []
    for station_code in sorted(official_counts):
        ours = observed.get(station_code)
        if ours is None:
            continue
        for item in sorted(set(ours) & set(official_counts[station_code])):
            theirs = int(official_counts[station_code][item])
            if abs(ours[item] - theirs) > tolerance:
                found.append(Discrepancy(station_code, item, ours[item], theirs))
    return found


def official_counts(session: Session, race_code: str) -> dict[str, dict[str, int]] | None:
    """The race's accepted official figures per station, keyed as the observers' counts are.

    Votes are compared where the counting checklist's vote question carries the
    candidate's code in the race (question "C1" for candidate C1). None when the
    race does not exist.
    """
    from electoral.results.services.aggregate import station_rows
    from electoral.results.services.races import find_race

    race = find_race(session, race_code)
    if race is None:
        return None
    codes = [candidate.code for candidate in race.candidates]
    counts = {}
    for row in station_rows(session, race):
        item = {"cast": row["ballots_cast"], "invalid": row["invalid"], **{code: row[code] for code in codes}}
        if row["registered_voters"]:  # no roll figure (0 or None) is not a count to compare
            item["registered"] = row["registered_voters"]
        counts[row["station_code"]] = item
    return counts


@dataclass(frozen=True)
class SheetComparison:
    """One sampled station: the observer's counts and photos beside the official accepted figures and images."""

    station_code: str
    station_name: str
    observed: dict[str, int] | None
    official: dict[str, int] | None
    observer_photos: list
    official_images: list
    differs: tuple[str, ...]  # the counts whose figures differ


def sheet_comparison(session: Session, race_code: str) -> list[SheetComparison] | None:
    """Every sampled station, for the race: observers' counts and photos against the official figures and images.

    None when the race does not exist. The official side is the accepted sheet only (``official_counts``);
    observers' photos are their own (``SheetImage.observer_id``), never the sheet's published evidence.
    """
    from electoral.results.services.races import find_race
    from electoral.results.sheets.models import SheetImage

    race = find_race(session, race_code)
    official = official_counts(session, race_code)
    if race is None or official is None:
        return None
    observed = observed_counts(session, sample_only=True)
    stations = session.scalars(select(PollingStation).join(QuickCountSample,
                                                           QuickCountSample.station_id == PollingStation.id)
                               .order_by(PollingStation.code))
    photos: dict[tuple[int, bool], list] = {}
    for image in session.scalars(select(SheetImage).join(QuickCountSample,
                                                         QuickCountSample.station_id == SheetImage.station_id)
                                 .where(SheetImage.race_id == race.id).order_by(SheetImage.id)):
        photos.setdefault((image.station_id, image.observer_id is not None), []).append(image)
    rows = []
    for station in stations:
        ours, theirs = observed.get(station.code), official.get(station.code)
        differs = tuple(sorted(item for item in set(ours or {}) & set(theirs or {}) if ours[item] != theirs[item]))
        rows.append(SheetComparison(station.code, station.name, ours, theirs, photos.get((station.id, True), []),
                                    photos.get((station.id, False), []), differs))
    return rows
