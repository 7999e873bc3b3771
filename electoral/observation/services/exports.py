"""Submissions, incidents and coverage as CSV or XLSX, safe to open in a spreadsheet."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.core import spreadsheet
from electoral.geography.models import PollingStation
from electoral.observation.models import ChecklistTemplate, Incident, Observer, Submission
from electoral.observation.services.checklists import latest, text_in
from electoral.observation.services.observers import station_ids_query
from electoral.observation.services.timing import clock_gap, gap_limit


def submission_table(session: Session, template_code: str, lang: str, header_labels: dict[str, str],
                     area=None) -> tuple[list[str], Iterable[list[Any]]]:
    """Header and rows of the current submissions of a checklist (within ``area``): one column per question."""
    template = latest(session, template_code)
    questions = template.questions if template else []
    header = [header_labels["station"], header_labels["observer"], header_labels["submitted_at"],
              header_labels["version"], header_labels["revision"]]
    header += [f"{q.code} {text_in(q.texts, lang)}" for q in questions]
    # Last, so the question columns keep their places: the server's receipt time and a clock flag.
    header += [header_labels.get("received_at", "Received at"), header_labels.get("clock", "Phone clock")]
    query = (select(Submission, PollingStation.code, ChecklistTemplate.version, Observer)
             .join(PollingStation, PollingStation.id == Submission.station_id)
             .join(ChecklistTemplate, ChecklistTemplate.id == Submission.template_id)
             .outerjoin(Observer, Observer.id == Submission.observer_id)
             .where(ChecklistTemplate.code == template_code, Submission.current.is_(True))
             .order_by(PollingStation.code, Submission.id))
    if area is not None:
        query = query.where(Submission.station_id.in_(station_ids_query(area)))

    limit, clock_labels = gap_limit(), _clock_labels(header_labels)

    def rows():
        for submission, station_code, version, observer in session.execute(query.execution_options(yield_per=2000)):
            line = [station_code, observer.name if observer else "", submission.submitted_at.isoformat(),
                    version, submission.revision]
            for q in questions:
                if q.repeat_code:  # a repeat's question: each entry's answer in entry order, "; " between
                    entries = submission.answers.get(q.repeat_code) or []
                    line.append("; ".join(_cell(entry.get(q.code)) for entry in entries) if entries else None)
                    continue
                value = submission.answers.get(q.code)
                line.append(" ".join(value) if isinstance(value, list) else value)
            yield line + _receipt(submission.submitted_at, submission.received_at, limit, clock_labels)

    return header, rows()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return " ".join(map(str, value)) if isinstance(value, list) else str(value)


def incident_table(session: Session, header_labels: dict[str, str],
                   area=None) -> tuple[list[str], Iterable[list[Any]]]:
    """Header and rows of the incidents (within ``area``), newest first."""
    header = [header_labels[k] for k in ("station", "observer", "occurred_at", "category", "severity",
                                         "description")]
    header += [header_labels.get("received_at", "Received at"), header_labels.get("clock", "Phone clock")]
    limit, clock_labels = gap_limit(), _clock_labels(header_labels)
    query = select(Incident).order_by(Incident.occurred_at.desc())
    if area is not None:
        query = query.where(Incident.station_id.in_(station_ids_query(area)))
    return header, ([i.station.code, i.observer.name if i.observer else "", i.occurred_at.isoformat(),
                     i.category, i.severity, i.description]
                    + _receipt(i.occurred_at, i.received_at, limit, clock_labels) for i in session.scalars(query))


def _clock_labels(header_labels: dict[str, str]) -> dict[str, str]:
    from electoral.observation.labels import CLOCK_GAP  # labels.py reads the services' values

    return {k: header_labels.get(f"clock_{k}", str(v)) for k, v in CLOCK_GAP.items()}


def _receipt(phone_time, received_at, limit, labels: dict[str, str]) -> list[Any]:
    """The receipt time and the phone clock's flag (empty when the phone's time is plausible)."""
    gap = clock_gap(phone_time, received_at, limit)
    return [received_at.isoformat() if received_at else "", labels[gap] if gap else ""]


def to_csv(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    return spreadsheet.csv_bytes(header, rows)


def to_xlsx(header: list[str], rows: Iterable[list[Any]], title: str = "Export") -> bytes:
    return spreadsheet.xlsx_bytes(header, rows, title)


def coverage_table(session: Session, header_labels: dict[str, str], phase_labels: dict[str, str],
                   area=None) -> tuple[list[str], Iterable[list[Any]]]:
    """Header and rows of coverage: for every phase, stations reported and expected per area below ``area``."""
    from electoral.observation.services.dashboard import coverage

    header = [header_labels[k] for k in ("phase", "area_code", "area", "reported", "expected")]
    rows = [[str(label), row.area.code, row.area.name, row.reported, row.expected]
            for phase, label in phase_labels.items() for row in coverage(session, phase, area)]
    return header, rows
