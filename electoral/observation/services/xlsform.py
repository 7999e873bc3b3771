"""Import a checklist from an XLSForm spreadsheet (the ODK/KoBo convention).

The survey sheet gives the questions (type, name, label[::Language (xx)],
required, relevant, constraint), begin_group/end_group the sections; the choices
sheet the options; the settings sheet form_id, form_title, version. Two extra
columns, ``critical`` (a condition) and ``tally`` (a quick-count role), and a
``phase`` setting carry what XLSForm has no word for. pyxform converts the file
first, so a form that ODK would refuse is refused here too.
"""

import io
import re
from collections import defaultdict
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from electoral.config import LANGUAGES
from electoral.core.errors import ImportFailed, LineError, ValidationFailed
from electoral.core.tabular import TabularError
from electoral.core.xlsx import FORM_LIMITS, open_workbook
from electoral.observation.models import PHASES, ChecklistTemplate

TYPES = {"integer": "integer", "decimal": "decimal", "text": "text", "time": "time"}
IGNORED_TYPES = {"start", "end", "today", "deviceid", "note", "calculate", "geopoint", "audit", "phonenumber"}
_LANG_IN_HEADER = re.compile(r"^(label|hint)::.*?\(([a-z]{2})\)\s*$|^(label|hint)::([a-z]{2})$")
_BOUNDS = re.compile(r"^\s*\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)\s*(?:and\s*\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?))?\s*$")


def _sheet(workbook, name: str) -> list[tuple[int, dict[str, Any]]]:
    if name not in workbook.sheetnames:
        return []
    rows = list(workbook[name].iter_rows(values_only=True))
    if not rows:
        return []
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    out = []
    for number, cells in enumerate(rows[1:], start=2):
        values = {h: ("" if c is None else str(c).strip()) for h, c in zip(header, cells, strict=False) if h}
        if any(values.values()):
            out.append((number, values))
    return out


def _texts(values: dict[str, str], kind: str = "label") -> dict[str, str]:
    texts = {}
    for header, value in values.items():
        if not value:
            continue
        if header == kind:
            texts.setdefault("en", value)
            continue
        match = _LANG_IN_HEADER.match(header)
        if match and (match.group(1) or match.group(3)) == kind:
            lang = match.group(2) or match.group(4)
            if lang in LANGUAGES:
                texts[lang] = value
    return texts


def _pyxform_errors(data: bytes) -> list[str]:
    try:
        from pyxform.xls2xform import convert
    except ImportError:  # pragma: no cover - pyxform is a dependency; keep working without it
        return []
    try:
        convert(xlsform=io.BytesIO(data), file_type=".xlsx", validate=False, warnings=[])
    except Exception as exc:  # pyxform raises PyXFormError and others on a bad form
        return [str(exc)]
    return []


def import_xlsform(session: Session, data: bytes, phase: str = "") -> ChecklistTemplate:
    """Create a draft template from an XLSForm; every problem is reported, nothing half-made."""
    from electoral.observation.services import checklists

    try:
        # A form is small: anything larger is refused before openpyxl or pyxform parse it.
        workbook = open_workbook(data, FORM_LIMITS, read_only=False)
    except TabularError as exc:
        raise ValidationFailed({"file": [str(exc)]}) from exc
    if "survey" not in workbook.sheetnames:
        raise ValidationFailed({"file": [_("An XLSForm needs a sheet called survey.")]})
    problems = _pyxform_errors(data)
    if problems:
        raise ImportFailed([LineError(0, _("XLSForm check: %(message)s", message=p)) for p in problems])

    settings = dict(_sheet(workbook, "settings")[0][1]) if _sheet(workbook, "settings") else {}
    choices: dict[str, list[dict]] = defaultdict(list)
    for _number, row in _sheet(workbook, "choices"):
        choices[row.get("list_name") or row.get("list name", "")].append(
            {"value": row.get("name", ""), "texts": _texts(row)})
    phase = phase or settings.get("phase", "") or "opening"
    code = (settings.get("form_id") or "").strip() or "XLSFORM"
    name = settings.get("form_title") or code
    errors: list[LineError] = []
    if phase not in PHASES:
        errors.append(LineError(1, _("Unknown phase %(phase)s.", phase=phase)))
    try:
        template = checklists.create_template(session, code, name, phase if phase in PHASES else "opening")
    except ValidationFailed as failure:
        raise ImportFailed([LineError(0, m) for msgs in failure.errors.values() for m in msgs]) from None

    section = None
    for number, row in _sheet(workbook, "survey"):
        qtype, _sp, list_name = (row.get("type") or "").partition(" ")
        name = row.get("name", "")
        if qtype == "begin_group" or qtype == "begin group":
            try:
                section = checklists.add_section(session, template, name, _texts(row))
            except ValidationFailed as failure:
                errors.append(LineError(number, "; ".join(str(m) for v in failure.errors.values() for m in v)))
            continue
        if qtype in ("end_group", "end group"):
            section = None
            continue
        if qtype in IGNORED_TYPES:
            continue
        spec = {"minimum": None, "maximum": None}
        if qtype in ("select_one", "select_multiple"):
            options = choices.get(list_name.strip(), [])
            values = {o["value"].lower() for o in options}
            if qtype == "select_one" and values == {"yes", "no"}:
                spec["type"] = "yes_no"
            else:
                spec["type"] = "single_choice" if qtype == "select_one" else "multiple_choice"
                spec["choices"] = options
        elif qtype in TYPES:
            spec["type"] = TYPES[qtype]
        else:
            errors.append(LineError(number, _("The question type %(type)s is not supported.", type=qtype)))
            continue
        if row.get("constraint"):
            bounds = _BOUNDS.match(row["constraint"])
            if not bounds:
                errors.append(LineError(number, _("Only bounds such as \". >= 0 and . <= 900\" are understood "
                                                  "as constraints.")))
                continue
            pairs = [(bounds.group(1), bounds.group(2)), (bounds.group(3), bounds.group(4))]
            for operator, value in pairs:
                if operator:
                    spec["minimum" if operator == ">=" else "maximum"] = float(value)
        try:
            checklists.add_question(
                session, template, name, spec["type"], _texts(row), choices=spec.get("choices"),
                minimum=spec["minimum"], maximum=spec["maximum"],
                required=(row.get("required") or "").lower() in ("yes", "true", "1", "true()"),
                relevance=row.get("relevant", ""), critical=row.get("critical", ""),
                tally=row.get("tally") or None, section=section)
        except ValidationFailed as failure:
            errors.append(LineError(number, "; ".join(f"{m}" for v in failure.errors.values() for m in v)))
    if errors:
        raise ImportFailed(errors)
    return template
