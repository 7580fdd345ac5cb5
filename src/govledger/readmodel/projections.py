"""Dashboard projections (`contracts`, `milestones`) folded from event rows.

The fold works on the rows as stored in `events` (normalised JSON args), so the live indexer and a
full rebuild after a reorg run the same code. Amounts are exact Python ints throughout.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from eth_utils import keccak
from sqlalchemy import Connection, delete, select

from ..ocid import ocid_problem
from ..types import Category, ContractStatus, MilestoneStatus
from . import schema
from .decode import parse_args

_CHUNK = 500


def shown_ocid(ocid: str, contract_id: str) -> tuple[str, bool]:
    """(the ocid as stored and shown, whether it is well formed). Well formed: the rules the SDK applies
    before registering (`govledger.ocid`), and it hashes to the contract's id (an ocid whose bytes were
    not UTF-8 was decoded with them escaped and does not). A malformed one, registered before validation
    existed, is kept with its control characters escaped so that every database and terminal takes it
    (PostgreSQL refuses NUL in text)."""
    if ocid_problem(ocid) is None and "0x" + keccak(text=ocid).hex() == contract_id:
        return ocid, True
    return _printable(ocid), False


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


class Projector:
    """Holds the rows an event batch touches, applies events to them, and writes them back."""

    def __init__(self) -> None:
        self.contracts: dict[str, dict[str, Any]] = {}
        self.milestones: dict[tuple[str, int], dict[str, Any]] = {}

    def load(self, conn: Connection, contract_ids: Iterable[str]) -> None:
        ids = sorted(set(contract_ids) - set(self.contracts))
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i:i + _CHUNK]
            for row in conn.execute(select(schema.contracts).where(schema.contracts.c.contract_id.in_(chunk))):
                self.contracts[row.contract_id] = dict(row._mapping)
            for row in conn.execute(select(schema.milestones).where(schema.milestones.c.contract_id.in_(chunk))):
                self.milestones[(row.contract_id, row.idx)] = dict(row._mapping)

    def store(self, conn: Connection) -> None:
        """Replace the touched contracts' rows (delete + insert works the same on every database)."""
        ids = sorted(self.contracts)
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i:i + _CHUNK]
            conn.execute(delete(schema.milestones).where(schema.milestones.c.contract_id.in_(chunk)))
            conn.execute(delete(schema.contracts).where(schema.contracts.c.contract_id.in_(chunk)))
        if self.contracts:
            conn.execute(schema.contracts.insert(), list(self.contracts.values()))
        if self.milestones:
            conn.execute(schema.milestones.insert(), list(self.milestones.values()))

    def apply(self, event: Mapping[str, Any]) -> None:
        """Fold one event row (keys: event, contract_id, args (dict), block_number, block_timestamp)."""
        name, cid, args = event["event"], event["contract_id"], event["args"]
        if cid is None:
            return
        if name == "ContractRegistered":
            reg = args["registration"]
            value = int(reg["value"])
            ocid, valid = shown_ocid(reg["ocid"], cid)
            self.contracts[cid] = {
                "contract_id": cid, "ocid": ocid, "ocid_valid": valid, "agency": reg["agency"],
                "agency_code": _printable(bytes.fromhex(reg["agency"][2:]).rstrip(b"\0").decode("utf-8", "replace")),
                "category": Category.label_of(reg["category"]),
                "status": ContractStatus.PENDING.label, "disputed": False, "contractor": reg["contractor"],
                "value": value, "original_value": value, "advance_payment": int(reg["advancePayment"]),
                "amendment_count": 0, "milestone_count": 0,
                **{k: 0 for k in ("funded", "paid", "withdrawn", "retained", "penalties", "refunded")},
                "start_date": int(reg["startDate"]), "end_date": int(reg["endDate"]),
                "registered_block": event["block_number"], "registered_at": event["block_timestamp"],
                "updated_block": event["block_number"],
            }
            return
        c = self.contracts.get(cid)
        if c is None:  # not one of ours (or registered before the indexed range)
            return
        c["updated_block"] = event["block_number"]
        handler = _HANDLERS.get(name)
        if handler is not None:
            handler(self, c, args, event)

    def _milestone(self, cid: str, index: Any) -> dict[str, Any] | None:
        return self.milestones.get((cid, int(index)))


def _status(value: str) -> Any:
    def handle(_p: Projector, c: dict[str, Any], _a: Mapping[str, Any], _e: Mapping[str, Any]) -> None:
        c["status"] = value
    return handle


def _disputed(value: bool) -> Any:
    def handle(_p: Projector, c: dict[str, Any], _a: Mapping[str, Any], _e: Mapping[str, Any]) -> None:
        c["disputed"] = value
    return handle


def _add(column: str, arg: str = "amount", sign: int = 1) -> Any:
    def handle(_p: Projector, c: dict[str, Any], a: Mapping[str, Any], _e: Mapping[str, Any]) -> None:
        c[column] += sign * int(a[arg])
    return handle


def _amended(_p: Projector, c: dict[str, Any], a: Mapping[str, Any], _e: Mapping[str, Any]) -> None:
    c["value"] = int(a["newValue"])
    c["amendment_count"] += 1


