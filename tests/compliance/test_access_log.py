"""The personal-data access log: every read recorded, lines chained by hash, pseudonyms unlinked by erasure."""

from __future__ import annotations

from pathlib import Path

import pytest

from govledger.compliance import AccessLog, PrivacyStore, record_access
from govledger.compliance.access_log import AccessLogBroken
from govledger.compliance.store import ERASED


def test_record_keepsWhoReadWhoseDataWhatAndWhy(tmp_path: Path) -> None:
    record_access(tmp_path, "staff-1", "person-1", "email address", "support answer")
    record_access(tmp_path, "staff-2", "person-2", "directory entry", "identity people")
    with PrivacyStore.for_data_dir(tmp_path) as store:
        log = AccessLog(store)
        assert [(e.reader, e.subject, e.what, e.purpose) for e in log.entries("person-1")] == [
            ("staff-1", "person-1", "email address", "support answer")]
        assert log.verify() == 2
        stored = store.db.execute("SELECT reader, subject FROM access_log").fetchall()
    assert all(value.startswith("p-") for row in stored for value in row)  # pseudonyms, never the person


@pytest.mark.parametrize("tampering, message", [
    ("UPDATE access_log SET purpose = 'nothing' WHERE id = 2", "line 2 was altered"),
    ("DELETE FROM access_log WHERE id = 2", "line 3 does not follow"),
], ids=["altered", "removed"])
def test_verify_detectsAnAlteredOrRemovedLine(tmp_path: Path, tampering: str, message: str) -> None:
    for n in range(3):
        record_access(tmp_path, "staff", f"person-{n}", "name", "export")
    with PrivacyStore.for_data_dir(tmp_path) as store:
        store.db.execute(tampering)
        with pytest.raises(AccessLogBroken, match=message):
            AccessLog(store).verify()


def test_forgettingAPerson_leavesTheirLinesAnonymousAndTheChainIntact(tmp_path: Path) -> None:
    record_access(tmp_path, "staff", "person-1", "name", "export")
    with PrivacyStore.for_data_dir(tmp_path) as store:
        store.forget("person-1", "erasure")
        log = AccessLog(store)
        assert [(e.reader, e.subject) for e in log.entries()] == [("staff", ERASED)]
        assert log.entries("person-1") == [] and log.verify() == 1


def test_recordAccess_withoutADataDirectory_keepsNothing(tmp_path: Path) -> None:
    record_access(None, "staff", "person", "name", "in-memory app")
    assert list(tmp_path.iterdir()) == []
