"""The identity evidence an election accepts: its types, their words in files, and their numbers' rules.

Every commission has its own list (national ID, passport, birth certificate, old voter
card, naturalisation certificate, attestation by a chief, refugee card...) and its
files use their own words for them. A type is the election's setting: a code (what the
voter record holds), a label per language, the other words files use for it, and
whether a number is required and in what form. Words from files are matched with case,
accents and separators ignored, so "Voter Card", "voter-card" and "VOTER_CARD" are one.
"""

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from electoral.core.errors import ImportFailed, LineError, ValidationFailed
from electoral.core.tabular import read_table
from electoral.registration.models import ATTESTATION, Election, EvidenceType, Voter

CODE = re.compile(r"[a-z][a-z0-9_]{0,23}")

# What an election starts with: the types the software always knew, labelled in its five
# languages as the message catalogues had them, with the words files commonly use.
DEFAULT_TYPES = [
    {"code": "national_id", "number_required": True, "synonyms": [
        "nid", "national id", "national identity card", "id card", "identity card", "carte d'identite",
        "carte nationale d'identite", "cni", "cedula", "bilhete de identidade", "بطاقة الهوية"],
     "labels": {"en": "National ID card", "fr": "Carte nationale d'identité", "ar": "بطاقة الهوية الوطنية",
                "es": "Cédula de identidad", "pt": "Bilhete de identidade"}},
    {"code": "passport", "number_required": True, "synonyms": ["passeport", "pasaporte", "passaporte", "جواز السفر"],
     "labels": {"en": "Passport", "fr": "Passeport", "ar": "جواز السفر", "es": "Pasaporte", "pt": "Passaporte"}},
    {"code": "birth_certificate", "number_required": True, "synonyms": [
        "birth cert", "acte de naissance", "extrait de naissance", "partida de nacimiento",
        "certidao de nascimento", "شهادة الميلاد"],
     "labels": {"en": "Birth certificate", "fr": "Acte de naissance", "ar": "شهادة الميلاد",
                "es": "Partida de nacimiento", "pt": "Certidão de nascimento"}},
    {"code": "old_voter_card", "number_required": True, "synonyms": [
        "voter_card", "voter card", "voter id", "old voter id", "carte d'electeur", "ancienne carte d'electeur",
        "credencial de elector", "cartao de eleitor", "بطاقة ناخب"],
     "labels": {"en": "Old voter card", "fr": "Ancienne carte d'électeur", "ar": "بطاقة ناخب قديمة",
                "es": "Credencial de elector anterior", "pt": "Cartão de eleitor antigo"}},
    {"code": ATTESTATION, "number_required": False, "synonyms": [],
     "labels": {"en": "Attestation by two registered voters", "fr": "Attestation de deux électeurs inscrits",
                "ar": "شهادة ناخبَين مسجلَين", "es": "Atestación de dos electores inscritos",
                "pt": "Abonação por dois eleitores recenseados"}},
]


def fold(text: str) -> str:
    """A word as files are matched on: no case, no accents or vowel marks, words joined by "_"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return "_".join(re.findall(r"[^\W_]+", bare))


def seed_defaults(session: Session, election: Election) -> None:
    """Give an election without evidence types the default ones."""
    if election.evidence_types:
        return
    for position, default in enumerate(DEFAULT_TYPES):
        session.add(EvidenceType(election=election, position=position, code=default["code"],
                                 labels=dict(default["labels"]), synonyms=list(default["synonyms"]),
                                 number_required=default["number_required"], number_format=None))
    session.flush()


def types_of(session: Session) -> list[EvidenceType]:
    """The current election's evidence types, in their order (none before the election is configured)."""
    election = session.scalar(select(Election).order_by(Election.id).limit(1))
    return list(election.evidence_types) if election else []


def label(evidence_type: EvidenceType, language: str | None = None) -> str:
    """The type's label in ``language`` (the user's by default), else in English, else its code."""
    return _label(evidence_type.labels or {}, evidence_type.code, language)


def _label(labels: dict[str, str], code: str, language: str | None = None) -> str:
    language = language or str(get_locale() or "en")
    return labels.get(language) or labels.get(language.split("_")[0]) or labels.get("en") or code


def choices(session: Session, include_attestation: bool = True) -> list[tuple[str, str]]:
    """(code, label in the user's language) of the election's types, for a form's select."""
    return [(t.code, label(t)) for t in types_of(session) if include_attestation or t.code != ATTESTATION]


def labels_by_code(session: Session) -> dict[str, str]:
    """Each type's label in the user's language, by code (for showing a voter's evidence)."""
    return {t.code: label(t) for t in types_of(session)}


@dataclass(frozen=True)
class Rule:
    """What checking a voter's evidence needs of a type: plain values, so a forked import checker never queries."""

    code: str
    labels: dict[str, str]
    number_required: bool
    pattern: re.Pattern | None

    def number_problem(self, number: str | None) -> str | None:
        """Why ``number`` will not do for this type (missing, or not in its format), or None."""
        number = (number or "").strip()
        # An import asks this of every row: the label is looked up only for a problem.
        if not number:
            if not self.number_required:
                return None
            return _("the %(type)s number is missing", type=_label(self.labels, self.code))
        if self.pattern is not None and not self.pattern.fullmatch(number):
            return _("\"%(number)s\" does not have the form of a %(type)s number", number=number,
                     type=_label(self.labels, self.code))
        return None


