"""Acceptance binds every term: the contractor signs (or sends) the hash of the terms it was shown, and
the registry activates the contract only if it was registered with exactly those terms.

A contractor may sign before registration (EIP-712 Acceptance(contractId, termsHash, deadline)); an
official who then registers anything else (value, a milestone's amount, due date, k or inspectors,
the inspectors, category, advance, period, document, or under other policy parameters) cannot use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from conftest import OCID, YEAR, make_spec
from govledger import errors
from govledger.ledger import Ledger
from govledger.types import Category, ContractSpec, ContractStatus, MilestoneSpec, Parameters, Sen

from . import ACCOUNTS, cid, refused

I1, I2, I3 = (ACCOUNTS[f"inspector{i}"].address for i in (1, 2, 3))


def _milestone(spec: ContractSpec, index: int, **changes: object) -> ContractSpec:
    milestones = list(spec.milestones)
    milestones[index] = replace(milestones[index], **changes)
    return replace(spec, milestones=tuple(milestones))


# Each: how the registered terms differ from the signed ones (make_spec: value 1,000,000.00 in two
# milestones of 400,000.00 and 600,000.00, due YEAR-01-01 and YEAR-02-01, k = 2 of the three inspectors).
VARIATIONS: dict[str, Callable[[ContractSpec], ContractSpec]] = {
    "value": lambda s: _milestone(replace(s, value=Sen(1_100_000_00)), 1, amount=Sen(700_000_00)),
    "milestone amounts": lambda s: _milestone(_milestone(s, 0, amount=Sen(500_000_00)), 1, amount=Sen(500_000_00)),
    "due date already past": lambda s: _milestone(s, 0, due=date(2020, 1, 1)),
    "approvals required": lambda s: _milestone(s, 1, required_approvals=1),
    "inspector assignment": lambda s: _milestone(s, 0, inspectors=(I1, I2)),
    "inspectors": lambda s: replace(s, milestones=tuple(replace(m, inspectors=(I3, I2, I1)) for m in s.milestones)),
    "category": lambda s: replace(s, category=Category.SERVICES),
    "advance": lambda s: replace(s, advance_payment=Sen(300_000_00)),
    "start": lambda s: replace(s, start=date(YEAR, 1, 2)),
    "end": lambda s: replace(s, end=date(YEAR + 2, 1, 1)),
    "document": lambda s: replace(s, document_hash=b"\x12" * 32),
    "metadata": lambda s: replace(s, metadata_uri="ipfs://other"),
}


def deadline(ledger: Ledger) -> int:
    return ledger.w3.eth.get_block("latest")["timestamp"] + 3600


def test_termsHash_isTheOneTheSdkComputesAndShowsTheRegisteredTerms(ledger: Ledger, official) -> None:
    spec = make_spec(category=Category.WORKS)
    expected = ledger.terms_hash(spec)
    ledger.register(official, spec)

    terms = ledger.acceptance_terms(OCID)
    assert terms.terms_hash == expected == bytes(ledger.registry.functions.termsHash(cid(OCID)).call())
    assert terms.spec == replace(spec, milestones=tuple(replace(m, inspectors=tuple(m.inspectors))
                                                        for m in spec.milestones))
    assert terms.parameters == ledger.parameters()  # works: the retention is part of the terms


def test_termsHash_ofANonWorksContract_hasNoRetention(ledger: Ledger, official) -> None:
    ledger.register(official, make_spec())
    terms = ledger.acceptance_terms(OCID)
    assert terms.parameters.works_retention_bps == 0
    assert terms.terms_hash == ledger.terms_hash(make_spec())


@pytest.mark.parametrize("variation", sorted(VARIATIONS))
def test_signedAcceptance_failsIfAnyTermDiffersFromWhatWasSigned(ledger: Ledger, official, contractor, stranger,
                                                                 variation: str) -> None:
    signed_spec = make_spec()
    signed = ledger.terms_hash(signed_spec)
    until = deadline(ledger)
    signature = ledger.sign_acceptance(contractor, signed_spec, until)  # before registration
    registered_spec = VARIATIONS[variation](signed_spec)
    ledger.register(official, registered_spec)
    registered = ledger.acceptance_terms(OCID).terms_hash
    assert registered != signed

    # Relayed with the hash that was signed: the registered terms are not those.
    refused(ledger, errors.TermsMismatch, lambda: ledger.accept_signed(stranger, OCID, until, signature, signed),
            ocids=[OCID], arguments={"id": cid(OCID), "expected": registered, "given": signed},
            mentions=[OCID, "0x" + registered.hex(), "0x" + signed.hex()])
    # Relayed with the registered hash: the signature is not over it.
    refused(ledger, errors.InvalidAcceptanceSignature, lambda: ledger.accept_signed(stranger, OCID, until, signature),
            ocids=[OCID])
    # Nor can the contractor's own call accept terms other than those it saw.
    refused(ledger, errors.TermsMismatch, lambda: ledger.accept(contractor, OCID, signed), ocids=[OCID],
            arguments={"id": cid(OCID), "expected": registered, "given": signed}, mentions=["0x"])
    assert ledger.contract(OCID).status is ContractStatus.PENDING


def test_signedAcceptance_failsIfThePolicyChangedBeforeRegistration(ledger: Ledger, admin, official, contractor,
                                                                    stranger) -> None:
    spec = make_spec(category=Category.WORKS)
    until = deadline(ledger)
    signed = ledger.terms_hash(spec)
    signature = ledger.sign_acceptance(contractor, spec, until)
    ledger.set_parameters(admin, Parameters(penalty_per_day_bps=100))  # 1% a day from now on
    ledger.register(official, spec)
    refused(ledger, errors.TermsMismatch, lambda: ledger.accept_signed(stranger, OCID, until, signature, signed),
            ocids=[OCID], arguments={"id": cid(OCID), "expected": ledger.acceptance_terms(OCID).terms_hash,
                                     "given": signed}, mentions=["0x"])


def test_signedAcceptance_beforeRegistrationActivatesTheContractRegisteredWithThoseTerms(
        ledger: Ledger, official, contractor, stranger) -> None:
    spec = make_spec()
    until = deadline(ledger)
    signature = ledger.sign_acceptance(contractor, spec, until)
    ledger.register(official, spec)
    ledger.accept_signed(stranger, OCID, until, signature)
    assert ledger.contract(OCID).status is ContractStatus.ACTIVE


def test_accept_withTheShownTermsHashActivates(ledger: Ledger, official, contractor) -> None:
    spec = replace(make_spec(), milestones=(MilestoneSpec(Sen(1_000_000_00), date(YEAR, 6, 1), (I1,), 1),))
    ledger.register(official, spec)
    ledger.accept(contractor, OCID, ledger.acceptance_terms(OCID).terms_hash)
    assert ledger.contract(OCID).status is ContractStatus.ACTIVE


def test_acceptanceTerms_ofAnAcceptedContract_isRefused_andADefaultAcceptIsRefusedByTheChain(
        ledger: Ledger, official, contractor) -> None:
    """Once active, amendments may change the terms: the SDK shows none to accept, and a second accept
    sent with the SDK's default hash reaches the chain, which names the contract's status."""
    ledger.register(official, make_spec())
    ledger.accept(contractor, OCID)
    with pytest.raises(errors.GovLedgerValueError, match="accepted already"):
        ledger.acceptance_terms(OCID)
    refused(ledger, errors.WrongContractStatus, lambda: ledger.accept(contractor, OCID), ocids=[OCID],
            arguments={"id": cid(OCID), "current": int(ContractStatus.ACTIVE),
                       "required": int(ContractStatus.PENDING)})
