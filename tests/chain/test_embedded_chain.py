"""The embedded chain: persistence across reopen, locking, in-memory mode, atomic blocks."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from hexbytes import HexBytes
from web3 import Web3
from web3.exceptions import TransactionNotFound

from govledger.chain import ChainError, ChainLockedError, EmbeddedChain, open_embedded_chain, read_head

SENDER: LocalAccount = Account.from_key("0x" + "11" * 32)
RECIPIENT = Account.from_key("0x" + "22" * 32).address
PREFUND_WEI = 10**24


def transfer(w3: Web3, value: int = 1_000) -> HexBytes:
    """Sign an EIP-1559 transfer locally, as the SDK does, and send it raw."""
    signed = SENDER.sign_transaction(
        {
            "type": 2,
            "chainId": w3.eth.chain_id,
            "nonce": w3.eth.get_transaction_count(SENDER.address),
            "to": RECIPIENT,
            "value": value,
            "gas": 21_000,
            "maxFeePerGas": 2 * 10**9,
            "maxPriorityFeePerGas": 10**9,
        }
    )
    return w3.eth.send_raw_transaction(signed.raw_transaction)


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[EmbeddedChain]:
    with open_embedded_chain(tmp_path, prefund=[SENDER.address], create=True) as opened:
        yield opened


def test_reopen_keeps_head_balances_and_receipts(tmp_path: Path) -> None:
    with open_embedded_chain(tmp_path, prefund=[SENDER.address], create=True) as chain:
        tx_hashes = [transfer(chain.w3) for _ in range(5)]
        head = chain.w3.eth.get_block("latest")
        receipts = [chain.w3.eth.get_transaction_receipt(h) for h in tx_hashes]
        sender_balance = chain.w3.eth.get_balance(SENDER.address)

    late_prefund = Account.from_key("0x" + "33" * 32).address
    with open_embedded_chain(tmp_path, prefund=[late_prefund]) as chain:
        w3 = chain.w3
        assert w3.eth.chain_id == 1337
        assert w3.eth.get_block("latest")["hash"] == head["hash"]
        assert w3.eth.block_number == head["number"] == 5
        assert w3.eth.get_balance(RECIPIENT) == 5 * 1_000
        assert w3.eth.get_balance(SENDER.address) == sender_balance < PREFUND_WEI
        assert w3.eth.get_balance(late_prefund) == 0  # prefund applies at genesis only
        for tx_hash, before in zip(tx_hashes, receipts):
            after = w3.eth.get_transaction_receipt(tx_hash)
            assert (after["status"], after["blockHash"]) == (1, before["blockHash"])
        assert w3.eth.get_transaction_receipt(transfer(w3))["blockNumber"] == 6


def test_closed_chain_refuses_requests(tmp_path: Path) -> None:
    chain = open_embedded_chain(tmp_path, create=True)
    chain.close()
    chain.close()  # idempotent
    with pytest.raises(ChainError, match="closed"):
        chain.w3.eth.block_number


def test_second_open_of_a_directory_is_refused(chain: EmbeddedChain, tmp_path: Path) -> None:
    with pytest.raises(ChainLockedError, match=f"{tmp_path} is held by process {os.getpid()}") as refused:
        open_embedded_chain(tmp_path, lock_timeout=0)
    assert isinstance(refused.value, ChainError)
    chain.close()
    with open_embedded_chain(tmp_path) as reopened:  # released on close
        assert reopened.w3.eth.block_number == 0


def test_reopen_with_another_chain_id_is_refused(chain: EmbeddedChain, tmp_path: Path) -> None:
    chain.close()
    with pytest.raises(ChainError, match="chain id 1337"):
        open_embedded_chain(tmp_path, chain_id=5)
    with open_embedded_chain(tmp_path) as reopened:  # the failed open released the lock
        assert reopened.w3.eth.chain_id == 1337


def test_in_memory_chains_are_independent() -> None:
    with open_embedded_chain(None, prefund=[SENDER.address], chain_id=31337) as first:
        with open_embedded_chain(None) as second:
            receipt = first.w3.eth.get_transaction_receipt(transfer(first.w3))
            assert first.data_dir is None
            assert (receipt["status"], first.w3.eth.chain_id) == (1, 31337)
            assert second.w3.eth.block_number == 0
            assert second.w3.eth.get_balance(SENDER.address) == 0


def test_web3_filled_dynamic_fees_are_accepted(chain: EmbeddedChain) -> None:
    w3 = chain.w3
    for _ in range(30):  # let the base fee fall well below its genesis value
        transfer(w3)
    # The SDK's path: web3 builds the transaction (chain id, gas, EIP-1559 fees), eth-account signs.
    deploy = w3.eth.contract(abi=[], bytecode="0x00").constructor()
    params = {
        "from": SENDER.address,
        "chainId": w3.eth.chain_id,
        "nonce": w3.eth.get_transaction_count(SENDER.address, "pending"),
    }
    signed = SENDER.sign_transaction(deploy.build_transaction(params))
    receipt = w3.eth.get_transaction_receipt(w3.eth.send_raw_transaction(signed.raw_transaction))
    assert receipt["status"] == 1
    assert receipt["type"] == 2
    assert receipt["contractAddress"] is not None
    assert receipt["effectiveGasPrice"] >= w3.eth.get_block("latest")["baseFeePerGas"]


def test_failed_commit_leaves_the_previous_head(chain: EmbeddedChain, tmp_path: Path) -> None:
    w3 = chain.w3
    transfer(w3)
    head = w3.eth.get_block("latest")
    recorded = read_head(tmp_path)
    db = chain._db
    real_commit = db.commit

    def failing_commit() -> None:
        raise sqlite3.OperationalError("disk I/O error")

    db.commit = failing_commit  # type: ignore[method-assign]
    with pytest.raises(sqlite3.OperationalError):
        transfer(w3, value=5)
    db.commit = real_commit  # type: ignore[method-assign]

    assert w3.eth.get_block("latest")["hash"] == head["hash"]
    assert read_head(tmp_path) == recorded == (1, head["hash"].to_0x_hex())  # committed with its block
    assert w3.eth.get_balance(RECIPIENT) == 1_000
    assert w3.eth.get_transaction_receipt(transfer(w3, value=5))["blockNumber"] == 2


def test_receipt_lookup_reads_one_block(chain: EmbeddedChain) -> None:
    w3 = chain.w3
    first = transfer(w3)
    for _ in range(40):
        transfer(w3)
    backend = w3.provider.ethereum_tester.backend  # type: ignore[attr-defined]
    real_read = backend.chain.get_canonical_block_by_number
    reads: list[int] = []

    def counting_read(number: int) -> object:
        reads.append(number)
        return real_read(number)

    backend.chain.get_canonical_block_by_number = counting_read
    assert w3.eth.get_transaction_receipt(first)["blockNumber"] == 1
    assert reads == [1]  # a backwards scan from the head would read 40 blocks


def test_reverted_transaction_is_not_found_after_its_slot_is_reused(
    chain: EmbeddedChain,
) -> None:
    w3 = chain.w3
    tester = w3.provider.ethereum_tester  # type: ignore[attr-defined]
    transfer(w3)
    snapshot = tester.take_snapshot()
    reverted = transfer(w3, value=1)
    tester.revert_to_snapshot(snapshot)
    replacement = transfer(w3, value=2)  # same nonce, same block number, same index

    assert w3.eth.get_transaction(replacement)["value"] == 2
    with pytest.raises(TransactionNotFound):
        w3.eth.get_transaction(reverted)


def test_a_failing_transaction_is_refused_before_it_enters_a_block(chain: EmbeddedChain) -> None:
    """One execution checks and mines: a revert raises with its data, and nothing is mined or spent."""
    w3 = chain.w3
    # Runtime code that always reverts with the 4 bytes 0xdeadbeef: PUSH4 deadbeef PUSH1 0 MSTORE
    # PUSH1 4 PUSH1 28 REVERT; deployed by init code that returns it (PUSH13 code, MSTORE, RETURN).
    runtime = bytes.fromhex("63deadbeef6000526004601cfd")
    init = bytes.fromhex(f"6c{runtime.hex()}600052600d6013f3")
    signed = SENDER.sign_transaction({"type": 2, "chainId": 1337, "nonce": 0, "data": init, "gas": 100_000,
                                      "maxFeePerGas": 2 * 10**9, "maxPriorityFeePerGas": 10**9})
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(signed.raw_transaction))
    assert w3.eth.get_code(receipt["contractAddress"]) == runtime
    head, balance = w3.eth.block_number, w3.eth.get_balance(SENDER.address)
    failing = SENDER.sign_transaction({"type": 2, "chainId": 1337, "nonce": 1, "to": receipt["contractAddress"],
                                       "gas": 100_000, "maxFeePerGas": 2 * 10**9, "maxPriorityFeePerGas": 10**9})
    with pytest.raises(Exception) as refused:
        w3.eth.send_raw_transaction(failing.raw_transaction)
    from govledger._utils.reverts import revert_data

    assert revert_data(refused.value) == bytes.fromhex("deadbeef")
    assert (w3.eth.block_number, w3.eth.get_balance(SENDER.address)) == (head, balance)
    assert w3.eth.get_transaction_count(SENDER.address) == 1
    with pytest.raises(TransactionNotFound):
        w3.eth.get_transaction(failing.hash)
    transfer(w3)  # nonce 1 is still free, and the pending block is clean
    assert w3.eth.block_number == head + 1
