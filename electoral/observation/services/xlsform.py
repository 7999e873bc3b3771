"""Import a checklist from an XLSForm (the ODK/KoBo convention), as pyxform reads it.

pyxform parses the file (services/xlsform_read.py) and the survey JSON it makes is
mapped here: groups become sections, their ``relevant`` joins each question's own
(so a required question in a skipped group never blocks filing), selects keep their
choices in every known language, ``or_other`` its "specify" question. Two extra
columns, ``critical`` (a condition) and ``tally`` (a quick-count role), and a
``phase`` setting carry what XLSForm has no word for. Whatever the checklist
cannot yet keep is refused naming the sheet, row, column and feature: nothing of a
form's logic is dropped in silence. Device metadata (start, end, deviceid...) are
not questions and are not kept; ``appearance`` only changes how ODK draws a field.
"""

import re
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from electoral.core.errors import ImportFailed, LineError, ValidationFailed
from electoral.observation import conditions
from electoral.observation.attachments.media import is_package, media_names, split_package
from electoral.observation.attachments.media import store as store_media
from electoral.observation.models import PHASES, ChecklistTemplate
from electoral.observation.services import xlsform_versions as versions
from electoral.observation.services.xlsform_read import ReadForm, language_of, read, texts_of

_OWN_TYPES = {"integer": "integer", "decimal": "decimal", "text": "text", "time": "time", "note": "note",
              "date": "date", "calculate": "calculate", "dateTime": "datetime", "geopoint": "geopoint",
              "image": "image", "select one": "single_choice", "select all that apply": "multiple_choice"}


@cache
def types() -> dict[str, str]:
    """XLSForm type -> ours: those above and pyxform's other spellings of them (int, string, gps, date time...),
    the same XForm control and bind in its own table. Not "select one external" (choices from a file) nor "hidden"
    (no calculation), which share one. Worked out on first use, not at import: importing pyxform costs about a
    second of CPU, which every `electoral` command and worker would otherwise pay without reading an XLSForm."""
    from pyxform.question_type_dictionary import QUESTION_TYPE_DICT as PYXFORM

    aliases = {name: ours for name, entry in PYXFORM.items() if name not in ("select one external", "hidden")
               for theirs, ours in _OWN_TYPES.items() if name != theirs and PYXFORM.get(theirs) == entry}
    return {**_OWN_TYPES, **aliases}
# Filled by the device, not by the observer: not questions of the checklist.
METADATA = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
            "email", "audit", "start-geopoint"}
# pyxform's JSON key -> the survey sheet's column that wrote it, for the refusal.
COLUMNS = {"hint": "hint", "guidance_hint": "guidance_hint", "default": "default", "choice_filter": "choice_filter",
           "media": "media", "trigger": "trigger", "jr:constraintMsg": "constraint_message",
           "jr:requiredMsg": "required_message", "calculate": "calculation", "readonly": "read_only",
           "jr:preload": "type", "parameters": "parameters", "instance": "instance::", "body": "body::",
           "jr:count": "repeat_count", "label": "label", "bind": "bind::"}
_KEPT = {"type", "name", "label", "bind", "choices", "itemset", "list_name", "parameters", "children", "control",
         "critical", "tally", "hint", "default", "choice_filter", "media"}
_BOUNDS = re.compile(r"^\s*\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)\s*(?:and\s*\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?))?\s*$")
_PARENT_PATH = re.compile(r"\.\./([A-Za-z_][A-Za-z0-9_.\-]*)")  # pyxform's or_other relevance names ../question
_IN_TEXT = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.\-]*)\}")
_TRUE = {"yes", "true", "true()", "1"}
_FALSE = {"", "no", "false", "false()", "0"}


