"""The embedded chain: eth-tester + py-evm in this process, persisted in a data directory."""

from __future__ import annotations

import os
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
from .data_dir import check_chain_file, prepare_directory
from .dir_lock import DirectoryLock
from .dir_lock import lock_timeout as lock_timeout_seconds
from .errors import ChainError
from .head import CHAIN_FILE
from .log_filter import indexed_get_logs
from .sqlite_db import SQLiteDB


class _EmbeddedProvider(EthereumTesterProvider):
    """Serialises requests (eth-tester and the SQLite connection are not thread-safe) and refuses
    them once the chain is closed."""

    # The chain refuses a transaction whose execution fails instead of mining it (EmbeddedPosChain).
    refuses_failed_transactions = True

    def __init__(self, tester: EthereumTester, chain_id: int, label: str) -> None:
        # web3's endpoint table for eth-tester answers eth_chainId with a constant; answer with ours.
        endpoints = {**API_ENDPOINTS, "eth": {**API_ENDPOINTS["eth"], "chainId": _const(chain_id),
                                              "getLogs": indexed_get_logs}}
        super().__init__(ethereum_tester=tester, api_endpoints=endpoints)
        self.request_lock = threading.RLock()
        self.closed = False
        self._label = label

    def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        with self.request_lock:
            self._check_open()
            return super().make_request(method, params)

    def _check_open(self) -> None:
        if self.closed:
            raise ChainError(f"embedded chain {self._label} is closed")

    @property
    def indexer_reads(self) -> IndexerReads:
        """Headers and logs for the read model's indexer, straight from the chain and its log index."""
        return IndexerReads(self)


class IndexerReads:
    """What ``govledger.readmodel.chain_reads`` asks of the embedded chain, answered without web3's
    result formatters (and, when the log index is current, without a scan)."""

    def __init__(self, provider: _EmbeddedProvider) -> None:
        self._provider = provider

    def header(self, number: int) -> Any:
        from eth.exceptions import HeaderNotFound

        from ..readmodel.chain_reads import Header

        with self._provider.request_lock:
            self._provider._check_open()
            chaindb = self._provider.ethereum_tester.backend.chain.chaindb
            # Numbers above the head may still map to a branch a reverted snapshot left: not canonical.
            if number > chaindb.get_canonical_head().block_number:
                return None
            try:
                h = chaindb.get_canonical_block_header_by_number(number)
            except HeaderNotFound:
                return None
        return Header(h.block_number, "0x" + h.hash.hex(), "0x" + h.parent_hash.hex(), h.timestamp)

    def logs(self, lo: int, hi: int, addresses: list[str]) -> list[dict[str, Any]]:
        with self._provider.request_lock:
            self._provider._check_open()
            backend = self._provider.ethereum_tester.backend
            head = backend.chain.get_canonical_head()
            if backend.log_index.is_current(head) and hi <= head.block_number:
                return backend.log_index.rpc_logs(lo, hi, [bytes.fromhex(a[2:]) for a in addresses])
            scanned = self._provider.ethereum_tester.get_logs(from_block=lo, to_block=hi, address=addresses)
        return [{**log, "blockNumber": log["block_number"], "blockHash": log["block_hash"],
                 "transactionHash": log["transaction_hash"], "transactionIndex": log["transaction_index"],
                 "logIndex": log["log_index"]}
                for log in scanned]


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
        self.read_only = db.read_only

    @property
    def lock(self) -> DirectoryLock | None:
        """The writer's lock (None in memory or read-only); ``lock.update_info(...)`` tells others more."""
        return self._lock

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
    data_dir: Path | str | None,
    *,
    prefund: Sequence[str] = (),
    chain_id: int = 1337,
    create: bool = False,
    read_only: bool | None = None,
    lock_timeout: float | None = None,
) -> EmbeddedChain:
    """Open the chain in ``data_dir``, or an in-memory chain if ``data_dir`` is None.

    ``create``: make the directory and a genesis block when there is no chain yet (only ``govledger
    init`` and ``scripts/deploy.py`` ask for it). Without it a missing directory or chain raises
    ``NoLedgerError`` and nothing is created; with or without it, a directory that still holds a
    manifest or read model but lost its chain raises ``ChainMissingError``. ``prefund`` addresses get
    10**24 wei, at genesis only.

    ``read_only`` (default: when the directory is not writable) takes no lock and writes nothing; a
    writer waits up to ``lock_timeout`` seconds (default ``$GOVLEDGER_LOCK_TIMEOUT`` or 5) for another
    writer, then raises ``ChainLockedError`` naming it.
    """
    if data_dir is None:
        db = SQLiteDB(None)
        chain = open_or_create_chain(db, chain_id, prefund, create=True, data_dir=None)
        return _wrap(None, db, chain, chain_id, None)
    directory = prepare_directory(Path(data_dir), create)
    if read_only is None:
        read_only = not os.access(directory, os.W_OK)
    create = create and not read_only
    lock = None if read_only else DirectoryLock(directory, lock_timeout_seconds(lock_timeout))
    try:
        check_chain_file(directory, create)
        db = SQLiteDB(directory / CHAIN_FILE, read_only=read_only)
        try:
            chain = open_or_create_chain(db, chain_id, prefund, create=create, data_dir=directory)
        except BaseException:
            db.close()
            raise
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return _wrap(directory, db, chain, chain_id, lock)


def _wrap(
    data_dir: Path | None, db: SQLiteDB, chain: Any, chain_id: int, lock: DirectoryLock | None
) -> EmbeddedChain:
    tester = EthereumTester(backend=PersistentPyEVMBackend(db, chain))
    label = str(data_dir) if data_dir is not None else "(in memory)"
    return EmbeddedChain(data_dir, db, _EmbeddedProvider(tester, chain_id, label), lock)
