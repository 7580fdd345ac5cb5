"""Replaying a signed EIP-712 acceptance (e) and front-running an amendment (f)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from conftest import make_spec
from govledger import errors
from govledger.ledger import Ledger
from govledger.types import ContractStatus, MilestoneChange, Sen

from . import ACCOUNTS, HASH_A, HASH_B, deploy_suite, refused

RELAYER = ACCOUNTS["auditor"]


def _deadline(ledger: Ledger) -> int:
    return ledger.w3.eth.get_block("latest")["timestamp"] + 3600


# --- (e) replay of a signed acceptance --------------------------------------------------------------

def test_acceptSigned_replayedOnTheSameContractAfterAcceptance_isRefused(
        ledger: Ledger, official: Any, contractor: Any) -> None:
    spec = make_spec("ocds-attack-replay-same")
    ledger.register(official, spec)
    deadline = _deadline(ledger)
    signature = ledger.sign_acceptance(contractor, spec.ocid, deadline)
    ledger.accept_signed(RELAYER, spec.ocid, deadline, signature)
    refused(ledger, errors.WrongContractStatus, lambda: ledger.accept_signed(RELAYER, spec.ocid, deadline, signature),
            ocids=[spec.ocid], current=int(ContractStatus.ACTIVE), required=int(ContractStatus.PENDING))


def test_acceptSigned_replayedOnAnotherContractWithTheSameDeadlineAndDocument_isRefused(
        ledger: Ledger, official: Any, contractor: Any) -> None:
    signed, other = make_spec("ocds-attack-replay-a"), make_spec("ocds-attack-replay-b")
    assert signed.document_hash == other.document_hash and signed.contractor == other.contractor
    for spec in (signed, other):
        ledger.register(official, spec)
    deadline = _deadline(ledger)
    signature = ledger.sign_acceptance(contractor, signed.ocid, deadline)
    error = refused(ledger, errors.InvalidAcceptanceSignature,
                    lambda: ledger.accept_signed(RELAYER, other.ocid, deadline, signature),
                    ocids=[signed.ocid, other.ocid], contractor=contractor.address)
    assert error.arguments["signer"].lower() != contractor.address.lower()  # type: ignore[attr-defined]
    assert ledger.contract(signed.ocid).status is ContractStatus.PENDING
    ledger.accept_signed(RELAYER, signed.ocid, deadline, signature)  # the signature is good where it belongs
    assert ledger.contract(signed.ocid).status is ContractStatus.ACTIVE


def test_acceptSigned_replayedOnAnotherDeployment_isRefused(ledger: Ledger, official: Any, contractor: Any) -> None:
    """A second registry holds a contract with the same ocid, contractor, document and deadline: the
    EIP-712 domain (verifyingContract) keeps a signature for one deployment out of the other."""
    second = deploy_suite(ledger)
    spec = make_spec("ocds-attack-replay-deploy")
    ledger.register(official, spec)
    second.register(official, spec)
    deadline = _deadline(ledger)
    signature = ledger.sign_acceptance(contractor, spec.ocid, deadline)
    refused(second, errors.InvalidAcceptanceSignature,
            lambda: second.accept_signed(RELAYER, spec.ocid, deadline, signature),
            ocids=[spec.ocid], contractor=contractor.address)
    assert second.contract(spec.ocid).status is ContractStatus.PENDING
    ledger.accept_signed(RELAYER, spec.ocid, deadline, signature)
    assert ledger.contract(spec.ocid).status is ContractStatus.ACTIVE
    assert second.contract(spec.ocid).status is ContractStatus.PENDING


def test_acceptSigned_afterItsDeadline_isRefused(ledger: Ledger, official: Any, contractor: Any) -> None:
    spec = make_spec("ocds-attack-replay-late")
    ledger.register(official, spec)
    deadline = ledger.w3.eth.get_block("latest")["timestamp"] - 1
    signature = ledger.sign_acceptance(contractor, spec.ocid, deadline)
    refused(ledger, errors.AcceptanceExpired, lambda: ledger.accept_signed(RELAYER, spec.ocid, deadline, signature),
            ocids=[spec.ocid], deadline=deadline)


# --- (f) front-running an amendment -----------------------------------------------------------------

def test_consent_afterProposerReplacedTheProposal_failsWithMismatchAndChangesNothing(
        ledger: Ledger, official: Any, contractor: Any, active_contract: str) -> None:
    first = (Sen(1_020_000_00), HASH_A)
    swapped = (Sen(1_100_000_00), HASH_B)  # the proposer front-runs the consent with a dearer deal
    ledger.propose_amendment(official, active_contract, *first)
    ledger.propose_amendment(official, active_contract, *swapped)
    pending = ledger.registry.functions.pendingAmendment(ledger._id(active_contract)).call()
    error = refused(ledger, errors.AmendmentMismatch,
                    lambda: ledger.consent_amendment(contractor, active_contract, *first),
                    ocids=[active_contract], expected=pending)
    assert error.arguments["given"] != pending  # type: ignore[attr-defined]
    c = ledger.contract(active_contract)
    assert (c.value, c.amendment_count) == (1_000_000_00, 0)


def test_consent_withSwappedMilestoneChanges_orByTheProposer_orAStranger_isRefused(
        ledger: Ledger, official: Any, contractor: Any, active_contract: str) -> None:
    inspectors = tuple(ACCOUNTS[f"inspector{i}"].address for i in (1, 2))
    agreed = [MilestoneChange(1, Sen(600_000_00), make_spec().milestones[1].due, inspectors, 2)]
    swapped = [replace(agreed[0], required_approvals=1)]  # one inspector instead of two
    ledger.propose_amendment(contractor, active_contract, Sen(1_000_000_00), HASH_A, swapped)
    refused(ledger, errors.AmendmentMismatch,
            lambda: ledger.consent_amendment(official, active_contract, Sen(1_000_000_00), HASH_A, agreed),
            ocids=[active_contract])
    refused(ledger, errors.AmendmentMismatch,  # the proposer cannot consent to its own proposal
            lambda: ledger.consent_amendment(contractor, active_contract, Sen(1_000_000_00), HASH_A, swapped),
            ocids=[active_contract])
    stranger = ACCOUNTS["auditor"]
    refused(ledger, errors.NotAParty,
            lambda: ledger.consent_amendment(stranger, active_contract, Sen(1_000_000_00), HASH_A, swapped),
            ocids=[active_contract], account=stranger.address)
    assert ledger.milestones(active_contract)[1].required_approvals == 2