class _Import:
    def __init__(self, session: Session, form: ReadForm, template: ChecklistTemplate):
        self.session, self.form, self.template = session, form, template
        self.default_language = language_of(form.settings.get("default_language") or "default", "en") or "en"
        self.errors: list[LineError] = []
        self.media: dict[str, int] = {}  # the pictures the form names (media::image), by the row naming each first

    def media_of(self, row: int, value) -> dict[str, str] | None:
        """A question's or choice's media::image kept ({"image": name}); None (refused by name) for other media."""
        try:
            kept = media_names(value)
        except ValueError as exc:
            self.refuse(row, "media", _("the media %(kind)s", kind=str(exc)))
            return None
        for name in kept.values():
            self.media.setdefault(name, row)
        return kept

    def refuse(self, row: int, column: str, feature: str) -> None:
        self.errors.append(LineError(row, _(
            "survey sheet, row %(row)s, column %(column)s: %(feature)s is not supported by checklists yet.",
            row=row, column=column, feature=feature)))

    def texts(self, row: int, column: str, value: Any, answers_shown: bool = False) -> dict[str, str]:
        texts, unknown = texts_of(value, self.default_language)
        if unknown and not texts:
            self.refuse(row, column, _("the language %(languages)s", languages=", ".join(unknown)))
        # "${code}" in a label shows an earlier answer (the phone fills it in); any other name is refused.
        known = {q.code for q in self.template.questions}
        unknown = {name for text in texts.values() for name in _IN_TEXT.findall(text)} - known
        if unknown or (not answers_shown and "${" in str(value)):
            self.refuse(row, column, _("an answer shown inside a text (${…}) of %(codes)s",
                                       codes=", ".join(sorted(unknown)) or "?"))
        return texts

    def unsupported_keys(self, element: dict, row: int) -> bool:
        refused = False
        # A computed default comes with pyxform's setvalue action; the default itself is refused by name.
        dynamic = {"_dynamic_default", "actions"} if element.get("_dynamic_default") else set()
        for key, value in element.items():
            if key in _KEPT or key in dynamic or value in (None, "", {}, []):
                continue
            self.refuse(row, COLUMNS.get(key, key), key)
            refused = True
        control = {k: v for k, v in (element.get("control") or {}).items() if k != "appearance"}
        # A calculate's own calculation is kept (checked in question()); on any other type it is refused.
        bind = {k: v for k, v in (element.get("bind") or {}).items()
                if k not in ("required", "relevant", "constraint", "jr:constraintMsg")
                and not (k == "calculate" and element.get("type") == "calculate")}
        for key in [*control, *bind]:
            self.refuse(row, COLUMNS.get(key, key), key)
            refused = True
        if element.get("parameters"):
            self.refuse(row, "parameters", "parameters")
            refused = True
        return refused

    def walk(self, children: list[dict], section, relevance: str, repeat=None) -> None:
        """Map pyxform's elements; ``repeat`` is the section of the repeat they are in (its entries' questions)."""
        generated = _generated_counts(children)
        for element in children:
            kind, name = element.get("type", ""), element.get("name", "")
            if name in generated and kind == "calculate":
                continue  # pyxform's own node for a repeat_count that is an expression: the repeat keeps it
            if kind == "repeat" and name in generated.values():
                element = {**element, "control": {**element["control"], "jr:count": next(
                    (e.get("bind") or {}).get("calculate", "") for e in children if generated.get(e.get("name")) == name)}}
            if kind == "group" and name == "meta" and (element.get("control") or {}).get("bodyless"):
                continue  # pyxform's own instanceID, which every XForm carries
            row = self.form.row_of(name)
            if kind in METADATA:
                continue
            if kind in ("group", "repeat") and repeat is not None:
                # A repeat's entries are one flat list of answers: no repeat nor group inside one yet.
                self.refuse(row, "type", _("a repeat inside a repeat") if kind == "repeat" else
                            _("a group inside a repeat"))
            elif kind == "group":
                self.group(element, row, relevance)
            elif kind == "repeat":
                self.repeat(element, row, relevance)
            elif kind in types():
                self.question(element, row, section, relevance)
            else:
                self.refuse(row, "type", _("the type %(type)s", type=kind))

    def repeat(self, element: dict, row: int, relevance: str) -> None:
        """A repeat (begin repeat): a section answered once per entry; its repeat_count kept, its relevance joined."""
        control = dict(element.get("control") or {})
        count = _PARENT_PATH.sub(r"${\1}", str(control.pop("jr:count", "") or "")).strip()
        if self.unsupported_keys({**element, "control": control}, row):
            return
        try:
            conditions.parse_calculation(count)
        except conditions.ConditionError:
            self.refuse(row, "repeat_count", _("the repeat count %(count)s", count=count))
            return
        section = None
        try:
            section = checklists().add_section(self.session, self.template, element["name"],
                                               self.texts(row, "label", element.get("label")) or {},
                                               repeat=True, repeat_count=count)
        except ValidationFailed as failure:
            self.errors.append(LineError(row, _messages(failure, row)))
            return
        own = _PARENT_PATH.sub(r"${\1}", (element.get("bind") or {}).get("relevant", "") or "")
        self.walk(element.get("children") or [], section, _joined(relevance, own), repeat=section)

    def group(self, element: dict, row: int, relevance: str) -> None:
        if self.unsupported_keys(element, row):
            return
        for column in ("hint", "default", "media"):
            if element.get(column):
                self.refuse(row, column, _("a %(column)s on a group", column=column))
        section = None
        try:
            section = checklists().add_section(self.session, self.template, element["name"],
                                               self.texts(row, "label", element.get("label")) or {})
        except ValidationFailed as failure:
            self.errors.append(LineError(row, _messages(failure, row)))
        own = _PARENT_PATH.sub(r"${\1}", (element.get("bind") or {}).get("relevant", "") or "")
        self.walk(element.get("children") or [], section, _joined(relevance, own))

    def question(self, element: dict, row: int, section, relevance: str) -> None:
        if self.unsupported_keys(element, row):
            return
        bind = element.get("bind") or {}
        spec: dict[str, Any] = {"type": types()[element["type"]], "minimum": None, "maximum": None, "choices": None}
        if element["type"] in ("select one", "select all that apply"):
            if str(element.get("itemset", "")).lower().endswith((".csv", ".xml", ".geojson")):
                self.refuse(row, "type", _("choices from a file"))
                return
            options = []
            for choice in element.get("choices") or []:
                option = {"value": str(choice.get("name", "")),
                          "texts": self.texts(row, "label", choice.get("label")) or {"en": str(choice["name"])}}
                picture = self.media_of(row, choice.get("media"))
                if picture:
                    option["media"] = picture  # a party's logo beside its name
                # The choice's other columns, which a choice_filter reads ("district = ${district}").
                data = {str(k): str(v) for k, v in choice.items() if k not in ("name", "label", "media")}
                if data:
                    option["data"] = data
                options.append(option)
            if element["type"] == "select one" and {o["value"].lower() for o in options} == {"yes", "no"}:
                spec["type"] = "yes_no"
            else:
                spec["choices"] = options
        required = str(bind.get("required", "")).strip().lower()
        if required not in _TRUE | _FALSE:
            self.refuse(row, "required", _("a condition in required"))
            return
        constraint = _PARENT_PATH.sub(r"${\1}", str(bind.get("constraint") or "")).strip()
        bounds = _BOUNDS.match(constraint)
        if bounds:
            constraint = ""
            for operator, value in ((bounds.group(1), bounds.group(2)), (bounds.group(3), bounds.group(4))):
                if operator:
                    spec["minimum" if operator == ">=" else "maximum"] = float(value)
        elif constraint:
            try:
                conditions.parse(constraint)
            except conditions.ConditionError:
                self.refuse(row, "constraint", _("the constraint %(constraint)s", constraint=constraint))
                return
        default = str(element.get("default") or "")
        if "(" in default or "${" in default:
            self.refuse(row, "default", _("a computed default"))
            return
        calculation = _PARENT_PATH.sub(r"${\1}", str(bind.get("calculate") or "")).strip()
        if spec["type"] == "calculate":
            try:
                conditions.parse_calculation(calculation)
            except conditions.UnsupportedFunction as exc:
                self.refuse(row, "calculation", _("the function %(function)s()", function=exc.function))
                return
            except conditions.ConditionError:
                self.refuse(row, "calculation", _("the calculation %(calculation)s", calculation=calculation))
                return
        own = _PARENT_PATH.sub(r"${\1}", bind.get("relevant", "") or "")
        texts = self.texts(row, "label", element.get("label"), answers_shown=True)
        picture = self.media_of(row, element.get("media"))
        if picture is None:
            return
        try:
            question = checklists().add_question(
                self.session, self.template, element["name"], spec["type"],
                # A calculation needs no label in XLSForm: its name stands in on the checklist.
                texts or ({"en": element["name"]} if spec["type"] == "calculate" else {}), choices=spec["choices"],
                minimum=spec["minimum"], maximum=spec["maximum"], required=required in _TRUE and spec["type"] != "note",
                relevance=_joined(relevance, own), critical=str(element.get("critical") or ""),
                tally=element.get("tally") or None, section=section,
                hints=self.texts(row, "hint", element.get("hint")),
                constraint_message=self.texts(row, "constraint_message", bind.get("jr:constraintMsg")),
                default_value=str(element.get("default") or ""), constraint=constraint,
                choice_filter=_PARENT_PATH.sub(r"${\1}", str(element.get("choice_filter") or "")),
                calculation=calculation)
            question.media = picture
        except ValidationFailed as failure:
            self.errors.append(LineError(row, _messages(failure, row)))


