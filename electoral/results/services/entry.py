"""Double-blind entry of tally sheets, resolution of mismatches, audit of quarantined sheets."""

import hashlib
import json
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core import duties
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.geography.models import PollingStation
from electoral.results import checks, labels
from electoral.results.models import (
    CORRECTION,
    FIELDS,
    EntryError,
    Race,
    SheetEvent,
    SheetVote,
    TallyEntry,
    TallySheet,
)
from electoral.results.services.closure import require_open
from electoral.results.services.races import ballots_received, contested_at, registered_voters
from electoral.results.services.totals import PENDING, tracking

OPEN_FOR_ENTRY = ("not_received", "first_entry")
PENDING_AUDIT = PENDING


def field_labels() -> dict[str, str]:
    """The translated name of each figure of the sheet."""
    return {"ballots_received": _("Ballots received"), "ballots_cast": _("Ballots cast"),
            "unused": _("Unused ballots"), "spoiled": _("Spoiled ballots"),
            "invalid": _("Invalid ballots"), "valid": _("Valid ballots")}


def find_sheet(session: Session, race: Race, station: PollingStation) -> TallySheet | None:
    """The sheet of ``race`` at ``station``, or None when nothing was entered yet."""
    return session.scalar(select(TallySheet).where(TallySheet.race_id == race.id,
                                                   TallySheet.station_id == station.id))


def clean_figures(race: Race, raw: dict) -> dict:
    """Whole, non-negative numbers for every field and candidate; ValidationFailed names each bad one."""
    errors: dict[str, list[str]] = {}
    figures: dict = {"candidates": {}}

    def number(key: str, value):
        text = "" if value is None else str(value).strip()
        if not text.isdigit():
            errors.setdefault(key, []).append(_("Enter a whole number, 0 or more.") if text
                                              else _("This figure is required."))
            return None
        return int(text)

    for name in FIELDS:
        figures[name] = number(name, raw.get(name))
    given = raw.get("candidates", {})
    for candidate in race.candidates:
        figures["candidates"][candidate.code] = number(f"candidate_{candidate.code}", given.get(candidate.code))
    if errors:
        raise ValidationFailed(errors)
    return figures


def _is_blank(figures: dict) -> bool:
    return not any(figures[name] for name in FIELDS) and not any(figures["candidates"].values())


def _current_entries(session: Session, sheet: TallySheet) -> dict[int, TallyEntry]:
    return {e.entry_no: e for e in session.scalars(select(TallyEntry).where(
        TallyEntry.sheet_id == sheet.id, TallyEntry.round == sheet.round, TallyEntry.superseded.is_(False)))}


def next_entry_number(session: Session, sheet: TallySheet | None) -> int | None:
    """1 or 2: the entry a clerk would make now; None when the sheet awaits no entry."""
    if sheet is None or sheet.state == "not_received":
        return 1
    if sheet.state == "first_entry":
        return 2
    return None


def submit_entry(session: Session, race: Race, station: PollingStation, clerk: User, raw: dict,
                 source: str = "web", entry_no: int | None = None) -> TallyEntry:
    """Save a clerk's entry of a sheet; the second entry is compared with the first and the sheet moves on."""
    if not clerk.has_any_role({Role.RESULTS_CLERK}):
        raise ValidationFailed(_("Only results clerks enter tally sheets."))
    if not contested_at(session, race, station):
        raise ValidationFailed(_("Race %(race)s is not contested at station %(station)s.",
                                 race=race.code, station=station.code))
    # Ballots handed to the station are logistics' figure, shown on the form and not typed.
    from_logistics = ballots_received(session, race, [station.id])[station.id]
    if from_logistics is not None:
        raw = {**raw, "ballots_received": from_logistics}
    figures = clean_figures(race, raw)
    require_open(session, race.id, station.id)
    sheet = find_sheet(session, race, station)
    expected = next_entry_number(session, sheet)
    if expected is None:
        raise ValidationFailed(_("The sheet of station %(station)s for %(race)s is %(state)s: it awaits no entry.",
                                 station=station.code, race=race.code, state=state_label(sheet.state)))
    if entry_no is not None and entry_no != expected:
        raise ValidationFailed(_("This sheet awaits entry %(expected)d, not entry %(given)d.",
                                 expected=expected, given=entry_no))
    if _is_blank(figures):
        raise ValidationFailed(_("The sheet is blank or all zero: it cannot be entered. "
                                 "Set it aside for the supervisor."))
    if expected == 2:
        first = _current_entries(session, sheet).get(1)
        duties.require_other("results_first_second_entry", [first.clerk_id if first else None], clerk.id)
    # Every refusal above comes before the first write, so a refused row of an import leaves nothing behind.
    if sheet is None:
        sheet = TallySheet(race=race, station=station, state="not_received", round=1)
        # Two clerks' first entries of a new sheet both create it: the second is refused here.
        _insert_entry(session, sheet, expected)
    entry = TallyEntry(sheet_id=sheet.id, round=sheet.round, entry_no=expected, clerk_id=clerk.id,
                       figures=figures, source=source)
    _insert_entry(session, entry, expected)
    if expected == 1:
        sheet.state = "first_entry"
    else:
        first = _current_entries(session, sheet)[1]
        if not differences(first.figures, figures):
            agree(session, sheet, figures)
        else:
            sheet.state = "in_correction"
    session.flush()
    return entry


