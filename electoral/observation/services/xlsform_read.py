"""Reading an XLSForm through pyxform's own parser: the file's kind, the survey JSON, rows and languages.

pyxform reads the workbook (every spelling it accepts: ``begin group``, headers in
any case, ``label::French (fr)`` or ``label::French``, ``.xls``) and gives the
survey JSON; the import maps that JSON, never the cells, so a form means here what
it means in ODK. The raw rows pyxform read (blank rows kept) give each element's
row number for the messages.
"""

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from babel import Locale
from flask_babel import gettext as _

from electoral.config import LANGUAGES
from electoral.core.errors import ImportFailed, LineError, ValidationFailed
from electoral.core.tabular import TabularError
from electoral.core.xlsx import FORM_LIMITS, check_workbook

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy .xls container
_ODS = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass
class ReadForm:
    """pyxform's survey JSON, with each element's row on the survey sheet."""

    survey: dict[str, Any]
    settings: dict[str, str]
    rows: dict[str, list[int]] = field(default_factory=dict)

    def row_of(self, name: str) -> int:
        """The survey sheet's row of the next element called ``name`` (0 when unknown)."""
        found = self.rows.get(name) or [0]
        return found.pop(0) if len(found) > 1 else found[0]


def _file_type(data: bytes) -> str:
    if data.startswith(_OLE2):
        # xlrd reads an .xls wholly into memory: bound it by its size, as an .xlsx by its XML.
        if len(data) > FORM_LIMITS.uncompressed:
            raise ValidationFailed({"file": [_("The file is too large for a form.")]})
        return ".xls"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "mimetype" in archive.namelist() and archive.read("mimetype").strip() == _ODS:
                    raise ValidationFailed({"file": [_(
                        "This is an OpenDocument (.ods) spreadsheet: save it as an Excel workbook (.xlsx) "
                        "and import that.")]})
        except zipfile.BadZipFile:
            pass  # check_workbook below gives the plain "damaged" message
    try:
        # A form is small: anything larger is refused before openpyxl or pyxform parse it.
        check_workbook(data, FORM_LIMITS)
    except TabularError as exc:
        raise ValidationFailed({"file": [str(exc)]}) from exc
    return ".xlsx"


def _rows_by_name(raw_rows: list[dict[str, Any]]) -> dict[str, list[int]]:
    rows: dict[str, list[int]] = {}
    for number, row in enumerate(raw_rows, start=2):  # pyxform keeps blank rows so numbers match the sheet
        lowered = {str(k).strip().lower(): v for k, v in row.items()}
        name = str(lowered.get("name") or lowered.get("value") or "").strip()
        if name:
            rows.setdefault(name, []).append(number)
    return rows


def read(data: bytes) -> ReadForm:
    """pyxform's JSON of the form; a form pyxform refuses is refused with its message."""
    from pyxform.builder import create_survey_element_from_dict
    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import get_xlsform

    file_type = _file_type(data)
    try:
        workbook = get_xlsform(io.BytesIO(data), file_type=file_type)
        warnings: list[str] = []
        survey = workbook_to_json(workbook, warnings=warnings)
        # Building the XForm checks what the JSON alone does not (references, cycles): ODK's own refusal.
        create_survey_element_from_dict(survey).to_xml(validate=False, warnings=warnings)
    except Exception as exc:  # pyxform raises PyXFormError, and others on a malformed sheet
        raise ImportFailed([LineError(0, _("XLSForm check: %(message)s", message=str(exc).strip()))]) from exc
    settings_rows = workbook.settings or [{}]
    settings = {str(k).strip().lower(): str(v).strip() for k, v in settings_rows[0].items()}
    return ReadForm(survey=survey, settings=settings, rows=_rows_by_name(workbook.survey or []))


def _language_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for code in LANGUAGES:
        locale = Locale.parse(code)
        names[locale.english_name.lower()] = code
        names[(locale.get_display_name(code) or "").lower()] = code
        names[code] = code
    return names


def language_of(key: str, default: str) -> str | None:
    """The language code of a pyxform language key ("French (fr)", "French", "default"), None if unknown."""
    key = key.strip()
    if key == "default":
        return default
    if key.endswith(")") and "(" in key:
        code = key[key.rindex("(") + 1:-1].strip().lower()
        return code if code in LANGUAGES else None
    return _language_names().get(key.lower())


def texts_of(value: Any, default: str) -> tuple[dict[str, str], list[str]]:
    """The texts by language code, and the languages the project does not know."""
    if value in (None, ""):
        return {}, []
    if not isinstance(value, dict):
        value = {"default": value}
    texts, unknown = {}, []
    for key, text in value.items():
        code = language_of(str(key), default)
        if code is None:
            unknown.append(str(key))
        elif str(text).strip():
            texts[code] = str(text).strip()
    return texts, unknown