def _generated_counts(children: list[dict]) -> dict[str, str]:
    """pyxform writes a repeat_count expression as a read-only calculate "<repeat>_count" just before the repeat,
    whose jr:count names it: {that calculate's name: the repeat's name}."""
    found = {}
    for before, element in zip(children, children[1:], strict=False):
        name = f"{element.get('name')}_count"
        if element.get("type") == "repeat" and (element.get("control") or {}).get("jr:count") == f"${{{name}}}" \
                and before.get("name") == name and (before.get("bind") or {}).get("readonly") == "true()":
            found[name] = element["name"]
    return found


def checklists():
    from electoral.observation.services import checklists as module

    return module


def _joined(outer: str, own: str) -> str:
    """A question is relevant when its groups are and it is itself."""
    outer, own = (outer or "").strip(), (own or "").strip()
    if outer and own:
        return f"({outer}) and ({own})"
    return outer or own


# The checklist's field -> the survey sheet's column that gave it.
_FIELD_COLUMNS = {"calculation": "calculation", "repeat_count": "repeat_count", "code": "name", "type": "type", "texts": "label", "choices": "type", "minimum": "constraint",
                  "maximum": "constraint", "relevance": "relevant", "critical": "critical", "tally": "tally"}


def _messages(failure: ValidationFailed, row: int) -> str:
    errors = failure.errors if isinstance(failure.errors, dict) else {"": [failure.errors]}
    return "; ".join(_("survey sheet, row %(row)s, column %(column)s: %(message)s", row=row,
                       column=_FIELD_COLUMNS.get(field, field or "name"), message=m)
                     for field, msgs in errors.items() for m in msgs)


