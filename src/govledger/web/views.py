"""What the pages show of a contract, from the read model: each milestone with what it waits for (and
whom), the pending amendment, the contract's documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..reads import ContractDetail, MilestoneView
from ..server import reads as api_reads
from ..types import Address, MilestoneChange, Sen
from .i18n import N_

# What holds a milestone's payment back, by status (English msgids, translated in the template).
WAITING = {
    "planned": N_("Waiting for the contractor to submit evidence"),
    "submitted": N_("Waiting for the inspectors: %(have)s of %(need)s approvals"),
    "rejected": N_("Rejected by an inspector: the contractor resubmits"),
    "paid": N_("Verified and paid into the escrow account"),
    "cancelled": N_("Cancelled by an amendment"),
}
FROZEN = N_("Payments frozen: a dispute is open")
UNFUNDED = N_("The escrow holds less than this milestone: the agency must fund it")


@dataclass(frozen=True)
class MilestoneLine:
    view: MilestoneView
    waiting: str  # msgid
    have: int
    need: int
    blocked: str | None  # msgid of what else holds the payment back


def milestone_lines(detail: ContractDetail) -> list[MilestoneLine]:
    lines = []
    held = detail.escrow.held
    for m in detail.milestones:
        blocked = None
        if m.status in ("planned", "submitted", "rejected"):
            if detail.contract.disputed:
                blocked = FROZEN
            elif held < m.amount:
                blocked = UNFUNDED
        lines.append(MilestoneLine(m, WAITING.get(m.status, m.status), len(m.approved_by), m.required_approvals,
                                   blocked))
    return lines


@dataclass(frozen=True)
class Proposal:
    number: int
    proposer: str
    new_value: int
    rationale_hash: str
    changes: tuple[MilestoneChange, ...] = ()


def contract_events(engine: Any, ocid: str) -> list[dict[str, Any]]:
    _total, rows = api_reads.events(engine, ocid, limit=10_000, offset=0)
    return rows


def pending_amendment(events: list[dict[str, Any]]) -> Proposal | None:
    """The last proposal not yet taken into effect (a later proposal replaces an earlier one)."""
    proposal = None
    inspectors: list[str] = []
    for e in events:
        args = e["args"]
        if e["event"] == "InspectorsAssigned":
            inspectors = [str(i) for i in args["inspectors"]]
        elif e["event"] == "AmendmentProposed":
            changes = tuple(_change(c, inspectors) for c in args.get("changes") or [])
            proposal = Proposal(int(args["number"]), str(args["proposer"]), int(args["newValue"]),
                                str(args["rationaleHash"]), changes)
        elif e["event"] == "ContractAmended" and proposal is not None and int(args["number"]) == proposal.number:
            proposal = None
    return proposal


def _change(raw: dict[str, Any], inspectors: list[str]) -> MilestoneChange:
    """A proposed change as the event carries it (inspectors as a mask over the contract's list)."""
    mask = int(raw["inspectorMask"])
    return MilestoneChange(index=int(raw["index"]), amount=Sen(int(raw["amount"])),
                           due=datetime.fromtimestamp(int(raw["dueDate"]), tz=timezone.utc).date(),
                           required_approvals=int(raw["requiredApprovals"]),
                           inspectors=tuple(Address(a) for i, a in enumerate(inspectors) if mask >> i & 1))


def pending_amendments(engine: Any) -> dict[str, Proposal]:
    """contract id -> the amendment waiting for the other party's consent, for every contract (one query)."""
    import json

    from sqlalchemy import text

    by_contract: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT contract_id, event, args FROM events WHERE event IN ('InspectorsAssigned', "
                                 "'AmendmentProposed', 'ContractAmended') ORDER BY block_number, log_index"))
        for contract, event, args in rows:
            by_contract.setdefault(contract, []).append({"event": event, "args": json.loads(args)})
    found = {cid: pending_amendment(events) for cid, events in by_contract.items()}
    return {cid: proposal for cid, proposal in found.items() if proposal is not None}


def evidence_of(events: list[dict[str, Any]]) -> dict[tuple[str, int], str]:
    """(kind, milestone) -> hash of the latest evidence and reports, to link them to their documents."""
    found: dict[tuple[str, int], str] = {}
    for e in events:
        args = e["args"]
        if e["event"] == "MilestoneSubmitted":
            found[("evidence", int(args["index"]))] = str(args["evidenceHash"]).lower()
    return found


# Words shown from the data (status, category, role), marked so that they are extracted and translated.
WORDS = (
    N_("pending"), N_("active"), N_("completed"), N_("terminated"), N_("planned"), N_("submitted"), N_("rejected"),
    N_("paid"), N_("cancelled"), N_("works"), N_("goods"), N_("services"), N_("consulting"), N_("official"),
    N_("contractor"), N_("inspector"), N_("auditor"), N_("admin"), N_("pauser"), N_("arbiter"), N_("treasury"),
    N_("contractor2"), N_("inspector1"), N_("inspector2"), N_("inspector3"), N_("guardian"),
    N_("evidence"), N_("report"), N_("rationale"), N_("reason"), N_("contract"), N_("resolution"),
)
