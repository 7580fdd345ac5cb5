"""The chain head and genesis hash of a data directory, read with the standard library only.

The embedded chain writes ``head_number``, ``head_hash`` and ``genesis_hash`` to its ``meta`` table in
the same SQLite transaction as each block, so a reader that must not import web3 or py-evm (a read
command answering from the read model) learns how far the chain is with one query.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import NamedTuple

CHAIN_FILE = "chain.sqlite"
HEAD_NUMBER, HEAD_HASH, GENESIS_HASH = "head_number", "head_hash", "genesis_hash"


class Head(NamedTuple):
    number: int
    hash: str  # 0x-prefixed hex


def connect_read_only(path: Path) -> sqlite3.Connection:
    """Open an existing SQLite file without writing anything, not even the WAL index.

    ``mode=ro`` sees a live writer's WAL but must create the ``-shm`` file; in a directory nobody can
    write (chmod -w, a read-only mount) there is no writer and no ``-shm`` to share, so the file is
    opened ``immutable`` instead.
    """
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        if os.access(path.parent, os.W_OK):
            raise
    return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None, check_same_thread=False)


def read_meta(data_dir: str | os.PathLike[str]) -> dict[str, str] | None:
    """The chain's ``meta`` table as a dict; None when the directory holds no chain file (or an empty
    one, or one that never finished its genesis block). Other SQLite errors propagate."""
    path = Path(data_dir) / CHAIN_FILE
    if not path.is_file() or path.stat().st_size == 0:
        return None
    conn = connect_read_only(path)
    try:
        rows = conn.execute("SELECT name, value FROM meta").fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    finally:
        conn.close()
    return {str(name): str(value) for name, value in rows}


def read_head(data_dir: str | os.PathLike[str]) -> Head | None:
    """The number and hash of the chain's canonical head; None if the directory holds no chain or the
    chain predates head tracking (opening it once as a writer records the head)."""
    meta = read_meta(data_dir)
    if meta is None or HEAD_NUMBER not in meta or HEAD_HASH not in meta:
        return None
    return Head(int(meta[HEAD_NUMBER]), meta[HEAD_HASH])


def read_genesis_hash(data_dir: str | os.PathLike[str]) -> str | None:
    """The 0x hash of the chain's genesis block, or None as for :func:`read_head`."""
    meta = read_meta(data_dir)
    return None if meta is None else meta.get(GENESIS_HASH)
