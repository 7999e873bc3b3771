"""Every setting the application reads is declared, with its default, in electoral/config.py."""

import re
from pathlib import Path

import pytest

from electoral.config import from_environment

ELECTORAL = Path(__file__).resolve().parents[2] / "electoral"
READ = re.compile(r"config(?:\.get\(|\[)\"([A-Z][A-Z0-9_]+)\"")
# Flask's and its extensions' own settings, set by Flask or by the test configuration.
FLASK_OWN = {"TESTING", "SERVER_NAME", "PROPAGATE_EXCEPTIONS", "WTF_CSRF_ENABLED", "DEBUG"}
# Read from the environment before there is an application (or outside it): listed in the README's table.
ENVIRONMENT_OUTSIDE_CONFIG = {
    "extensions.py": {"ELECTORAL_INSTANCE", "REDIS_URL"},  # the instance folder and the task queue, at import
    "gunicorn_conf.py": {"ELECTORAL_WORKERS", "ELECTORAL_THREADS"},  # the server's processes
    "accounts/cli.py": {"ELECTORAL_PASSWORD"},  # a password for a script, never a setting
}


def test_every_setting_read_is_declared_with_a_default(tmp_path):
    declared = set(from_environment(tmp_path))
    read = {name: str(path.relative_to(ELECTORAL)) for path in ELECTORAL.rglob("*.py")
            for name in READ.findall(path.read_text("utf-8"))}
    assert len(read) > 20
    assert {n: p for n, p in read.items() if n not in declared | FLASK_OWN} == {}


def test_no_module_reads_the_environment_behind_the_settings():
    found = {}
    for path in ELECTORAL.rglob("*.py"):
        name = str(path.relative_to(ELECTORAL))
        if name == "config.py":
            continue
        used = set(re.findall(r"environ(?:\.get)?\(?\[?\"([A-Z_]+)\"", path.read_text("utf-8")))
        if used - ENVIRONMENT_OUTSIDE_CONFIG.get(name, set()):
            found[name] = sorted(used)
    assert found == {}


def test_sms_gateways_and_deadlines_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ELECTORAL_SMS_GATEWAYS", '{"generic": {"kind": "generic", "secret": "s"}}')
    monkeypatch.setenv("ELECTORAL_OBSERVATION_DEADLINES", '{"opening": "07:30"}')
    monkeypatch.setenv("ELECTORAL_PUBLIC_URL", "https://results.example.org")
    config = from_environment(tmp_path)
    assert config["SMS_GATEWAYS"]["generic"]["secret"] == "s"
    assert config["OBSERVATION_DEADLINES"]["opening"] == "07:30" and config["OBSERVATION_DEADLINES"]["voting"] == "13:00"
    assert config["PUBLIC_URL"] == "https://results.example.org"
    assert config["SMS_DEFAULT_REGION"] == "LR" and config["PHOTO_DIR"] == str(tmp_path / "photos")


def test_a_malformed_json_setting_stops_the_start_naming_it(tmp_path, monkeypatch):
    monkeypatch.setenv("ELECTORAL_SMS_GATEWAYS", "{not json")
    with pytest.raises(ValueError, match="ELECTORAL_SMS_GATEWAYS"):
        from_environment(tmp_path)
