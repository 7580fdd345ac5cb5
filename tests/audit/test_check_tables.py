"""`check` compares every table of the read model with the chain (projections folded again from the chain's
logs, recorded block hashes against its blocks), and an unreachable chain is an error, never a finding."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine
from web3 import Web3

from govledger.app import App
from govledger.audit import check
from govledger.cli import cli
from govledger.cli._context import AppContext
from govledger.errors import GovLedgerError
from govledger.readmodel import ChainUnreachableError

from .conftest import CREEP, PAID, Scenario, copy_db, sql
from .test_check import cid


def violations(result: Any) -> list[tuple[str, str | None]]:
    return sorted((v.rule, v.ocid) for v in result.violations)


def test_contractsRowEditedByHand_isReportedWithTheTableRowAndColumn(scenario: Scenario, engine: Engine,
                                                                     db_path: Path) -> None:
    sql(db_path, "UPDATE contracts SET status = 'completed', value = '1' WHERE contract_id = ?", cid(CREEP))
    result = check(engine, scenario.ledger)
    assert violations(result) == [("projection-tampered", CREEP)]
    detail = result.violations[0].detail
    assert f"contracts row {cid(CREEP)} differs from the chain" in detail
    assert "status: stored 'completed' != chain 'active'" in detail and "value: stored 1 != chain 113000000" in detail


def test_milestonesRowDeletedAndContractsRowAdded_areReported(scenario: Scenario, engine: Engine,
                                                              db_path: Path) -> None:
    sql(db_path, "DELETE FROM milestones WHERE contract_id = ? AND idx = 1", cid(PAID))
    sql(db_path, "INSERT INTO contracts SELECT '0x' || substr(hex(randomblob(32)), 1, 64), 'ocds-forged', ocid_valid, "
                 "agency, agency_code, category, status, disputed, contractor, value, original_value, advance_payment, "
                 "amendment_count, milestone_count, funded, paid, withdrawn, retained, penalties, refunded, start_date, "
                 "end_date, registered_block, registered_at, updated_block FROM contracts WHERE contract_id = ?", cid(CREEP))
    result = check(engine, scenario.ledger)
    assert violations(result) == [("projection-extra", "ocds-forged"), ("projection-missing", PAID)]
    missing = next(v for v in result.violations if v.rule == "projection-missing")
    assert f"milestones row {cid(PAID)}, 1 follows from the chain's logs" in missing.detail


def test_milestoneStatusEdited_isReported(scenario: Scenario, engine: Engine, db_path: Path) -> None:
    sql(db_path, "UPDATE milestones SET status = 'planned', paid_net = '0' WHERE contract_id = ? AND idx = 0", cid(PAID))
    result = check(engine, scenario.ledger)
    assert violations(result) == [("projection-tampered", PAID)]
    assert "status: stored 'planned' != chain 'paid'" in result.violations[0].detail


def test_checkpointHashEdited_isReported(scenario: Scenario, engine: Engine, db_path: Path) -> None:
    sql(db_path, "UPDATE checkpoints SET block_hash = ?", "0x" + "ab" * 32)
    result = check(engine, scenario.ledger)
    assert [v.rule for v in result.violations] == ["block-hash-mismatch"]
    assert f"checkpoint 'main' at block {scenario.head}: stored 0x{'ab' * 32} != chain 0x" in result.violations[0].detail


def unreachable(scenario: Scenario) -> SimpleNamespace:
    """The scenario's deployment behind a node that does not answer."""
    w3 = Web3(Web3.HTTPProvider("http://127.0.0.1:9", request_kwargs={"timeout": 2}))
    d = scenario.ledger.deployment
    return SimpleNamespace(w3=w3, deployment=d,
                           escrow=w3.eth.contract(d.addresses["PaymentEscrow"], abi=d.abis["PaymentEscrow"]),
                           registry=w3.eth.contract(d.addresses["ContractRegistry"], abi=d.abis["ContractRegistry"]))


@pytest.mark.parametrize("tamper", [True, False])
def test_unreachableChain_raisesInsteadOfReportingOrHidingIt(scenario: Scenario, engine: Engine, tamper: bool) -> None:
    with pytest.raises(ChainUnreachableError, match="could not read .* from the chain: .*Connection"):
        check(engine, unreachable(scenario), tamper=tamper)
    assert issubclass(ChainUnreachableError, GovLedgerError)


@pytest.mark.parametrize("options", [[], ["--sync"], ["--no-tamper"]])
def test_cli_check_unreachableChain_exits2WithOneLine(scenario: Scenario, indexed: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch, options: list[str]) -> None:
    copy_db(indexed, tmp_path / "readmodel.sqlite")
    opened = App(unreachable(scenario), data_dir=tmp_path)  # type: ignore[arg-type]
    monkeypatch.setattr(AppContext, "app", property(lambda self: opened))
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "audit", "check", *options])
    opened.engine.dispose()
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: could not read ") and "Traceback" not in result.output
