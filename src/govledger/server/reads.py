"""Reads for the API, from the read model only: contracts (paged), one contract, milestones, escrow,
events and the summary. Amounts are integers in sen; times are unix seconds."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, func, select

from ..errors import NotFoundError
from ..readmodel import schema
from ..roles import agency_id
from ..types import contract_id

ESCROW_FIELDS = ("funded", "paid", "withdrawn", "retained", "penalties", "refunded")


def _id_of(ocid: str) -> str:
    return "0x" + contract_id(ocid).hex()


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
        return total, [contract_view(dict(r._mapping)) for r in conn.execute(query)]


def contract_row(engine: Engine, ocid: str) -> dict[str, Any]:
    with engine.connect() as conn:
        row = conn.execute(select(schema.contracts).where(schema.contracts.c.contract_id == _id_of(ocid))).first()
    if row is None:
        raise NotFoundError(f"no contract {ocid!r} in the read model")
    return dict(row._mapping)


def contract_view(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ESCROW_FIELDS} | {"escrow": escrow_view(row)}


def escrow_view(row: dict[str, Any]) -> dict[str, Any]:
    view = {k: row[k] for k in ESCROW_FIELDS}
    view["withdrawable"] = row["paid"] - row["withdrawn"]
    view["held"] = row["funded"] - row["paid"] - row["refunded"] - row["retained"] - row["penalties"]
    return view


def milestones(engine: Engine, ocid: str) -> list[dict[str, Any]]:
    cid = contract_row(engine, ocid)["contract_id"]
    m = schema.milestones.c
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(schema.milestones).where(m.contract_id == cid).order_by(m.idx))]


def events(engine: Engine, ocid: str, *, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
    cid = contract_row(engine, ocid)["contract_id"]
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
    by_status: dict[str, int] = {}
    totals = {k: 0 for k in ("value", *ESCROW_FIELDS)}
    with engine.connect() as conn:
        # amounts are exact ints (text on SQLite): summed here rather than in SQL
        for row in conn.execute(select(c.status, c.value, *(getattr(c, k) for k in ESCROW_FIELDS))):
            by_status[row.status] = by_status.get(row.status, 0) + 1
            for k in totals:
                totals[k] += getattr(row, k)
        checkpoint = conn.execute(select(schema.checkpoints.c.block_number)).scalar()
    return {"contracts": sum(by_status.values()), "by_status": by_status, "totals": totals,
            "indexed_block": checkpoint}
