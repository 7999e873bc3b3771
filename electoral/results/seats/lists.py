"""The candidates on each party list of a list race, imported from a file: all rows or none."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.core.errors import ImportFailed, LineError
from electoral.core.params import bounded_int
from electoral.core.tabular import read_table
from electoral.geography.models import District
from electoral.results.seats.models import ListMember

LIST_COLUMNS = ["race_code", "list_code", "position", "name", "woman"]
LIST_OPTIONAL = ["district_code", "preference_votes"]
YES, NO = ("yes", "y", "1", "true", "f", "w"), ("no", "n", "0", "false", "m", "")


@dataclass
class ListImportSummary:
    lists: int = 0
    members: int = 0


def import_lists(session: Session, data: bytes, filename: str) -> ListImportSummary:
    """Replace the members of every list the file names (per district) with the file's rows."""
    from electoral.results.services.races import find_race

    errors: list[LineError] = []
    plans: dict[tuple[int, int | None], dict[int, dict]] = {}
    seen_lines: dict[tuple, int] = {}
    for row in read_table(data, filename, LIST_COLUMNS, LIST_OPTIONAL):
        v = row.values
        race = find_race(session, v["race_code"])
        if race is None:
            errors.append(LineError(row.line, _("no race has the code %(code)s", code=v["race_code"])))
            continue
        candidate = next((c for c in race.candidates if c.code == v["list_code"].strip().upper()), None)
        if candidate is None:
            errors.append(LineError(row.line, _("race %(race)s has no list %(code)s", race=race.code,
                                                code=v["list_code"])))
            continue
        district_id = None
        if (v.get("district_code") or "").strip():
            district = session.scalar(select(District).where(District.code == v["district_code"].strip().upper()))
            if district is None:
                errors.append(LineError(row.line, _("no district has the code %(code)s", code=v["district_code"])))
                continue
            district_id = district.id
        if bounded_int(v["position"], minimum=1) is None:
            errors.append(LineError(row.line, _("position must be a whole number from 1, not \"%(value)s\"",
                                                value=v["position"])))
            continue
        woman = v["woman"].strip().lower()
        if woman not in YES + NO:
            errors.append(LineError(row.line, _("woman must be yes or no, not \"%(value)s\"", value=v["woman"])))
            continue
        preference = (v.get("preference_votes") or "").strip()
        if preference and bounded_int(preference) is None:
            errors.append(LineError(row.line, _("preference votes must be a whole number, not \"%(value)s\"",
                                                value=preference)))
            continue
        if not v["name"].strip():
            errors.append(LineError(row.line, _("missing %(fields)s", fields="name")))
            continue
        key = (candidate.id, district_id, int(v["position"]))
        if key in seen_lines:
            errors.append(LineError(row.line, _("this list already has position %(position)s on line %(first)d",
                                                position=v["position"], first=seen_lines[key])))
            continue
        seen_lines[key] = row.line
        plans.setdefault((candidate.id, district_id), {})[int(v["position"])] = {
            "name": v["name"].strip(), "woman": woman in YES, "preference_votes": int(preference) if preference
            else None}
    if errors:
        raise ImportFailed(errors)
    if not plans:
        raise ImportFailed([LineError(1, _("the file has a header but no rows"))])
    summary = ListImportSummary()
    for (candidate_id, district_id), members in plans.items():
        # Each member removed is written to the audit trail (an ORM delete, not a bulk one).
        for old in session.scalars(select(ListMember).where(
                ListMember.candidate_id == candidate_id, ListMember.district_id.is_(None) if district_id is None
                else ListMember.district_id == district_id)):
            session.delete(old)
        session.flush()
        for position, values in sorted(members.items()):
            session.add(ListMember(candidate_id=candidate_id, district_id=district_id, position=position, **values))
            summary.members += 1
        summary.lists += 1
    session.flush()
    return summary

