"""Complaints against an official's action (a rejection, a penalty, a termination, an amendment): objections
and the remedy asked, accepted for review and decided by the arbiter (the decision's hash anchored on chain at
once), and a record of whether the decision was carried out. A decision ordering a payment counts as carried
out only when the escrow credited the contractor that much after the decision: through the escrow, not beside it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..readmodel import schema as rm
from .errors import NotAllowed, OversightValueError, UnknownRecord, WrongState
from .feedback import _text
from .records import Record
from .service import DAY, Actor, Oversight

AGAINST = ("rejection", "penalty", "termination", "amendment", "payment", "other")
OUTCOMES = ("upheld", "partly-upheld", "rejected")
# what counts as paid to the contractor: a release settles net, retention kept for them and advance recovered
CREDITS = {"PaymentReleased": ("net", "retention", "advanceRecovered"), "RetentionReleased": ("amount",), "AdvancePaid": ("amount",)}


class NotCarriedOut(WrongState):
    """The escrow has not (yet) credited what the decision ordered."""


@dataclass
class Complaint:
    record: Record
    accepted: Record | None = None
    decision: Record | None = None
    execution: Record | None = None
    state: str = "submitted"

    @property
    def id(self) -> str:
        return self.record.id


def file(ov: Oversight, actor: Actor, ocid: str, *, against: str, objections: list[str], remedy: str,
         payment: int = 0, action_ref: str = "") -> Record:
    """A complaint by the contractor or an interested party about contract `ocid` (UnknownContract if none)."""
    contract = ov.contract(ocid)
    if against not in AGAINST:
        raise OversightValueError(f"a complaint is against one of {', '.join(AGAINST)}, not {against!r}")
    objections = [_text(o, "an objection") for o in objections if o and o.strip()]
    if not objections:
        raise OversightValueError("a complaint states at least one objection")
    if payment < 0:
        raise OversightValueError(f"the payment asked cannot be negative ({payment})")
    party = "contractor" if actor.address and actor.address.lower() == contract.contractor.lower() else "interested"
    return ov.write("complaint", actor, ocid, {"against": against, "objections": objections, "party": party,
                                               "remedy": _text(remedy, "the remedy", True), "payment": payment,
                                               "action_ref": _text(action_ref, "the action's reference")})


def accept(ov: Oversight, actor: Actor, complaint_id: str) -> Record:
    c = case(ov, complaint_id)
    ov.require_role(actor, "arbiter", "accepting a complaint for review")
    if c.state != "submitted":
        raise WrongState(f"complaint {complaint_id} is {c.state}: only a submitted one is accepted")
    return ov.write("complaint-accepted", actor, c.record.ocid, {}, ref=c.id, unique_key=f"accepted:{c.id}")


def decide(ov: Oversight, actor: Actor, complaint_id: str, *, outcome: str, reasoning: str,
           payment: int = 0) -> Record:
    """The arbiter's decision, recorded once (a second is refused) and anchored at once."""
    c = case(ov, complaint_id)
    ov.require_role(actor, "arbiter", "deciding a complaint")
    if c.decision is not None:
        raise WrongState(f"complaint {complaint_id} was already decided ({c.decision.id}): a decision is recorded once")
    if c.state != "accepted":
        raise WrongState(f"complaint {complaint_id} is {c.state}: it is accepted for review before it is decided")
    if outcome not in OUTCOMES:
        raise OversightValueError(f"the outcome is one of {', '.join(OUTCOMES)}, not {outcome!r}")
    if payment < 0 or (payment and outcome == "rejected"):
        raise OversightValueError(f"a payment of {payment} cannot be ordered by a {outcome} decision")
    return ov.write("complaint-decision", actor, c.record.ocid,
                    {"outcome": outcome, "reasoning": _text(reasoning, "the reasoning", True), "payment": payment,
                     "after_block": ov.head_block()}, ref=c.id, unique_key=f"decision:{c.id}", anchor=True)


