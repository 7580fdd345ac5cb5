"""A py-evm key-value database stored in one SQLite file.

Writes accumulate in one open SQLite transaction until ``commit()``; the backend commits once per
mined block, so a block's state, body, receipts and canonical-head pointer become durable together
or not at all (a crash before the commit rolls all of them back).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from eth.db.backends.base import BaseDB

from .errors import ChainError, ChainReadOnlyError
from .head import GENESIS_HASH, HEAD_HASH, HEAD_NUMBER, connect_read_only
from .log_index import SCHEMA as LOG_INDEX_SCHEMA

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    *LOG_INDEX_SCHEMA,
)


class SQLiteDB(BaseDB):
    """Key-value store for py-evm; ``path=None`` keeps it in memory.

    ``read_only`` opens an existing file without writing anything (no schema, no WAL switch): every
    write then raises ``ChainReadOnlyError``.
    """

    def __init__(self, path: Path | None, *, read_only: bool = False) -> None:
        self.read_only = read_only
        self._label = "(in memory)" if path is None else str(path)
        try:
            if read_only and path is not None:
                self._conn = connect_read_only(path)
                return
            # isolation_level=None: transactions are begun and committed only where this class says.
            self._conn = sqlite3.connect(
                ":memory:" if path is None else str(path),
                isolation_level=None,
                check_same_thread=False,  # callers serialise access (see EmbeddedChain)
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed block survives power loss as well as a killed process.
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA:
                self._conn.execute(statement)
            self._conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if hasattr(self, "_conn"):
                self._conn.close()
            raise ChainError(f"cannot open the chain database {self._label}: {exc}") from None

    # --- BaseDB ---------------------------------------------------------------------------------

    def __getitem__(self, key: bytes) -> bytes:
        row = self._conn.execute("SELECT v FROM kv WHERE k = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return bytes(row[0])

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self._begin()
        self._conn.execute("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)", (key, value))

    def __delitem__(self, key: bytes) -> None:
        self._begin()
        if self._conn.execute("DELETE FROM kv WHERE k = ?", (key,)).rowcount == 0:
            raise KeyError(key)

    def _exists(self, key: bytes) -> bool:
        return self._conn.execute("SELECT 1 FROM kv WHERE k = ?", (key,)).fetchone() is not None

    def has_schema(self) -> bool:
        """False for a file left by a chain creation that died before writing its tables."""
        query = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('kv', 'meta')"
        return int(self._conn.execute(query).fetchone()[0]) == 2

    # --- metadata (written in the same transaction as the data it describes) ---------------------

    def get_meta(self, name: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, name: str, value: str) -> None:
        self._begin()
        self._conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value))

    def set_head(self, number: int, block_hash: str, genesis_hash: str | None = None) -> None:
        """Record the canonical head for readers without py-evm (``head.read_head``); call before the
        commit of the block it names."""
        self.set_meta(HEAD_NUMBER, str(number))
        self.set_meta(HEAD_HASH, block_hash)
        if genesis_hash is not None:
            self.set_meta(GENESIS_HASH, genesis_hash)

    # --- other tables of the chain file (the log index) ----------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """A write, in the open block transaction."""
        self._begin()
        self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._begin()
        self._conn.executemany(sql, rows)

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        return self._conn.execute(sql, params).fetchone()  # type: ignore[no-any-return]

    def query_all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql, params).fetchall()

    # --- transaction control -------------------------------------------------------------------

    def commit(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("COMMIT")

    def rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def close(self) -> None:
        """Drop uncommitted writes (they belong to no acknowledged block) and close the file."""
        self.rollback()
        self._conn.close()

    def _begin(self) -> None:
        if self.read_only:
            raise ChainReadOnlyError(f"the chain {self._label} is open for reading only; nothing was written")
        if not self._conn.in_transaction:
            self._conn.execute("BEGIN IMMEDIATE")
