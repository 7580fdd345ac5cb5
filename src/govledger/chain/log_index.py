"""An index of the canonical chain's logs, kept in the chain's SQLite file as blocks are mined.

eth-tester answers ``eth_getLogs`` by reading every block of the range and every receipt in it
(about 5 ms a log, growing with the range). Here each mined block's logs are written in the block's
own SQLite transaction (the backend calls :meth:`LogIndex.follow` before it commits), so the index is
always exactly the canonical chain's: a query is one SQL range lookup. The index records which block
it reached (``log_index_number``/``log_index_hash`` in ``meta``); where that is not the chain's head
(a chain file written before the index, opened read-only) the caller falls back to eth-tester's scan.

Rows follow eth-tester's log shape and order: blocks ascending, then transactions, then each
receipt's logs, whose ``log_index`` counts within its receipt as eth-tester's serializer does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from eth_utils import encode_hex, to_checksum_address

if TYPE_CHECKING:
    from eth.abc import BlockHeaderAPI, ChainDatabaseAPI

    from .sqlite_db import SQLiteDB

INDEX_NUMBER, INDEX_HASH = "log_index_number", "log_index_hash"

SCHEMA = (
    ("CREATE TABLE IF NOT EXISTS logs (block_number INTEGER NOT NULL, tx_index INTEGER NOT NULL,"
     " log_index INTEGER NOT NULL, block_hash BLOB NOT NULL, tx_hash BLOB NOT NULL, address BLOB NOT NULL,"
     " topic_count INTEGER NOT NULL, topic0 BLOB, topic1 BLOB, topic2 BLOB, topic3 BLOB, data BLOB NOT NULL,"
     " PRIMARY KEY (block_number, tx_index, log_index)) WITHOUT ROWID"),
    "CREATE INDEX IF NOT EXISTS logs_by_address ON logs (address, block_number)",
    "CREATE INDEX IF NOT EXISTS logs_by_topic1 ON logs (topic1)",
    # One row per indexed block: where a reorg or a reverted snapshot left the indexed branch.
    "CREATE TABLE IF NOT EXISTS log_blocks (block_number INTEGER PRIMARY KEY, block_hash BLOB NOT NULL)",
)
_TOPICS = ("topic0", "topic1", "topic2", "topic3")
_COLUMNS = "block_number, tx_index, log_index, block_hash, tx_hash, address, topic0, topic1, topic2, topic3, data"


class LogIndex:
    """The log index in ``db`` (its tables are created with the chain's schema)."""

    def __init__(self, db: SQLiteDB) -> None:
        self._db = db

    def indexed_head(self) -> tuple[int, bytes] | None:
        number, block_hash = self._db.get_meta(INDEX_NUMBER), self._db.get_meta(INDEX_HASH)
        if number is None or block_hash is None:
            return None
        return int(number), bytes.fromhex(block_hash.removeprefix("0x"))

    def is_current(self, head: BlockHeaderAPI) -> bool:
        return self.indexed_head() == (head.block_number, head.hash)

    # --- writing (inside the block's transaction) -------------------------------------------------

    def follow(self, chaindb: ChainDatabaseAPI, head: BlockHeaderAPI) -> None:
        """Bring the index to canonical ``head``: drop the blocks of a left branch, add the new ones.
        Call inside the transaction that makes ``head`` durable."""
        if self.is_current(head):
            return
        added: list[BlockHeaderAPI] = []
        header = head
        while not self._holds(header):
            added.append(header)
            if header.block_number == 0:
                break
            header = chaindb.get_block_header_by_hash(header.parent_hash)
        keep_to = added[-1].block_number - 1 if added else head.block_number
        self._db.execute("DELETE FROM logs WHERE block_number > ?", (keep_to,))
        self._db.execute("DELETE FROM log_blocks WHERE block_number > ?", (keep_to,))
        for header in reversed(added):
            self._add_block(chaindb, header)
        self._db.set_meta(INDEX_NUMBER, str(head.block_number))
        self._db.set_meta(INDEX_HASH, encode_hex(head.hash))

    def _holds(self, header: BlockHeaderAPI) -> bool:
        row = self._db.query_one("SELECT block_hash FROM log_blocks WHERE block_number = ?", (header.block_number,))
        return row is not None and bytes(row[0]) == header.hash

    def _add_block(self, chaindb: ChainDatabaseAPI, header: BlockHeaderAPI) -> None:
        from eth.vm.forks import (
            PragueVM,  # the chain's only fork (backend.EmbeddedPosChain)
        )

        block = PragueVM.get_block_class().from_header(header, chaindb)
        rows = []
        for tx_index, (transaction, receipt) in enumerate(zip(block.transactions, block.get_receipts(chaindb))):
            for log_index, log in enumerate(receipt.logs):
                topics = [topic.to_bytes(32, "big") for topic in log.topics]
                rows.append((header.block_number, tx_index, log_index, header.hash, transaction.hash, log.address,
                             len(topics), *(topics + [None] * 4)[:4], log.data))
        if rows:
            self._db.executemany(
                "INSERT INTO logs (block_number, tx_index, log_index, block_hash, tx_hash, address, topic_count,"
                " topic0, topic1, topic2, topic3, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self._db.execute("INSERT OR REPLACE INTO log_blocks (block_number, block_hash) VALUES (?, ?)",
                         (header.block_number, header.hash))

    # --- reading --------------------------------------------------------------------------------

    def query(self, lower: int, upper: int, addresses: bytes | Sequence[bytes] | None,
              topics: Sequence[Any] | None) -> list[dict[str, Any]]:
        """Logs of blocks ``lower..upper`` matching eth-tester's normalised filter (``addresses``: one
        canonical address or a tuple of them; ``topics``: a flat or nested tuple of 32-byte topics
        with None as a wildcard), as eth-tester's ``get_logs`` returns them."""
        return [_log_entry(row) for row in self._rows(lower, upper, addresses, topics)]

    def rpc_logs(self, lower: int, upper: int, addresses: Sequence[bytes]) -> list[dict[str, Any]]:
        """Logs of blocks ``lower..upper`` emitted by ``addresses`` with JSON-RPC field names, hashes and
        data left as bytes (for the read model's indexer, which needs no hex round trip)."""
        return [{"blockNumber": r[0], "transactionIndex": r[1], "logIndex": r[2], "blockHash": bytes(r[3]),
                 "transactionHash": bytes(r[4]), "address": _checksum(bytes(r[5])), "data": bytes(r[10]),
                 "topics": [bytes(t) for t in r[6:10] if t is not None]}
                for r in self._rows(lower, upper, tuple(addresses), None)]

    def _rows(self, lower: int, upper: int, addresses: bytes | Sequence[bytes] | None,
              topics: Sequence[Any] | None) -> list[tuple[Any, ...]]:
        where, params = ["block_number BETWEEN ? AND ?"], [lower, upper]
        if addresses is not None:
            options = [addresses] if isinstance(addresses, bytes) else list(addresses)
            where.append(f"address IN ({','.join('?' * len(options))})")
            params.extend(options)
        if topics:
            if len(topics) > len(_TOPICS):
                return []  # no log has more than four topics
            where.append("topic_count >= ?")
            params.append(len(topics))
            for column, wanted in zip(_TOPICS, topics):
                options = list(wanted) if isinstance(wanted, (tuple, list)) else [wanted]
                if None in options:
                    continue  # a wildcard among the alternatives matches any topic
                where.append(f"{column} IN ({','.join('?' * len(options))})")
                params.extend(options)
        return self._db.query_all(
            f"SELECT {_COLUMNS} FROM logs WHERE {' AND '.join(where)} ORDER BY block_number, tx_index, log_index",
            params)


def _log_entry(row: Sequence[Any]) -> dict[str, Any]:
    number, tx_index, log_index, block_hash, tx_hash, address = row[:6]
    return {
        "type": "mined",
        "log_index": log_index,
        "transaction_index": tx_index,
        "transaction_hash": encode_hex(bytes(tx_hash)),
        "block_hash": encode_hex(bytes(block_hash)),
        "block_number": number,
        "address": _checksum(bytes(address)),
        "data": encode_hex(bytes(row[10])),
        "topics": [encode_hex(bytes(t)) for t in row[6:10] if t is not None],
    }


_CHECKSUMS: dict[bytes, str] = {}


def _checksum(address: bytes) -> str:
    if address not in _CHECKSUMS:
        _CHECKSUMS[address] = to_checksum_address(address)
    return _CHECKSUMS[address]
