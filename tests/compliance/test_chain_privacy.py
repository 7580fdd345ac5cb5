"""Nothing personal on chain: every log and every transaction's input of the pilot and of the scenario (a
person signed in, was notified, asked the support desk, uploaded a document, was referenced by their NIK)
is searched for each personal field, plain or hashed; the NIK is on chain only as its salted commitment."""

from __future__ import annotations

from pathlib import Path

from govledger.app import App
from govledger.identity.devprovider import DEMO_PEOPLE
from govledger.signers import DemoSigner

from .conftest import Scenario, plain_hash


def _chain_bytes(data_dir: Path) -> bytes:
    """Every log's topics and data and every transaction's input, concatenated."""
    with App.open(data_dir, signer=DemoSigner()) as app:
        eth = app.ledger.w3.eth
        logs, calls = [], []
        for log in eth.get_logs({"fromBlock": 0, "toBlock": "latest"}):
            logs += [bytes(t) for t in log["topics"]] + [bytes(log["data"])]
        for number in range(eth.block_number + 1):
            for tx in eth.get_block(number, full_transactions=True)["transactions"]:
                calls.append(bytes(tx.get("input", tx.get("data", b""))))  # eth-tester names it data
    assert sum(map(len, logs)) > 5_000 and sum(map(len, calls)) > 20_000  # the scan reads both
    return b"\x00".join(logs + calls)


def test_pilotChain_namesNoDemoPerson(pilot_dir: Path) -> None:
    chain = _chain_bytes(pilot_dir)
    for person in DEMO_PEOPLE:
        for value in (person["sub"], person["name"]):
            assert value.encode() not in chain and plain_hash(value) not in chain, value


def test_scenarioChain_holdsNoPersonalField_andTheNikOnlyAsACommitment(scenario: Scenario) -> None:
    chain = _chain_bytes(scenario.data_dir)
    assert bytes.fromhex(scenario.nik_commitment[2:]) in chain  # the reference is there, salted
    nik_as_number = int(scenario.who.nik).to_bytes(32, "big")
    for field, value in scenario.who.fields().items():
        assert value not in chain, field
        assert plain_hash(value.decode()) not in chain, f"plain hash of the {field}"
    assert nik_as_number not in chain
