"""Where contracts are stuck: which milestone waits for whom, since when, and which agencies wait longest.

A wait is one next step that someone owes:
- the contractor: to accept an offered contract (since registration), to submit a milestone past its due
  date (since the due date), to resubmit a rejected one (since the rejection);
- the inspectors who have not yet approved a submitted milestone (since the submission);
- the official: to fund the escrow when what it holds does not cover the milestones due or submitted;
- the arbiter: to resolve a dispute, which freezes payments (since it was raised).

Everything is read in three queries over the open contracts (not one per contract): 1,000 contracts take
well under a second.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Engine, select

from ..readmodel import schema

DAY = 86400
ACTORS = ("contractor", "inspectors", "official", "arbiter")
OPEN = ("pending", "active")
_EVENTS = ("ContractRegistered", "DisputeRaised", "InspectorsAssigned", "MilestoneSubmitted", "MilestoneApproved",
           "MilestoneRejected")


@dataclass(frozen=True)
class Wait:
    ocid: str
    agency: str
    milestone: int | None  # None: the contract as a whole (acceptance, dispute, funding)
    waits_for: str  # one of ACTORS
    action: str  # accept, submit, resubmit, approve, fund, resolve
    who: tuple[str, ...]  # the accounts that owe the step (empty for official and arbiter); never on the portal
    since: int  # unix seconds
    days: int
    amount: int  # the milestone's amount; for funding, what the escrow lacks
    missing: int = 0  # approvals still needed


@dataclass(frozen=True)
class AgencyBottlenecks:
    agency: str
    waits: tuple[Wait, ...]  # longest first
    total_days: int
    by_actor: tuple[tuple[str, int, int], ...]  # (waits_for, count, total days), most days first

    @property
    def longest(self) -> int:
        return self.waits[0].days if self.waits else 0


@dataclass
class _Open:
    """What the waits of one open contract are computed from."""

    row: Any
    milestones: list[Any] = field(default_factory=list)
    inspectors: list[str] = field(default_factory=list)
    approved: dict[int, list[str]] = field(default_factory=dict)  # index -> approvers in the current round
    moments: dict[str, int] = field(default_factory=dict)


def waits(engine: Engine, as_of: int | None = None, *, agency: str | None = None,
          ocid: str | None = None) -> list[Wait]:
    """Every open wait of the pending and active contracts (of `agency`, or only `ocid`), longest first.
    An `ocid` that is not registered raises the reads' `ContractNotFoundError`."""
    now = as_of if as_of is not None else int(datetime.now(timezone.utc).timestamp())
    if ocid is not None:
        from ..reads import ReadModelReader

        ReadModelReader.over_engine(engine).contract(ocid)  # refuses an unknown ocid as every read does
    found: list[Wait] = []
    for contract in _load(engine, agency, ocid).values():
        found.extend(_contract_waits(contract, now))
    return sorted(found, key=lambda w: (-w.days, w.ocid, w.milestone if w.milestone is not None else -1))


def _load(engine: Engine, agency: str | None, ocid: str | None) -> dict[str, _Open]:
    c, m, e = schema.contracts.c, schema.milestones.c, schema.events.c
    where = [c.status.in_(OPEN)]
    if agency is not None:
        where.append(c.agency_code == agency)
    if ocid is not None:
        where.append(c.ocid == ocid)
    with engine.connect() as conn:
        opened = {r.contract_id: _Open(r) for r in conn.execute(select(schema.contracts).where(*where))}
        for r in conn.execute(select(schema.milestones).join_from(schema.milestones, schema.contracts,
                                                                  m.contract_id == c.contract_id)
                              .where(*where).order_by(m.contract_id, m.idx)):
            opened[r.contract_id].milestones.append(r)
        events = conn.execute(select(e.contract_id, e.event, e.args, e.block_timestamp)
                              .join_from(schema.events, schema.contracts, e.contract_id == c.contract_id)
                              .where(*where, e.event.in_(_EVENTS)).order_by(e.block_number, e.log_index))
        for contract_id, name, args, ts in events:
            _fold(opened[contract_id], name, json.loads(args), int(ts))
    return opened


def _fold(o: _Open, name: str, args: dict[str, Any], ts: int) -> None:
    if name == "ContractRegistered":
        o.moments.setdefault("registered", ts)
    elif name == "DisputeRaised":
        o.moments["disputed"] = ts
    elif name == "InspectorsAssigned":
        o.inspectors = [str(a) for a in args["inspectors"]]
    elif name == "MilestoneSubmitted":
        o.approved[int(args["index"])] = []
    elif name == "MilestoneApproved":
        o.approved.setdefault(int(args["index"]), []).append(str(args["inspector"]))
    elif name == "MilestoneRejected":
        o.approved[int(args["index"])] = []
        o.moments[f"rejected:{int(args['index'])}"] = ts


def _contract_waits(o: _Open, now: int) -> list[Wait]:
    c = o.row

    def wait(milestone: int | None, waits_for: str, action: str, who: tuple[str, ...], since: int, amount: int = 0,
             missing: int = 0) -> Wait:
        return Wait(c.ocid, c.agency_code, milestone, waits_for, action, who, since, max(0, (now - since) // DAY),
                    amount, missing)

    if c.status == "pending":
        return [wait(None, "contractor", "accept", (c.contractor,), o.moments.get("registered", c.registered_at))]
    found = []
    if c.disputed:
        found.append(wait(None, "arbiter", "resolve", (), o.moments.get("disputed", now)))
    owed, owed_since = 0, None
    for m in o.milestones:
        index, amount = int(m.idx), int(m.amount)
        if m.status == "submitted":
            assigned = [a for i, a in enumerate(o.inspectors) if int(m.inspector_mask) >> i & 1]
            approved = o.approved.get(index, [])
            since = int(m.submitted_at or now)
            found.append(wait(index, "inspectors", "approve", tuple(a for a in assigned if a not in approved), since,
                              amount, int(m.required_approvals) - len(approved)))
        elif m.status == "rejected":
            since = o.moments.get(f"rejected:{index}", now)
            found.append(wait(index, "contractor", "resubmit", (c.contractor,), since, amount))
        elif m.status == "planned" and int(m.due_date) <= now:
            since = int(m.due_date)
            found.append(wait(index, "contractor", "submit", (c.contractor,), since, amount))
        else:
            continue
        owed += amount
        owed_since = since if owed_since is None else min(owed_since, since)
    held = int(c.funded) - int(c.paid) - int(c.retained) - int(c.refunded)
    if owed_since is not None and held < owed:
        found.append(wait(None, "official", "fund", (), owed_since, owed - held))
    return found


def bottlenecks(engine: Engine, as_of: int | None = None) -> list[AgencyBottlenecks]:
    """The agencies ranked by the days their contracts have been waiting in total (then by the longest)."""
    grouped: dict[str, list[Wait]] = defaultdict(list)
    for w in waits(engine, as_of):
        grouped[w.agency].append(w)
    ranked = []
    for agency, found in grouped.items():
        actors: dict[str, list[int]] = defaultdict(list)
        for w in found:
            actors[w.waits_for].append(w.days)
        by_actor = tuple(sorted(((a, len(d), sum(d)) for a, d in actors.items()), key=lambda x: (-x[2], x[0])))
        ranked.append(AgencyBottlenecks(agency, tuple(found), sum(w.days for w in found), by_actor))
    return sorted(ranked, key=lambda b: (-b.total_days, -b.longest, b.agency))
