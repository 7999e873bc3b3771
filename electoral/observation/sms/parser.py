"""Reading the text an observer types on a keypad into a checklist or an incident.

Formats (case does not matter; spaces and the separators , . - : ; are free)::

    OPEN 10482 AA1 AB2 AC45        checklist code, accreditation number, code+value pairs
    open 10482 aa 1, ab-2 ac:45    the same, sloppily typed
    OPEN OBS-ACD34679 AA1          the number as printed on the badge ("OBS-" may be left out)
    OPEN 10482 LP0012 AA1 ...      a mobile observer names the station after the number
    INC 10482 2 ballot box stolen  incident: category (number or name), then free text

Values:
- yes/no: Y N 1 0 YES NO OUI NON SI SIM NAO نعم لا
- numbers: digits; a decimal takes "." or "," between digits (4.5 or 4,5)
- single choice: the option's position on the card (1 = first) or its own value
- multiple choice: positions separated by commas (AD1,3); when the question has at
  most nine options, the digits may also be glued (AD13 = options 1 and 3)
- time: HHMM (0730) or HH.MM
- date: DD/MM/YYYY, DD.MM.YYYY or DDMMYYYY (month first where the election reads dates so)
- date and time: DDMMYYYYHHMM (071220261420), in the election's date order
Notes and calculated questions are never typed; positions and photos cannot go in a text
message: a checklist that requires one is filed from the phone page or ODK Collect.
A question code is matched against the checklist's own codes, longest first, so
"Q12" is question Q12 when the checklist has one, else Q1 answered 2.
"""

import dataclasses
import datetime as dt
import re
from typing import Any

from flask_babel import gettext as _

from electoral.core import dates
from electoral.core.params import bounded_int
from electoral.observation.models import ChecklistTemplate, Question
from electoral.observation.services.incidents import INCIDENT_CATEGORIES

INCIDENT_KEYWORDS = ("INC", "INCIDENT")
NUMBER_PREFIX = "OBS"
YES = {"Y", "1", "YES", "OUI", "O", "SI", "SIM", "S", "نعم"}
NO = {"N", "0", "NO", "NON", "NAO", "NÃO", "لا"}
# "," and "." between two digits stay inside the value (decimals, choice lists).
_SEPARATOR = re.compile(r"(?<!\d)[,.]|[,.](?!\d)|[-:;]")
_VALUE = re.compile(r"^(\d+(?:[.,/]\d+)*|[^\W\d_]+)$")
# Never typed: a note is read, a calculation is worked out from the other answers.
NOT_ANSWERED = ("note", "calculate")
# A position or a photo cannot be typed on a keypad.
NOT_BY_SMS = ("geopoint", "image")


@dataclasses.dataclass
class Header:
    keyword: str
    number: str
    tokens: list[str]


@dataclasses.dataclass
class IncidentReport:
    number: str
    category: str
    description: str


@dataclasses.dataclass
class Answers:
    """Answers in the shape the web form sends (observation's validate_answers reads them)."""

    raw: dict[str, Any]
    typed: dict[str, str]  # what the observer typed, by question code, for the reply


class SmsFormatError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def tokens(text: str) -> list[str]:
    """The words of a message, upper case, separators dropped."""
    return _SEPARATOR.sub(" ", (text or "").upper()).split()


def read_header(text: str) -> Header:
    """The keyword (checklist short code or INC), the accreditation number, and the rest."""
    words = tokens(text)
    if not words:
        raise SmsFormatError([_("The message is empty.")])
    # Numbers are printed "OBS-ACD34679"; the prefix may be typed or left out.
    if len(words) > 2 and words[1] == NUMBER_PREFIX:
        del words[1]
    if len(words) < 2 or len(words[1]) < 5 or not words[1].isalnum():
        raise SmsFormatError([_("Put your accreditation number after %(code)s.", code=words[0])])
    return Header(words[0], words[1], words[2:])


def accreditation_numbers(number: str) -> list[str]:
    """The accreditation numbers a typed number may stand for (with or without the printed prefix)."""
    return [number, f"{NUMBER_PREFIX}-{number}"]


def read_incident(header: Header, text: str) -> IncidentReport:
    """An incident: a category by number (1 = first) or name, then the description."""
    if not header.tokens:
        raise SmsFormatError([_("Give the incident category and what happened.")])
    word = header.tokens[0]
    category = None
    if (number := bounded_int(word, 1, len(INCIDENT_CATEGORIES))) is not None:
        category = INCIDENT_CATEGORIES[number - 1]
    else:
        category = next((c for c in INCIDENT_CATEGORIES if c.upper().startswith(word) and len(word) >= 3), None)
    if category is None:
        raise SmsFormatError([_("Unknown incident category %(word)s.", word=word)])
    # The description keeps the observer's own spelling: cut the first three words off the original.
    parts = (text or "").split(None, 3)
    description = parts[3].strip() if len(parts) > 3 else ""
    if not description:
        raise SmsFormatError([_("Say what happened after the category.")])
    return IncidentReport(header.number, category, description)


def _split_code(word: str, codes: list[str]) -> tuple[str, str] | None:
    for code in codes:  # longest first
        if word.startswith(code):
            return code, word[len(code):]
    return None


def _is_value(word: str) -> bool:
    return bool(_VALUE.match(word)) and (word[0].isdigit() or word in YES or word in NO)


