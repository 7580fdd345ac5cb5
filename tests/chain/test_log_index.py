"""The embedded chain's log index returns exactly what eth-tester's scan of the receipts returns: for any
filter, after a reverted snapshot (a reorg), after a restart, and for a chain file written before it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govledger.accounts import demo_accounts
from govledger.chain.log_filter import _from_index, indexed_get_logs
from govledger.chain.log_index import INDEX_HASH, INDEX_NUMBER
from govledger.ledger import Ledger
from govledger.pilot import setup_roles

ACCOUNTS = demo_accounts()


def token_traffic(ledger: Ledger, rounds: int, amount: int) -> None:
    """Transfers and approvals between demo accounts: logs of two kinds with varied indexed topics."""
    official = ACCOUNTS["official"]
    for n in range(rounds):
        to = ACCOUNTS[("contractor", "inspector1", "auditor")[n % 3]].address
        ledger._send(official, ledger.token.functions.transfer(to, amount + n))
        ledger._send(official, ledger.token.functions.approve(to, amount * n))


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A chain with the suite deployed, token traffic, a reverted snapshot and another branch after it."""
    path = tmp_path_factory.mktemp("log-index")
    with Ledger.open(path, create=True) as ledger:
        ledger.deploy(ACCOUNTS["admin"], ACCOUNTS["treasury"].address)
        setup_roles(ledger)
        token_traffic(ledger, 3, 1_000)
        tester = ledger.w3.provider.ethereum_tester
        snapshot = tester.take_snapshot()
        token_traffic(ledger, 3, 7_000)  # the branch that the revert leaves
        tester.revert_to_snapshot(snapshot)
        token_traffic(ledger, 2, 9_000)
    return path


@pytest.fixture
def ledger(data_dir: Path) -> Iterator[Ledger]:
    with Ledger.open(data_dir) as opened:  # a restart: every test reopens the file
        yield opened


def both(tester: Any, params: dict[str, Any]) -> tuple[Any, Any]:
    """(scan, index) answers to `params`, or the type of what each raised."""
    answers = []
    for ask in (lambda: tester.get_logs(**params), lambda: indexed_get_logs(tester, [params])):
        try:
            answers.append(ask())
        except Exception as exc:  # noqa: BLE001  (a refused filter must be refused by both alike)
            answers.append(type(exc))
    return answers[0], answers[1]


def test_the_index_answers_a_range_of_mined_blocks_itself(ledger: Ledger) -> None:
    tester = ledger.w3.provider.ethereum_tester
    answer = _from_index(tester, {"from_block": 0, "to_block": "latest"})
    assert answer is not None and len(answer) > 20
    assert answer == tester.get_logs(from_block=0, to_block="latest")
    assert 7_000 not in [int(log["data"][:66], 16) for log in answer if len(log["data"]) >= 66]  # nothing of the reverted branch


def test_web3_get_logs_goes_through_the_index(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_scan(**_: Any) -> None:
        raise AssertionError("eth-tester scanned the receipts")

    monkeypatch.setattr(ledger.w3.provider.ethereum_tester, "get_logs", no_scan)
    logs = ledger.token.events.Transfer.get_logs(from_block=0)
    assert [log["args"]["value"] for log in logs if 1_000 <= log["args"]["value"] < 10_000] == [1_000, 1_001, 1_002, 9_000, 9_001]


def test_a_chain_file_without_the_index_is_indexed_when_opened(tmp_path: Path, data_dir: Path) -> None:
    import shutil
    import sqlite3

    copy = tmp_path / "old"
    shutil.copytree(data_dir, copy, ignore=shutil.ignore_patterns("chain.lock"))
    db = sqlite3.connect(copy / "chain.sqlite")
    with db:  # as a chain written before the index: no rows, no record of how far it got
        db.execute("DELETE FROM logs")
        db.execute("DELETE FROM log_blocks")
        db.execute("DELETE FROM meta WHERE name IN (?, ?)", (INDEX_NUMBER, INDEX_HASH))
    db.close()
    with Ledger.open(copy) as reopened:
        tester = reopened.w3.provider.ethereum_tester
        answer = _from_index(tester, {"from_block": 0})
        assert answer is not None and answer == tester.get_logs(from_block=0)
        assert len(_from_index(tester, {"from_block": 0, "to_block": "latest"}) or ()) > 20


def test_an_index_behind_the_head_is_not_used(ledger: Ledger) -> None:
    tester = ledger.w3.provider.ethereum_tester
    ledger.w3.provider.ethereum_tester.backend._db.set_meta(INDEX_NUMBER, "1")  # uncommitted, rolled back on close
    assert _from_index(tester, {"from_block": 0}) is None
    assert indexed_get_logs(tester, [{"from_block": 0}]) == tester.get_logs(from_block=0)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_filter_gives_what_the_scan_gives(ledger: Ledger, data: st.DataObject) -> None:
    tester = ledger.w3.provider.ethereum_tester
    head = ledger.w3.eth.block_number
    every = tester.get_logs(from_block=0)
    addresses = sorted({log["address"] for log in every}) + [ACCOUNTS["admin"].address]
    topics = sorted({t for log in every for t in log["topics"]}) + ["0x" + "ab" * 32]
    block = st.one_of(st.none(), st.just("latest"), st.integers(0, head + 2))
    topic = st.one_of(st.none(), st.sampled_from(topics))
    params = data.draw(st.fixed_dictionaries({}, optional={
        "from_block": block, "to_block": block,
        "address": st.one_of(st.sampled_from(addresses), st.lists(st.sampled_from(addresses), max_size=3)),
        "topics": st.lists(st.one_of(topic, st.lists(topic, min_size=1, max_size=3)), max_size=5),
    }))
    scan, index = both(tester, params)
    assert index == scan, params


def test_the_indexer_reads_the_same_logs_with_or_without_the_index(ledger: Ledger) -> None:
    reads = ledger.w3.provider.indexer_reads
    head = ledger.w3.eth.block_number
    addresses = [ledger.token.address, ledger.registry.address]
    indexed = reads.logs(0, head, addresses)
    ledger.w3.provider.ethereum_tester.backend._db.set_meta(INDEX_NUMBER, "1")  # uncommitted: the index is behind
    scanned = reads.logs(0, head, addresses)
    keys = ("blockNumber", "logIndex", "transactionIndex", "address")
    assert len(indexed) == len(scanned) > 10
    for a, b in zip(indexed, scanned):
        assert [a[k] for k in keys] == [b[k] for k in keys]
        assert ["0x" + bytes(t).hex() for t in a["topics"]] == [str(t) for t in b["topics"]]
        assert "0x" + a["blockHash"].hex() == b["blockHash"] and "0x" + a["data"].hex() == b["data"]
    assert reads.header(head + 1) is None and reads.header(head).number == head
