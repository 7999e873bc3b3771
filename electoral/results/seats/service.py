"""Who a race elects, from its accepted totals, by its electoral system; the same function for the page, the
command line, the declaration and the open data. Lots drawn and second rounds are recorded here too."""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager

from electoral.core.errors import ValidationFailed
from electoral.geography.models import District
from electoral.results.models import Candidate, Race, RaceArea
from electoral.results.seats.members import Member, fill_seats
from electoral.results.seats.methods import LIST_METHODS, TWO_ROUND, Allocation, Step, Tie, allocate
from electoral.results.seats.models import (
    THRESHOLD_SCOPES,
    DistrictSeats,
    ListMember,
    LotDrawing,
    RaceSystem,
)
from electoral.results.services.aggregate import results
from electoral.results.services.certification import outstanding


def system_of(session: Session, race: Race) -> RaceSystem:
    """The race's electoral system; an unsaved plurality of one seat when none was set."""
    found = session.get(RaceSystem, race.id)
    return found if found is not None else RaceSystem(race_id=race.id, method="plurality", seats=1,
                                                      threshold=Decimal(0), threshold_scope="race", advance=2,
                                                      open_list=False)


def district_seats(session: Session, race: Race) -> list[DistrictSeats]:
    """The districts that elect seats of their own in this race, by district code."""
    return list(session.scalars(select(DistrictSeats).join(District).where(DistrictSeats.race_id == race.id)
                                .options(contains_eager(DistrictSeats.district)).order_by(District.code)))


def configure(session: Session, race: Race, *, method: str, seats: int, threshold=0, threshold_scope="race",
              first_divisor=None, advance: int = 2, open_list: bool = False, women_every: int | None = None,
              seats_by_district: dict[str, int] | None = None) -> RaceSystem:
    """Set the race's electoral system (and, for district seats, each district's seats)."""
    errors: dict[str, list[str]] = {}
    if method not in ("plurality", TWO_ROUND, *LIST_METHODS):
        errors["method"] = [_("Unknown method %(method)s.", method=method)]
    if not seats_by_district and (seats is None or seats < 1):
        errors["seats"] = [_("A race elects at least one seat.")]
    if threshold is None or not 0 <= threshold < 100:
        errors["threshold"] = [_("The threshold is a percentage from 0 to less than 100.")]
    if first_divisor is not None and (first_divisor <= 0 or method not in ("sainte_lague", "modified_sainte_lague")):
        errors["first_divisor"] = [_("A first divisor, above 0, applies only to the Sainte-Laguë methods.")]
    if women_every is not None and women_every < 2:
        errors["women_every"] = [_("One woman in every n seats needs n of 2 or more (2 is the zipper).")]
    if threshold_scope not in THRESHOLD_SCOPES:
        errors["threshold_scope"] = [_("The threshold is judged on the race's, the district's or the nation's votes.")]
    if advance is None or advance < 2:
        errors["advance"] = [_("At least two candidates go to a second round.")]
    quotas = []
    for code, count in (seats_by_district or {}).items():
        district = session.scalar(select(District).where(District.code == code.strip().upper()))
        if district is None:
            errors.setdefault("seats", []).append(_("No district has the code %(code)s.", code=code))
        elif count < 1:
            errors.setdefault("seats", []).append(_("District %(code)s must elect at least one seat.", code=code))
        else:
            quotas.append((district, count))
    if errors:
        raise ValidationFailed(errors)
    system = session.get(RaceSystem, race.id) or RaceSystem(race_id=race.id)
    session.add(system)
    system.method, system.threshold_scope, system.advance = method, threshold_scope, advance
    system.seats = sum(c for _, c in quotas) if quotas else seats
    system.threshold = Decimal(str(threshold))
    system.first_divisor = Decimal(str(first_divisor)) if first_divisor is not None else None
    system.open_list, system.women_every = open_list, women_every
    if seats_by_district is not None:
        current = {q.district_id: q for q in district_seats(session, race)}
        wanted = {d.id: count for d, count in quotas}
        for district_id, quota in current.items():
            if district_id not in wanted:
                session.delete(quota)
        for district, count in quotas:
            quota = current.get(district.id) or DistrictSeats(race_id=race.id, district_id=district.id)
            quota.seats = count
            session.add(quota)
    session.flush()
    return system