def _choice(question: Question, word: str) -> str | None:
    values = [c["value"] for c in question.choices]
    if (number := bounded_int(word, 1, len(values))) is not None:
        return values[number - 1]
    return next((v for v in values if v.upper() == word), None)


def not_by_sms(template: ChecklistTemplate) -> str | None:
    """Why a checklist cannot go by SMS at all, or None: repeated entries (XLSForm repeat: one per party
    agent...) do not fit in a text message, nor does a position or photo that is always asked."""
    if template.repeats:
        return _("%(code)s cannot be sent by SMS: its entries repeated as often as needed (%(repeats)s) do not fit "
                 "in a text message; send it from the phone page or ODK Collect.", code=template.code,
                 repeats=", ".join(r.code for r in template.repeats))
    blockers = [q for q in template.questions if q.type in NOT_BY_SMS and q.required and not q.relevance]
    if blockers:
        return _("%(code)s cannot be sent by SMS: %(question)s needs the phone page or ODK Collect.",
                 code=template.code, question=blockers[0].code)
    return None


def _date(value: str, order: str) -> dt.date:
    digits = value.replace(".", "/")
    if digits.isdecimal() and len(digits) == 8:
        first, second, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
        day, month = (second, first) if order == dates.MONTH_FIRST else (first, second)
        return dt.date(year, month, day)
    return dates.parse(digits, order)[0]


def _convert(question: Question, value: str, date_order: str = dates.DAY_FIRST) -> tuple[Any, str | None]:
    """The value as the web form would send it, or an error."""
    kind = question.type
    if kind in NOT_ANSWERED:
        return None, _("worked out or shown by the checklist itself: leave it out")
    if kind in NOT_BY_SMS:
        return None, _("cannot be sent by SMS: answer it on the phone page")
    if kind == "date":
        try:
            return _date(value, date_order).isoformat(), None
        except ValueError:
            return None, date_help(date_order)
    if kind == "datetime":
        digits = value.replace(".", "").replace("/", "")
        try:
            if not (digits.isdecimal() and len(digits) == 12):
                raise ValueError
            moment = dt.datetime.combine(_date(digits[:8], date_order),
                                         dt.time(int(digits[8:10]), int(digits[10:12])))
        except ValueError:
            return None, datetime_help(date_order)
        return moment.isoformat(timespec="minutes"), None
    if kind == "yes_no":
        if value in YES:
            return "yes", None
        if value in NO:
            return "no", None
        return None, _("answer Y or N")
    if kind in ("integer", "decimal"):
        return value.replace(",", "."), None
    if kind == "single_choice":
        choice = _choice(question, value)
        return (choice, None) if choice else (None, _("%(value)s is not an option", value=value))
    if kind == "multiple_choice":
        if "," in value or "." in value:
            parts = re.split(r"[,.]", value)
        elif value.isdecimal() and len(question.choices) <= 9:  # not isdigit: "²" is no choice
            parts = list(value)
        else:
            parts = [value]
        chosen = [_choice(question, p) for p in parts if p]
        if None in chosen:
            return None, _("%(value)s is not an option", value=value)
        return list(dict.fromkeys(chosen)), None
    if kind == "time":
        digits = value.replace(".", "").replace(",", "")
        if digits.isdecimal() and len(digits) in (3, 4):
            digits = digits.zfill(4)
            return f"{digits[:2]}:{digits[2:]}", None
        return None, _("give the time as HHMM")
    return value, None


def date_help(order: str) -> str:
    if order == dates.MONTH_FIRST:
        return _("give the date as MM/DD/YYYY or MMDDYYYY")
    return _("give the date as DD/MM/YYYY or DDMMYYYY")


def datetime_help(order: str) -> str:
    if order == dates.MONTH_FIRST:
        return _("give the date and time as MMDDYYYYHHMM")
    return _("give the date and time as DDMMYYYYHHMM")


def read_answers(template: ChecklistTemplate, words: list[str], date_order: str = dates.DAY_FIRST) -> Answers:
    """The code/value pairs of a checklist message, checked against the template's codes.

    ``date_order``: the election's (DMY or MDY), for dates typed without a year first.
    """
    if (refusal := not_by_sms(template)) is not None:
        raise SmsFormatError([refusal])
    codes = sorted((q.code.upper() for q in template.questions), key=len, reverse=True)
    by_code = {q.code.upper(): q for q in template.questions}
    raw: dict[str, Any] = {}
    typed: dict[str, str] = {}
    errors: list[str] = []
    position = 0
    while position < len(words):
        word = words[position]
        position += 1
        split = _split_code(word, codes)
        if split is None:
            errors.append(_("%(word)s: no such question on this checklist.", word=word))
            continue
        code, value = split
        if not value and position < len(words) and _is_value(words[position]):
            value = words[position]
            position += 1
        question = by_code[code]
        if not value:
            errors.append(_("%(code)s: no value.", code=question.code))
            continue
        if question.code in raw:
            errors.append(_("%(code)s: given twice.", code=question.code))
            continue
        converted, error = _convert(question, value, date_order)
        if error:
            errors.append(f"{question.code}: {error}.")
            continue
        raw[question.code] = converted
        typed[question.code] = value
    if errors:
        raise SmsFormatError(errors)
    if not raw:
        raise SmsFormatError([_("No answers in the message.")])
    return Answers(raw, typed)
