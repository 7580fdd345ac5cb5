"""The indexer: the suite's logs -> `events` rows + projections, resumable, idempotent, reorg-aware.

Each batch of blocks is one database transaction holding its event rows, the projection updates and
the checkpoint (last block number and hash), so a process killed at any moment leaves the database
at a batch boundary and the next `sync()` carries on from there with the same rows. On resume the
checkpoint's hash is compared with the chain's: if they differ, the rows of orphaned blocks are
deleted back to the common ancestor, the projections rebuilt, and indexing continues on the new branch.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eth_utils import to_checksum_address
from sqlalchemy import Connection, Engine, delete, insert, select, update
from web3 import Web3
from web3.exceptions import BlockNotFound

from ..deployment import Deployment
from ..errors import GovLedgerError
from . import projections, schema
from ._decode import EventDecoder, topic_of

Progress = Callable[[int, int], None]  # (blocks done, blocks to do) in this sync


class IndexerConflictError(GovLedgerError, RuntimeError):
    """Another indexer moved the same checkpoint while this one was working."""


@dataclass(frozen=True)
class SyncResult:
    events: int  # rows added
    blocks: int  # blocks scanned
    from_block: int
    to_block: int  # the checkpoint afterwards (from_block - 1 when there was nothing to do)
    seconds: float
    reorged_blocks: int = 0  # blocks rolled back because the chain reorganised

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


def normalize(value: Any) -> Any:
    """A decoded ABI value as JSON: ints as decimal strings (exact beyond 2**53), bytes as 0x hex,
    addresses checksummed, structs as objects, arrays as lists."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, str):
        if len(value) == 42 and value.startswith("0x"):
            try:
                return to_checksum_address(value)
            except ValueError:
                return value
        return value
    if isinstance(value, Mapping):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalize(v) for v in value]
    raise TypeError(f"cannot store {type(value).__name__} in the read model")


