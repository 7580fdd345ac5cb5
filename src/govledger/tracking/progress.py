"""Progress against plan: planned, verified and disbursed shares of a contract's value over time.

- planned: each live milestone's amount weighs its share of the value, reached at its due date, linearly
  from the contract's start (the plan's S-curve; cancelled milestones are out of the plan);
- verified: the amount of milestones verified, at the time of verification;
- disbursed: what the escrow credited to the contractor (advance, net payments, retention released).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Engine, select

from ..readmodel import schema

DISBURSING = {"AdvancePaid": ("amount",), "PaymentReleased": ("net",), "RetentionReleased": ("amount",),
              "AdvanceRecoveredOnClose": ("amount",)}


@dataclass(frozen=True)
class Point:
    at: int  # unix seconds
    percent: float  # of the contract's current value


@dataclass(frozen=True)
class Progress:
    ocid: str
    value: int
    start: int
    end: int
    as_of: int
    planned: tuple[Point, ...]
    verified: tuple[Point, ...]
    disbursed: tuple[Point, ...]

    @property
    def planned_now(self) -> float:
        return percent_at(self.planned, self.as_of, linear=True)

    @property
    def verified_now(self) -> float:
        return percent_at(self.verified, self.as_of)

    @property
    def disbursed_now(self) -> float:
        return percent_at(self.disbursed, self.as_of)

    @property
    def deviation(self) -> float:
        """Verified minus planned, in points: negative is behind plan (Indonesian reports call -10 critical)."""
        return self.verified_now - self.planned_now


def percent_at(points: tuple[Point, ...], at: int, *, linear: bool = False) -> float:
    """The curve's value at `at`: a step curve, or interpolated between points when `linear`."""
    before = [p for p in points if p.at <= at]
    if not before:
        return 0.0
    last = before[-1]
    after = [p for p in points if p.at > at]
    if not linear or not after:
        return last.percent
    nxt = after[0]
    return last.percent + (nxt.percent - last.percent) * (at - last.at) / (nxt.at - last.at)


def progress(engine: Engine, ocid: str, as_of: int | None = None) -> Progress:
    """The three curves of contract `ocid`; the reads' `ContractNotFoundError` when it is not registered."""
    from ..reads import ReadModelReader

    ReadModelReader.over_engine(engine).contract(ocid)  # refuses an unknown ocid as every read does
    return progress_all(engine, as_of, ocid=ocid)[ocid]


def progress_all(engine: Engine, as_of: int | None = None, *, ocid: str | None = None) -> dict[str, Progress]:
    """The curves of every contract (or only `ocid`) by ocid, in three queries."""
    c, m, e = schema.contracts.c, schema.milestones.c, schema.events.c
    where = [c.ocid == ocid] if ocid is not None else []
    now = as_of if as_of is not None else int(datetime.now(timezone.utc).timestamp())
    with engine.connect() as conn:
        rows = conn.execute(select(c.contract_id, c.ocid, c.value, c.start_date, c.end_date).where(*where)).all()
        ms: dict[str, list[Any]] = {r.contract_id: [] for r in rows}
        for r in conn.execute(select(m.contract_id, m.amount, m.due_date, m.status, m.verified_at)
                              .join_from(schema.milestones, schema.contracts, m.contract_id == c.contract_id)
                              .where(*where)):
            ms[r.contract_id].append(r)
        money: dict[str, list[tuple[int, int]]] = {r.contract_id: [] for r in rows}
        for contract_id, name, args, ts in conn.execute(
                select(e.contract_id, e.event, e.args, e.block_timestamp)
                .join_from(schema.events, schema.contracts, e.contract_id == c.contract_id)
                .where(*where, e.event.in_(list(DISBURSING))).order_by(e.block_number, e.log_index)):
            money[contract_id].append((int(ts), _signed(name, json.loads(args))))
    return {r.ocid: _curves(r, ms[r.contract_id], money[r.contract_id], now) for r in rows}


def _curves(c: Any, ms: list[Any], money: list[tuple[int, int]], now: int) -> Progress:
    value, start, end = int(c.value), int(c.start_date), int(c.end_date)
    live = sorted((int(m.due_date), int(m.amount)) for m in ms if m.status != "cancelled")
    planned = _cumulative([(start, 0), *live], value)
    verified = _cumulative([(start, 0), *sorted((int(m.verified_at), int(m.amount)) for m in ms
                                                  if m.verified_at is not None)], value)
    return Progress(c.ocid, value, start, max([end] + [d for d, _ in live]), now, planned, verified,
                    _cumulative([(start, 0), *money], value))


def _signed(name: str, args: dict[str, Any]) -> int:
    amount = int(args.get(DISBURSING[name][0], 0))
    return -amount if name == "AdvanceRecoveredOnClose" else amount


def _cumulative(steps: list[tuple[int, int]], value: int) -> tuple[Point, ...]:
    total, points = 0, []
    for at, amount in steps:
        total += amount
        percent = round(100.0 * total / value, 2) if value else 0.0
        if points and points[-1].at == at:
            points[-1] = Point(at, percent)
        else:
            points.append(Point(at, percent))
    return tuple(points)


def now_of(engine: Engine) -> int:
    """Today for the read model: the wall clock, or the newest indexed block when the chain runs ahead of it
    (a test chain moved forward in time)."""
    with engine.connect() as conn:
        newest = conn.execute(select(schema.events.c.block_timestamp).order_by(
            schema.events.c.block_number.desc()).limit(1)).scalar()
    return max(int(datetime.now(timezone.utc).timestamp()), int(newest or 0))
