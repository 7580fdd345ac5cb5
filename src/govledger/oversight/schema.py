"""The oversight tables, beside the read model: every record append-only and content-addressed, and the
batches whose Merkle roots are anchored on chain. The chain is the reference: a row edited or deleted here
is found by `audit check` (see `integrity`)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

records = Table(
    "oversight_records", metadata,
    Column("id", String(66), primary_key=True),  # 0x keccak-256 of `body`
    Column("seq", Integer, nullable=False, unique=True),  # order of arrival
    Column("kind", String(40), nullable=False),
    Column("ocid", Text, nullable=False),
    Column("ref", String(66)),  # the record this one answers, rates, decides, continues
    Column("author", String(80), nullable=False),  # a pseudonym, never the person's name
    Column("at", BigInteger, nullable=False),
    Column("body", Text, nullable=False),  # canonical JSON: what the id is the hash of
    Column("unique_key", String(120), unique=True),  # a step that may happen once (a decision)
    Column("batch_root", String(66)),  # set when anchored
    Index("ix_oversight_records_ocid", "ocid"),
    Index("ix_oversight_records_ref", "ref"),
)

batches = Table(
    "oversight_batches", metadata,
    Column("root", String(66), primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("leaves", Text, nullable=False),  # JSON list of record ids, in tree order
    Column("tx_hash", String(66), nullable=False),
    Column("block_number", BigInteger, nullable=False),
    Column("anchored_at", BigInteger, nullable=False),
)

exports = Table(
    "oversight_exports", metadata,
    Column("number", Integer, primary_key=True),
    Column("at", BigInteger, nullable=False),
    Column("ocids", Text, nullable=False),  # JSON list: what this bulk export published
    Column("records", Text, nullable=False),  # JSON list of public record ids
)


def create_tables(engine: Engine) -> None:
    metadata.create_all(engine)