def insert_ignore(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert event rows, skipping any whose (block_hash, log_index) is already there."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert  # type: ignore[assignment]
    else:  # rows were filtered against the stored keys by the caller
        conn.execute(insert(schema.events), list(rows))
        return
    conn.execute(dialect_insert(schema.events).on_conflict_do_nothing(), list(rows))


class Indexer:
    """Indexes the suite deployed as `deployment` on `w3` into the read model on `engine`."""

    def __init__(self, w3: Web3, deployment: Deployment, engine: Engine, *, name: str = "main",
                 confirmations: int = 0, batch_blocks: int = 5000) -> None:
        if confirmations < 0 or batch_blocks < 1:
            raise ValueError("confirmations must be >= 0 and batch_blocks >= 1")
        self.w3, self.deployment, self.engine = w3, deployment, engine
        self.name, self.confirmations, self.batch_blocks = name, confirmations, batch_blocks
        self._addresses = [to_checksum_address(a) for a in deployment.addresses.values()]
        self._decoders: dict[tuple[str, str], tuple[str, Any]] = {}
        for contract_name, address in deployment.addresses.items():
            for item in deployment.abis[contract_name]:
                if item.get("type") == "event" and not item.get("anonymous"):
                    self._decoders[(address.lower(), topic_of(item))] = (contract_name, EventDecoder(item))

    @classmethod
    def for_ledger(cls, ledger: Any, engine: Engine, **options: Any) -> Indexer:
        """The indexer of a deployed `Ledger`."""
        if ledger.deployment is None:
            raise GovLedgerError("the ledger is not deployed here: nothing to index")
        return cls(ledger.w3, ledger.deployment, engine, **options)

    # --- public -----------------------------------------------------------------------------------

    def checkpoint(self) -> tuple[int, str] | None:
        """The last block fully indexed and its hash, or None before the first batch."""
        with self.engine.connect() as conn:
            return self._read_checkpoint(conn)

    def sync(self, progress: Progress | None = None, *, to_block: int | None = None) -> SyncResult:
        """Index every block from the checkpoint up to the head minus `confirmations` (or `to_block`)."""
        started = time.perf_counter()
        start, reorged = self._resume()
        head = self.w3.eth.block_number - self.confirmations
        end = head if to_block is None else min(head, to_block)
        events = 0
        total = max(0, end - start + 1)
        if progress is not None:
            progress(0, total)
        for lo in range(start, end + 1, self.batch_blocks):
            hi = min(lo + self.batch_blocks - 1, end)
            events += self._index_batch(lo, hi)
            if progress is not None:
                progress(hi - start + 1, total)
        return SyncResult(events, total, start, max(end, start - 1), time.perf_counter() - started, reorged)

    # --- batches ----------------------------------------------------------------------------------

    def _index_batch(self, lo: int, hi: int) -> int:
        logs = self.w3.eth.get_logs({"address": self._addresses, "fromBlock": lo, "toBlock": hi})
        last = self.w3.eth.get_block(hi)
        blocks: dict[int, Any] = {hi: last}
        rows = []
        for log in logs:
            number = log["blockNumber"]
            if number not in blocks:
                blocks[number] = self.w3.eth.get_block(number)
            block = blocks[number]
            if bytes(block["hash"]) != bytes(log["blockHash"]):
                raise GovLedgerError(f"block {number} changed while indexing it (reorg): run sync again")
            rows.append(self._row(log, block["timestamp"]))
        last_hash = "0x" + bytes(last["hash"]).hex()
        with self.engine.begin() as conn:
            checkpoint = self._read_checkpoint(conn, lock=True)
            if (checkpoint[0] if checkpoint else self.deployment.deploy_block - 1) != lo - 1:
                raise IndexerConflictError(
                    f"checkpoint {self.name!r} moved to {checkpoint} while indexing from block {lo}: "
                    "is another indexer running on this database?")
            e = schema.events.c
            stored = {(h, i) for h, i in conn.execute(
                select(e.block_hash, e.log_index).where(e.block_number.between(lo, hi)))}
            new = [r for r in rows if (r["block_hash"], r["log_index"]) not in stored]
            insert_ignore(conn, new)
            projections.apply_rows(conn, [{**r, "args": json.loads(r["args"])} for r in new])
            self._write_checkpoint(conn, checkpoint, hi, last_hash)
        return len(new)

    def _row(self, log: Mapping[str, Any], timestamp: int) -> dict[str, Any]:
        topic = "0x" + bytes(log["topics"][0]).hex() if log["topics"] else ""
        decoder = self._decoders.get((str(log["address"]).lower(), topic))
        if decoder is None:
            contract_name, event_name, args = _name_of(self.deployment, log["address"]), "Unknown", {
                "topics": [normalize(bytes(t)) for t in log["topics"]], "data": normalize(bytes(log["data"]))}
        else:
            contract_name, decode = decoder
            event_name, args = decode.name, decode([bytes(t) for t in log["topics"]], bytes(log["data"]))
        cid = args.get("id") if isinstance(args.get("id"), str) and len(args["id"]) == 66 else None
        return {
            "block_hash": "0x" + bytes(log["blockHash"]).hex(), "log_index": int(log["logIndex"]),
            "block_number": int(log["blockNumber"]), "block_timestamp": int(timestamp),
            "tx_hash": "0x" + bytes(log["transactionHash"]).hex(), "tx_index": int(log["transactionIndex"]),
            "contract": contract_name, "event": event_name, "contract_id": cid,
            "args": json.dumps(args, sort_keys=True, separators=(",", ":")),
        }

    # --- checkpoint and reorgs --------------------------------------------------------------------

    def _read_checkpoint(self, conn: Connection, lock: bool = False) -> tuple[int, str] | None:
        query = select(schema.checkpoints.c.block_number, schema.checkpoints.c.block_hash).where(
            schema.checkpoints.c.name == self.name)
        if lock and conn.dialect.name == "postgresql":
            query = query.with_for_update()
        row = conn.execute(query).first()
        return None if row is None else (int(row[0]), str(row[1]))

    def _write_checkpoint(self, conn: Connection, old: tuple[int, str] | None, number: int, block_hash: str) -> None:
        cp = schema.checkpoints
        if old is None:
            conn.execute(insert(cp).values(name=self.name, block_number=number, block_hash=block_hash))
        else:
            conn.execute(update(cp).where(cp.c.name == self.name).values(block_number=number, block_hash=block_hash))

    def _hash_at(self, number: int) -> str | None:
        try:
            return "0x" + bytes(self.w3.eth.get_block(number)["hash"]).hex()
        except BlockNotFound:
            return None

    def _resume(self) -> tuple[int, int]:
        """The next block to index, and how many blocks a reorg rolled back (0 if none)."""
        checkpoint = self.checkpoint()
        if checkpoint is None:
            return self.deployment.deploy_block, 0
        number, block_hash = checkpoint
        if self._hash_at(number) == block_hash:
            return number + 1, 0
        ancestor = self._common_ancestor(number)
        with self.engine.begin() as conn:
            conn.execute(delete(schema.events).where(schema.events.c.block_number > ancestor))
            if ancestor < self.deployment.deploy_block:
                conn.execute(delete(schema.checkpoints).where(schema.checkpoints.c.name == self.name))
            else:
                ancestor_hash = self._hash_at(ancestor)
                assert ancestor_hash is not None
                self._write_checkpoint(conn, checkpoint, ancestor, ancestor_hash)
            projections.rebuild(conn)
        return ancestor + 1, number - ancestor

    def _common_ancestor(self, number: int) -> int:
        """The highest stored block below `number` that is still on the chain (blocks before it are too:
        each block commits to its parent's hash)."""
        for stored_number, stored_hash in self._stored_blocks_below(number):
            if self._hash_at(stored_number) == stored_hash:
                return stored_number
        return self.deployment.deploy_block - 1

    def _stored_blocks_below(self, number: int) -> Iterator[tuple[int, str]]:
        e = schema.events.c
        while True:
            with self.engine.connect() as conn:
                row = conn.execute(select(e.block_number, e.block_hash).where(e.block_number < number)
                                   .order_by(e.block_number.desc()).limit(1)).first()
            if row is None:
                return
            yield int(row[0]), str(row[1])
            number = int(row[0])


def _name_of(deployment: Deployment, address: str) -> str:
    for name, value in deployment.addresses.items():
        if value.lower() == str(address).lower():
            return name
    return str(address)