def _insert_entry(session: Session, entry: TallyEntry | TallySheet, number: int) -> None:
    """Insert the entry (or its new sheet); a concurrent save of the same entry number becomes a clear message."""
    message = _("Another clerk saved entry %(number)d of this sheet a moment ago. "
                "Nothing was saved; open the sheet again.", number=number)
    if session.get_bind().dialect.name == "sqlite":
        # pysqlite commits at RELEASE SAVEPOINT when no BEGIN preceded it, so no savepoint there;
        # the caller rolls the whole session back on ValidationFailed, as views and commands do.
        try:
            session.add(entry)
            session.flush()
        except IntegrityError:
            raise ValidationFailed(message) from None
        return
    try:
        with session.begin_nested():
            session.add(entry)
            session.flush()
    except IntegrityError:
        raise ValidationFailed(message) from None


def differences(first: dict, second: dict) -> list[str]:
    """The fields (and ``candidate_<code>``) whose figures differ between two entries."""
    fields = [name for name in FIELDS if first.get(name) != second.get(name)]
    codes = sorted(set(first.get("candidates", {})) | set(second.get("candidates", {})))
    return fields + [f"candidate_{code}" for code in codes
                     if first["candidates"].get(code) != second["candidates"].get(code)]


def figure(figures: dict, key: str):
    """The value of a field or ``candidate_<code>`` key in an entry's figures."""
    if key.startswith("candidate_"):
        return figures.get("candidates", {}).get(key.removeprefix("candidate_"))
    return figures.get(key)


def figures_hash(figures: dict) -> str:
    """A fingerprint of the counted figures, to find a sheet reported under two stations."""
    counted = [figures[name] for name in ("ballots_cast", "invalid", "valid")]
    counted.append(sorted(figures["candidates"].items()))
    return hashlib.sha256(json.dumps(counted).encode()).hexdigest()


def agree(session: Session, sheet: TallySheet, figures: dict) -> list[checks.Outcome]:
    """Write the agreed figures on the sheet, run the checks; accepted, or quarantined if any fails."""
    with tracking(session, sheet):
        return _agree(session, sheet, figures)


def _agree(session: Session, sheet: TallySheet, figures: dict) -> list[checks.Outcome]:
    station_ids = [sheet.station_id]
    sheet.registered_voters = registered_voters(session, station_ids)[sheet.station_id]
    from_logistics = ballots_received(session, sheet.race, station_ids)[sheet.station_id]
    for name in FIELDS:
        setattr(sheet, name, figures[name])
    if from_logistics is not None:
        sheet.ballots_received = from_logistics
    sheet.figures_hash = figures_hash(figures)
    by_code = {c.code: c.id for c in sheet.race.candidates}
    current = {v.candidate_id: v for v in sheet.votes}
    for code, votes in figures["candidates"].items():
        if by_code[code] in current:
            current[by_code[code]].votes = votes
        else:
            sheet.votes.append(SheetVote(candidate_id=by_code[code], votes=votes))
    session.flush()
    outcomes = checks.run(session, sheet_figures(session, sheet))
    failed = [o.code for o in outcomes if o.passed is False]
    sheet.failed_checks = " ".join(failed)
    sheet.state = "quarantined" if failed else "accepted"
    session.flush()
    return outcomes


