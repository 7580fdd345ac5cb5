"""Where contracts are stuck: which milestone waits for whom, since when, and which agencies wait longest.

A wait is one next step that someone owes:
- the contractor: to accept an offered contract (since registration), to submit a milestone past its due
  date (since the due date), to resubmit a rejected one (since the rejection);
- the inspectors who have not yet approved a submitted milestone (since the submission);
- the official: to fund the escrow when what it holds does not cover the milestones due or submitted;
- the arbiter: to resolve a dispute, which freezes payments (since it was raised).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Engine, select

from ..readmodel import schema
from ..reads import ContractDetail, ReadModelReader

DAY = 86400
ACTORS = ("contractor", "inspectors", "official", "arbiter")


@dataclass(frozen=True)
class Wait:
    ocid: str
    agency: str
    milestone: int | None  # None: the contract as a whole (acceptance, dispute)
    waits_for: str  # one of ACTORS
    action: str  # accept, submit, resubmit, approve, fund, resolve
    who: tuple[str, ...]  # the accounts that owe the step (empty for the arbiter); never shown on the portal
    since: int  # unix seconds
    days: int
    amount: int  # the milestone's amount (0 for a contract-wide wait)
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


def waits(engine: Engine, as_of: int | None = None, *, agency: str | None = None,
          ocid: str | None = None) -> list[Wait]:
    """Every open wait of the pending and active contracts (of `agency`, or only `ocid`), longest first."""
    now = as_of if as_of is not None else int(datetime.now(timezone.utc).timestamp())
    reader = ReadModelReader.over_engine(engine)
    rows = [reader.contract(ocid)] if ocid is not None else reader.contracts()
    found: list[Wait] = []
    for row in rows:
        if row.status not in ("pending", "active") or (agency is not None and row.agency != agency):
            continue
        found.extend(_contract_waits(engine, reader.detail(row.ocid), now))
    return sorted(found, key=lambda w: (-w.days, w.ocid, w.milestone if w.milestone is not None else -1))


def _contract_waits(engine: Engine, detail: ContractDetail, now: int) -> list[Wait]:
    c = detail.contract
    moments = _moments(engine, c.contract_id)

    def wait(milestone: int | None, waits_for: str, action: str, who: tuple[str, ...], since: int, amount: int = 0,
             missing: int = 0) -> Wait:
        return Wait(c.ocid, c.agency, milestone, waits_for, action, who, since, max(0, (now - since) // DAY), amount,
                    missing)

    if c.status == "pending":
        return [wait(None, "contractor", "accept", (c.contractor,), moments["registered"])]
    found = []
    if c.disputed:
        found.append(wait(None, "arbiter", "resolve", (), moments.get("disputed", now)))
    owed, owed_since = 0, None
    for m in detail.milestones:
        due = int(datetime(m.due.year, m.due.month, m.due.day, tzinfo=timezone.utc).timestamp())
        if m.status == "submitted":
            pending = tuple(i for i in m.inspectors if i not in m.approved_by)
            since = m.submitted_at or now
            found.append(wait(m.index, "inspectors", "approve", pending, since, m.amount,
                              m.required_approvals - len(m.approved_by)))
        elif m.status == "rejected":
            since = moments.get(f"rejected:{m.index}", now)
            found.append(wait(m.index, "contractor", "resubmit", (c.contractor,), since, m.amount))
        elif m.status == "planned" and due <= now:
            since = due
            found.append(wait(m.index, "contractor", "submit", (c.contractor,), due, m.amount))
        else:
            continue
        owed += m.amount
        owed_since = since if owed_since is None else min(owed_since, since)
    if owed_since is not None and detail.escrow.held < owed:
        found.append(wait(None, "official", "fund", (), owed_since, owed - detail.escrow.held))
    return found


def _moments(engine: Engine, contract_id: str) -> dict[str, int]:
    """When the contract was registered, its last dispute raised, and each milestone last rejected."""
    e = schema.events.c
    with engine.connect() as conn:
        rows = conn.execute(select(e.event, e.args, e.block_timestamp)
                            .where(e.contract_id == contract_id,
                                   e.event.in_(("ContractRegistered", "DisputeRaised", "MilestoneRejected")))
                            .order_by(e.block_number, e.log_index)).all()
    found: dict[str, int] = {}
    for name, args, ts in rows:
        if name == "ContractRegistered":
            found.setdefault("registered", int(ts))
        elif name == "DisputeRaised":
            found["disputed"] = int(ts)
        else:
            found[f"rejected:{int(json.loads(args)['index'])}"] = int(ts)
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