# ---- the computation ------------------------------------------------------

@dataclass
class Elected:
    code: str  # the candidate's, or the list's
    name: str  # the person elected
    area: str = ""  # the district, for district seats


@dataclass
class AreaSeats:
    """The allocation of one set of seats: the whole race's, or one district's."""

    code: str
    name: str
    seats: int
    valid: int
    votes: dict[str, int]
    allocation: Allocation
    steps: list[Step] = field(default_factory=list)  # the allocation's, then the lists' members
    elected: list[Elected] = field(default_factory=list)


@dataclass
class RaceSeats:
    race: Race
    system: RaceSystem
    areas: list[AreaSeats]
    names: dict[str, str]  # code -> the list's or candidate's name

    @property
    def seats(self) -> dict[str, int]:
        total = {c.code: 0 for c in self.race.candidates}
        for area in self.areas:
            for code, count in area.allocation.seats.items():
                total[code] = total.get(code, 0) + count
        return total

    @property
    def elected(self) -> list[Elected]:
        return [e for area in self.areas for e in area.elected]

    @property
    def runoff(self) -> list[str]:
        return [code for area in self.areas for code in area.allocation.runoff]

    @property
    def ties(self) -> list[Tie]:
        return [tie for area in self.areas for tie in area.allocation.ties]

    def as_json(self) -> dict:
        return {"race": self.race.code, "method": self.system.method, "seats": self.seats,
                "elected": [{"code": e.code, "name": e.name, "area": e.area} for e in self.elected],
                "runoff": self.runoff, "ties": [t.as_json() for t in self.ties]}


def not_final(session: Session, race: Race, district: District | None = None) -> int:
    """Stations of the race (in ``district``) whose sheet is not yet accepted or excused (cancelled), or not in.

    The same rule as certification's (services.certification.outstanding): one definition of "final".
    """
    return outstanding(session, race, district).missing


def drawn_lots(session: Session, race: Race) -> dict[str, tuple[str, ...]]:
    """The order each recorded drawing of lots gave, by the tie it settled."""
    return {d.tie_key: tuple(d.drawn_order) for d in session.scalars(
        select(LotDrawing).where(LotDrawing.race_id == race.id))}


def compute(session: Session, race: Race, district: District | None = None) -> RaceSeats:
    """Who ``race`` elects (in one ``district`` of a race with district seats), from the accepted sheets only.

    Refused while any of the race's sheets there is not final: seats are never given on provisional figures.
    """
    system = system_of(session, race)
    quotas = district_seats(session, race)
    if district is not None and district.id not in {q.district_id for q in quotas}:
        raise ValidationFailed(_("Race %(race)s does not allocate seats in district %(code)s.", race=race.code,
                                 code=district.code))
    pending = not_final(session, race, district)
    if pending:
        raise ValidationFailed(_("%(count)d polling stations of race %(race)s have no accepted or cancelled tally "
                                 "sheet yet: seats are computed on final figures only.", count=pending,
                                 race=race.code))
    by_id = {c.id: c for c in race.candidates}
    names = {c.code: (c.party or c.name) if system.method in LIST_METHODS else c.name for c in race.candidates}
    lots = drawn_lots(session, race)
    sizes = _list_sizes(session, race) if system.method in LIST_METHODS else {}
    if not quotas:
        total = results(session, race, "national")[0]
        votes = {c.code: total.votes.get(c.id, 0) for c in race.candidates}
        area = _allocate(session, race, system, "", _("Whole race"), system.seats, total.valid, votes, lots,
                         None, None, None, sizes)
        if system.method in LIST_METHODS:
            _fill(session, race, system, [(area, None)], sizes)
        return RaceSeats(race, system, [area], names)
    national = results(session, race, "national")[0]
    national_votes = {by_id[i].code: v for i, v in national.votes.items() if i in by_id}
    by_district = {r.area_id: r for r in results(session, race, "district")}
    areas = []
    for quota in quotas:
        if district is not None and quota.district_id != district.id:
            continue
        found = by_district.get(quota.district_id)
        votes = {c.code: (found.votes.get(c.id, 0) if found else 0) for c in race.candidates}
        use_national = system.threshold_scope == "national"
        areas.append((_allocate(session, race, system, quota.district.code, quota.district.name, quota.seats,
                                found.valid if found else 0, votes, lots, quota.district_id,
                                national_votes if use_national else None,
                                national.valid if use_national else None, sizes), quota.district_id))
    if system.method in LIST_METHODS:
        _fill(session, race, system, areas, sizes)
    return RaceSeats(race, system, [area for area, _ in areas], names)


