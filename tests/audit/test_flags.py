"""Ledger red flags on the scenario, and the replay's rules on rows no honest chain produces."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from govledger.audit import FlagSettings, ledger_flags, ledger_flags_of, load_rows, replay
from govledger.roles import INSPECTOR_ROLE

from .conftest import A, CREEP, DISPUTE, MANY, OVERDUE, PAID, Scenario, sql
from .test_check import cid, event_row

DAY = 86400


def codes(flags: list[Any]) -> list[tuple[str, str | None]]:
    return sorted((f.code, f.ocid) for f in flags)


def test_flags_atTheChainHead_creepManyAmendmentsAndOverdue(scenario: Scenario, engine: Engine) -> None:
    flags = ledger_flags_of(engine, scenario.head_time)
    assert codes(flags) == [("many-amendments", MANY), ("overdue-milestone", OVERDUE), ("overdue-milestone", OVERDUE),
                            ("value-creep", CREEP)]
    creep = next(f for f in flags if f.code == "value-creep")
    assert "13.00%" in creep.detail and creep.tx_hash and creep.extra["increase_pct"] == 13.0
    assert sorted(f.extra["index"] for f in flags if f.code == "overdue-milestone") == [0, 1]


def test_flags_31DaysLater_alsoThePaymentNeverWithdrawn(scenario: Scenario, engine: Engine, db_path: Path) -> None:
    flags = ledger_flags_of(engine, scenario.head_time + 31 * DAY)
    unwithdrawn = [f for f in flags if f.code == "unwithdrawn-payment"]
    release = event_row(db_path, PAID, "PaymentReleased", 1)  # milestone 0 was withdrawn, milestone 1 never
    assert [(f.ocid, f.extra["index"], f.tx_hash) for f in unwithdrawn] == [(PAID, 1, release[2])]
    assert len(flags) == 5
    assert not [f for f in ledger_flags_of(engine, scenario.head_time + 31 * DAY,
                                           FlagSettings(withdrawal_days=60)) if f.code == "unwithdrawn-payment"]


def test_flags_thresholdsAreSettings(scenario: Scenario, engine: Engine) -> None:
    strict = ledger_flags_of(engine, scenario.head_time, FlagSettings(value_creep_pct=2.0, many_amendments=2))
    assert codes(strict) == [("many-amendments", CREEP), ("many-amendments", MANY), ("overdue-milestone", OVERDUE),
                             ("overdue-milestone", OVERDUE), ("value-creep", CREEP), ("value-creep", MANY)]


def test_flags_valueLoweredInSqlite_paidAboveValue(scenario: Scenario, engine: Engine, db_path: Path) -> None:
    block_hash, log_index, *_, args = event_row(db_path, PAID, "ContractRegistered")
    forged = json.loads(args)
    forged["registration"]["value"] = "50000000"
    sql(db_path, "UPDATE events SET args = ? WHERE block_hash = ? AND log_index = ?", json.dumps(forged),
        block_hash, log_index)
    flags = [f for f in ledger_flags_of(engine, scenario.head_time) if f.ocid == PAID]
    assert [f.code for f in flags] == ["paid-above-value"]
    assert "exceeds the contract value 50000000" in flags[0].detail and flags[0].extra["credited"] > 50000000


# --- rules on synthetic rows (what a forged or buggy history would look like) -------------------------


def _rows(engine: Engine) -> list[dict[str, Any]]:
    return load_rows(engine)


def _insert_before(rows: list[dict[str, Any]], target: dict[str, Any], event: str, args: dict[str, Any],
                   contract: str = "ContractRegistry") -> list[dict[str, Any]]:
    fake = {**target, "event": event, "contract": contract, "args": args, "log_index": target["log_index"] - 1000}
    i = rows.index(target)
    return rows[:i] + [fake] + rows[i:]


def _first(rows: list[dict[str, Any]], ocid: str, event: str, nth: int = 0) -> dict[str, Any]:
    return [r for r in rows if r["contract_id"] == cid(ocid) and r["event"] == event][nth]


def test_replay_paymentInsideADispute_isAViolationAndAFlag(scenario: Scenario, engine: Engine) -> None:
    rows = _rows(engine)
    release = _first(rows, PAID, "PaymentReleased", 1)
    rows = _insert_before(rows, release, "DisputeRaised",
                          {"id": cid(PAID), "by": A["contractor"].address, "reasonHash": "0x" + "00" * 32})
    state = replay(rows)
    assert [(v.rule, v.tx_hash) for v in state.violations] == [("payment-during-dispute", release["tx_hash"])]
    flags = ledger_flags(state, scenario.head_time)
    assert [(f.code, f.tx_hash) for f in flags if f.ocid == PAID] == [("payment-during-dispute", release["tx_hash"])]


def test_replay_approvalFromARevokedInspector_doesNotCount(engine: Engine) -> None:
    rows = _rows(engine)
    second = _first(rows, PAID, "MilestoneApproved", 1)  # inspector2's approval of milestone 0
    rows = _insert_before(rows, second, "RoleRevoked", {"role": "0x" + INSPECTOR_ROLE.hex(),
                                                        "account": A["inspector2"].address,
                                                        "sender": A["admin"].address})
    state = replay(rows)
    assert [v.rule for v in state.violations] == ["payment-without-approvals"]
    assert "did not hold the inspector role" in state.violations[0].detail
    assert "unverified-payment" in [f.code for f in ledger_flags(state, 0)]


def test_replay_approvalFromAnUnassignedInspector_doesNotCount(engine: Engine) -> None:
    rows = _rows(engine)
    registered = _first(rows, PAID, "MilestoneRegistered", 0)
    forged = copy.deepcopy(registered)
    forged["args"]["inspectorMask"] = "5"  # inspectors 1 and 3 only: inspector2 approved milestone 0
    rows[rows.index(registered)] = forged
    state = replay(rows)
    assert [v.rule for v in state.violations] == ["payment-without-approvals"]
    assert "not assigned to this milestone" in state.violations[0].detail


def test_replay_approvalOfAnEarlierRound_doesNotCount(engine: Engine) -> None:
    """Milestone 1 was rejected and resubmitted: an approval in round 1 counts for nothing in round 2."""
    rows = _rows(engine)
    first_submit = _first(rows, PAID, "MilestoneSubmitted", 1)
    approve = copy.deepcopy(_first(rows, PAID, "MilestoneApproved", 3))  # inspector3's round-2 approval
    approve["args"]["inspector"] = A["inspector3"].address
    approve.update(block_number=first_submit["block_number"], log_index=first_submit["log_index"] + 1)
    rows.insert(rows.index(first_submit) + 1, approve)
    rows.remove(_first(rows, PAID, "MilestoneApproved", 4))  # drop the real round-2 approval
    state = replay(rows)
    assert [v.rule for v in state.violations] == ["payment-without-approvals"]
    assert "round 2" in state.violations[0].detail


def test_replay_releaseWithoutVerification_flagsUnverifiedPayment(engine: Engine) -> None:
    rows = [r for r in _rows(engine) if not (r["event"] == "MilestoneVerified" and r["contract_id"] == cid(PAID))]
    state = replay(rows)
    assert state.violations == []  # approvals were there: only the missing verification shows
    assert [(f.code, f.extra["index"]) for f in ledger_flags(state, 0) if f.ocid == PAID] == [
        ("unverified-payment", 0), ("unverified-payment", 1)]


def test_replay_disputeStillOpen_isRecorded(engine: Engine) -> None:
    state = replay(_rows(engine))
    disputed = state.by_ocid(DISPUTE)
    assert disputed is not None and disputed.disputed and disputed.disputes[0][1] is None
    assert disputed.milestones[0].status == "submitted" and disputed.payments == []


def test_replay_advanceRecoveredOnClose_movesWithdrawableBackToHeld(engine: Engine) -> None:
    """PaymentEscrow's new AdvanceRecoveredOnClose (withdrawable -> held) keeps the books balanced."""
    rows = _rows(engine)
    last = _first(rows, PAID, "PaymentReleased", 1)
    fake = {**last, "contract": "PaymentEscrow", "event": "AdvanceRecoveredOnClose",
            "args": {"id": cid(PAID), "amount": "1000"}, "log_index": last["log_index"] + 100}
    before = replay(rows).by_ocid(PAID)
    after = replay(rows[:rows.index(last) + 1] + [fake] + rows[rows.index(last) + 1:]).by_ocid(PAID)
    assert before is not None and after is not None
    assert after.account["withdrawable"] == before.account["withdrawable"] - 1000
    assert after.account["held"] == before.account["held"] + 1000 and after.credited == before.credited - 1000
