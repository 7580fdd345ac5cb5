"""The read model's tables (SQLAlchemy Core): the event log as rows, and the indexer's checkpoint.

`events` is the source of truth off chain: one row per log, keyed by (block_hash, log_index), with
the decoded arguments as JSON (integers as decimal strings, bytes as 0x hex, addresses checksummed).
Projections for dashboards and the auditor's checks are computed from it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Dialect, Index, Integer, MetaData, Numeric, String, Table, Text
from sqlalchemy.types import TypeDecorator, TypeEngine

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
    Column("genesis_hash", String(66)),  # block 0's hash: another chain with the same chain id is refused
)

indexed_blocks = Table(
    "indexed_blocks",
    metadata,
    Column("name", String(64), primary_key=True),  # the checkpoint's name
    Column("block_number", BigInteger, primary_key=True),
    Column("block_hash", String(66), nullable=False),
)
"""The hashes of the newest indexed blocks (the reorg limit plus one): a reorg's common ancestor is found
exactly, and a batch checks that it continues them."""


# --- projections: derived from `events` by `projections.apply`, in the same transaction ------------

class Amount(TypeDecorator[int]):
    """An on-chain amount (up to uint256) as an exact Python int.

    PostgreSQL stores NUMERIC(78, 0) (sortable and summable in SQL). SQLite has no exact type above
    2**63 (its NUMERIC affinity turns larger integers into REAL), so it stores the decimal string.
    """

    impl = Numeric(78, 0)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(Text() if dialect.name == "sqlite" else Numeric(78, 0))

    def process_bind_param(self, value: int | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return str(int(value)) if dialect.name == "sqlite" else int(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else int(value)


contracts = Table(
    "contracts",
    metadata,
    Column("contract_id", String(66), primary_key=True),
    Column("ocid", Text, nullable=False),  # as registered; control characters escaped when not a valid ocid
    Column("ocid_valid", Boolean),  # False: registered before validation (blank, too long, control characters)
    Column("agency", String(66), nullable=False),  # bytes32 as 0x hex (as in events.args)
    Column("agency_code", String(64), nullable=False),  # the same, read back as text
    Column("category", String(16), nullable=False),  # types.Category labels
    Column("status", String(16), nullable=False),  # types.ContractStatus labels
    Column("disputed", Boolean, nullable=False),
    Column("contractor", String(42), nullable=False),
    Column("value", Amount, nullable=False),
    Column("original_value", Amount, nullable=False),
    Column("advance_payment", Amount, nullable=False),
    Column("amendment_count", Integer, nullable=False),
    Column("milestone_count", Integer, nullable=False),  # registered, including cancelled ones
    Column("funded", Amount, nullable=False),  # EscrowFunded
    Column("paid", Amount, nullable=False),  # credited to the contractor: advance + net payments + retention released
    Column("withdrawn", Amount, nullable=False),  # PaymentWithdrawn
    Column("retained", Amount, nullable=False),  # retention held back and not yet released
    Column("penalties", Amount, nullable=False),  # late penalties withheld
    Column("refunded", Amount, nullable=False),  # EscrowRefunded
    Column("start_date", BigInteger, nullable=False),  # unix seconds
    Column("end_date", BigInteger, nullable=False),
    Column("registered_block", BigInteger, nullable=False),
    Column("registered_at", BigInteger, nullable=False),  # block timestamp
    Column("updated_block", BigInteger, nullable=False),
    Index("ix_contracts_agency", "agency"),
    Index("ix_contracts_status", "status"),
    # The contract list pages in registration order: without this index every page sorts the whole table.
    Index("ix_contracts_registration_order", "registered_block", "ocid"),
)

milestones = Table(
    "milestones",
    metadata,
    Column("contract_id", String(66), primary_key=True),
    Column("idx", Integer, primary_key=True),  # the milestone's index in its contract
    Column("amount", Amount, nullable=False),
    Column("due_date", BigInteger, nullable=False),
    Column("required_approvals", Integer, nullable=False),
    Column("inspector_mask", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # types.MilestoneStatus labels
    Column("round", Integer, nullable=False),  # submission round (0 before the first submission)
    Column("approvals", Integer, nullable=False),  # approvals in the current round
    Column("evidence_hash", String(66)),
    Column("penalty", Amount, nullable=False),
    Column("days_late", Integer, nullable=False),
    Column("paid_net", Amount, nullable=False),
    Column("submitted_at", BigInteger),  # block timestamps
    Column("verified_at", BigInteger),
    Column("paid_at", BigInteger),
)

# What `audit replay --fresh` may drop: everything here is rebuilt from the chain.
DERIVED_TABLES = (events, checkpoints, indexed_blocks, contracts, milestones)
PROJECTIONS = (contracts, milestones)
