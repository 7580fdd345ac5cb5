"""Reads for dashboards and reports, from the read model only (never the chain)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, select

from ..roles import agency_id
from . import schema


def list_contracts(engine: Engine, agency: str | None = None) -> list[dict[str, Any]]:
    """Every contract in registration order, optionally of one agency (its code, or its bytes32 as 0x hex)."""
    c = schema.contracts.c
    query = select(schema.contracts).order_by(c.registered_block, c.ocid)
    if agency is not None:
        key = agency if agency.startswith("0x") and len(agency) == 66 else "0x" + agency_id(agency).hex()
        query = query.where(c.agency == key.lower())
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def contract_milestones(engine: Engine, contract_id: str) -> list[dict[str, Any]]:
    m = schema.milestones.c
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(schema.milestones).where(m.contract_id == contract_id.lower()).order_by(m.idx))]


def contract_events(engine: Engine, contract_id: str) -> list[dict[str, Any]]:
    """The events of one contract in chain order, args decoded from JSON."""
    e = schema.events.c
    query = select(schema.events).where(e.contract_id == contract_id.lower()).order_by(e.block_number, e.log_index)
    with engine.connect() as conn:
        return [{**r._mapping, "args": json.loads(r.args)} for r in conn.execute(query)]
