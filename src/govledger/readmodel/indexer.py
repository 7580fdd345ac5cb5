"""The indexer: the suite's logs -> `events` rows + projections, resumable, idempotent, reorg-aware.

Each batch of blocks is one database transaction holding its event rows, the projection updates, the
hashes of its newest blocks and the checkpoint (last block number and hash), so a process killed at any
moment leaves the database at a batch boundary and the next `sync()` carries on from there.

Every batch first checks that it continues the chain it indexed (the parent hash of its first block is
the checkpoint's hash). When it does not, or when the checkpoint's block is gone on resume, the chain
reorganised: the rows of orphaned blocks are deleted back to the common ancestor, the projections
rebuilt, and indexing continues on the new branch. What is not a reorg is refused with the rows kept:
another genesis block (another chain under the same chain id), a chain shorter than the checkpoint whose
blocks agree with the read model (a node still syncing, an old backup), and a reorg deeper than
`max_reorg_depth` unless the operator allows it (`audit replay --allow-deep-reorg`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update
from web3 import Web3

from ..deployment import Deployment
from ..errors import GovLedgerError, GovLedgerValueError
from . import projections, schema
from .chain_reads import ChainReads, Header
from .decode import LogDecoder, normalize, parse_args, stored_row, to_hex
from .errors import (
    ChainBehindError,
    ChainMismatchError,
    DeepReorgError,
    IndexerConflictError,
    ReadModelError,
)

__all__ = ["DEFAULT_MAX_REORG_DEPTH", "Indexer", "IndexerConflictError", "SyncResult", "normalize"]

Progress = Callable[[int, int], None]  # (blocks done, blocks to do) in this sync
DEFAULT_MAX_REORG_DEPTH = 64  # deeper than any reorg seen on Ethereum mainnet since the merge; QBFT has none
_RETRIES = 5  # batches in a row that may find the chain moved under them before the sync gives up


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


@dataclass(frozen=True)
class _Checkpoint:
    number: int
    hash: str
    genesis: str | None


class Indexer:
    """Indexes the suite deployed as `deployment` on `w3` into the read model on `engine`.

    `max_reorg_depth`: the deepest reorg rolled back without asking; `allow_deep_reorg`: roll back
    deeper ones too (the operator's explicit choice).
    """

    def __init__(self, w3: Web3, deployment: Deployment, engine: Engine, *, name: str = "main",
                 confirmations: int = 0, batch_blocks: int = 5000, max_reorg_depth: int = DEFAULT_MAX_REORG_DEPTH,
                 allow_deep_reorg: bool = False) -> None:
        if confirmations < 0 or batch_blocks < 1 or max_reorg_depth < 0:
            raise GovLedgerValueError(f"confirmations ({confirmations}) and max_reorg_depth ({max_reorg_depth}) "
                                      f"must be >= 0 and batch_blocks ({batch_blocks}) >= 1")
        self.w3, self.deployment, self.engine = w3, deployment, engine
        self.name, self.confirmations, self.batch_blocks = name, confirmations, batch_blocks
        self.max_reorg_depth, self.allow_deep_reorg = max_reorg_depth, allow_deep_reorg
        self.decoder = LogDecoder.of(deployment)
        self.reads = ChainReads(w3)

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
            cp = self._read_checkpoint(conn)
        return None if cp is None else (cp.number, cp.hash)

    def sync(self, progress: Progress | None = None, *, to_block: int | None = None) -> SyncResult:
        """Index every block from the checkpoint up to the head minus `confirmations` (or `to_block`)."""
        started = time.perf_counter()
        genesis = self._check_genesis()
        start, reorged = self._resume(genesis)
        lo, events, retries = start, 0, 0
        end = self._end(to_block)
        total = max(0, end - start + 1)
        if progress is not None:
            progress(0, total)
        while lo <= end:
            hi = min(lo + self.batch_blocks - 1, end)
            added = self._index_batch(lo, hi, genesis)
            if added is None:  # the chain moved under this batch: roll back like at the start, then go on
                retries += 1
                if retries > _RETRIES:
                    raise ReadModelError(f"the chain reorganised under {retries} batches in a row near block {lo}: "
                                         "rows kept up to the last consistent batch; run the sync again later")
                lo, depth = self._resume(genesis)
                reorged += depth
                end = self._end(to_block)
                continue
            retries, events, lo = 0, events + added, hi + 1
            if progress is not None:
                progress(min(hi - start + 1, total), total)
        last = self.checkpoint()
        return SyncResult(events, total, start, last[0] if last else start - 1, time.perf_counter() - started, reorged)

    def _end(self, to_block: int | None) -> int:
        head = self.w3.eth.block_number - self.confirmations
        return head if to_block is None else min(head, to_block)

    # --- batches ----------------------------------------------------------------------------------

    def _index_batch(self, lo: int, hi: int, genesis: str) -> int | None:
        """Index blocks lo..hi in one transaction; the rows added, or None when the chain no longer
        continues the indexed one (a reorg: nothing was written)."""
        with self.engine.connect() as conn:
            before = self._read_checkpoint(conn)
        recent = self._recent_blocks(lo, hi)
        if recent is None:
            return None
        first = recent[0] if recent[0].number == lo else self._block(lo)
        if first is None or (before is not None and first.parent_hash != before.hash):
            return None
        blocks: dict[int, Header | None] = {b.number: b for b in recent}
        logs = self.reads.logs(lo, hi, self.decoder.addresses)
        missing = sorted({int(log["blockNumber"]) for log in logs} - blocks.keys())
        blocks.update(zip(missing, self.reads.blocks(missing)))  # the timestamps, in one batch
        rows = []
        for log in logs:
            block = blocks[int(log["blockNumber"])]
            if block is None or block.hash != to_hex(log["blockHash"]):
                return None
            rows.append(stored_row(self.decoder.row(log, block.timestamp)))
        tip = self._block(hi)
        if tip is None or tip.hash != recent[-1].hash:
            return None  # the tip changed while the batch was read
        with self.engine.begin() as conn:
            checkpoint = self._read_checkpoint(conn, lock=True)
            if checkpoint != before:
                raise IndexerConflictError(
                    f"checkpoint {self.name!r} moved from {before} to {checkpoint} while indexing from block {lo}: "
                    "is another indexer running on this database?")
            e = schema.events.c
            stored = {(h, i) for h, i in conn.execute(
                select(e.block_hash, e.log_index).where(e.block_number.between(lo, hi)))}
            new = [r for r in rows if (r["block_hash"], r["log_index"]) not in stored]
            insert_ignore(conn, new)
            projections.apply_rows(conn, [parse_args(r) for r in new])
            self._record_blocks(conn, recent)
            self._write_checkpoint(conn, checkpoint, hi, recent[-1].hash, genesis)
        return len(new)

    def _recent_blocks(self, lo: int, hi: int) -> list[Header] | None:
        """Blocks max(lo, hi - max_reorg_depth)..hi (one batch), checked to be one chain (None: it changed
        meanwhile)."""
        blocks: list[Header] = []
        for block in self.reads.blocks(range(max(lo, hi - self.max_reorg_depth), hi + 1)):
            if block is None or (blocks and block.parent_hash != blocks[-1].hash):
                return None
            blocks.append(block)
        return blocks

    def _record_blocks(self, conn: Connection, blocks: list[Header]) -> None:
        b = schema.indexed_blocks
        newest = blocks[-1].number
        conn.execute(delete(b).where(b.c.name == self.name, (b.c.block_number >= blocks[0].number)
                                     | (b.c.block_number < newest - self.max_reorg_depth)))
        conn.execute(insert(b), [{"name": self.name, "block_number": x.number, "block_hash": x.hash}
                                 for x in blocks])

    def _block(self, number: int) -> Header | None:
        return self.reads.block(number)

    # --- checkpoint, genesis and reorgs -----------------------------------------------------------

    def _read_checkpoint(self, conn: Connection, lock: bool = False) -> _Checkpoint | None:
        cp = schema.checkpoints.c
        query = select(cp.block_number, cp.block_hash, cp.genesis_hash).where(cp.name == self.name)
        if lock and conn.dialect.name == "postgresql":
            query = query.with_for_update()
        row = conn.execute(query).first()
        return None if row is None else _Checkpoint(int(row[0]), str(row[1]), row[2])

    def _write_checkpoint(self, conn: Connection, old: _Checkpoint | None, number: int, block_hash: str,
                          genesis: str) -> None:
        cp = schema.checkpoints
        values = {"block_number": number, "block_hash": block_hash, "genesis_hash": genesis}
        if old is None:
            conn.execute(insert(cp).values(name=self.name, **values))
        else:
            conn.execute(update(cp).where(cp.c.name == self.name).values(**values))

    def _hash_at(self, number: int) -> str | None:
        block = self._block(number)
        return None if block is None else block.hash

    def _check_genesis(self) -> str:
        """The chain's genesis hash; refused when the read model indexed a chain with another one."""
        genesis = self._hash_at(0)
        if genesis is None:
            raise ReadModelError("the node has no block 0: cannot tell which chain it serves")
        with self.engine.connect() as conn:
            cp = self._read_checkpoint(conn)
        if cp is not None and cp.genesis is not None and cp.genesis != genesis:
            raise ChainMismatchError(
                f"the node serves another chain (genesis {genesis}, chain id {self.w3.eth.chain_id}) than the read "
                f"model indexed (genesis {cp.genesis}, checkpoint block {cp.number}): rows kept; point at the right "
                "node, or start another read model (`audit replay --fresh` rebuilds this one from the new chain)")
        if cp is not None and cp.genesis is None and self._hash_at(cp.number) == cp.hash:
            with self.engine.begin() as conn:  # a read model of an older version: the chain it indexed is this one
                conn.execute(update(schema.checkpoints).where(schema.checkpoints.c.name == self.name)
                             .values(genesis_hash=genesis))
        return genesis

    def _resume(self, genesis: str) -> tuple[int, int]:
        """The next block to index, and how many blocks a reorg rolled back (0 if none)."""
        with self.engine.connect() as conn:
            checkpoint = self._read_checkpoint(conn)
        if checkpoint is None:
            return self.deployment.deploy_block, 0
        if self._hash_at(checkpoint.number) == checkpoint.hash:
            return checkpoint.number + 1, 0
        ancestor = self._common_ancestor(checkpoint)
        with self.engine.begin() as conn:
            if self._read_checkpoint(conn, lock=True) != checkpoint:
                raise IndexerConflictError(f"checkpoint {self.name!r} moved while rolling back a reorg from "
                                           f"block {checkpoint.number}: is another indexer running on this database?")
            conn.execute(delete(schema.events).where(schema.events.c.block_number > ancestor))
            b = schema.indexed_blocks
            conn.execute(delete(b).where(b.c.name == self.name, b.c.block_number > ancestor))
            if ancestor < self.deployment.deploy_block:
                conn.execute(delete(schema.checkpoints).where(schema.checkpoints.c.name == self.name))
            else:
                ancestor_hash = self._hash_at(ancestor)
                assert ancestor_hash is not None
                self._write_checkpoint(conn, checkpoint, ancestor, ancestor_hash, genesis)
            projections.rebuild(conn)
        return ancestor + 1, checkpoint.number - ancestor

    def _common_ancestor(self, checkpoint: _Checkpoint) -> int:
        """The highest recorded block still on the chain (blocks before it are too: each block commits to
        its parent's hash). Refuses a chain that is merely shorter (no recorded block differs) and, unless
        allowed, a reorg deeper than the limit."""
        head = self.w3.eth.block_number
        diverged = False
        for number, stored_hash in self._recorded_blocks_below(checkpoint.number + 1):
            depth = checkpoint.number - number
            if depth > self.max_reorg_depth and diverged and not self.allow_deep_reorg:
                raise self._deep(checkpoint, f"no common block within {self.max_reorg_depth} blocks")
            chain_hash = self._hash_at(number) if number <= head else None
            if chain_hash == stored_hash:
                if not diverged:
                    raise ChainBehindError(
                        f"the chain's head {head} is below the read model's checkpoint {checkpoint.number} and the "
                        f"blocks it has agree with the read model: a node still syncing or an older copy of the "
                        f"chain, not a reorg; rows kept (wait for the node, or restore the full chain)")
                if depth > self.max_reorg_depth and not self.allow_deep_reorg:
                    raise self._deep(checkpoint, f"common ancestor block {number}, {depth} blocks deep")
                return number
            diverged = diverged or chain_hash is not None
        if not diverged:
            raise ChainBehindError(f"the chain's head {head} is below the read model's checkpoint {checkpoint.number} "
                                   "and has none of its blocks: rows kept (wait for the node, or restore the chain)")
        if not self.allow_deep_reorg:  # even the deployment is gone: a chain restarted from the same genesis
            raise ChainMismatchError(
                f"none of the blocks the read model indexed since the deploy block {self.deployment.deploy_block} is "
                f"on this chain (checkpoint {checkpoint.number}, head {head}): the chain was restarted or the suite "
                "deployed again; rows kept. Point at the right node, or rebuild with `audit replay --fresh` (or roll "
                "back with --allow-deep-reorg)")
        return self.deployment.deploy_block - 1

    def _deep(self, checkpoint: _Checkpoint, why: str) -> DeepReorgError:
        return DeepReorgError(
            f"the chain reorganised deeper than {self.max_reorg_depth} blocks below the checkpoint {checkpoint.number} "
            f"({checkpoint.hash}): {why}; rows kept. If this is the right chain, roll back with "
            "`audit replay --allow-deep-reorg` (or rebuild with `audit replay --fresh`)")

    def _recorded_blocks_below(self, number: int) -> Iterator[tuple[int, str]]:
        """(number, hash) of the blocks the read model recorded below `number`, newest first: the recent
        blocks of the last batch, then the blocks that hold events."""
        b = schema.indexed_blocks.c
        with self.engine.connect() as conn:
            recent = [(int(n), str(h)) for n, h in conn.execute(
                select(b.block_number, b.block_hash).where(b.name == self.name, b.block_number < number)
                .order_by(b.block_number.desc()))]
        yield from recent
        if recent:
            number = recent[-1][0]
        e = schema.events.c
        while True:
            with self.engine.connect() as conn:
                row = conn.execute(select(e.block_number, e.block_hash).where(e.block_number < number)
                                   .order_by(e.block_number.desc()).limit(1)).first()
            if row is None:
                return
            yield int(row[0]), str(row[1])
            number = int(row[0])
