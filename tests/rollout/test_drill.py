"""`govledger rollout drill`: pause, export OCDS and payment orders, reconcile, report, resume; resumable, and
never leaving the ledger paused without saying so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli.helpers import ok, run

from govledger.app import App
from govledger.integrations.finance import verify_order
from govledger.integrations.ocds.export import validation_errors
from govledger.rollout import DRILL_STEPS, drill


def _paused(data: Path) -> bool:
    with App.open(data) as app:
        return app.ledger.is_paused()


def test_drill_end_to_end(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, out = sandbox("drill"), tmp_path / "drill"
    output = ok(data, "rollout", "drill", "--as", "guardian", "--out", str(out))
    steps = [line.split("]")[1].split(":")[0].strip() for line in output.splitlines() if line.startswith("[")]
    assert steps == list(DRILL_STEPS)
    assert "[1/6] pause: paused at block" in output and "[6/6] resume: unpaused at block" in output
    assert "4 releases and 4 records written" in output
    assert "3 signed payment order(s)" in output and "0 matched, 3 awaiting disbursement, 0 finding(s)" in output
    releases = json.loads((out / "ocds-releases.json").read_text())
    assert len(releases["releases"]) == 4 and validation_errors(releases) == []
    orders = sorted((out / "payment-orders").glob("*.json"))
    assert len(orders) == 3 and all(verify_order(json.loads(o.read_text())) for o in orders)
    assert json.loads((out / "reconciliation.json").read_text())["pending"] == 3
    assert "**reconcile**: 0 matched" in (out / "drill-report.md").read_text()
    assert not _paused(data) and not (data / drill.STATE_FILE).exists()
    ok(data, "escrow", "withdraw", "ocds-demo01-2026-PUPR-001", "--as", "contractor")  # takes changes again


def test_an_interrupted_drill_says_the_ledger_is_paused_and_finishes_when_run_again(
        sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, out = sandbox("interrupted"), tmp_path / "drill"

    def treasury_down(_drill: object) -> str:
        raise ConnectionError("treasury share unreachable")

    monkeypatch.setitem(drill._STEP_METHODS, "reconcile", treasury_down)
    failed = run(data, "rollout", "drill", "--as", "guardian", "--out", str(out))
    assert failed.exit_code == 1
    assert ("Error: the rollback drill stopped at step reconcile: ConnectionError: treasury share unreachable; "
            "THE LEDGER IS PAUSED: run `govledger rollout drill` again to finish it") in failed.output
    assert _paused(data)
    assert "ledger: PAUSED" in ok(data, "rollout", "status")
    assert "a rollback drill is unfinished (done: pause, export-ocds, payment-orders)" in ok(data, "rollout", "status")
    monkeypatch.undo()
    again = ok(data, "rollout", "drill", "--as", "guardian")  # no --out: the drill keeps its own folder
    assert "[1/6] pause: done before: paused at block" in again
    assert "[4/6] reconcile: 0 matched" in again and f"drill complete: {out}" in again
    assert not _paused(data) and (out / "drill-state.json").is_file()


def test_a_ledger_paused_before_the_drill_stays_paused(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = sandbox("paused")
    ok(data, "admin", "pause", "--as", "guardian")
    output = ok(data, "rollout", "drill", "--as", "guardian", "--out", str(tmp_path / "d"))
    assert "the ledger was paused before the drill: it stays paused at the end" in output
    assert "[6/6] resume: left paused as it was found" in output
    assert _paused(data)


def test_a_drill_signed_by_someone_without_the_pause_role_stops_before_anything(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = sandbox("gates")
    failed = run(data, "rollout", "drill", "--as", "auditor", "--out", str(tmp_path / "d"))
    assert failed.exit_code == 1
    assert "stopped at step pause: AccessControlUnauthorizedAccount" in failed.output
    assert "the ledger is not paused; run `govledger rollout drill` again" in failed.output
    (data / drill.STATE_FILE).unlink()  # leave the sandbox as it was for the gate tests


def test_a_damaged_drill_state_is_named(tmp_path: Path) -> None:
    (tmp_path / drill.STATE_FILE).write_text("[]")
    with pytest.raises(drill.GovLedgerValueError, match="is not a drill state .*remove it to start a new drill"):
        drill.DrillState.load(tmp_path)
