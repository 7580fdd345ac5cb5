"""The embedded chain: eth-tester + py-evm in this process, persisted in a data directory."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from eth_tester import EthereumTester
from web3 import Web3
from web3.providers.eth_tester import EthereumTesterProvider
from web3.providers.eth_tester.defaults import API_ENDPOINTS
from web3.types import RPCEndpoint, RPCResponse

from .backend import PersistentPyEVMBackend, open_or_create_chain
from .dir_lock import DirectoryLock
from .errors import ChainError
from .sqlite_db import SQLiteDB

DB_FILE = "chain.sqlite"


class _EmbeddedProvider(EthereumTesterProvider):
    """Serialises requests (eth-tester and the SQLite connection are not thread-safe) and refuses
    them once the chain is closed."""

    def __init__(self, tester: EthereumTester, chain_id: int, label: str) -> None:
        # web3's endpoint table for eth-tester answers eth_chainId with a constant; answer with ours.
        endpoints = {**API_ENDPOINTS, "eth": {**API_ENDPOINTS["eth"], "chainId": _const(chain_id)}}
        super().__init__(ethereum_tester=tester, api_endpoints=endpoints)
        self.request_lock = threading.RLock()
        self.closed = False
        self._label = label

    def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        with self.request_lock:
            if self.closed:
                raise ChainError(f"embedded chain {self._label} is closed")
            return super().make_request(method, params)


def _const(value: int) -> Any:
    return lambda _tester, _params: value


class EmbeddedChain:
    """An open embedded chain. Use as a context manager or call ``close()``."""

    def __init__(
        self,
        data_dir: Path | None,
        db: SQLiteDB,
        provider: _EmbeddedProvider,
        lock: DirectoryLock | None,
    ) -> None:
        self.data_dir = data_dir
        self.w3 = Web3(provider)
        self._db = db
        self._provider = provider
        self._lock = lock

    def close(self) -> None:
        """Close the database and release the directory. Mined blocks are already durable."""
        with self._provider.request_lock:
            if self._provider.closed:
                return
            self._provider.closed = True
            try:
                self._db.close()
            finally:
                if self._lock is not None:
                    self._lock.release()

    def __enter__(self) -> EmbeddedChain:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_embedded_chain(
    data_dir: Path | None, *, prefund: Sequence[str] = (), chain_id: int = 1337
) -> EmbeddedChain:
    """Open the chain in ``data_dir`` (created with a genesis block if empty), or an in-memory
    chain if ``data_dir`` is None. ``prefund`` addresses get 10**24 wei, at genesis only.

    Raises ``ChainLockedError`` if the directory is already open elsewhere.
    """
    lock: DirectoryLock | None = None
    if data_dir is not None:
        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        lock = DirectoryLock(data_dir)
    try:
        db = SQLiteDB(None if data_dir is None else data_dir / DB_FILE)
        try:
            chain = open_or_create_chain(db, chain_id, prefund)
        except BaseException:
            db.close()
            raise
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    tester = EthereumTester(backend=PersistentPyEVMBackend(db, chain))
    label = str(data_dir) if data_dir is not None else "(in memory)"
    return EmbeddedChain(data_dir, db, _EmbeddedProvider(tester, chain_id, label), lock)