def _milestone_registered(p: Projector, c: dict[str, Any], a: Mapping[str, Any], _e: Mapping[str, Any]) -> None:
    index = int(a["index"])
    planned = {"amount": int(a["amount"]), "due_date": int(a["dueDate"]),
               "required_approvals": int(a["requiredApprovals"]), "inspector_mask": int(a["inspectorMask"])}
    m = p._milestone(c["contract_id"], index)
    if m is not None:  # re-planned by an amendment
        m.update(planned)
        return
    p.milestones[(c["contract_id"], index)] = {
        "contract_id": c["contract_id"], "idx": index, **planned, "status": MilestoneStatus.PLANNED.label, "round": 0, "approvals": 0,
        "evidence_hash": None, "penalty": 0, "days_late": 0, "paid_net": 0,
        "submitted_at": None, "verified_at": None, "paid_at": None,
    }
    c["milestone_count"] = max(c["milestone_count"], index + 1)


def _on_milestone(update: Any) -> Any:
    def handle(p: Projector, c: dict[str, Any], a: Mapping[str, Any], e: Mapping[str, Any]) -> None:
        m = p._milestone(c["contract_id"], a["index"])
        if m is not None:
            update(m, a, e)
    return handle


def _submitted(m: dict[str, Any], a: Mapping[str, Any], e: Mapping[str, Any]) -> None:
    m.update(status=MilestoneStatus.SUBMITTED.label, round=int(a["round"]), approvals=0, evidence_hash=a["evidenceHash"],
             submitted_at=e["block_timestamp"])


def _verified(m: dict[str, Any], a: Mapping[str, Any], e: Mapping[str, Any]) -> None:
    m.update(status=MilestoneStatus.PAID.label, penalty=int(a["penalty"]), days_late=int(a["daysLate"]),
             verified_at=e["block_timestamp"])


def _released(p: Projector, c: dict[str, Any], a: Mapping[str, Any], e: Mapping[str, Any]) -> None:
    c["paid"] += int(a["net"])
    c["retained"] += int(a["retention"])
    c["penalties"] += int(a["penalty"])
    m = p._milestone(c["contract_id"], a["index"])
    if m is not None:
        m.update(status=MilestoneStatus.PAID.label, paid_net=m["paid_net"] + int(a["net"]), paid_at=e["block_timestamp"])


def _retention_released(_p: Projector, c: dict[str, Any], a: Mapping[str, Any], _e: Mapping[str, Any]) -> None:
    c["paid"] += int(a["amount"])
    c["retained"] -= int(a["amount"])


_HANDLERS: dict[str, Any] = {
    "ContractAccepted": _status(ContractStatus.ACTIVE.label),
    "ContractCompleted": _status(ContractStatus.COMPLETED.label),
    "ContractTerminated": _status(ContractStatus.TERMINATED.label),
    "DisputeRaised": _disputed(True),
    "DisputeResolved": _disputed(False),
    "ContractAmended": _amended,
    "MilestoneRegistered": _milestone_registered,
    "MilestoneCancelled": _on_milestone(lambda m, a, e: m.update(status=MilestoneStatus.CANCELLED.label)),
    "MilestoneSubmitted": _on_milestone(_submitted),
    "MilestoneApproved": _on_milestone(lambda m, a, e: m.update(approvals=m["approvals"] + 1)),
    "MilestoneRejected": _on_milestone(lambda m, a, e: m.update(status=MilestoneStatus.REJECTED.label, approvals=0)),
    "MilestoneVerified": _on_milestone(_verified),
    "EscrowFunded": _add("funded"),
    "AdvancePaid": _add("paid"),
    "PaymentReleased": _released,
    "RetentionReleased": _retention_released,
    "AdvanceRecoveredOnClose": _add("paid", sign=-1),  # the unrecovered advance taken back at closing
    "PaymentWithdrawn": _add("withdrawn"),
    "EscrowRefunded": _add("refunded"),
}


def apply_rows(conn: Connection, rows: list[Mapping[str, Any]]) -> None:
    """Fold new event rows (in chain order) into the projections, inside the caller's transaction."""
    projector = Projector()
    projector.load(conn, {r["contract_id"] for r in rows if r["contract_id"]})
    for row in rows:
        projector.apply(row)
    projector.store(conn)


def fold(rows: Iterable[Mapping[str, Any]]) -> Projector:
    """The projections of `rows` (chain order, args as dicts) in memory: `audit check` folds the chain's
    own logs and compares the result with the stored tables."""
    projector = Projector()
    for row in rows:
        projector.apply(row)
    return projector


def rebuild(conn: Connection) -> None:
    """Recompute the projections from every stored event (after a reorg removed some)."""
    conn.execute(delete(schema.milestones))
    conn.execute(delete(schema.contracts))
    e = schema.events.c
    query = select(e.event, e.contract_id, e.args, e.block_number, e.block_timestamp).where(
        e.contract_id.is_not(None)).order_by(e.block_number, e.log_index)
    fold(parse_args(row._mapping) for row in conn.execute(query)).store(conn)
