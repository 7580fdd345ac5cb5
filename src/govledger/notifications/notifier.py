"""The subscriber that fills inboxes: after every sync it reads the events it has not seen yet, and checks
deadlines and red flags, and stores one notification per person and occurrence (`store.notify` keeps
repeats out, so a sync heard twice, or a restart, notifies no one twice).

- MilestoneSubmitted -> the milestone's assigned inspectors (approval_waiting);
- PaymentReleased -> the contractor and the agency's officials (payment_released);
- DisputeRaised -> both parties, the arbiters and the auditors (dispute_opened);
- a planned or rejected milestone due within `deadline_days` -> the contractor (deadline_near);
- a red flag not seen before -> the auditors and the agency's officials (red_flag).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, select, tuple_

from ..readmodel import schema as rm
from . import schema, store
from .store import Person

if TYPE_CHECKING:
    from ..app import App
    from ..readmodel import SyncResult

CURSOR = "notifier"
WATCHED = ("MilestoneSubmitted", "PaymentReleased", "DisputeRaised")


class Notifier:
    """Subscribe with ``app.subscribe(Notifier(app))``; or call :meth:`run` directly."""

    def __init__(self, app: App, *, deadline_days: int = 7, flags: bool = True, flag_interval: float = 60.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.app = app
        self.deadline_days = deadline_days
        self.flags = flags
        self.flag_interval = flag_interval  # the red flags replay the whole ledger: at most once a minute
        self.clock = clock
        self._flags_checked = float("-inf")
        store.create_tables(app.engine)

    def __call__(self, result: SyncResult) -> None:
        due = self.flags and result.events > 0 and time.monotonic() - self._flags_checked >= self.flag_interval
        if due:
            self._flags_checked = time.monotonic()
        self.run(check_flags=due)

    def run(self, *, check_flags: bool = True) -> int:
        """Notify about everything new; returns how many notifications were stored."""
        engine = self.app.engine
        now = int(self.clock())
        stored = self._events(engine, now) + self._deadlines(engine, now)
        if check_flags:
            stored += self._flags(engine, now)
        return stored

    def _events(self, engine: Engine, now: int) -> int:
        e = rm.events.c
        stored = 0
        with engine.begin() as conn:
            cursor = conn.execute(select(schema.cursors).where(schema.cursors.c.name == CURSOR)).first()
            after = (cursor.block_number, cursor.log_index) if cursor else (-1, -1)
            rows = conn.execute(select(rm.events).where(
                tuple_(e.block_number, e.log_index) > after, e.event.in_(WATCHED))
                .order_by(e.block_number, e.log_index)).all()
            for row in rows:
                stored += self._event(conn, row, now)
            last = conn.execute(select(e.block_number, e.log_index).order_by(e.block_number.desc(),
                                                                             e.log_index.desc()).limit(1)).first()
            if last is not None:
                values = {"block_number": last.block_number, "log_index": last.log_index}
                if cursor is None:
                    conn.execute(schema.cursors.insert().values(name=CURSOR, **values))
                else:
                    conn.execute(schema.cursors.update().where(schema.cursors.c.name == CURSOR).values(**values))
        return stored

    def _event(self, conn: Connection, row: Any, now: int) -> int:
        args = json.loads(row.args)
        contract = conn.execute(select(rm.contracts).where(rm.contracts.c.contract_id == row.contract_id)).first()
        if contract is None:
            return 0
        params: dict[str, Any] = {"ocid": contract.ocid}
        link = f"/contract/{contract.ocid}"
        key = f"{row.event}:{row.block_hash}:{row.log_index}"
        if row.event == "MilestoneSubmitted":
            index = int(args["index"])
            params["milestone"] = index
            inspectors = _inspectors(conn, row.contract_id, index)
            who = [p for a in inspectors for p in store.people_where(conn, address=a) if "inspector" in p.roles]
            return _notify_all(conn, who, "approval_waiting", key, params, link, now)
        if row.event == "PaymentReleased":
            params.update(milestone=int(args["index"]), amount=int(args["net"]))
            who = store.people_where(conn, address=contract.contractor) + store.people_where(
                conn, role="official", agency=contract.agency_code)
            return _notify_all(conn, who, "payment_released", key, params, link, now)
        who = (store.people_where(conn, address=contract.contractor)
               + store.people_where(conn, role="official", agency=contract.agency_code)
               + store.people_where(conn, role="arbiter") + store.people_where(conn, role="auditor"))
        return _notify_all(conn, who, "dispute_opened", key, params, link, now)

    def _deadlines(self, engine: Engine, now: int) -> int:
        m, c = rm.milestones.c, rm.contracts.c
        horizon = now + self.deadline_days * 86400
        stored = 0
        with engine.begin() as conn:
            rows = conn.execute(select(c.ocid, c.contractor, m.idx, m.due_date, m.amount)
                                .join_from(rm.milestones, rm.contracts, m.contract_id == c.contract_id)
                                .where(c.status == "active", m.status.in_(("planned", "rejected")),
                                       m.due_date >= now, m.due_date <= horizon)).all()
            for r in rows:
                due = datetime.fromtimestamp(int(r.due_date), timezone.utc).date().isoformat()
                stored += _notify_all(conn, store.people_where(conn, address=r.contractor), "deadline_near",
                                      f"deadline:{r.ocid}:{r.idx}:{r.due_date}",
                                      {"ocid": r.ocid, "milestone": int(r.idx), "due": due, "amount": int(r.amount)},
                                      f"/contract/{r.ocid}", now)
        return stored

    def _flags(self, engine: Engine, now: int) -> int:
        stored = 0
        found = self.app.flags(as_of=now)
        with engine.begin() as conn:
            agencies = dict(conn.execute(select(rm.contracts.c.ocid, rm.contracts.c.agency_code)).all())
            for flag in found:
                who = store.people_where(conn, role="auditor")
                if flag.ocid in agencies:
                    who += store.people_where(conn, role="official", agency=agencies[flag.ocid])
                stored += _notify_all(conn, who, "red_flag", f"flag:{flag.code}:{flag.ocid}:{flag.detail}"[:200],
                                      {"ocid": flag.ocid, "code": flag.code}, "/auditor", now)
        return stored


def _inspectors(conn: Connection, contract_id: str, index: int) -> list[str]:
    """The inspectors assigned to milestone `index` (the contract's list under the milestone's mask)."""
    e = rm.events.c
    assigned = conn.execute(select(e.args).where(e.contract_id == contract_id, e.event == "InspectorsAssigned")
                            .order_by(e.block_number.desc(), e.log_index.desc()).limit(1)).first()
    mask = conn.execute(select(rm.milestones.c.inspector_mask).where(
        rm.milestones.c.contract_id == contract_id, rm.milestones.c.idx == index)).scalar()
    if assigned is None or mask is None:
        return []
    listed = json.loads(assigned.args)["inspectors"]
    return [a for i, a in enumerate(listed) if int(mask) >> i & 1]


def _notify_all(conn: Connection, who: list[Person], kind: str, key: str, params: dict[str, Any], link: str,
                now: int) -> int:
    seen: set[str] = set()
    stored = 0
    for p in who:
        if p.subject not in seen:
            seen.add(p.subject)
            stored += store.notify(conn, p, kind, key, params, link, now)
    return stored
