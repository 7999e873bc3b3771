"""Settings kept under the instance folder."""

import stat
from pathlib import Path

from electoral.config import _secret_key


def test_a_fresh_instance_gets_a_whole_key_only_its_owner_can_read(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    key = _secret_key(tmp_path / "instance")
    key_file = tmp_path / "instance" / "secret_key"
    assert len(key) == 64 and key_file.read_text() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert _secret_key(tmp_path / "instance") == key


def test_a_key_written_by_another_process_since_the_check_is_the_one_used(tmp_path, monkeypatch):
    """Two workers starting on a fresh instance: both find no key, the other one writes it first."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "secret_key").write_text("a" * 64)
    real_exists = Path.exists
    monkeypatch.setattr(Path, "exists", lambda path: False if path.name == "secret_key" else real_exists(path))
    assert _secret_key(instance) == "a" * 64
    assert [p.name for p in instance.iterdir()] == ["secret_key"]  # no file of its own left behind
