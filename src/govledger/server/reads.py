"""Reads the API pages through, from the read model: the contract list and a contract's events, a page at
a time, and the summary. One contract's detail (escrow and milestones folded from its events) comes
from `app.reads` (`govledger.reads`), as for the CLI. Amounts are integers in sen."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Engine, func, select

from ..ocid import ocid_problem
from ..readmodel import schema
from ..roles import agency_id
from ..types import contract_id

_AMOUNTS = ("value", "original_value", "advance_payment", "funded", "paid", "withdrawn", "retained", "refunded")
_COUNTS = ("amendment_count", "milestone_count", "registered_block")


def _day(ts: Any) -> date:
    return datetime.fromtimestamp(int(ts), tz=timezone.utc).date()


def list_item(row: dict[str, Any]) -> dict[str, Any]:
    """A `contracts` row under the names `govledger.reads.ContractRow` uses; a bad ocid is shown, marked."""
    return {"ocid": row["ocid"], "contract_id": row["contract_id"], "agency": row["agency_code"],
            "category": row["category"], "status": row["status"], "disputed": bool(row["disputed"]),
            "contractor": row["contractor"], **{k: int(row[k]) for k in _AMOUNTS + _COUNTS},
            "start": _day(row["start_date"]), "end": _day(row["end_date"]), "ocid_problem": ocid_problem(row["ocid"])}


def list_page(engine: Engine, *, limit: int, offset: int, agency: str | None = None,
              status: str | None = None, contractor: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    """One page of contracts in registration order, and how many match in all."""
    c = schema.contracts.c
    conditions = []
    if agency:
        conditions.append(c.agency == "0x" + agency_id(agency).hex())
    if status:
        conditions.append(c.status == status)
    if contractor:
        conditions.append(func.lower(c.contractor) == contractor.lower())
    query = select(schema.contracts).order_by(c.registered_block, c.ocid).limit(limit).offset(offset)
    count = select(func.count()).select_from(schema.contracts)
    for condition in conditions:
        query, count = query.where(condition), count.where(condition)
    with engine.connect() as conn:
        total = int(conn.execute(count).scalar_one())
        return total, [list_item(dict(r._mapping)) for r in conn.execute(query)]


def events(engine: Engine, ocid: str, *, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
    """A page of one contract's events in chain order (the caller checked that the contract exists)."""
    cid = "0x" + contract_id(ocid).hex()
    e = schema.events.c
    query = (select(schema.events).where(e.contract_id == cid).order_by(e.block_number, e.log_index)
             .limit(limit).offset(offset))
    with engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(schema.events).where(e.contract_id == cid))
                    .scalar_one())
        return total, [{**r._mapping, "args": json.loads(r.args)} for r in conn.execute(query)]


def summary(engine: Engine) -> dict[str, Any]:
    """Contracts by status, and the totals of value and escrow."""
    c = schema.contracts.c
    amounts = ("value", "funded", "paid", "withdrawn", "retained", "refunded")
    by_status: dict[str, int] = {}
    totals = dict.fromkeys(amounts, 0)
    with engine.connect() as conn:
        # amounts are exact ints (text on SQLite): summed here rather than in SQL
        for row in conn.execute(select(c.status, *(getattr(c, k) for k in amounts))):
            by_status[row.status] = by_status.get(row.status, 0) + 1
            for k in amounts:
                totals[k] += int(getattr(row, k))
        checkpoint = conn.execute(select(schema.checkpoints.c.block_number)).scalar()
    return {"contracts": sum(by_status.values()), "by_status": by_status, "totals": totals,
            "indexed_block": checkpoint}
