"""The read model's tables (SQLAlchemy Core): the event log as rows, and the indexer's checkpoint.

`events` is the source of truth off chain: one row per log, keyed by (block_hash, log_index), with
the decoded arguments as JSON (integers as decimal strings, bytes as 0x hex, addresses checksummed).
Projections for dashboards and the auditor's checks are computed from it.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("block_hash", String(66), primary_key=True),
    Column("log_index", Integer, primary_key=True),
    Column("block_number", BigInteger, nullable=False),
    Column("block_timestamp", BigInteger, nullable=False),
    Column("tx_hash", String(66), nullable=False),
    Column("tx_index", Integer, nullable=False),
    Column("contract", String(32), nullable=False),  # ContractRegistry, MilestoneVerifier, PaymentEscrow, SettlementToken
    Column("event", String(64), nullable=False),
    Column("contract_id", String(66)),  # the government contract's id (keccak of ocid) when the event names one
    Column("args", Text, nullable=False),  # JSON
    Index("ix_events_order", "block_number", "log_index"),
    Index("ix_events_contract_id", "contract_id"),
    Index("ix_events_event", "event"),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("block_number", BigInteger, nullable=False),  # last block fully indexed
    Column("block_hash", String(66), nullable=False),  # its hash, to detect a reorg on resume
)