def credited_after(ov: Oversight, ocid: str, block: int) -> tuple[int, list[str]]:
    """What the escrow credited the contractor of `ocid` after `block`, and the transactions."""
    contract = ov.contract(ocid)
    e = rm.events.c
    query = select(e.event, e.args, e.tx_hash).where(e.contract_id == contract.contract_id.lower(),
                                                     e.block_number > block, e.event.in_(tuple(CREDITS)))
    total, txs = 0, []
    with ov.app.engine.connect() as conn:
        for event, args, tx in conn.execute(query.order_by(e.block_number, e.log_index)):
            parsed = json.loads(args)
            total += sum(int(parsed[name]) for name in CREDITS[event])
            txs.append(tx)
    return total, txs


def record_execution(ov: Oversight, actor: Actor, complaint_id: str, note: str = "") -> Record:
    """The agency records that the decision was carried out; a payment ordered must show in the escrow."""
    c = case(ov, complaint_id)
    ov.require_official(actor, ov.contract(c.record.ocid))
    if c.decision is None:
        raise WrongState(f"complaint {complaint_id} is {c.state}: nothing to carry out before a decision")
    if c.execution is not None:
        raise WrongState(f"complaint {complaint_id}: its execution was already recorded ({c.execution.id})")
    ordered = int(c.decision.get("payment") or 0)
    fields: dict[str, Any] = {"note": _text(note, "the note")}
    if ordered:
        credited, txs = credited_after(ov, c.record.ocid, int(c.decision.get("after_block") or 0))
        if credited < ordered:
            raise NotCarriedOut(f"the decision ordered {ordered} sen paid through the escrow; since it the escrow "
                                f"credited {credited} sen: pay through the escrow first")
        fields.update(credited=credited, transactions=txs)
    return ov.write("complaint-carried-out", actor, c.record.ocid, fields, ref=c.id, unique_key=f"carried:{c.id}")


def case(ov: Oversight, complaint_id: str) -> Complaint:
    record = ov.store.get(complaint_id)
    if record.kind != "complaint":
        raise UnknownRecord(f"{complaint_id} is a {record.kind}, not a complaint")
    return _fold(ov, record, ov.store.find(ref=record.id))


def _fold(ov: Oversight, record: Record, steps: list[Record]) -> Complaint:
    c = Complaint(record)
    for s in steps:
        if s.kind == "complaint-accepted":
            c.accepted, c.state = s, "accepted"
        elif s.kind == "complaint-decision":
            c.decision, c.state = s, "decided"
        elif s.kind == "complaint-carried-out":
            c.execution, c.state = s, "carried-out"
    if c.state == "decided" and c.decision is not None and ov.now() - c.decision.at > ov.settings.execution_days * DAY:
        c.state = "not-carried-out"
    return c


def cases(ov: Oversight, ocid: str | None = None) -> list[Complaint]:
    steps: dict[str, list[Record]] = {}
    for s in ov.store.find(kind=("complaint-accepted", "complaint-decision", "complaint-carried-out"), ocid=ocid):
        steps.setdefault(str(s.ref), []).append(s)
    return [_fold(ov, r, steps.get(r.id, [])) for r in ov.store.find(kind="complaint", ocid=ocid)]


def party_of(ov: Oversight, actor: Actor, complaint: Complaint) -> bool:
    """The complainant, the agency's officials and the arbiter see a complaint's objections in full."""
    if actor.has("arbiter", "auditor"):
        return True
    if ov.author(actor, complaint.record.ocid) == complaint.record.author:
        return True
    return ov.is_party(actor, ov.contract(complaint.record.ocid))


__all__ = ["AGAINST", "OUTCOMES", "Complaint", "NotAllowed", "NotCarriedOut", "accept", "case", "cases",
           "credited_after", "decide", "file", "party_of", "record_execution"]