def sheet_figures(session: Session, sheet: TallySheet) -> checks.Figures:
    """The sheet's agreed figures as the checks read them."""
    codes = {c.id: c.code for c in sheet.race.candidates}
    twins = session.scalars(
        select(PollingStation.code).join(TallySheet, TallySheet.station_id == PollingStation.id)
        .where(TallySheet.race_id == sheet.race_id, TallySheet.figures_hash == sheet.figures_hash,
               TallySheet.id != sheet.id, TallySheet.state != "cancelled")
        .order_by(PollingStation.code).limit(5)).all()
    return checks.Figures(
        ballots_received=sheet.ballots_received, ballots_cast=sheet.ballots_cast, unused=sheet.unused,
        spoiled=sheet.spoiled, invalid=sheet.invalid, valid=sheet.valid,
        candidates={codes[v.candidate_id]: v.votes for v in sheet.votes},
        registered_voters=sheet.registered_voters, same_figures_as=list(twins))


def explain(session: Session, sheet: TallySheet) -> list[checks.Outcome]:
    """Every enabled check's outcome on the sheet's agreed figures (none before they are agreed)."""
    if sheet.valid is None:
        return []
    return checks.run(session, sheet_figures(session, sheet))


def current_entries(session: Session, sheet: TallySheet) -> dict[int, TallyEntry]:
    """Entries 1, 2 (and the correction) of the sheet's current round."""
    return _current_entries(session, sheet)


def _lock_sheet(session: Session, sheet: TallySheet) -> None:
    """Hold the sheet and read its state afresh: two supervisors deciding at once take turns,
    so the second sees the first's decision and the totals move once."""
    session.flush()
    session.refresh(sheet, with_for_update=True)


def _round_clerks(session: Session, sheet: TallySheet) -> list[int]:
    """The clerks who made entries 1 and 2 of the sheet's current round (superseded by a correction or not)."""
    return list(session.scalars(select(TallyEntry.clerk_id).where(
        TallyEntry.sheet_id == sheet.id, TallyEntry.round == sheet.round, TallyEntry.entry_no != CORRECTION)))


def _require_supervisor(user: User) -> None:
    if not user.has_any_role({Role.RESULTS_SUPERVISOR}):
        raise ValidationFailed(_("Only a results supervisor may do this."))


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Give the reason.")]})
    return reason


def resolve(session: Session, sheet: TallySheet, supervisor: User, chosen: dict, reason: str) -> TallyEntry:
    """Settle a mismatch: the correct figure of each differing field; the error goes to the clerk who typed it."""
    _require_supervisor(supervisor)
    _lock_sheet(session, sheet)
    reason = _require_reason(reason)
    require_open(session, sheet.race_id, sheet.station_id)
    if sheet.state != "in_correction":
        raise ValidationFailed(_("This sheet has no mismatch to resolve."))
    entries = _current_entries(session, sheet)
    first, second = entries[1], entries[2]
    duties.require_other("results_enter_resolve", [first.clerk_id, second.clerk_id], supervisor.id)
    final = json.loads(json.dumps(first.figures))
    errors: dict[str, list[str]] = {}
    for key in differences(first.figures, second.figures):
        raw = "" if chosen.get(key) is None else str(chosen[key]).strip()
        if not raw.isdigit():
            errors[key] = [_("Pick one of the two figures or type the figure on the paper sheet.")]
            continue
        value = int(raw)
        if key.startswith("candidate_"):
            final["candidates"][key.removeprefix("candidate_")] = value
        else:
            final[key] = value
    if errors:
        raise ValidationFailed(errors)
    correction = TallyEntry(sheet_id=sheet.id, round=sheet.round, entry_no=CORRECTION, clerk_id=supervisor.id,
                            figures=final, source="correction", reason=reason)
    session.add(correction)
    session.flush()
    for entry in (first, second):
        for key in differences(entry.figures, final):
            session.add(EntryError(sheet_id=sheet.id, entry_id=entry.id, clerk_id=entry.clerk_id, field=key,
                                   entered=figure(entry.figures, key), corrected=figure(final, key),
                                   reason=reason, supervisor_id=supervisor.id))
        entry.superseded = True
    session.add(SheetEvent(sheet_id=sheet.id, action="resolved", reason=reason, user_id=supervisor.id))
    agree(session, sheet, final)
    return correction


