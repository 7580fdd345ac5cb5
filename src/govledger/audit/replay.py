"""Replay the read model's `events` rows in chain order and rebuild every contract off chain.

The fold is pure (rows in, state and violations out) so it can be run on rows from any source: the
read model, logs decoded in a test, or a bundle. Rows are dicts with the `events` table's columns and
`args` already parsed from JSON (ints as decimal strings).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from ..readmodel import schema
from ..roles import INSPECTOR_ROLE
from ..types import ContractStatus, MilestoneStatus
from .model import Violation

INSPECTOR_ROLE_HEX = "0x" + INSPECTOR_ROLE.hex()
BUCKETS = ("funded", "held", "withdrawable", "withdrawn", "retained", "refunded")
#: events that move money to the contractor's side: none may happen while the contract is disputed
PAYOUT_EVENTS = ("AdvancePaid", "PaymentReleased", "RetentionReleased", "PaymentWithdrawn")


@dataclass
class Where:
    """The transaction and block of an event."""

    tx_hash: str
    block_number: int
    log_index: int
    timestamp: int


@dataclass
class MilestoneState:
    index: int
    amount: int
    due: int
    required: int
    mask: int
    status: str = MilestoneStatus.PLANNED.label  # a types.MilestoneStatus label
    round: int = 0
    approvals: set[str] = field(default_factory=set)  # valid approvals in the current round
    invalid_approvals: list[tuple[str, str]] = field(default_factory=list)  # (inspector, why)
    verified_round: int | None = None
    submitted_at: int | None = None
    verified_at: int | None = None
    paid: list[Where] = field(default_factory=list)
    evidence_hashes: list[str] = field(default_factory=list)


@dataclass
class Payment:
    ocid: str | None
    contract_id: str
    index: int
    net: int
    retention: int
    advance_recovered: int
    penalty: int
    where: Where
    verified: bool  # a MilestoneVerified of the current round preceded it
    valid_approvals: int
    required: int
    disputed: bool


@dataclass
class ContractState:
    contract_id: str
    ocid: str | None
    agency: str
    contractor: str
    category: int
    original_value: int
    value: int
    start: int
    end: int
    document_hash: str
    registered: Where
    status: str = ContractStatus.PENDING.label  # a types.ContractStatus label
    disputed: bool = False
    disputes: list[tuple[Where, Where | None]] = field(default_factory=list)
    amendments: list[dict[str, Any]] = field(default_factory=list)  # number, previous, new, where
    inspectors: list[str] = field(default_factory=list)
    milestones: dict[int, MilestoneState] = field(default_factory=dict)
    account: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))
    advance_paid: int = 0
    advance_recovered_on_close: int = 0
    payments: list[Payment] = field(default_factory=list)
    withdrawals: list[tuple[int, Where]] = field(default_factory=list)
    last_escrow_event: Where | None = None
    negative_seen: set[str] = field(default_factory=set)
    dispute_payouts: list[tuple[str, Where]] = field(default_factory=list)  # (what, where) while disputed

    @property
    def credited(self) -> int:
        """Credited to the contractor: the advance plus every release's net and retention, less the advance
        taken back when the contract closed."""
        return self.advance_paid - self.advance_recovered_on_close + sum(p.net + p.retention for p in self.payments)

    @property
    def earned(self) -> int:
        """Gross milestone amounts paid (before penalty, retention and advance recovery)."""
        return sum(p.net + p.retention + p.advance_recovered + p.penalty for p in self.payments)


@dataclass
class Replay:
    contracts: dict[str, ContractState] = field(default_factory=dict)  # by contract id (0x hex)
    violations: list[Violation] = field(default_factory=list)
    inspectors: set[str] = field(default_factory=set)  # accounts holding the inspector role now
    rows: int = 0
    last_block: int | None = None
    last_timestamp: int | None = None

    def ocid_of(self, contract_id: str | None) -> str | None:
        state = self.contracts.get(contract_id or "")
        return state.ocid if state else None

    def by_ocid(self, ocid: str) -> ContractState | None:
        return next((c for c in self.contracts.values() if c.ocid == ocid), None)


def load_rows(engine: Engine, contract_id: str | None = None) -> list[dict[str, Any]]:
    """The `events` rows in chain order (block number, log index), args parsed from JSON."""
    e = schema.events.c
    query = select(schema.events).order_by(e.block_number, e.log_index)
    if contract_id is not None:
        query = query.where(e.contract_id == contract_id.lower())
    with engine.connect() as conn:
        return [{**r._mapping, "args": json.loads(r.args)} for r in conn.execute(query)]


def replay(rows: Iterable[Mapping[str, Any]]) -> Replay:
    """Fold `rows` (in chain order) into contract states, collecting the violations found on the way."""
    result = Replay()
    for row in rows:
        _apply(result, row)
    return result


def _int(value: Any) -> int:
    return int(value) if value is not None else 0


def _apply(r: Replay, row: Mapping[str, Any]) -> None:
    r.rows += 1
    r.last_block, r.last_timestamp = int(row["block_number"]), int(row["block_timestamp"])
    name, args = row["event"], row["args"]
    where = Where(str(row["tx_hash"]), int(row["block_number"]), int(row["log_index"]), int(row["block_timestamp"]))
    if name in ("RoleGranted", "RoleRevoked") and row["contract"] == "ContractRegistry":
        if str(args.get("role", "")).lower() == INSPECTOR_ROLE_HEX:
            (r.inspectors.add if name == "RoleGranted" else r.inspectors.discard)(str(args["account"]).lower())
        return
    cid = row.get("contract_id")
    if cid is None:
        return
    if name == "ContractRegistered":
        reg = args["registration"]
        r.contracts[cid] = ContractState(
            contract_id=cid, ocid=reg["ocid"], agency=reg["agency"], contractor=reg["contractor"],
            category=_int(reg["category"]), original_value=_int(reg["value"]), value=_int(reg["value"]),
            start=_int(reg["startDate"]), end=_int(reg["endDate"]), document_hash=reg["documentHash"],
            registered=where)
        return
    c = r.contracts.get(cid)

    def violation(rule: str, detail: str) -> None:
        r.violations.append(Violation(rule, c.ocid if c else None, cid, detail, where.tx_hash, where.block_number,
                                      where.log_index))

    if c is None:
        violation("unknown-contract", f"{name} for a contract that was never registered")
        return
    handler = _HANDLERS.get(name)
    if handler is not None:
        handler(r, c, args, where, violation)


def _accepted(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    c.status = ContractStatus.ACTIVE.label


def _terminated(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    c.status = ContractStatus.TERMINATED.label


def _completed(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    c.status = ContractStatus.COMPLETED.label


def _amended(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    c.amendments.append({"number": _int(args["number"]), "previous": _int(args["previousValue"]),
                         "new": _int(args["newValue"]), "rationale_hash": args.get("rationaleHash"), "where": w})
    c.value = _int(args["newValue"])


def _dispute_raised(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    c.disputed = True
    c.disputes.append((w, None))


def _dispute_resolved(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    c.disputed = False
    if c.disputes and c.disputes[-1][1] is None:
        c.disputes[-1] = (c.disputes[-1][0], w)


def _inspectors(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    c.inspectors = [str(a).lower() for a in args["inspectors"]]


def _registered(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    index = _int(args["index"])
    m = c.milestones.get(index)
    amount, due, k, mask = (_int(args["amount"]), _int(args["dueDate"]), _int(args["requiredApprovals"]),
                            _int(args["inspectorMask"]))
    if m is None:
        c.milestones[index] = MilestoneState(index, amount, due, k, mask)
    else:
        m.amount, m.due, m.required, m.mask = amount, due, k, mask


def _milestone(c: ContractState, args: Any, v: Any, event: str) -> MilestoneState | None:
    m = c.milestones.get(_int(args["index"]))
    if m is None:
        v("unknown-milestone", f"{event} for milestone {args['index']}, which was never registered")
    return m


def _cancelled(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    m = _milestone(c, args, v, "MilestoneCancelled")
    if m is not None:
        m.status = MilestoneStatus.CANCELLED.label


def _submitted(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    m = _milestone(c, args, v, "MilestoneSubmitted")
    if m is None:
        return
    m.status, m.round, m.submitted_at = MilestoneStatus.SUBMITTED.label, _int(args.get("round")) or m.round + 1, w.timestamp
    m.approvals = set()
    m.invalid_approvals = []
    m.evidence_hashes.append(args.get("evidenceHash"))


def _approved(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    m = _milestone(c, args, v, "MilestoneApproved")
    if m is None:
        return
    inspector = str(args["inspector"]).lower()
    slots = [i for i, a in enumerate(c.inspectors) if a == inspector]
    if m.status != MilestoneStatus.SUBMITTED.label:
        m.invalid_approvals.append((inspector, f"milestone was {m.status}, not submitted"))
    elif not any(m.mask >> i & 1 for i in slots):
        m.invalid_approvals.append((inspector, "not assigned to this milestone"))
    elif inspector not in r.inspectors:
        m.invalid_approvals.append((inspector, "did not hold the inspector role"))
    else:
        m.approvals.add(inspector)


def _rejected(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    m = _milestone(c, args, v, "MilestoneRejected")
    if m is not None:
        m.status, m.approvals = MilestoneStatus.REJECTED.label, set()


def _verified(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    m = _milestone(c, args, v, "MilestoneVerified")
    if m is not None:
        # verification pays in the same step on chain: the milestone is paid from here on
        m.status, m.verified_round, m.verified_at = MilestoneStatus.PAID.label, m.round, w.timestamp


def _move(c: ContractState, w: Where, v: Any, **deltas: int) -> None:
    c.last_escrow_event = w
    for bucket, delta in deltas.items():
        c.account[bucket] += delta
    negative = [b for b in BUCKETS if c.account[b] < 0 and b not in c.negative_seen]
    c.negative_seen.update(negative)  # reported where it first happens, not at every later event
    if negative:
        v("funds-conserved", "escrow would go negative: " + ", ".join(f"{b} = {c.account[b]}" for b in negative))
    if c.account["funded"] > c.value:
        v("funded-above-value", f"funded {c.account['funded']} exceeds the contract value {c.value}")


def _payout(c: ContractState, v: Any, event: str, w: Where) -> None:
    if c.disputed:
        c.dispute_payouts.append((event, w))
        v("payment-during-dispute", f"{event} while the contract was disputed "
                                    f"(raised in {c.disputes[-1][0].tx_hash})")


def _funded(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    amount = _int(args["amount"])
    _move(c, w, v, funded=amount, held=amount)


def _advance(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    amount = _int(args["amount"])
    _payout(c, v, "AdvancePaid", w)
    c.advance_paid += amount
    _move(c, w, v, held=-amount, withdrawable=amount)


def _released(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    net, retention = _int(args["net"]), _int(args["retention"])
    index = _int(args["index"])
    m = _milestone(c, args, v, "PaymentReleased")
    _payout(c, v, f"PaymentReleased of milestone {index}", w)
    verified = valid = required = 0
    if m is not None:
        if m.paid:
            v("milestone-paid-twice", f"milestone {index} paid again (first paid in {m.paid[0].tx_hash})")
        verified = m.verified_round is not None and m.verified_round == m.round and m.round > 0
        valid, required = len(m.approvals), m.required
        if valid < required:
            why = "; ".join(f"{a}: {reason}" for a, reason in m.invalid_approvals)
            v("payment-without-approvals",
              f"milestone {index} paid with {valid} valid approval(s) of {required} required in round {m.round}"
              + (f" (not counted: {why})" if why else ""))
        m.paid.append(w)
        m.status = MilestoneStatus.PAID.label
    c.payments.append(Payment(c.ocid, c.contract_id, index, net, retention, _int(args["advanceRecovered"]),
                              _int(args["penalty"]), w, bool(verified), valid, required, c.disputed))
    _move(c, w, v, held=-(net + retention), withdrawable=net, retained=retention)


def _retention(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    amount = _int(args["amount"])
    _payout(c, v, "RetentionReleased", w)
    _move(c, w, v, retained=-amount, withdrawable=amount)


def _withdrawn(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    amount = _int(args["amount"])
    _payout(c, v, "PaymentWithdrawn", w)
    c.withdrawals.append((amount, w))
    _move(c, w, v, withdrawable=-amount, withdrawn=amount)


def _advance_recovered_on_close(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    """A closed contract's unrecovered advance taken back from what the contractor had not withdrawn."""
    amount = _int(args["amount"])
    c.advance_recovered_on_close += amount
    _move(c, w, v, withdrawable=-amount, held=amount)


def _refunded(r: Replay, c: ContractState, args: Any, w: Where, v: Any) -> None:
    amount = _int(args["amount"])
    _move(c, w, v, held=-amount, refunded=amount)


_HANDLERS = {
    "ContractAccepted": _accepted, "ContractTerminated": _terminated, "ContractCompleted": _completed,
    "ContractAmended": _amended, "DisputeRaised": _dispute_raised, "DisputeResolved": _dispute_resolved,
    "InspectorsAssigned": _inspectors, "MilestoneRegistered": _registered, "MilestoneCancelled": _cancelled,
    "MilestoneSubmitted": _submitted, "MilestoneApproved": _approved, "MilestoneRejected": _rejected,
    "MilestoneVerified": _verified, "EscrowFunded": _funded, "AdvancePaid": _advance,
    "PaymentReleased": _released, "RetentionReleased": _retention, "PaymentWithdrawn": _withdrawn,
    "EscrowRefunded": _refunded, "AdvanceRecoveredOnClose": _advance_recovered_on_close,
}
