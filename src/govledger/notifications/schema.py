"""The notification tables, in the read model's database but outside its derived tables: `audit replay
--fresh` rebuilds the chain's rows and leaves people's inboxes, preferences and the mail log alone."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

people = Table(  # who is who: filled when a person signs in or saves preferences
    "notify_people",
    metadata,
    Column("subject", String(128), primary_key=True),  # the sign-in's subject
    Column("name", Text, nullable=False),
    Column("address", String(42)),  # lower-case chain account, to match events
    Column("roles", Text, nullable=False),  # comma separated
    Column("agency", String(64)),
    Column("email", Text),
    Index("ix_notify_people_address", "address"),
)

preferences = Table(
    "notify_preferences",
    metadata,
    Column("subject", String(128), primary_key=True),
    Column("kind", String(32), primary_key=True),
    Column("inbox", Boolean, nullable=False),
    Column("email", Boolean, nullable=False),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject", String(128), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("key", String(200), nullable=False),  # what happened, once per person: the duplicate guard
    Column("params", Text, nullable=False),  # JSON: ocid, milestone, amount...
    Column("link", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("read_at", BigInteger),
    Column("in_inbox", Boolean, nullable=False),
    Column("email_state", String(8), nullable=False),  # none | pending | sending | sent | failed
    Column("emailed_at", BigInteger),
    UniqueConstraint("subject", "key", name="uq_notifications_subject_key"),
    Index("ix_notifications_subject", "subject", "read_at"),
    Index("ix_notifications_email", "email_state"),
)

cursors = Table(  # how far the notifier has read the event log
    "notify_cursors",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("block_number", BigInteger, nullable=False),
    Column("log_index", Integer, nullable=False),
)