def _allocate(session, race, system, code, name, seats, valid, votes, lots, district_id, threshold_votes,
              threshold_valid, list_sizes) -> AreaSeats:
    """One set of seats by the method (the lists' members are named afterwards, by ``_fill``)."""
    method = system.method
    is_list = method in LIST_METHODS
    sizes = list_sizes.get(district_id, {}) if is_list else {}
    caps = {}
    for candidate in race.candidates:
        if not is_list:
            continue
        if not candidate.party:
            caps[candidate.code] = 1  # an independent is one person: one seat at most
        elif candidate.code in sizes:
            caps[candidate.code] = sizes[candidate.code]
    first_divisor = Fraction(str(system.first_divisor)) if system.first_divisor is not None else None
    allocation = allocate(method, votes, seats, valid=valid, threshold=Fraction(str(system.threshold)),
                          first_divisor=first_divisor, advance=system.advance, caps=caps, lots=lots, area=code,
                          threshold_votes=threshold_votes, threshold_valid=threshold_valid)
    area = AreaSeats(code, name, seats, valid, votes, allocation, steps=list(allocation.steps))
    if not is_list:
        by_code = {c.code: c for c in race.candidates}
        area.elected = [Elected(c, by_code[c].name, code) for c in allocation.elected]
    return area


def _fill(session: Session, race: Race, system: RaceSystem, areas: list[tuple[AreaSeats, int | None]],
          list_sizes: dict[int | None, dict[str, int]]) -> None:
    """Name who takes each seat every list won, in every area; the lists' candidates read in one query."""
    by_code = {c.code: c for c in race.candidates}
    wanted = {(by_code[code].id, district_id) for area, district_id in areas
              for code, won in area.allocation.seats.items()
              if won and by_code[code].party and code in list_sizes.get(district_id, {})}
    members: dict[tuple[int, int | None], list[Member]] = {}
    if wanted:
        query = select(ListMember.candidate_id, ListMember.district_id, ListMember.name, ListMember.position,
                       ListMember.woman, ListMember.preference_votes).where(
            ListMember.candidate_id.in_({candidate_id for candidate_id, _ in wanted}))
        districts = {district_id for _, district_id in wanted}
        if len(districts) == 1:
            only = next(iter(districts))
            query = query.where(ListMember.district_id.is_(None) if only is None else ListMember.district_id == only)
        for candidate_id, district_id, name, position, woman, preference in session.execute(query):
            if (candidate_id, district_id) in wanted:
                members.setdefault((candidate_id, district_id), []).append(Member(name, position, woman, preference))
    for area, district_id in areas:
        for candidate in race.candidates:
            won = area.allocation.seats.get(candidate.code, 0)
            if not won:
                continue
            if not candidate.party:
                area.steps.append(Step("independent", {"code": candidate.code}))
                area.elected.append(Elected(candidate.code, candidate.name, area.code))
                continue
            found = members.get((candidate.id, district_id))
            if found is None:
                continue  # the list's candidates are not recorded: its seats are counted, nobody is named
            chosen, steps = fill_seats(candidate.code, won, found, open_list=system.open_list,
                                       women_every=system.women_every)
            area.steps.extend(steps)
            area.elected.extend(Elected(candidate.code, m.name, area.code) for m in chosen)


def _list_sizes(session: Session, race: Race) -> dict[int | None, dict[str, int]]:
    """How many candidates each list has, by district (None: the race's single lists) and list code."""
    codes = {c.id: c.code for c in race.candidates}
    sizes: dict[int | None, dict[str, int]] = {}
    if not codes:
        return sizes
    # Grouped on the (candidate, district, position) unique index: no table read, no sort.
    for candidate_id, district_id, count in session.execute(
            select(ListMember.candidate_id, ListMember.district_id, func.count())
            .where(ListMember.candidate_id.in_(codes)).group_by(ListMember.candidate_id, ListMember.district_id)):
        sizes.setdefault(district_id, {})[codes[candidate_id]] = count
    return sizes


