"""Payments released on chain, read from the read model: each becomes one payment order for the treasury.

A release is a PaymentReleased (a verified milestone's net payment), an AdvancePaid or a
RetentionReleased event; its key (tx hash and log index) is stable for as long as the chain is.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Engine, select

from ...readmodel import schema

KINDS = {"PaymentReleased": "milestone", "AdvancePaid": "advance", "RetentionReleased": "retention"}


@dataclass(frozen=True)
class Release:
    kind: str  # milestone, advance, retention
    ocid: str
    contract_id: str
    agency: str
    milestone: int | None
    payee: str
    amount: int  # sen credited to the contractor (net of retention, penalty and advance recovery)
    retention: int
    penalty: int
    advance_recovered: int
    tx_hash: str
    log_index: int
    block_number: int
    timestamp: int

    @property
    def key(self) -> str:
        """The payment order's idempotency key: the same release always gives the same key."""
        return "po-" + hashlib.sha256(f"{self.tx_hash.lower()}:{self.log_index}".encode()).hexdigest()[:32]

    @property
    def reference(self) -> str:
        """How a disbursement may name this release without the key: OCID#INDEX, OCID#advance, OCID#retention."""
        return f"{self.ocid}#{self.milestone if self.kind == 'milestone' else self.kind}"

    @property
    def released_at(self) -> str:
        return datetime.fromtimestamp(self.timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def releases(engine: Engine) -> list[Release]:
    """Every release in the read model, in chain order."""
    e, c = schema.events.c, schema.contracts.c
    query = (select(e.event, e.args, e.tx_hash, e.log_index, e.block_number, e.block_timestamp, e.contract_id,
                    c.ocid, c.agency_code)
             .join(schema.contracts, c.contract_id == e.contract_id)
             .where(e.event.in_(tuple(KINDS))).order_by(e.block_number, e.log_index))
    out = []
    with engine.connect() as conn:
        for row in conn.execute(query):
            args = json.loads(row.args)
            milestone = row.event == "PaymentReleased"
            out.append(Release(
                KINDS[row.event], row.ocid, row.contract_id, row.agency_code,
                int(args["index"]) if milestone else None, args["contractor"],
                int(args["net"] if milestone else args["amount"]), int(args.get("retention", 0)),
                int(args.get("penalty", 0)), int(args.get("advanceRecovered", 0)), row.tx_hash, row.log_index,
                row.block_number, row.block_timestamp))
    return out


def known_ocids(engine: Engine) -> dict[str, str]:
    """ocid -> contract id of every contract in the read model."""
    c = schema.contracts.c
    with engine.connect() as conn:
        return {r.ocid: r.contract_id for r in conn.execute(select(c.ocid, c.contract_id))}


def indexed_head(engine: Engine) -> int | None:
    """The last block the read model indexed, or None before the first sync."""
    with engine.connect() as conn:
        return conn.execute(select(schema.checkpoints.c.block_number).where(
            schema.checkpoints.c.name == "main")).scalar()
