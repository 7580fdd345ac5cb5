"""The server's own tables, kept in the read model's database (not derived from the chain, so `audit
replay --fresh` leaves them alone): idempotency keys of writes and the activity log.

In network mode with PostgreSQL every server process shares them, so the servers keep no state of
their own and a retried request lands on the same key wherever it arrives.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from .errors import ApiError

metadata = MetaData()

idempotency = Table(
    "server_idempotency",
    metadata,
    Column("subject", String(200), primary_key=True),  # keys are per person: two people may pick the same key
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),  # the method, path and body the key was first used with
    Column("state", String(16), nullable=False),  # pending (sent, result not yet stored) or done
    Column("status", Integer),
    Column("response", Text),
    Column("created_at", Float, nullable=False),
)

activity = Table(
    "server_activity",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),  # unix seconds
    Column("subject", String(200), nullable=False),
    Column("account", String(42)),
    Column("action", String(64), nullable=False),
    Column("target", Text),  # the ocid (or agency, account) acted on
    Column("client", String(64)),  # where from: the client's address
    Column("outcome", String(16), nullable=False),  # ok, refused, failed
    Column("tx_hash", String(66)),
    Column("detail", Text),
    Index("ix_server_activity_at", "at"),
    Index("ix_server_activity_subject", "subject"),
)

ACTIVITY_FIELDS = ("id", "at", "subject", "account", "action", "target", "client", "outcome", "tx_hash", "detail")


def activity_csv(rows: list[dict[str, Any]]) -> str:
    """Activity rows as CSV (the auditor's export), one header line of ACTIVITY_FIELDS."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ACTIVITY_FIELDS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def create_tables(engine: Engine) -> None:
    """The server's tables (the contract list's index is the read model's own, in `readmodel.schema`)."""
    metadata.create_all(engine)


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


@dataclass(frozen=True)
class Stored:
    status: int
    body: Any


class IdempotencyStore:
    """Claims a key before the transaction is sent and stores the answer after: a retry gets the first
    answer, a retry while the first is still running (or after a crash in between) is refused with 409,
    and nothing is ever sent twice."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def claim(self, subject: str, key: str, digest: str) -> Stored | None:
        """None when the key is new (and now claimed); the stored answer when it was used before."""
        if not key or len(key) > 200:
            raise ApiError(422, "invalid_idempotency_key", "an Idempotency-Key is 1 to 200 characters")
        t = idempotency.c
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(idempotency).values(subject=subject, key=key, request_hash=digest,
                                                         state="pending", created_at=time.time()))
            return None
        except IntegrityError:
            pass
        with self.engine.connect() as conn:
            row = conn.execute(select(idempotency).where(and_(t.subject == subject, t.key == key))).one()
        if row.request_hash != digest:
            raise ApiError(422, "idempotency_key_reused",
                           f"Idempotency-Key {key!r} was used for a different request; use a new key")
        if row.state != "done":
            raise ApiError(409, "idempotency_key_pending",
                           f"a request with Idempotency-Key {key!r} has not finished (or was cut off); "
                           "it is never sent twice: see the activity log for its outcome")
        return Stored(int(row.status), json.loads(row.response))

    def finish(self, subject: str, key: str, status: int, body: Any) -> None:
        t = idempotency.c
        with self.engine.begin() as conn:
            conn.execute(update(idempotency).where(and_(t.subject == subject, t.key == key)).values(
                state="done", status=status, response=json.dumps(body)))


class ActivityLog:
    """Who did what, when, from where, with which transaction: written for every write attempt."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, **row: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(activity).values(at=time.time(), **row))

    def search(self, *, subject: str | None = None, action: str | None = None, target: str | None = None,
               outcome: str | None = None, since: float | None = None, until: float | None = None,
               limit: int = 100, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        a = activity.c
        conditions = [c for c in (
            a.subject == subject if subject else None, a.action == action if action else None,
            a.target == target if target else None, a.outcome == outcome if outcome else None,
            a.at >= since if since is not None else None, a.at < until if until is not None else None,
        ) if c is not None]
        where = and_(*conditions) if conditions else None
        query = select(activity).order_by(a.id.desc()).limit(limit).offset(offset)
        count = select(func.count()).select_from(activity)
        if where is not None:
            query, count = query.where(where), count.where(where)
        with self.engine.connect() as conn:
            total = int(conn.execute(count).scalar_one())
            return total, [dict(r._mapping) for r in conn.execute(query)]
