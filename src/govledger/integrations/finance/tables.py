"""The finance integration's own tables, beside the read model in the same database (not derived from the
chain, so `audit replay --fresh` leaves them alone): imported disbursements and delivered payment orders."""

from __future__ import annotations

import time

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
)

from ...readmodel.schema import Amount

metadata = MetaData()

disbursements = Table(
    "finance_disbursements",
    metadata,
    Column("number", String(128), primary_key=True),  # the SP2D number: one disbursement, imported once
    Column("date", String(10), nullable=False),  # ISO date
    Column("amount", Amount, nullable=False),  # sen
    Column("account", Text, nullable=False),
    Column("reference", Text, nullable=False),  # an order key, or OCID#INDEX / OCID#advance / OCID#retention
    Column("ocid", Text, nullable=False),
    Column("source", Text, nullable=False),  # file:line it came from (evidence)
    Column("source_sha256", String(64), nullable=False),
    Column("imported_at", BigInteger, nullable=False),
)

deliveries = Table(
    "finance_deliveries",
    metadata,
    Column("endpoint", String(512), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("delivered_at", BigInteger, nullable=False),
    Column("attempts", Integer, nullable=False, default=1),
)


def finance_tables(engine: Engine) -> None:
    metadata.create_all(engine)


def delivered(engine: Engine, endpoint: str) -> set[str]:
    d = deliveries.c
    with engine.connect() as conn:
        return {r.key for r in conn.execute(select(d.key).where(d.endpoint == endpoint))}


def record_delivery(engine: Engine, endpoint: str, key: str) -> None:
    with engine.begin() as conn:
        conn.execute(insert(deliveries).values(endpoint=endpoint, key=key, delivered_at=int(time.time())))
