"""Reads the API pages through, from the read model: the contract list and a contract's events, a page at
a time, and the summary. One contract's detail (escrow and milestones folded from its events) comes
from `app.reads` (`govledger.reads`), as for the CLI. Amounts are integers in sen."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from sqlalchemy import Engine, func, select

from ..readmodel import schema
from ..reads import ReadModelReader
from ..types import contract_id


def list_page(engine: Engine, *, limit: int, offset: int, agency: str | None = None,
              status: str | None = None, contractor: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    """One page of contracts in registration order (`ReadModelReader.contracts`), and how many match in all.
    A contract whose ocid breaks the rules is shown, marked (`ocid_problem`)."""
    reader = ReadModelReader.over_engine(engine)
    filters = {"agency": agency, "status": status, "contractor": contractor}
    return reader.contract_count(**filters), [asdict(row) for row in reader.contracts(limit, offset, **filters)]


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
