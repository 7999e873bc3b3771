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


def submission_table(session: Session, template_code: str, lang: str, header_labels: dict[str, str],
                     area=None) -> tuple[list[str], Iterable[list[Any]]]:
    """Header and rows of the current submissions of a checklist (within ``area``): one column per question."""
    template = latest(session, template_code)
    questions = template.questions if template else []
    header = [header_labels["station"], header_labels["observer"], header_labels["submitted_at"],
              header_labels["version"], header_labels["revision"]]
    header += [f"{q.code} {text_in(q.texts, lang)}" for q in questions]
    query = (select(Submission, PollingStation.code, ChecklistTemplate.version, Observer)
             .join(PollingStation, PollingStation.id == Submission.station_id)
             .join(ChecklistTemplate, ChecklistTemplate.id == Submission.template_id)
             .outerjoin(Observer, Observer.id == Submission.observer_id)
             .where(ChecklistTemplate.code == template_code, Submission.current.is_(True))
             .order_by(PollingStation.code, Submission.id))
    if area is not None:
        query = query.where(Submission.station_id.in_(station_ids_query(area)))

    def rows():
        for submission, station_code, version, observer in session.execute(query.execution_options(yield_per=2000)):
            line = [station_code, observer.name if observer else "", submission.submitted_at.isoformat(),
                    version, submission.revision]
            for q in questions:
                value = submission.answers.get(q.code)
                line.append(" ".join(value) if isinstance(value, list) else value)
            yield line

    return header, rows()


def incident_table(session: Session, header_labels: dict[str, str],
                   area=None) -> tuple[list[str], Iterable[list[Any]]]:
    """Header and rows of the incidents (within ``area``), newest first."""
    header = [header_labels[k] for k in ("station", "observer", "occurred_at", "category", "severity",
                                         "description")]
    query = select(Incident).order_by(Incident.occurred_at.desc())
    if area is not None:
        query = query.where(Incident.station_id.in_(station_ids_query(area)))
    return header, ([i.station.code, i.observer.name if i.observer else "", i.occurred_at.isoformat(),
                     i.category, i.severity, i.description] for i in session.scalars(query))


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
