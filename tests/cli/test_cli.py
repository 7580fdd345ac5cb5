"""The CLI through click's CliRunner, on a persistent data directory: each invoke reopens the chain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .helpers import ok, register, run

OCID = "ocds-cli001-0001"


def test_lifecycle_endsWithContractorHoldingTheVerifiedAmount(data_dir: Path, tmp_path: Path) -> None:
    evidence = tmp_path / "progress-report.pdf"
    evidence.write_bytes(b"fictional progress report, 40% complete")
    assert "pending" in register(data_dir, OCID).output
    ok(data_dir, "contract", "accept", OCID, "--as", "contractor")
    ok(data_dir, "escrow", "fund", OCID, "1000000", "--as", "official")
    ok(data_dir, "milestone", "submit", OCID, "0", "--evidence", str(evidence), "--as", "contractor")
    assert "submitted (1/2 approvals)" in ok(data_dir, "milestone", "approve", OCID, "0", "--report-hash",
                                             "0x" + "ab" * 32, "--as", "inspector1")
    assert "paid (2/2 approvals)" in ok(data_dir, "milestone", "approve", OCID, "0", "--report-hash",
                                        "0x" + "cd" * 32, "--as", "inspector2")
    assert "Rp 400,000.00" in ok(data_dir, "escrow", "withdraw", OCID, "--as", "contractor")

    balance = json.loads(ok(data_dir, "escrow", "balance", "contractor", "--json"))
    assert balance["balance"] == 400_000_00
    shown = json.loads(ok(data_dir, "contract", "show", OCID, "--json"))
    assert shown["contract"]["status"] == "active"
    assert shown["escrow"] == {"funded": 1_000_000_00, "held": 600_000_00, "withdrawable": 0, "withdrawn": 400_000_00,
                               "retained": 0, "refunded": 0, "advance_paid": 0, "advance_outstanding": 0}
    assert [m["status"] for m in shown["milestones"]] == ["paid", "planned"]


def test_wrongRole_failsWithOneClearLineAndChangesNothing(data_dir: Path) -> None:
    ocid = "ocds-cli001-0002"
    assert register(data_dir, ocid).exit_code == 0
    before = ok(data_dir, "contract", "show", ocid, "--json")
    result = run(data_dir, "contract", "accept", ocid, "--as", "inspector1")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: inspector1 (0x34E4…fC49) is not the contractor of contract {ocid}"]
    assert "Traceback" not in result.output
    assert ok(data_dir, "contract", "show", ocid, "--json") == before


REFUSING = "ocds-cli001-0007"  # registered for the bad-input cases, so none depends on another test's contract


@pytest.fixture(scope="module")
def refusing(data_dir: Path) -> None:
    assert register(data_dir, REFUSING).exit_code == 0


@pytest.mark.parametrize(("args", "message"), [
    (("contract", "show", "ocds-nope"), "no contract ocds-nope is registered"),
    (("escrow", "fund", REFUSING, "12abc", "--as", "official"), "not a Rupiah amount"),
    (("milestone", "submit", REFUSING, "1", "--evidence-hash", "0x12", "--as", "contractor"), "must be 32 bytes"),
    (("contract", "accept", REFUSING), "say who signs"),
    (("contract", "accept", REFUSING, "--as", "mayor"), "no demo account 'mayor'"),
])
def test_badInput_failsWithOneClearLine(refusing: None, data_dir: Path, args: tuple[str, ...], message: str) -> None:
    result = run(data_dir, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_register_refusesAMilestoneSpecThatIsNotAmountDueApprovalsInspectors(data_dir: Path) -> None:
    result = register(data_dir, "ocds-cli001-0003", "--milestone", "100@2026-01-01")
    assert result.exit_code == 1
    assert "expected AMOUNT@DUE@APPROVALS@INSPECTOR" in result.output


def test_list_andSummary_showRegisteredContracts(data_dir: Path) -> None:
    register(data_dir, "ocds-cli001-0004")
    listed = json.loads(ok(data_dir, "contract", "list", "--json"))
    assert "ocds-cli001-0004" in [c["ocid"] for c in listed]
    summary = json.loads(ok(data_dir, "summary", "--json"))
    assert {r["contract"]["ocid"] for r in summary["contracts"]} == {c["ocid"] for c in listed}
    assert "ocds-cli001-0004" in ok(data_dir, "summary")


def test_milestoneList_namesInspectorsAndApprovals(data_dir: Path) -> None:
    register(data_dir, "ocds-cli001-0005")
    out = ok(data_dir, "milestone", "list", "ocds-cli001-0005")
    lines = out.strip().splitlines()
    assert len(lines) == 2
    assert "approvals 0/2" in lines[0] and "inspector3" in lines[0]
    assert "approvals 0/1" in lines[1] and "inspector1" not in lines[1]


def test_reject_sendsTheMilestoneBackForResubmission(data_dir: Path) -> None:
    ocid = "ocds-cli001-0006"
    register(data_dir, ocid)
    ok(data_dir, "contract", "accept", ocid, "--as", "contractor")
    ok(data_dir, "milestone", "submit", ocid, "1", "--evidence-hash", "0x" + "01" * 32, "--as", "contractor")
    assert "now rejected" in ok(data_dir, "milestone", "reject", ocid, "1", "--report-hash", "0x" + "02" * 32,
                                "--as", "inspector3")
    result = run(data_dir, "milestone", "approve", ocid, "1", "--report-hash", "0x" + "03" * 32, "--as", "inspector3")
    assert result.exit_code == 1 and "is rejected, which does not allow this" in result.output


def test_accounts_listsDemoRolesWithBalances(data_dir: Path) -> None:
    rows = {r["name"]: r for r in json.loads(ok(data_dir, "accounts", "--json"))}
    assert rows["official"]["balance"] > 0
    assert rows["auditor"]["balance"] == 0
    assert "PPHP" in rows["inspector1"]["role"]


def test_init_isIdempotent(data_dir: Path) -> None:
    assert "already initialised" in ok(data_dir, "init")


def test_commands_beforeInit_tellTheUserToInit(tmp_path: Path) -> None:
    result = run(tmp_path / "empty", "contract", "list")
    assert result.exit_code == 1
    assert "govledger" in result.output and "init`" in result.output
    assert not (tmp_path / "empty").exists()  # a read on a mistyped directory creates nothing


def test_help_listsEveryCommand_andEachLoadsOnFirstUse(tmp_path: Path) -> None:
    """Commands load lazily: one missing from the help table, or one whose module fails, shows here."""
    from govledger.cli import _COMMANDS, _HELP

    listed = run(tmp_path, "--help").output
    assert set(_COMMANDS) <= set(_HELP)
    for name in _COMMANDS:
        assert f"  {name} " in listed
        result = run(tmp_path, name, "--help")
        assert result.exit_code == 0, (name, result.output)
    assert not (tmp_path / ".govledger").exists() and not any(tmp_path.iterdir())
