"""`check`: the invariants replayed off chain, against the chain's state, and the read model against the chain."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine

from govledger.audit import check, load_rows, replay
from govledger.types import contract_id

from .conftest import CREEP, PAID, Scenario, sql


def cid(ocid: str) -> str:
    return "0x" + contract_id(ocid).hex()


def event_row(db_path: Path, ocid: str, event: str, nth: int = 0) -> tuple[str, int, str, int, str]:
    """(block_hash, log_index, tx_hash, block_number, args) of the nth `event` of `ocid`."""
    rows = sql(db_path, "SELECT block_hash, log_index, tx_hash, block_number, args FROM events "
                        "WHERE contract_id = ? AND event = ? ORDER BY block_number, log_index", cid(ocid), event)
    return rows[nth]  # type: ignore[return-value]


def test_check_cleanScenario_everyInvariantHoldsAndTamperCheckCoversTheIndexedRange(
        scenario: Scenario, engine: Engine) -> None:
    result = check(engine, scenario.ledger)
    assert result.violations == [] and result.ok
    assert result.tamper_checked and result.from_block == 1 and result.to_block == scenario.head
    assert result.contracts == 6 and result.rows == len(load_rows(engine)) > 80


def test_check_replayedEscrowEqualsAccountOfOnChain_forEveryContract(scenario: Scenario, engine: Engine) -> None:
    state = replay(load_rows(engine))
    for c in state.contracts.values():
        chain = scenario.ledger.escrow_account(c.ocid)
        assert c.account == {"funded": chain.funded, "held": chain.held, "withdrawable": chain.withdrawable,
                             "withdrawn": chain.withdrawn, "retained": chain.retained, "refunded": chain.refunded}
    paid = state.by_ocid(PAID)
    assert paid is not None and paid.account["retained"] > 0 and paid.account["withdrawn"] > 0
    assert [(p.index, p.valid_approvals, p.required, p.verified) for p in paid.payments] == [(0, 2, 2, True),
                                                                                               (1, 2, 2, True)]


def test_check_argsEditedInSqlite_reportsRowTamperedNamingTheRowAndTheEscrowMismatch(
        scenario: Scenario, engine: Engine, db_path: Path) -> None:
    block_hash, log_index, tx_hash, block_number, args = event_row(db_path, PAID, "EscrowFunded")
    forged = {**json.loads(args), "amount": "1"}
    sql(db_path, "UPDATE events SET args = ? WHERE block_hash = ? AND log_index = ?",
        json.dumps(forged), block_hash, log_index)
    result = check(engine, scenario.ledger)
    advance = event_row(db_path, PAID, "AdvancePaid")
    last = event_row(db_path, PAID, "PaymentReleased", 1)
    assert [(v.rule, v.ocid, v.tx_hash, v.block_number) for v in result.violations] == [
        ("row-tampered", PAID, tx_hash, block_number),  # sorted by block: the forged row first
        ("funds-conserved", PAID, advance[2], advance[3]),  # held went negative here, once
        ("escrow-matches-chain", PAID, last[2], last[3]),  # at the contract's last escrow event
    ]
    tampered = result.violations[0]
    assert block_hash in tampered.detail and f"log {log_index}" in tampered.detail and "EscrowFunded" in tampered.detail
    assert 'args.amount: stored "1" != chain "100000000"' in tampered.detail
    assert "funded replayed 1 != chain 100000000" in result.violations[2].detail
    assert "held = -9999999" in result.violations[1].detail
    assert result.rules == {"row-tampered": 1, "funds-conserved": 1, "escrow-matches-chain": 1}


def test_check_txHashEditedInSqlite_onlyTheTamperCheckCatchesIt(scenario: Scenario, engine: Engine,
                                                                db_path: Path) -> None:
    block_hash, log_index, tx_hash, _, _ = event_row(db_path, CREEP, "ContractAmended")
    sql(db_path, "UPDATE events SET tx_hash = ? WHERE block_hash = ? AND log_index = ?", "0x" + "ab" * 32,
        block_hash, log_index)
    assert check(engine, scenario.ledger, tamper=False).ok  # the replay alone cannot see it
    result = check(engine, scenario.ledger)
    assert [(v.rule, v.ocid, v.tx_hash) for v in result.violations] == [("row-tampered", CREEP, tx_hash)]
    assert "tx_hash: stored 0x" + "ab" * 32 in result.violations[0].detail


def test_check_approvalDeleted_reportsRowMissingAndPaymentWithoutApprovals(scenario: Scenario, engine: Engine,
                                                                           db_path: Path) -> None:
    block_hash, log_index, tx_hash, block_number, _ = event_row(db_path, PAID, "MilestoneApproved", 1)
    sql(db_path, "DELETE FROM events WHERE block_hash = ? AND log_index = ?", block_hash, log_index)
    result = check(engine, scenario.ledger)
    assert sorted((v.rule, v.ocid, v.tx_hash, v.block_number) for v in result.violations) == [
        ("payment-without-approvals", PAID, tx_hash, block_number),  # the 2nd approval's tx is the payment's
        ("row-missing", PAID, tx_hash, block_number),
    ]
    payment = next(v for v in result.violations if v.rule == "payment-without-approvals")
    assert "milestone 0 paid with 1 valid approval(s) of 2 required in round 1" in payment.detail


def test_check_paymentRowDuplicated_reportsExtraRowAndDoublePayment(scenario: Scenario, engine: Engine,
                                                                    db_path: Path) -> None:
    block_hash, log_index, tx_hash, block_number, args = event_row(db_path, PAID, "PaymentReleased", 0)
    row = sql(db_path, "SELECT * FROM events WHERE block_hash = ? AND log_index = ?", block_hash, log_index)[0]
    columns = [c[1] for c in sql(db_path, "PRAGMA table_info(events)")]
    copy = dict(zip(columns, row))
    copy["log_index"] = 99
    sql(db_path, f"INSERT INTO events ({', '.join(copy)}) VALUES ({', '.join('?' * len(copy))})", *copy.values())
    result = check(engine, scenario.ledger)
    rules = {(v.rule, v.tx_hash) for v in result.violations}
    assert ("row-extra", tx_hash) in rules and ("milestone-paid-twice", tx_hash) in rules
    assert {r for r, _ in rules} == {"row-extra", "milestone-paid-twice", "funds-conserved", "escrow-matches-chain"}


def test_check_amendedValueRaisedInSqlite_reportsAmendmentAboveTheContractsOwnCap(
        scenario: Scenario, engine: Engine, db_path: Path) -> None:
    # the creep contract was registered with a 20% cap: 1,000,000.00 may grow to 1,200,000.00
    block_hash, log_index, tx_hash, block_number, args = event_row(db_path, CREEP, "ContractAmended", 1)
    sql(db_path, "UPDATE events SET args = ? WHERE block_hash = ? AND log_index = ?",
        json.dumps({**json.loads(args), "newValue": "120000001"}), block_hash, log_index)
    result = check(engine, scenario.ledger)
    assert sorted((v.rule, v.ocid, v.tx_hash, v.block_number) for v in result.violations) == [
        ("amendment-within-cap", CREEP, tx_hash, block_number), ("row-tampered", CREEP, tx_hash, block_number)]
    cap = next(v for v in result.violations if v.rule == "amendment-within-cap")
    assert "above the cap 120000000 (original 100000000 + 20%)" in cap.detail
