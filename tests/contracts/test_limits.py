"""Limits are named errors, never arithmetic overflows: the 8-bit counters of submissions per milestone,
amendments and disputes per contract stop at 255 with their own error (the 256th submission used to
revert with a Panic). Each limit is reached the long way, by real transactions (a fixed gas limit skips
eth-tester's estimation, which would run each call again)."""

from __future__ import annotations

from typing import Any

from eth_utils import keccak

from conftest import OCID
from govledger import errors
from govledger.ledger import Ledger

from . import ACCOUNTS, HASH_A, HASH_B, cid, refused

LIMIT = 255


def fast(ledger: Ledger, account: Any, call: Any) -> None:
    ledger._sender.send(account, call, gas=400_000)


def test_submit_failsWithANamedErrorAfter255Submissions(ledger: Ledger, active_contract: str, contractor) -> None:
    submit = ledger.verifier.functions.submit(cid(OCID), 0, HASH_A)
    reject = ledger.verifier.functions.reject(cid(OCID), 0, HASH_B)
    for _ in range(LIMIT):
        fast(ledger, contractor, submit)
        fast(ledger, ACCOUNTS["inspector1"], reject)
    assert ledger.milestones(OCID)[0].round == LIMIT
    refused(ledger, errors.SubmissionLimitReached, lambda: ledger.submit(contractor, OCID, 0, HASH_A), ocids=[OCID],
            arguments={"id": cid(OCID), "index": 0, "max": LIMIT}, mentions=[OCID, "255"])


def test_proposeAmendment_failsWithANamedErrorAfter255Amendments(ledger: Ledger, active_contract: str, official,
                                                                 contractor) -> None:
    value = ledger.contract(OCID).value
    for i in range(LIMIT):
        rationale = keccak(text=f"addendum {i}")
        fast(ledger, official, ledger.registry.functions.proposeAmendment(cid(OCID), value, rationale, []))
        fast(ledger, contractor, ledger.registry.functions.consentAmendment(cid(OCID), value, rationale, []))
    assert ledger.contract(OCID).amendment_count == LIMIT
    refused(ledger, errors.AmendmentLimitReached,
            lambda: ledger.propose_amendment(official, OCID, value, HASH_A), ocids=[OCID],
            arguments={"id": cid(OCID), "max": LIMIT}, mentions=[OCID, "255"])


def test_raiseDispute_failsWithANamedErrorAfter255Disputes(ledger: Ledger, active_contract: str, contractor) -> None:
    arbiter = ACCOUNTS["arbiter"]
    for i in range(LIMIT):
        fast(ledger, contractor, ledger.registry.functions.raiseDispute(cid(OCID), keccak(text=f"reason {i}")))
        fast(ledger, arbiter, ledger.registry.functions.resolveDispute(cid(OCID), HASH_B))
    assert ledger.contract(OCID).dispute_count == LIMIT
    refused(ledger, errors.DisputeLimitReached, lambda: ledger.raise_dispute(contractor, OCID, HASH_A), ocids=[OCID],
            arguments={"id": cid(OCID), "max": LIMIT}, mentions=[OCID, "255"])