def import_xlsform(session: Session, data: bytes, phase: str = "",
                   media: dict[str, bytes] | None = None) -> ChecklistTemplate:
    """Create a draft template from an XLSForm; every problem is reported, nothing half-made.

    ``data`` may be a ZIP of the XLSForm and its media files (as KoboToolbox and ODK Central take it);
    ``media``: the pictures the form names, given apart (attachments/media.py).
    """
    if is_package(data):
        data, packaged = split_package(data)
        media = {**packaged, **(media or {})}
    form = read(data)
    survey = form.survey
    code = str(survey.get("id_string") or "").strip() or "XLSFORM"
    name = str(survey.get("title") or code)
    form_version = str(survey.get("version") or "").strip()[:40]
    existing = checklists().latest(session, code.upper())
    phase = phase or str(survey.get("phase") or form.settings.get("phase") or "") or (
        existing.phase if existing else "opening")
    if phase not in PHASES:
        raise ImportFailed([LineError(1, _("Unknown phase %(phase)s.", phase=phase))])
    if existing is not None:
        # The same form_id again: a new version of that checklist; filings keep the version they were made with.
        template = versions.next_version(session, existing, name, phase, form_version)
    else:
        try:
            template = checklists().create_template(session, code, name, phase)
        except ValidationFailed as failure:
            raise ImportFailed([LineError(0, _("settings sheet, column %(column)s: %(message)s", message=m,
                                                 column="form_title" if field == "name" else "form_id"))
                                for field, msgs in failure.errors.items() for m in msgs]) from None
        template.form_version = form_version
    work = _Import(session, form, template)
    work.walk(survey.get("children") or [], None, "")
    if work.media and not work.errors:
        work.errors.extend(store_media(session, template, work.media, media or {}))
    if work.errors:
        raise ImportFailed(sorted(work.errors, key=lambda e: e.line))
    if existing is not None and existing.form_version == form_version:
        return versions.same_version(session, existing, template)
    return template
