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
    """The three curves of contract `ocid`; `NotFoundError` (from the reads) when it is not registered."""
    from ..reads import ReadModelReader

    row = ReadModelReader.over_engine(engine).contract(ocid)
    with engine.connect() as conn:
        c = conn.execute(select(schema.contracts.c.value, schema.contracts.c.start_date, schema.contracts.c.end_date)
                         .where(schema.contracts.c.contract_id == row.contract_id)).one()
        ms = conn.execute(select(schema.milestones.c.amount, schema.milestones.c.due_date, schema.milestones.c.status,
                                 schema.milestones.c.verified_at)
                          .where(schema.milestones.c.contract_id == row.contract_id)).all()
        money = conn.execute(select(schema.events.c.event, schema.events.c.args, schema.events.c.block_timestamp)
                             .where(schema.events.c.contract_id == row.contract_id,
                                    schema.events.c.event.in_(list(DISBURSING)))
                             .order_by(schema.events.c.block_number, schema.events.c.log_index)).all()
    value, start, end = int(c.value), int(c.start_date), int(c.end_date)
    now = as_of if as_of is not None else int(datetime.now(timezone.utc).timestamp())
    live = sorted((int(m.due_date), int(m.amount)) for m in ms if m.status != "cancelled")
    planned = _cumulative([(start, 0)] + live, value)
    verified = _cumulative([(start, 0)] + sorted((int(m.verified_at), int(m.amount)) for m in ms
                                                  if m.verified_at is not None), value)
    paid = [(start, 0)] + [(int(ts), _signed(name, json.loads(args))) for name, args, ts in money]
    return Progress(ocid, value, start, max([end] + [d for d, _ in live]), now, planned, verified,
                    _cumulative(paid, value))


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
