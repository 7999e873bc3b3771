"""Re-importing an XLSForm: a new version makes a new checklist version, the same version must not change."""

import pytest

from electoral.core.errors import ImportFailed
from electoral.observation import services
from tests.observation.factories import make_observer
from tests.observation.test_xlsform_pyxform import workbook


def _form(version: str, label: str = "Voters in the queue") -> bytes:
    return workbook({"survey": [["type", "name", "label"], ["integer", "queue", label]],
                     "settings": [["form_id", "form_title", "version"], ["open", "Opening", version]]})


def test_new_version_setting_makes_a_new_version_and_filings_keep_theirs(db):
    first = services.import_xlsform(db.session, _form("2026120701"))
    services.publish(db.session, first)
    observer = make_observer()
    filing, _created = services.submit(db.session, first, observer.station, {"queue": 3}, "xlsform-version-1",
                                       observer, observer.user)
    db.session.commit()
    second = services.import_xlsform(db.session, _form("2026120702", "People waiting"))
    services.publish(db.session, second)
    db.session.commit()
    assert (second.code, second.version, second.form_version) == ("OPEN", 2, "2026120702")
    assert second.question("queue").texts == {"en": "People waiting"}
    assert filing.template.version == 1 and filing.template.retired


def test_same_version_unchanged_is_the_same_checklist(db):
    first = services.import_xlsform(db.session, _form("7"))
    db.session.commit()
    again = services.import_xlsform(db.session, _form("7"))
    assert again.id == first.id
    assert services.latest(db.session, "OPEN").version == 1


def test_same_version_with_changes_is_refused_saying_to_raise_version(db):
    services.import_xlsform(db.session, _form("7"))
    db.session.commit()
    with pytest.raises(ImportFailed) as failure:
        services.import_xlsform(db.session, _form("7", "People waiting"))
    assert "Raise version in the settings sheet" in failure.value.errors[0].message
