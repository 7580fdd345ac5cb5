"""Chains for the tests: the embedded one, or a real anvil node (GOVLEDGER_TEST_CHAIN=anvil).

`ChainControl` hides what differs between them for tests: snapshots and moving the clock.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from web3 import Web3

ROOT = Path(__file__).resolve().parents[1]
NETWORK = os.environ.get("GOVLEDGER_TEST_CHAIN", "embedded")


def anvil_binary() -> Path:
    """The anvil binary shipped by npm @foundry-rs/anvil for this platform."""
    for candidate in sorted(ROOT.glob("node_modules/@foundry-rs/anvil-*/bin/anvil")):
        if subprocess.run([candidate, "--version"], capture_output=True).returncode == 0:
            return candidate
    raise RuntimeError("no runnable anvil binary under node_modules: run `npm install`")


@contextmanager
def running_anvil(*options: str) -> Iterator[str]:
    """A real anvil node on a free local port (with anvil `options`), stopped afterwards; yields its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    node = subprocess.Popen([anvil_binary(), "--port", str(port), "--silent", *options], stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while not Web3(Web3.HTTPProvider(url)).is_connected():
            if time.monotonic() > deadline:
                raise RuntimeError("anvil did not start within 20 s")
            time.sleep(0.1)
        yield url
    finally:
        node.terminate()
        node.wait(timeout=10)


def fund_accounts(w3: Web3, addresses: list[str], wei: int = 10**20) -> None:
    """Development nodes only: gas money from the node's first unlocked account."""
    for address in addresses:
        w3.eth.wait_for_transaction_receipt(
            w3.eth.send_transaction({"from": w3.eth.accounts[0], "to": address, "value": wei}))


class ChainControl:
    """Snapshots and clock moves, on eth-tester or over JSON-RPC (anvil's evm_* methods)."""

    def __init__(self, w3: Web3) -> None:
        self.w3 = w3
        self._tester = getattr(w3.provider, "ethereum_tester", None)

    def snapshot(self) -> object:
        if self._tester is not None:
            return self._tester.take_snapshot()
        return self.w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]

    def revert(self, snapshot: object) -> None:
        if self._tester is not None:
            self._tester.revert_to_snapshot(snapshot)
        else:
            assert self.w3.provider.make_request("evm_revert", [snapshot])["result"]  # type: ignore[arg-type]

    def time_travel(self, timestamp: int) -> None:
        """Mine a block at `timestamp` (later than the latest block)."""
        if self._tester is not None:
            self._tester.time_travel(timestamp)
        else:
            self.w3.provider.make_request("evm_mine", [timestamp])  # type: ignore[arg-type]
