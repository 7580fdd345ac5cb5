"""kill -9 during a stream of transfers loses no acknowledged transaction."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from eth_account import Account

from govledger.chain import ChainLockedError, open_embedded_chain

SENDER_KEY = "0x" + "44" * 32
SENDER = Account.from_key(SENDER_KEY)
RECIPIENT = Account.from_key("0x" + "55" * 32).address
VALUE = 1_000

# Prints a transaction hash only once its receipt has been returned, i.e. acknowledged.
STREAMER = f"""
import sys
from pathlib import Path
from eth_account import Account
from govledger.chain import open_embedded_chain

sender = Account.from_key({SENDER_KEY!r})
chain = open_embedded_chain(Path(sys.argv[1]), prefund=[sender.address], create=True)
w3 = chain.w3
nonce = w3.eth.get_transaction_count(sender.address)
print("ready", flush=True)
while True:
    signed = sender.sign_transaction({{
        "type": 2, "chainId": 1337, "nonce": nonce, "to": {RECIPIENT!r}, "value": {VALUE},
        "gas": 21000, "maxFeePerGas": 2 * 10**9, "maxPriorityFeePerGas": 10**9,
    }})
    tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    assert w3.eth.get_transaction_receipt(tx_hash)["status"] == 1
    print(tx_hash.to_0x_hex(), flush=True)
    nonce += 1
"""


def stream_then_kill(data_dir: Path, delay: float) -> list[str]:
    """Run the streamer, SIGKILL it ``delay`` s after it is ready; the hashes it acknowledged."""
    child = subprocess.Popen(
        [sys.executable, "-c", STREAMER, str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        ready = child.stdout.readline()
        assert ready == "ready\n", child.stderr.read() if child.stderr else ready
        # While the child holds the directory, nobody else may open it.
        with pytest.raises(ChainLockedError, match=f"process {child.pid}"):
            open_embedded_chain(data_dir, lock_timeout=0)
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    # A line cut by the kill has no newline and was never acknowledged.
    return [line for line in out.splitlines(keepends=True) if line.endswith("\n")]


@pytest.mark.slow
def test_kill_9_loses_no_acknowledged_transaction(tmp_path: Path) -> None:
    rng = random.Random()
    windows = ((0.02, 0.15), (0.15, 0.4), (0.4, 0.8), (0.8, 1.2), (1.2, 1.6))
    delays = [rng.uniform(low, high) for low, high in windows]
    acknowledged_total = 0
    for trial, delay in enumerate(delays):
        acknowledged = [line.strip() for line in stream_then_kill(tmp_path, delay)]
        acknowledged_total += len(acknowledged)
        context = f"trial {trial}, killed {delay:.3f}s after start"

        with open_embedded_chain(tmp_path) as chain:
            w3 = chain.w3
            for tx_hash in acknowledged:
                assert w3.eth.get_transaction_receipt(tx_hash)["status"] == 1, context
            # Consistent head: one transfer per block, state agrees with the blocks.
            head = w3.eth.get_block("latest")
            sent = w3.eth.get_transaction_count(SENDER.address)
            assert head["number"] == sent >= acknowledged_total, context
            assert w3.eth.get_balance(RECIPIENT) == VALUE * sent, context
            # And it still mines on top of that head.
            signed = SENDER.sign_transaction(
                {
                    "type": 2,
                    "chainId": 1337,
                    "nonce": sent,
                    "to": RECIPIENT,
                    "value": VALUE,
                    "gas": 21_000,
                    "maxFeePerGas": 2 * 10**9,
                    "maxPriorityFeePerGas": 10**9,
                }
            )
            receipt = w3.eth.get_transaction_receipt(
                w3.eth.send_raw_transaction(signed.raw_transaction)
            )
            assert (receipt["status"], receipt["blockNumber"]) == (1, head["number"] + 1), context
        acknowledged_total += 1  # the transfer mined by this check
    assert acknowledged_total > len(delays), "the streamer never got a transfer acknowledged"
