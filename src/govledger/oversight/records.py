"""Content-addressed records: a record's id is the keccak-256 of its canonical JSON body, so the id proves the
content. Each body carries a random salt, so that a short guessable text cannot be found from its hash."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from typing import Any

from eth_utils import keccak
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError

from . import schema
from .errors import UnknownRecord, WrongState


def canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def record_id(body: bytes) -> str:
    return "0x" + keccak(body).hex()


@dataclass(frozen=True)
class Record:
    id: str
    seq: int
    kind: str
    ocid: str
    ref: str | None
    author: str
    at: int
    body: dict[str, Any]
    batch_root: str | None

    @property
    def anchored(self) -> bool:
        return self.batch_root is not None

    def get(self, name: str, default: Any = None) -> Any:
        return self.body.get(name, default)


def _record(row: Any) -> Record:
    return Record(row.id, row.seq, row.kind, row.ocid, row.ref, row.author, row.at, json.loads(row.body),
                  row.batch_root)


class RecordStore:
    """The append-only store: add a record, read records by id, kind, contract or reference."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        schema.create_tables(engine)

    def add(self, kind: str, ocid: str, author: str, at: int, fields: dict[str, Any], *, ref: str | None = None,
            unique_key: str | None = None) -> Record:
        body = {**fields, "kind": kind, "ocid": ocid, "author": author, "at": at, "ref": ref,
                "salt": os.urandom(16).hex()}
        data = canonical(body)
        rid = record_id(data)
        t = schema.records.c
        with self._lock, self.engine.begin() as conn:
            seq = (conn.execute(select(func.max(t.seq))).scalar() or 0) + 1
            try:
                conn.execute(insert(schema.records).values(id=rid, seq=seq, kind=kind, ocid=ocid, ref=ref,
                                                           author=author, at=at, body=data.decode("utf-8"),
                                                           unique_key=unique_key))
            except IntegrityError:
                raise WrongState(f"{kind} for {ref or ocid} was already recorded: it is recorded once") from None
        return Record(rid, seq, kind, ocid, ref, author, at, body, None)

    def get(self, rid: str) -> Record:
        with self.engine.connect() as conn:
            row = conn.execute(select(schema.records).where(schema.records.c.id == rid.lower())).first()
        if row is None:
            raise UnknownRecord(f"no oversight record {rid[:80]}")
        return _record(row)

    def find(self, *, kind: str | tuple[str, ...] | None = None, ocid: str | None = None, ref: str | None = None,
             author: str | None = None, since: int | None = None) -> list[Record]:
        t = schema.records.c
        query = select(schema.records).order_by(t.seq)
        if kind is not None:
            query = query.where(t.kind.in_((kind,) if isinstance(kind, str) else kind))
        if ocid is not None:
            query = query.where(t.ocid == ocid)
        if ref is not None:
            query = query.where(t.ref == ref)
        if author is not None:
            query = query.where(t.author == author)
        if since is not None:
            query = query.where(t.at >= since)
        with self.engine.connect() as conn:
            return [_record(r) for r in conn.execute(query)]

    def count(self, *, ocid: str | None = None, author: str | None = None, since: int = 0) -> int:
        t = schema.records.c
        query = select(func.count()).select_from(schema.records).where(t.at >= since)
        if ocid is not None:
            query = query.where(t.ocid == ocid)
        if author is not None:
            query = query.where(t.author == author)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)
