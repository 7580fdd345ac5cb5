"""The chain head in the `meta` table: committed with each block, readable without web3 or py-evm."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from eth_account import Account

from govledger.chain import EmbeddedChain, open_embedded_chain, read_genesis_hash, read_head

from test_embedded_chain import SENDER, transfer

NO_ETHEREUM_IMPORTS = """
import sys
from govledger.chain.head import read_head, read_genesis_hash
print(tuple(read_head(sys.argv[1])), read_genesis_hash(sys.argv[1]))
print(sorted(m for m in ("web3", "eth", "eth_tester") if m in sys.modules))
"""


def hex_hash(block: dict) -> str:  # type: ignore[type-arg]
    return "0x" + bytes(block["hash"]).hex()


@pytest.fixture
def chain(tmp_path: Path):  # type: ignore[no-untyped-def]
    with open_embedded_chain(tmp_path, prefund=[SENDER.address], create=True) as opened:
        yield opened


def test_head_follows_every_block(chain: EmbeddedChain, tmp_path: Path) -> None:
    w3 = chain.w3
    genesis = hex_hash(w3.eth.get_block(0))
    assert read_head(tmp_path) == (0, genesis)
    for expected in (1, 2, 3):
        transfer(w3)
        assert read_head(tmp_path) == (expected, hex_hash(w3.eth.get_block("latest")))
    assert read_genesis_hash(tmp_path) == genesis


def test_head_is_read_without_ethereum_libraries(chain: EmbeddedChain, tmp_path: Path) -> None:
    transfer(chain.w3)
    latest = chain.w3.eth.get_block("latest")
    done = subprocess.run([sys.executable, "-c", NO_ETHEREUM_IMPORTS, str(tmp_path)],
                          capture_output=True, text=True, check=True)
    head, imported = done.stdout.splitlines()
    assert head == f"(1, '{hex_hash(latest)}') {hex_hash(chain.w3.eth.get_block(0))}"
    assert imported == "[]"


def test_a_chain_from_before_head_tracking_gets_its_head_recorded_by_a_writer(tmp_path: Path) -> None:
    with open_embedded_chain(tmp_path, prefund=[SENDER.address], create=True) as chain:
        transfer(chain.w3)
        latest = hex_hash(chain.w3.eth.get_block("latest"))
    with sqlite3.connect(tmp_path / "chain.sqlite") as conn:
        conn.execute("DELETE FROM meta WHERE name IN ('head_number', 'head_hash', 'genesis_hash')")
    assert read_head(tmp_path) is None and read_genesis_hash(tmp_path) is None
    with open_embedded_chain(tmp_path, read_only=True):
        assert read_head(tmp_path) is None  # a reader writes nothing
    with open_embedded_chain(tmp_path):
        assert read_head(tmp_path) == (1, latest)


def test_no_chain_no_head(tmp_path: Path) -> None:
    assert read_head(tmp_path / "missing") is None
    (tmp_path / "chain.sqlite").write_bytes(b"")
    assert read_head(tmp_path) is None and read_genesis_hash(tmp_path) is None


def test_chains_created_in_the_same_second_have_different_genesis_blocks(tmp_path: Path) -> None:
    prefund = [Account.from_key("0x" + "77" * 32).address]
    for name in ("a", "b"):
        with open_embedded_chain(tmp_path / name, prefund=prefund, create=True):
            pass
    assert read_genesis_hash(tmp_path / "a") != read_genesis_hash(tmp_path / "b")