# ---- lots and second rounds -----------------------------------------------

def record_lots(session: Session, race: Race, tie_key: str, order: list[str], drawn_by: str, witnesses: str,
                user) -> LotDrawing:
    """Record a drawing of lots that settles one of the race's open ties, as witnessed (audited)."""
    # A tie in one district's seats is settled there, even while another district's sheets are still open.
    area_code = tie_key.split("|", 1)[0]
    district = session.scalar(select(District).where(District.code == area_code)) if area_code else None
    tie = next((t for t in compute(session, race, district).ties if t.key == tie_key), None)
    if tie is None:
        raise ValidationFailed(_("This race has no such tie waiting for a drawing of lots."))
    order = [c.strip().upper() for c in order if c.strip()]
    errors: dict[str, list[str]] = {}
    if sorted(order) != sorted(tie.contenders):
        errors["order"] = [_("Give every tied contender once, in the order drawn: %(codes)s.",
                             codes=", ".join(tie.contenders))]
    if not drawn_by.strip():
        errors["drawn_by"] = [_("Say who drew the lots.")]
    if not witnesses.strip():
        errors["witnesses"] = [_("Name the witnesses of the drawing.")]
    if errors:
        raise ValidationFailed(errors)
    drawing = LotDrawing(race_id=race.id, tie_key=tie_key, drawn_order=order, drawn_by=drawn_by.strip(),
                         witnesses=witnesses.strip(), recorded_by_id=user.id)
    session.add(drawing)
    session.flush()
    return drawing


def runoff_of(session: Session, race: Race) -> Race | None:
    """The second-round race created for ``race``, if any."""
    system = session.scalar(select(RaceSystem).where(RaceSystem.runoff_of_id == race.id))
    return session.get(Race, system.race_id) if system is not None else None


def create_runoff(session: Session, race: Race) -> Race:
    """Create the second round of a two-round race that no candidate won: its qualified candidates, the same
    areas, ready for its own tally sheets."""
    computed = compute(session, race)
    if computed.system.method != TWO_ROUND or not computed.runoff:
        raise ValidationFailed(_("This race has no second round to create."))
    if computed.ties:
        raise ValidationFailed(_("Lots must be drawn first for a place in the second round."))
    if runoff_of(session, race) is not None:
        raise ValidationFailed(_("The second round of this race already exists."))
    code = f"{race.code}-R2"[:32]
    runoff = Race(code=code, name=_("%(name)s, second round", name=race.name), kind=race.kind)
    for area in race.areas:
        runoff.areas.append(RaceArea(region_id=area.region_id, district_id=area.district_id, centre_id=area.centre_id))
    by_code = {c.code: c for c in race.candidates}
    for order, candidate_code in enumerate(computed.runoff, start=1):
        old = by_code[candidate_code]
        runoff.candidates.append(Candidate(code=old.code, name=old.name, party=old.party, ballot_order=order,
                                           photo_path=old.photo_path))
    session.add(runoff)
    session.flush()
    # The second round is won by the most votes between the qualified candidates.
    session.add(RaceSystem(race_id=runoff.id, method="plurality", seats=1, threshold=Decimal(0),
                           threshold_scope="race", advance=2, open_list=False, runoff_of_id=race.id))
    session.flush()
    return runoff


# ---- open data ------------------------------------------------------------

def post_election_status(session: Session, race: Race) -> dict[str, str]:
    """Each candidate's status after the count, in the NIST CDF's words (winner, advanced-to-runoff, defeated),
    for a race of single winners whose seats can be computed now; empty otherwise (sheets not final, lots to
    draw, or a list race, whose winners are the lists' members, not its candidates)."""
    if system_of(session, race).method not in ("plurality", TWO_ROUND):
        return {}
    try:
        computed = compute(session, race)
    except ValidationFailed:
        return {}
    if computed.ties:
        return {}
    elected, runoff = {e.code for e in computed.elected}, set(computed.runoff)
    return {c.code: "winner" if c.code in elected else "advanced-to-runoff" if c.code in runoff else "defeated"
            for c in race.candidates}
