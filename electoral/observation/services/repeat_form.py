"""A checklist's answers read from the filing page's form fields, repeats' entries included, and the page's
"Add an entry" / "Remove this entry" buttons when the page works without its script."""

import re
from typing import Any

# An entry's field on the page: "agents[2].party" (a code never holds "[").
_ENTRY_FIELD = re.compile(r"^(?P<repeat>[^\[\]]+)\[(?P<index>\d+)\]\.(?P<code>.+)$")
MAX_FORM_ENTRIES = 200


def answers_from_form(template, form) -> dict[str, Any]:
    """The raw answers of a posted filing page (a MultiDict): top-level fields by code, each repeat's entries as a
    list, in the order of their hidden "repeat" markers, so an entry left blank still counts."""
    raw: dict[str, Any] = {}
    for question in template.questions:
        if not question.repeat_code:
            raw[question.code] = (form.getlist(question.code) if question.type == "multiple_choice"
                                  else form.get(question.code))
    for repeat in template.repeats:
        indices = [int(i) for i in form.getlist(repeat.code) if str(i).isdecimal()][:MAX_FORM_ENTRIES]
        questions = [q for q in template.questions if q.repeat_code == repeat.code]
        raw[repeat.code] = [{q.code: (form.getlist(f"{repeat.code}[{i}].{q.code}") if q.type == "multiple_choice"
                                      else form.get(f"{repeat.code}[{i}].{q.code}")) for q in questions}
                            for i in indices]
    return raw


def change_entries(template, raw: dict[str, Any], action: str) -> bool:
    """Apply "add:<repeat>" or "remove:<repeat>:<index>" to the raw answers; False when it names no repeat."""
    kind, _sep, rest = (action or "").partition(":")
    code, _sep, index = rest.partition(":")
    if code not in {r.code for r in template.repeats} or not isinstance(raw.get(code), list):
        return False
    if kind == "add" and len(raw[code]) < MAX_FORM_ENTRIES:
        raw[code].append({})
        return True
    if kind == "remove" and index.isdecimal() and int(index) < len(raw[code]):
        del raw[code][int(index)]
        return True
    return False