def start_audit(session: Session, sheet: TallySheet, supervisor: User) -> None:
    """A supervisor takes a quarantined sheet for audit."""
    _require_supervisor(supervisor)
    _lock_sheet(session, sheet)
    require_open(session, sheet.race_id, sheet.station_id)
    if sheet.state != "quarantined":
        raise ValidationFailed(_("Only a quarantined sheet can be taken for audit."))
    duties.require_other("results_enter_audit", _round_clerks(session, sheet), supervisor.id)
    with tracking(session, sheet):  # quarantined and under audit are both pending: nothing moves
        sheet.state = "under_audit"
    session.add(SheetEvent(sheet_id=sheet.id, action="audit", reason="", user_id=supervisor.id))
    session.flush()


def decide(session: Session, sheet: TallySheet, supervisor: User, decision: str, reason: str) -> None:
    """The audit's decision: accept (votes counted), re_enter (a new round of two entries) or cancel."""
    _require_supervisor(supervisor)
    _lock_sheet(session, sheet)
    reason = _require_reason(reason)
    allowed = {"accept": PENDING_AUDIT, "cancel": (*PENDING_AUDIT, "accepted", "in_correction"),
               "re_enter": (*PENDING_AUDIT, "cancelled", "in_correction", "accepted")}
    if decision not in allowed:
        raise ValidationFailed({"decision": [_("Choose a decision.")]})
    require_open(session, sheet.race_id, sheet.station_id)
    if sheet.state not in allowed[decision]:
        raise ValidationFailed(_("This decision does not apply to a sheet that is %(state)s.",
                                 state=state_label(sheet.state)))
    duties.require_other("results_enter_audit", _round_clerks(session, sheet), supervisor.id)
    with tracking(session, sheet):
        if decision == "accept":
            sheet.state = "accepted"
        elif decision == "cancel":
            sheet.state = "cancelled"
        else:
            for entry in _current_entries(session, sheet).values():
                entry.superseded = True
            sheet.round += 1
            sheet.state = "not_received"
            for name in FIELDS:
                setattr(sheet, name, None)
            sheet.figures_hash, sheet.failed_checks = None, ""
            sheet.votes = []
    session.add(SheetEvent(sheet_id=sheet.id, action=decision, reason=reason, user_id=supervisor.id))
    session.flush()


def state_label(state: str) -> str:
    """The translated name of a sheet state."""
    return labels.SHEET_STATE.label(state)


def event_label(action: str) -> str:
    """The translated name of a step in a sheet's history."""
    return {"resolved": _("differences settled by the supervisor"), "audit": _("audit started"),
            "accept": _("accepted after audit"), "re_enter": _("sent back for a new double entry"),
            "cancel": _("cancelled after audit"),
            "excused": _("excused by the supervisor: not counted"),
            "recall_requested": _("recall to clearance requested"),
            "recalled": _("recalled to clearance (approved by a second supervisor)"),
            "recall_refused": _("recall refused by a second supervisor")}.get(action, action)


@dataclass
class ClerkRecord:
    username: str
    full_name: str
    entries: int
    errors: int

    @property
    def error_rate(self) -> float:
        return self.errors / self.entries if self.entries else 0.0


def clerk_ranking(session: Session) -> list[ClerkRecord]:
    """Clerks by error rate, worst first: figures found wrong over entries made."""
    made = (select(TallyEntry.clerk_id, func.count().label("n")).where(TallyEntry.entry_no != CORRECTION)
            .group_by(TallyEntry.clerk_id).subquery())
    wrong = (select(EntryError.clerk_id, func.count(func.distinct(EntryError.entry_id)).label("n"))
             .group_by(EntryError.clerk_id).subquery())
    rows = session.execute(
        select(User.username, User.full_name, made.c.n, func.coalesce(wrong.c.n, 0))
        .join(made, made.c.clerk_id == User.id).outerjoin(wrong, wrong.c.clerk_id == User.id)).all()
    records = [ClerkRecord(*row) for row in rows]
    return sorted(records, key=lambda r: (-r.error_rate, -r.errors, r.username))


def sheet_list_query(race: Race | None, states: tuple[str, ...]):
    """Select of sheets in ``states`` (of one race, or all), oldest change first."""
    query = (select(TallySheet).where(TallySheet.state.in_(states))
             .order_by(case((TallySheet.state == "under_audit", 0), else_=1), TallySheet.updated_at, TallySheet.id))
    if race is not None:
        query = query.where(TallySheet.race_id == race.id)
    return query
