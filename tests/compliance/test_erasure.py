"""Export and erasure of a person's data (UU 27/2022): everything held comes out on request; after erasure
no store of the data directory holds any of their fields, and the chain's evidence still verifies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govledger.compliance import (
    AccessLog,
    Commitments,
    PersonalData,
    erase_person,
    export_person,
)
from govledger.compliance.erasure import StillHoldsRoles
from govledger.errors import NotFoundError

from .conftest import Scenario, run


def _files_holding(data_dir: Path, needle: bytes) -> list[str]:
    return sorted(str(p.relative_to(data_dir)) for p in data_dir.rglob("*") if p.is_file() and needle in p.read_bytes())


def test_export_holdsEveryStoreOfThePerson_andIsLogged(scenario: Scenario) -> None:
    with PersonalData(scenario.data_dir) as stores:
        document = export_person(stores, scenario.who.person, reader="dpo@example.go.id")
        log = AccessLog(stores.privacy).entries(scenario.who.person)
    assert document["identity"]["name"] == scenario.who.name
    assert document["identity"]["refresh_token_held"] is True and "refresh_token" not in document["identity"]
    assert set(document["records"]) == {"notify_people", "notifications", "support_questions", "server_activity",
                                        "oversight_records"}
    assert [r["kind"] for r in document["records"]["oversight_records"]] == ["feedback"]  # found by pseudonym
    assert document["records"]["notify_people"][0]["email"] == scenario.who.email
    assert [d["name"] for d in document["documents_uploaded"]] == ["ktp.txt"]
    assert document["commitments"] == [{"commitment": scenario.nik_commitment, "kind": "nik"}]
    assert [(e.reader, e.what) for e in log] == [("dpo@example.go.id", "everything held (export)")]


def test_exportCommand_writesTheDocument(scenario: Scenario, tmp_path: Path) -> None:
    out = tmp_path / "siti.json"
    run(scenario.data_dir, "privacy", "export", scenario.who.subject, "--out", str(out))
    assert json.loads(out.read_text())["person"] == scenario.who.person
    assert out.stat().st_mode & 0o077 == 0


def test_erase_leavesNoPersonalFieldInAnyFile_andTheChainStillVerifies(scenario: Scenario) -> None:
    data_dir, who = scenario.data_dir, scenario.who
    before = {field: _files_holding(data_dir, needle) for field, needle in who.fields().items()}
    assert before["email"] and before["name"] and before["client address"]  # the scan sees them while they are held
    output = run(data_dir, "privacy", "erase", who.subject, "--yes")
    assert f"erased {who.person}" in output
    assert {field: _files_holding(data_dir, needle) for field, needle in who.fields().items()} == {field: [] for field in before}
    assert not scenario.keystore.exists()
    with PersonalData(data_dir) as stores:
        left = export_person(stores, who.person, reader="dpo")
        # Only the oversight feedback stays: anchored on chain, under a pseudonym the oversight key recomputes
        # (docs/personal-data.md: an exception until oversight pseudonyms can be unlinked per person).
        assert left["identity"] is None and left["documents_uploaded"] == [] and left["commitments"] == []
        assert set(left["records"]) == {"oversight_records"}
        with pytest.raises(NotFoundError):  # the salt went: the hash on chain matches nothing any more
            Commitments(stores.privacy).verify(scenario.nik_commitment, "nik", who.nik)
    assert "every invariant holds" in run(data_dir, "audit", "check")


def test_erase_keepsTheActivityLineUnderAPseudonym(scenario: Scenario) -> None:
    with PersonalData(scenario.data_dir) as stores:
        report = erase_person(stores, scenario.who.person)
        with stores.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT subject, client, action FROM server_activity").all()
    assert [tuple(r) for r in rows] == [(report.pseudonym, None, "accept")]
    assert report.removed["custodial key"] == 1 and report.removed["notifications"] == 1


def test_erase_twice_isHarmless(scenario: Scenario) -> None:
    with PersonalData(scenario.data_dir) as stores:
        erase_person(stores, scenario.who.person)
        again = erase_person(stores, scenario.who.person)
    assert again.summary() == "nothing held"


def test_export_ofAnUnknownPerson_isRefused(scenario: Scenario) -> None:
    with PersonalData(scenario.data_dir) as stores, pytest.raises(NotFoundError, match="no personal data is held"):
        export_person(stores, "https://sso.example.go.id#nobody", reader="dpo")


def test_erase_refusesAPersonWhoStillHoldsRolesOnChain_unlessForced(scenario: Scenario) -> None:
    with PersonalData(scenario.data_dir) as stores:
        stores.directory.edit(scenario.who.person, granted=("contractor",))
        with pytest.raises(StillHoldsRoles, match="still holds contractor on chain"):
            erase_person(stores, scenario.who.person)
        assert stores.directory.find(scenario.who.person) is not None
        assert erase_person(stores, scenario.who.person, force=True).removed["directory entry"] == 1
