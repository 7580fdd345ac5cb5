"""Encrypted backups: a backup restored into a fresh directory passes `audit check`; a wrong key, an altered
file or a non-empty target is refused; the scheduled form keeps the newest N."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govledger.compliance.backup import (
    BackupError,
    BackupKeyError,
    create_backup,
    load_backup_key,
    restore_backup,
)

from .conftest import Scenario, run

KEY = "k" * 44
ENV = {"GOVLEDGER_BACKUP_KEY": KEY}


def test_backupRestoredIntoAFreshDirectory_passesAuditCheck(scenario: Scenario, tmp_path: Path) -> None:
    archive = tmp_path / "ledger.backup"
    run(scenario.data_dir, "backup", "create", "--out", str(archive), env=ENV)
    assert b"SQLite format 3" not in archive.read_bytes() and scenario.who.email.encode() not in archive.read_bytes()
    restored = tmp_path / "fresh"
    assert "restored" in run(scenario.data_dir, "backup", "restore", str(archive), "--into", str(restored), env=ENV)
    assert "every invariant holds" in run(restored, "audit", "check")
    assert (restored / "identity" / "people.json").read_bytes() == (scenario.data_dir / "identity" / "people.json").read_bytes()
    assert (restored / "documents").is_dir() and (restored / "privacy.sqlite").is_file()


def test_restore_refusesAWrongKey_anAlteredFile_andANonEmptyTarget(pilot_dir: Path, tmp_path: Path) -> None:
    archive = tmp_path / "b.backup"
    create_backup(pilot_dir, archive, KEY.encode())
    with pytest.raises(BackupError, match="does not open with this key"):
        restore_backup(archive, tmp_path / "a", b"w" * 44)
    altered = bytearray(archive.read_bytes())
    altered[-40] ^= 1
    (tmp_path / "altered.backup").write_bytes(bytes(altered))
    with pytest.raises(BackupError, match="does not open with this key"):
        restore_backup(tmp_path / "altered.backup", tmp_path / "b", KEY.encode())
    with pytest.raises(BackupError, match="is not empty"):
        restore_backup(archive, pilot_dir, KEY.encode())
    with pytest.raises(BackupError, match="is not a govledger backup"):
        restore_backup(pilot_dir / "deployment.json", tmp_path / "c", KEY.encode())


def test_scheduledBackups_intoADirectory_keepTheNewest(pilot_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    for n in range(3):
        (folder / f"govledger-2026010{n}T000000Z.backup").write_bytes(b"old")
    output = run(pilot_dir, "backup", "create", "--out", str(folder), "--keep", "2", env=ENV)
    assert "2 older backups deleted" in output
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2 and names[0] == "govledger-20260102T000000Z.backup"


def test_backupKey_mustBeLongEnoughAndPrivate(tmp_path: Path) -> None:
    with pytest.raises(BackupKeyError, match="no backup key"):
        load_backup_key(None, {})
    with pytest.raises(BackupKeyError, match="has 5 bytes"):
        load_backup_key(None, {"GOVLEDGER_BACKUP_KEY": "short"})
    key_file = tmp_path / "backup.key"
    key_file.write_text(KEY)
    key_file.chmod(0o644)
    with pytest.raises(BackupKeyError, match="readable by others"):
        load_backup_key(key_file)
    key_file.chmod(0o600)
    assert load_backup_key(key_file) == KEY.encode()


def test_erasuresAfterABackup_areMadeAgainOnceItIsRestored(scenario: Scenario, tmp_path: Path) -> None:
    archive = tmp_path / "before-erasure.backup"
    run(scenario.data_dir, "backup", "create", "--out", str(archive), env=ENV)
    run(scenario.data_dir, "privacy", "erase", scenario.who.person, "--yes")
    register = tmp_path / "register.sqlite"
    shutil.copy(scenario.data_dir / "privacy.sqlite", register)
    restored = tmp_path / "restored"
    run(scenario.data_dir, "backup", "restore", str(archive), "--into", str(restored), env=ENV)
    people = restored / "identity" / "people.json"
    assert scenario.who.name.encode() in people.read_bytes()  # the backup predates the erasure
    assert "1 people erased again" in run(restored, "privacy", "reapply-erasures", str(register))
    assert scenario.who.name.encode() not in people.read_bytes()
    assert "0 people erased again" in run(restored, "privacy", "reapply-erasures", str(register))
