"""Amendments, disputes, termination and the admin's controls through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from .helpers import ok, register, run
from conftest import YEAR

RATIONALE = ("--rationale-hash", "0x" + "5a" * 32)


def _active(data_dir: Path, ocid: str, category: str = "goods") -> None:
    assert register(data_dir, ocid, category=category).exit_code == 0
    ok(data_dir, "contract", "accept", ocid, "--as", "contractor")


def test_amend_takesEffectOnlyWhenTheOtherPartyConsentsToTheSameContent(data_dir: Path) -> None:
    ocid = "ocds-cliamd-0001"
    _active(data_dir, ocid)
    change = ("--change", f"2=50,000@{YEAR}-12-20@1@inspector1")
    assert "must consent" in ok(data_dir, "contract", "amend", ocid, "--value", "1,050,000", *RATIONALE, *change,
                                "--as", "official")
    mismatch = run(data_dir, "contract", "amend", ocid, "--value", "1,100,000", *RATIONALE, *change, "--consent",
                   "--as", "contractor")
    assert mismatch.exit_code == 1 and "its content differs" in mismatch.output
    assert "amendment 1" in ok(data_dir, "contract", "amend", ocid, "--value", "1,050,000", *RATIONALE, *change,
                               "--consent", "--as", "contractor")
    shown = json.loads(ok(data_dir, "contract", "show", ocid, "--json"))
    assert shown["contract"]["value"] == 1_050_000_00 and shown["contract"]["original_value"] == 1_000_000_00
    assert [m["amount"] for m in shown["milestones"]] == [400_000_00, 600_000_00, 50_000_00]


def test_amend_aboveTheCap_isRefusedWithTheCap(data_dir: Path) -> None:
    ocid = "ocds-cliamd-0002"
    _active(data_dir, ocid)
    result = run(data_dir, "contract", "amend", ocid, "--value", "1,200,000", *RATIONALE, "--as", "official")
    assert result.exit_code == 1
    assert "above the cap Rp 1,100,000.00" in result.output


def test_dispute_freezesPaymentsUntilTheArbiterResolves(data_dir: Path) -> None:
    ocid = "ocds-clidsp-0001"
    _active(data_dir, ocid)
    ok(data_dir, "escrow", "fund", ocid, "1,000,000", "--as", "official")
    ok(data_dir, "contract", "dispute", ocid, "--reason-hash", "0x" + "d1" * 32, "--as", "contractor")
    frozen = run(data_dir, "milestone", "submit", ocid, "0", "--evidence-hash", "0x" + "e1" * 32, "--as", "contractor")
    assert frozen.exit_code == 1 and "under dispute" in frozen.output
    refused = run(data_dir, "contract", "resolve", ocid, "--resolution-hash", "0x" + "d2" * 32, "--as", "official")
    assert refused.exit_code == 1 and "lacks the role arbiter" in refused.output
    ok(data_dir, "contract", "resolve", ocid, "--resolution-hash", "0x" + "d2" * 32, "--as", "arbiter")
    ok(data_dir, "milestone", "submit", ocid, "0", "--evidence-hash", "0x" + "e1" * 32, "--as", "contractor")


def test_terminate_thenReclaim_returnsWhatWasNeverEarned(data_dir: Path) -> None:
    ocid = "ocds-clitrm-0001"
    _active(data_dir, ocid)
    ok(data_dir, "escrow", "fund", ocid, "1,000,000", "--as", "official")
    early = run(data_dir, "escrow", "reclaim", ocid, "--as", "official")
    assert early.exit_code == 1 and "still open" in early.output
    ok(data_dir, "contract", "terminate", ocid, "--reason-hash", "0x" + "7e" * 32, "--as", "official")
    ok(data_dir, "escrow", "reclaim", ocid, "--as", "official")
    account = json.loads(ok(data_dir, "escrow", "balance", ocid, "--json"))
    assert account["refunded"] == 1_000_000_00 and account["held"] == 0


def test_advance_isPaidOnceAndRecoveredFromMilestones(data_dir: Path) -> None:
    ocid = "ocds-cliadv-0001"
    assert register(data_dir, ocid, "--advance", "200,000").exit_code == 0
    ok(data_dir, "contract", "accept", ocid, "--as", "contractor")
    ok(data_dir, "escrow", "fund", ocid, "1,000,000", "--as", "official")
    ok(data_dir, "escrow", "advance", ocid, "--as", "official")
    again = run(data_dir, "escrow", "advance", ocid, "--as", "official")
    assert again.exit_code == 1 and "no advance payment due" in again.output
    account = json.loads(ok(data_dir, "escrow", "balance", ocid, "--json"))
    assert account["advance_paid"] == 200_000_00 and account["withdrawable"] == 200_000_00


def test_admin_pause_refusesEveryChange_andOnlyThePauserMayPause(data_dir: Path) -> None:
    refused = run(data_dir, "admin", "pause", "--as", "admin")
    assert refused.exit_code == 1 and "lacks the role pauser" in refused.output
    ok(data_dir, "admin", "pause", "--as", "guardian")
    try:
        blocked = register(data_dir, "ocds-clipau-0001")
        assert blocked.exit_code == 1 and "paused" in blocked.output
        assert "ocds-clipau-0001" not in ok(data_dir, "contract", "list")
    finally:
        ok(data_dir, "admin", "unpause", "--as", "guardian")
    assert register(data_dir, "ocds-clipau-0001").exit_code == 0


def test_admin_allow_gatesAgenciesByCategory(data_dir: Path) -> None:
    ok(data_dir, "admin", "appoint-official", "DEMO-STAGE2", "official", "--as", "admin")
    ok(data_dir, "admin", "allow", "DEMO-STAGE2", "--category", "goods", "--as", "admin")
    result = run(data_dir, "contract", "register", "--as", "official", "--ocid", "ocds-clistg-0001",
                 "--agency", "DEMO-STAGE2", "--contractor", "contractor", "--category", "works",
                 "--value", "100", "--start", f"{YEAR}-01-01", "--end", f"{YEAR}-12-31",
                 "--milestone", f"100@{YEAR}-06-30@1@inspector1")
    assert result.exit_code == 1
    assert "may not register works contracts" in result.output


def test_admin_parameters_showsAndChangesThePolicy(data_dir: Path) -> None:
    assert json.loads(ok(data_dir, "admin", "parameters", "--json"))["amendment_cap_bps"] == 1000
    changed = json.loads(ok(data_dir, "admin", "parameters", "--amendment-cap-bps", "1500", "--as", "admin", "--json"))
    assert changed["amendment_cap_bps"] == 1500 and changed["works_retention_bps"] == 500
    ok(data_dir, "admin", "parameters", "--amendment-cap-bps", "1000", "--as", "admin")
