"""An eth-tester backend whose py-evm chain lives in a ``SQLiteDB`` and survives restarts."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from eth.abc import (
    BlockAPI,
    BlockHeaderAPI,
    ComputationAPI,
    ReceiptAPI,
    SignedTransactionAPI,
)
from eth.chains.base import MiningChain
from eth.db.atomic import AtomicDB
from eth.db.chain import ChainDB
from eth.exceptions import CanonicalHeadNotFound
from eth.exceptions import HeaderNotFound as EVMHeaderNotFound
from eth.exceptions import Revert as EVMRevert
from eth.exceptions import TransactionNotFound as EVMTransactionNotFound
from eth.vm.forks import PragueVM
from eth_tester.backends.pyevm.main import ZERO_ADDRESS, PyEVMBackend
from eth_tester.backends.pyevm.serializers import (
    serialize_transaction,
    serialize_transaction_receipt,
)
from eth_tester.exceptions import TransactionFailed, TransactionNotFound
from eth_utils import encode_hex, to_canonical_address

from .errors import ChainError, ChainReadOnlyError, NoLedgerError
from .gas import one_run_gas_estimate
from .head import GENESIS_HASH
from .log_index import LogIndex
from .sqlite_db import SQLiteDB

PREFUND_WEI = 10**24
# Stored at genesis; a chain on disk is always reopened with the fork it was created with.
FORK = "prague"


class EmbeddedPosChain(MiningChain):
    """The chain eth-tester builds by default (post-merge Prague from genesis, constant gas limit).

    Declared here rather than taken from eth-tester so that the fork is pinned: a newer eth-tester
    defaulting to a later fork must not reinterpret blocks already on disk.
    """

    vm_configuration = ((0, PragueVM),)
    chain_id = 1337
    gas_estimator = staticmethod(one_run_gas_estimate)

    def create_header_from_parent(
        self, parent_header: BlockHeaderAPI, **header_params: Any
    ) -> BlockHeaderAPI:
        return super().create_header_from_parent(
            parent_header, **{**header_params, "gas_limit": parent_header.gas_limit}
        )

    def get_transaction_builder(self) -> Any:  # used by PyEVMBackend to build transactions
        return self.get_vm().get_transaction_builder()

    def apply_transaction(self, transaction: SignedTransactionAPI) -> tuple[BlockAPI, ReceiptAPI, ComputationAPI]:
        """Add `transaction` to the pending block, or refuse it when its execution fails: its state
        changes are undone and nothing enters the block (no failed transaction is ever mined here).

        The one execution is both the check and the mining run, so a client that knows the gas it
        offers needs no separate estimate (the SDK sends with the block's gas limit).
        """
        vm = self.get_vm(self.header)
        base_block = vm.get_block()
        vm.validate_transaction_against_header(base_block.header, transaction)
        vm.state.lock_changes()  # as VM.apply_transaction does: earlier transactions stay
        snapshot = vm.state.snapshot()
        computation = vm.state.apply_transaction(transaction)
        if computation.is_error:
            vm.state.revert(snapshot)
            error = computation.error
            if isinstance(error, EVMRevert):  # the revert data, as eth-tester's estimate raises it
                raise TransactionFailed(error.args[0] if error.args else b"")
            raise TransactionFailed(f"transaction refused: its execution failed ({type(error).__name__}: {error})")
        receipt = vm.make_receipt(base_block.header, transaction, computation, vm.state)
        vm.validate_receipt(receipt)
        header_with_receipt = vm.add_receipt_to_header(base_block.header, receipt)
        vm.state.persist()
        new_header = header_with_receipt.copy(state_root=vm.state.state_root)
        new_block = vm.set_block_transactions_and_withdrawals(
            base_block, new_header, base_block.transactions + (transaction,),
            base_block.get_receipts(self.chaindb) + (receipt,))
        self.header = new_block.header
        return new_block, receipt, computation


def open_or_create_chain(
    db: SQLiteDB, chain_id: int, prefund: Sequence[str], *, create: bool, data_dir: Path | None
) -> MiningChain:
    """Open the canonical head stored in ``db``; write a genesis block only if ``create`` and there is
    no head yet (a creation that died before its genesis commit left none)."""
    chain_class = EmbeddedPosChain.configure(chain_id=chain_id)
    base_db = AtomicDB(db)
    try:
        head = ChainDB(base_db).get_canonical_head() if db.has_schema() else None
    except CanonicalHeadNotFound:
        head = None
    if head is None:
        if not create:
            raise NoLedgerError(data_dir or Path(":memory:"), "its chain file holds no genesis block")
        return _create_genesis(db, base_db, chain_class, chain_id, prefund)
    stored = (db.get_meta("chain_id"), db.get_meta("fork"))
    if stored != (str(chain_id), FORK):
        raise ChainError(
            f"stored chain has chain id {stored[0]} and fork {stored[1]}, "
            f"asked for chain id {chain_id} and fork {FORK}"
        )
    chain = chain_class(base_db)
    if db.get_meta(GENESIS_HASH) is None and not db.read_only:  # a chain from before head tracking
        genesis = chain.get_canonical_block_header_by_number(0)
        db.set_head(head.block_number, encode_hex(head.hash), encode_hex(genesis.hash))
        db.commit()
    return chain


def _create_genesis(
    db: SQLiteDB, base_db: AtomicDB, chain_class: type[MiningChain], chain_id: int, prefund: Sequence[str]
) -> MiningChain:
    genesis_state = {
        to_canonical_address(address): {"balance": PREFUND_WEI, "nonce": 0, "code": b"", "storage": {}}
        for address in prefund
    }
    # Random extra data: two chains created in the same second (same prefund, same timestamp) must
    # still have different genesis hashes, which the manifest and the read model rely on to tell them apart.
    params = {**PyEVMBackend.generate_genesis_params(), "extra_data": os.urandom(32)}
    chain = chain_class.from_genesis(base_db, params, genesis_state)
    genesis_hash = encode_hex(chain.get_canonical_head().hash)
    db.set_meta("chain_id", str(chain_id))
    db.set_meta("fork", FORK)
    db.set_head(0, genesis_hash, genesis_hash)
    db.commit()
    return chain


class PersistentPyEVMBackend(PyEVMBackend):
    """``PyEVMBackend`` over a chain opened from ``SQLiteDB``; commits once per mined block."""

    def __init__(self, db: SQLiteDB, chain: MiningChain) -> None:
        # PyEVMBackend.__init__ always builds a fresh in-memory genesis, so it is not called; these
        # two attributes are all its methods use. No keys: every transaction arrives signed.
        self.account_keys: tuple[Any, ...] = ()
        self.chain = chain
        self._db = db
        self.log_index = LogIndex(db)
        head = chain.get_canonical_head()
        if not db.read_only and not self.log_index.is_current(head):  # a chain file from before the index
            self.log_index.follow(chain.chaindb, head)
            db.commit()

    def reset_to_genesis(self, *args: Any, **kwargs: Any) -> None:
        raise ChainError("a persistent chain cannot be reset; open a new data directory instead")

    # --- writes: durable before they are acknowledged -------------------------------------------

    def send_raw_transaction(self, raw_transaction: bytes) -> bytes:
        if self._db.read_only:
            raise ChainReadOnlyError("this chain is open for reading only (a read-only data directory): "
                                     "the transaction was not sent")
        return super().send_raw_transaction(raw_transaction)

    @contextmanager
    def _durable(self) -> Iterator[None]:
        try:
            yield
            head = self.chain.chaindb.get_canonical_head()
            self.log_index.follow(self.chain.chaindb, head)
            self._db.set_head(head.block_number, encode_hex(head.hash))  # in the block's transaction
            self._db.commit()
        except BaseException:
            self._db.rollback()
            # The in-memory pending header may refer to rolled-back state: restart from disk.
            self.chain = type(self.chain)(self.chain.chaindb.db)
            raise

    def mine_blocks(self, num_blocks: int = 1, coinbase: bytes = ZERO_ADDRESS) -> tuple[bytes, ...]:
        # eth-tester mines after every transaction and returns only then, so each receipt handed
        # to a client belongs to a committed block.
        mined: list[bytes] = []
        for _ in range(num_blocks):
            with self._durable():
                mined.extend(super().mine_blocks(1, coinbase))
        return tuple(mined)

    def revert_to_snapshot(self, snapshot: bytes) -> None:
        old_head = self.chain.get_canonical_head()
        with self._durable():
            super().revert_to_snapshot(snapshot)
            self._reindex_transactions(old_head, self.chain.get_canonical_head())

    def apply_withdrawals(self, withdrawals_list: list[dict[str, int | str]]) -> None:
        with self._durable():
            super().apply_withdrawals(withdrawals_list)

    def _reindex_transactions(self, old_head: BlockHeaderAPI, new_head: BlockHeaderAPI) -> None:
        """Make the tx-hash index follow a head moved by ``revert_to_snapshot``.

        PyEVMBackend moves the head with a header-level call that leaves py-evm's tx-hash index
        as it was; left alone, a reverted hash would resolve to whichever transaction is later
        mined at its old position.
        """
        chaindb = self.chain.chaindb
        old, new = old_head, new_head
        while old.hash != new.hash:  # walk both heads back to their common ancestor
            if old.block_number >= new.block_number:
                for tx_hash in chaindb.get_block_transaction_hashes(old):
                    chaindb._remove_transaction_from_canonical_chain(chaindb.db, tx_hash)
                old = chaindb.get_block_header_by_hash(old.parent_hash)
            else:
                for index, tx_hash in enumerate(chaindb.get_block_transaction_hashes(new)):
                    chaindb._add_transaction_to_canonical_chain(chaindb.db, tx_hash, new, index)
                new = chaindb.get_block_header_by_hash(new.parent_hash)

    # --- lookups through py-evm's tx-hash index instead of a backwards block scan ----------------

    def _find_transaction(
        self, transaction_hash: bytes
    ) -> tuple[BlockAPI, SignedTransactionAPI, int]:
        found = self._find_mined_transaction(transaction_hash)
        if found is not None:
            return found
        pending = self.chain.get_block()
        for index, transaction in enumerate(pending.transactions):
            if transaction.hash == transaction_hash:
                return pending, transaction, index
        raise TransactionNotFound(
            f"No transaction found for transaction hash: {encode_hex(transaction_hash)}"
        )

    def _find_mined_transaction(
        self, transaction_hash: bytes
    ) -> tuple[BlockAPI, SignedTransactionAPI, int] | None:
        # py-evm writes hash -> (block number, index) for canonical blocks in the same batch as
        # the block itself, so the index is as durable and as consistent as the chain.
        try:
            number, index = self.chain.chaindb.get_transaction_index(transaction_hash)
            block = self.chain.get_canonical_block_by_number(number)
        except (EVMTransactionNotFound, EVMHeaderNotFound):
            return None
        transactions = block.transactions
        # Guards against a stale entry: reverting to a snapshot that is not an ancestor of the head
        # leaves py-evm's number -> block mapping partly on the old branch.
        if index < len(transactions) and transactions[index].hash == transaction_hash:
            return block, transactions[index], index
        return None

    def get_transaction_by_hash(self, transaction_hash: bytes) -> dict[str, Any]:
        block, transaction, index = self._find_transaction(transaction_hash)
        is_pending = block.number == self.chain.get_block().number
        return serialize_transaction(block, transaction, index, is_pending)

    def get_transaction_receipt(self, transaction_hash: bytes) -> dict[str, Any]:
        block, transaction, index = self._find_transaction(transaction_hash)
        is_pending = block.number == self.chain.get_block().number
        receipts = block.get_receipts(self.chain.chaindb)
        return serialize_transaction_receipt(
            block, receipts, transaction, index, is_pending, self.chain.get_vm()
        )