class Resolver:
    """The election's types by every word a file may use for them (code, synonyms, labels), folded."""

    def __init__(self, types: list[EvidenceType]):
        self.rules: dict[str, Rule] = {}
        self.known: list[str] = []
        self._by_word: dict[str, Rule] = {}
        for t in types:
            rule = Rule(t.code, dict(t.labels or {}), t.number_required,
                        re.compile(t.number_format) if t.number_format else None)
            self.rules[t.code] = rule
            self.known.append(t.code)
            for word in (t.code, *(t.synonyms or []), *(t.labels or {}).values()):
                self._by_word.setdefault(fold(word), rule)
        self._cache: dict[str, Rule | None] = {}

    @classmethod
    def of(cls, session: Session) -> "Resolver":
        return cls(types_of(session))

    def resolve(self, text: str) -> Rule | None:
        """The type a file's word names, or None."""
        try:
            return self._cache[text]
        except KeyError:
            found = self._cache[text] = self._by_word.get(fold(text))
            return found


# ---- changing the list ---------------------------------------------------------

def _in_use(session: Session, code: str) -> bool:
    return session.scalar(select(func.count(Voter.id)).where(Voter.id_type == code)) > 0


def save_type(session: Session, election: Election, code: str, labels: dict[str, str], number_required: bool,
              number_format: str | None = None, synonyms: list[str] | None = None,
              evidence_type: EvidenceType | None = None) -> EvidenceType:
    """Add an evidence type to the election, or change ``evidence_type``."""
    errors: dict[str, list[str]] = {}
    code = (code or "").strip().lower()
    if not CODE.fullmatch(code):
        errors["code"] = [_("A code is lower-case letters, digits and _ (at most 24), starting with a letter.")]
    elif evidence_type is not None and code != evidence_type.code and _in_use(session, evidence_type.code):
        errors["code"] = [_("Voters on the roll carry the code %(code)s: it cannot change.", code=evidence_type.code)]
    labels = {lang: text.strip() for lang, text in (labels or {}).items() if text and text.strip()}
    if not labels.get("en"):
        errors["label_en"] = [_("Give the label in English at least.")]
    number_format = (number_format or "").strip() or None
    if number_format:
        try:
            re.compile(number_format)
        except re.error as exc:
            errors["number_format"] = [_("Not a regular expression: %(reason)s", reason=str(exc))]
    synonyms = [s.strip() for s in (synonyms or []) if s.strip()]
    others = [t for t in election.evidence_types if t is not evidence_type]
    if any(t.code == code for t in others):
        errors.setdefault("code", []).append(_("The code %(code)s is already used.", code=code))
    taken = {fold(w): t.code for t in others for w in (t.code, *(t.synonyms or []))}
    clashes = sorted({f"{w} ({taken[fold(w)]})" for w in (code, *synonyms) if fold(w) in taken})
    if clashes:
        errors["synonyms"] = [_("Already a word of another type: %(words)s", words=", ".join(clashes))]
    if errors:
        raise ValidationFailed(errors)
    if evidence_type is None:
        evidence_type = EvidenceType(election=election, position=1 + max((t.position for t in others), default=-1))
        session.add(evidence_type)
    evidence_type.code, evidence_type.labels, evidence_type.synonyms = code, labels, synonyms
    evidence_type.number_required, evidence_type.number_format = bool(number_required), number_format
    session.flush()
    return evidence_type


def remove_type(session: Session, evidence_type: EvidenceType) -> None:
    """Take a type off the election's list; refused while voters on the roll carry it."""
    if _in_use(session, evidence_type.code):
        raise ValidationFailed(_("Voters on the roll carry %(type)s: it cannot be removed.", type=label(evidence_type)))
    session.delete(evidence_type)
    session.flush()


def find_type(session: Session, code: str) -> EvidenceType | None:
    """The current election's type with that code, or None."""
    return next((t for t in types_of(session) if t.code == code), None)


FILE_COLUMNS = ["code", "label_en"]
FILE_OPTIONAL = ["number_required", "number_format", "synonyms",
                 *(f"label_{lang}" for lang in ("fr", "ar", "es", "pt"))]
_YES = {"1", "yes", "y", "true", "oui", "si", "sim", "نعم"}
_NO = {"0", "no", "n", "false", "non", "nao", "لا"}


def load_types(session: Session, election: Election, data: bytes, filename: str) -> tuple[int, int]:
    """Add or update the election's types from a CSV or XLSX file, one row per type: (added, updated).

    All rows or none: ImportFailed lists every bad line. Types the file does not name stay.
    """
    added = updated = 0
    errors: list[LineError] = []
    for row in read_table(data, filename, FILE_COLUMNS, FILE_OPTIONAL):
        v = row.values
        required = fold(v.get("number_required", "")) or "1"
        if required not in _YES | _NO:
            errors.append(LineError(row.line, _("number_required must be yes or no, not \"%(value)s\"",
                                                value=v["number_required"])))
            continue
        current = next((t for t in election.evidence_types if t.code == v["code"].strip().lower()), None)
        labels = {key[len("label_"):]: text for key, text in v.items() if key.startswith("label_")}
        try:
            save_type(session, election, v["code"], {**((current.labels or {}) if current else {}), **labels},
                      required in _YES, v.get("number_format"), re.split(r"[,;|]", v.get("synonyms", "")),
                      evidence_type=current)
        except ValidationFailed as failure:
            errors.append(LineError(row.line, str(failure)))
            continue
        if current is None:
            added += 1
        else:
            updated += 1
    if errors:
        raise ImportFailed(errors)
    return added, updated
