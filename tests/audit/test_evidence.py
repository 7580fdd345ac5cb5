"""Evidence bundles: built from the chain, verified against it, and any edit caught with the first mismatch."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from govledger.audit import EvidenceError, build_bundle, verify_bundle
from govledger.errors import NotFoundError
from govledger.errors import GovLedgerError

from .conftest import PAID, Scenario


@pytest.fixture(scope="module")
def bundle(scenario: Scenario) -> dict[str, Any]:
    return build_bundle(scenario.ledger.w3, scenario.ledger.deployment, PAID)


def test_bundle_holdsEventsReceiptsHeadersHashesAndDeployment(scenario: Scenario, bundle: dict[str, Any]) -> None:
    ledger = scenario.ledger
    assert bundle["ocid"] == PAID and bundle["chain_id"] == ledger.w3.eth.chain_id
    assert bundle["deployment"]["addresses"] == ledger.deployment.addresses
    events = [e["event"] for e in bundle["events"]]
    assert events[:3] == ["ContractRegistered", "InspectorsAssigned", "MilestoneRegistered"]
    assert events.count("PaymentReleased") == 2 and events.count("MilestoneApproved") == 4
    assert set(bundle["receipts"]) == {e["tx_hash"] for e in bundle["events"]}
    header = next(iter(bundle["blocks"].values()))
    assert set(header) == {"number", "hash", "parentHash", "timestamp", "stateRoot", "receiptsRoot", "transactionsRoot"}
    kinds = [(h["event"], h["hash"]) for h in bundle["hashes"]]
    assert kinds[0] == ("ContractRegistered", "0x" + "11" * 32)  # the document hash
    assert ("MilestoneSubmitted", "0x" + "06" * 32) in kinds and ("MilestoneRejected", "0x" + "05" * 32) in kinds
    assert verify_bundle(ledger.w3, bundle, ledger.deployment) == {
        "blocks": len(bundle["blocks"]), "receipts": len(bundle["receipts"]), "events": len(events),
        "hashes": len(kinds), "from_block": ledger.deployment.deploy_block, "to_block": bundle["head_block"]}


def _edit(bundle: dict[str, Any], how: str) -> dict[str, Any]:
    b = copy.deepcopy(bundle)
    if how == "event-arg":
        next(e for e in b["events"] if e["event"] == "PaymentReleased")["args"]["net"] = "1"
    elif how == "state-root":
        next(iter(b["blocks"].values()))["stateRoot"] = "0x" + "00" * 32
    elif how == "receipt-log":
        next(iter(b["receipts"].values()))["logs"][0]["data"] = "0x00"
    elif how == "hash":
        b["hashes"][0]["hash"] = "0x" + "22" * 32
    elif how == "ocid":
        b["ocid"] = "ocds-aud001-other"
    return b


@pytest.mark.parametrize(("how", "message"), [
    ("event-arg", "PaymentReleased (tx 0x"), ("state-root", "stateRoot: bundle 0x" + "00" * 32),
    ("receipt-log", "logs: bundle"), ("hash", "hashes[0] does not match"), ("ocid", "is not keccak256 of ocid"),
])
def test_verify_editedBundle_failsAtTheFirstMismatch(scenario: Scenario, bundle: dict[str, Any], how: str,
                                                     message: str) -> None:
    with pytest.raises(EvidenceError, match=None) as failure:
        verify_bundle(scenario.ledger.w3, _edit(bundle, how), scenario.ledger.deployment)
    assert message in str(failure.value)


def test_build_unknownOcid_fails(scenario: Scenario) -> None:
    with pytest.raises(NotFoundError, match="no contract ocds-nope is registered"):
        build_bundle(scenario.ledger.w3, scenario.ledger.deployment, "ocds-nope")


def _problems(scenario: Scenario, bundle: dict[str, Any]) -> list[str]:
    with pytest.raises(EvidenceError) as failure:
        verify_bundle(scenario.ledger.w3, bundle, scenario.ledger.deployment)
    assert isinstance(failure.value, GovLedgerError)
    return failure.value.problems


def test_verify_oneEventRemoved_namesItAsMissing(scenario: Scenario, bundle: dict[str, Any]) -> None:
    b = copy.deepcopy(bundle)
    gone = next(e for e in b["events"] if e["event"] == "MilestoneRejected")
    b["events"].remove(gone)
    b["hashes"] = [h for h in b["hashes"] if h["event"] != "MilestoneRejected"]
    assert sorted(_problems(scenario, b)) == [
        f"extra: receipt {gone['tx_hash']} holds none of the bundle's events",  # the rejection was all it held
        (f"missing: MilestoneRejected (tx {gone['tx_hash']}, block {gone['block_number']}, log {gone['log_index']}) "
         "is a log of this contract on the chain but not in the bundle")]


def test_verify_wholeTransactionRemoved_namesEachOfItsEventsAsMissing(scenario: Scenario,
                                                                      bundle: dict[str, Any]) -> None:
    b = copy.deepcopy(bundle)
    release = next(e for e in b["events"] if e["event"] == "PaymentReleased")
    tx = release["tx_hash"]
    removed = [e for e in b["events"] if e["tx_hash"] == tx]
    b["events"] = [e for e in b["events"] if e["tx_hash"] != tx]
    del b["receipts"][tx]
    del b["blocks"][str(release["block_number"])]
    b["hashes"] = [h for h in b["hashes"] if h["tx_hash"] != tx]
    problems = _problems(scenario, b)
    assert len(problems) == len(removed) >= 3  # the approval, the verification and the payment
    assert all(p.startswith("missing: ") and f"tx {tx}" in p for p in problems)
    assert {p.split()[1] for p in problems} == {e["event"] for e in removed}


def test_verify_eventAddedAndFieldEdited_areNamedToo(scenario: Scenario, bundle: dict[str, Any]) -> None:
    b = copy.deepcopy(bundle)
    b["events"].append({**b["events"][0], "log_index": 77})
    funded = next(e for e in b["events"] if e["event"] == "EscrowFunded")
    funded["args"]["amount"] = "1"
    problems = _problems(scenario, b)
    assert any(p.startswith("extra: event ContractRegistered") and "log 77" in p for p in problems)
    assert any(p.startswith(f"event EscrowFunded (tx {funded['tx_hash']}") and "altered" in p and '"1"' not in p
               and "'amount': '1'" in p for p in problems)


@pytest.mark.parametrize(("bundle_value", "message"), [
    ([], "a JSON object was expected, not list"),
    ({"format": "govledger-evidence/1"}, "malformed bundle: 'ocid' should be a str"),
])
def test_verify_malformedBundle_failsWithOneClearLine(scenario: Scenario, bundle_value: Any, message: str) -> None:
    with pytest.raises(EvidenceError, match=message):
        verify_bundle(scenario.ledger.w3, bundle_value, scenario.ledger.deployment)
