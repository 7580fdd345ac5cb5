"""Oversight records anchored on chain in batches: the Merkle root of every record not yet anchored goes to
RecordAnchor (the contract migration uses) under the agency code `OVERSIGHT_AGENCY`, so that any record can be
proven against a root on chain and a record edited or deleted afterwards is found (`integrity`)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from ..integrations.migration.anchor import Anchors
from ..integrations.migration.merkle import MerkleTree, leaf_hash, verify_proof
from . import schema
from .errors import UnknownRecord
from .records import RecordStore

OVERSIGHT_AGENCY = "GOVLEDGER-OVERSIGHT"
SOURCE = "govledger-oversight:batch:"


@dataclass(frozen=True)
class Batch:
    root: str
    number: int
    leaves: list[str]
    tx_hash: str
    block_number: int
    anchored_at: int


@dataclass(frozen=True)
class Proof:
    """A record, the batch root it is under, and the sibling hashes from its leaf up to that root."""

    record_id: str
    body: str
    root: str
    path: list[str]
    tx_hash: str
    block_number: int

    def verify(self) -> bool:
        from eth_utils import keccak

        if "0x" + keccak(self.body.encode("utf-8")).hex() != self.record_id:
            return False
        return verify_proof(leaf_hash(self.body.encode("utf-8")), [bytes.fromhex(p[2:]) for p in self.path],
                            bytes.fromhex(self.root[2:]))

    def to_dict(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "body": self.body, "root": self.root, "path": self.path,
                "tx_hash": self.tx_hash, "block_number": self.block_number,
                "how": "leaf = keccak256(keccak256(body)); node = keccak256(sorted pair); the root is anchored in "
                       "RecordAnchor (anchorOf(root))"}


def _batch(row: Any) -> Batch:
    return Batch(row.root, row.number, json.loads(row.leaves), row.tx_hash, row.block_number, row.anchored_at)


class Anchoring:
    """Anchors the pending records of `store` through `ledger`, signed by `anchorer()` (the platform admin)."""

    def __init__(self, store: RecordStore, ledger: Any, anchorer: Any, lock: Any = None) -> None:
        self.store, self.ledger, self.anchorer = store, ledger, anchorer
        self.lock = lock if lock is not None else threading.RLock()

    @property
    def engine(self) -> Engine:
        return self.store.engine

    def pending(self) -> list[str]:
        t = schema.records.c
        with self.engine.connect() as conn:
            return [r.id for r in conn.execute(select(t.id).where(t.batch_root.is_(None)).order_by(t.seq))]

    def anchor_pending(self) -> Batch | None:
        """Anchor every record not yet anchored as one batch; None when there is none."""
        with self.lock:
            leaves = self.pending()
            if not leaves:
                return None
            bodies = self._bodies(leaves)
            tree = MerkleTree([leaf_hash(bodies[rid].encode("utf-8")) for rid in leaves])
            admin = self.anchorer()
            anchors = Anchors(self.ledger)
            anchors.ensure_deployed(admin)
            with self.engine.connect() as conn:
                number = (conn.execute(select(func.max(schema.batches.c.number))).scalar() or 0) + 1
            receipt = anchors.anchor(admin, OVERSIGHT_AGENCY, tree.root, len(leaves), f"{SOURCE}{number}")
            block = self.ledger.w3.eth.get_block(receipt.block_number)
            root = "0x" + tree.root.hex()
            tx = receipt.tx_hash if isinstance(receipt.tx_hash, str) else "0x" + bytes(receipt.tx_hash).hex()
            with self.engine.begin() as conn:
                conn.execute(insert(schema.batches).values(root=root, number=number, leaves=json.dumps(leaves),
                                                           tx_hash=tx, block_number=receipt.block_number,
                                                           anchored_at=int(block["timestamp"])))
                conn.execute(update(schema.records).where(schema.records.c.id.in_(leaves)).values(batch_root=root))
            return Batch(root, number, leaves, tx, receipt.block_number, int(block["timestamp"]))

    def _bodies(self, ids: list[str]) -> dict[str, str]:
        t = schema.records.c
        with self.engine.connect() as conn:
            return {r.id: r.body for r in conn.execute(select(t.id, t.body).where(t.id.in_(ids)))}

    def batches(self) -> list[Batch]:
        with self.engine.connect() as conn:
            return [_batch(r) for r in conn.execute(select(schema.batches).order_by(schema.batches.c.number))]

    def batch(self, root: str) -> Batch | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(schema.batches).where(schema.batches.c.root == root)).first()
        return _batch(row) if row else None

    def proof(self, rid: str) -> Proof:
        """The proof of record `rid` against its anchored root; UnknownRecord if it is not anchored yet."""
        record = self.store.get(rid)
        batch = self.batch(record.batch_root) if record.batch_root else None
        if batch is None:
            raise UnknownRecord(f"record {rid} is not anchored yet: it is in the next batch")
        bodies = self._bodies(batch.leaves)
        tree = MerkleTree([leaf_hash(bodies[i].encode("utf-8")) if i in bodies else b"\0" * 32
                           for i in batch.leaves])
        path = ["0x" + p.hex() for p in tree.proof(batch.leaves.index(record.id))]
        return Proof(record.id, bodies[record.id], batch.root, path, batch.tx_hash, batch.block_number)
