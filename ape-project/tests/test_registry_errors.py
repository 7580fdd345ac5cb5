"""Every custom error the registry raises, triggered through ape and matched with `ape.reverts`, with the
values it carries. (The SDK's suite, tests/contracts, checks the same errors through govledger itself.)"""

from dataclasses import replace
from types import SimpleNamespace

import ape
import pytest
from conftest import AGENCY, GOODS, VALUE
from eth_account import Account
from eth_utils import keccak
from ledger_suite import agency_id

LIMIT = 255  # amendments and disputes per contract (8-bit counters)
ACTIVE, PENDING = 1, 0
REASON, OTHER = keccak(text="reason"), keccak(text="other reason")


def test_register_byNonOfficial_fails(registry, registration, stranger):
    with ape.reverts(registry.NotAgencyOfficial, account=stranger.address, agency=AGENCY):
        registry.register(*registration.args(), sender=stranger)


# (change to the registration, error, its expected values); `who` names the accounts.
BAD_REGISTRATIONS = {
    "CategoryNotAllowed": (lambda r, who: {"agency": agency_id("DEMO-NOT-ALLOWED")},
                           lambda r, who: {"agency": agency_id("DEMO-NOT-ALLOWED"), "category": GOODS}),
    "InvalidOcidLength": (lambda r, who: {"ocid": ""}, lambda r, who: {"length": 0, "max": 256}),
    "InvalidContractor": (lambda r, who: {"contractor": who.official}, lambda r, who: {"account": who.official}),
    "ZeroValue": (lambda r, who: {"value": 0}, lambda r, who: {}),
    "InvalidPeriod": (lambda r, who: {"end": r.start}, lambda r, who: {"startDate": r.start, "endDate": r.start}),
    "AdvanceTooLarge": (lambda r, who: {"advance": VALUE}, lambda r, who: {"advance": VALUE, "max": VALUE * 95 // 100}),
    "InvalidInspectorCount": (lambda r, who: {"inspectors": []}, lambda r, who: {"count": 0, "max": 16}),
    "NotCertifiedInspector": (lambda r, who: {"inspectors": [who.stranger]}, lambda r, who: {"account": who.stranger}),
    "InspectorNotIndependent": (lambda r, who: {"inspectors": [who.inspector] * 2},
                                lambda r, who: {"account": who.inspector}),
    "InvalidMilestoneCount": (lambda r, who: {"milestones": []}, lambda r, who: {"count": 0, "max": 64}),
    "InvalidMilestone": (lambda r, who: {"milestones": [(0, r.end, 1, 0b1)]},
                         lambda r, who: {"index": 0, "amount": 0, "requiredApprovals": 1, "inspectorMask": 1}),
    "MilestoneTotalMismatch": (lambda r, who: {"milestones": [(VALUE - 1, r.end, 1, 0b1)]},
                               lambda r, who: {"total": VALUE - 1, "value": VALUE}),
}


@pytest.mark.parametrize("error", sorted(BAD_REGISTRATIONS))
def test_register_withBadField_failsWithItsError(error, registry, registration, official, inspector, stranger):
    who = SimpleNamespace(official=official.address, inspector=inspector.address, stranger=stranger.address)
    change, expected = BAD_REGISTRATIONS[error]
    bad = replace(registration, **change(registration, who))
    with ape.reverts(getattr(registry, error), **expected(registration, who)):
        registry.register(*bad.args(), sender=official)


def test_register_sameOcidTwice_fails(registry, registration, contract_id, official):
    with ape.reverts(registry.ContractAlreadyRegistered, id=contract_id):
        registry.register(*registration.args(), sender=official)


def test_registerBatch_withUnevenLists_fails(registry, registration, official):
    reg, _, inspectors = registration.args()
    with ape.reverts(registry.BatchLengthMismatch, registrations=1, milestoneLists=0, inspectorLists=1):
        registry.registerBatch([reg], [], [inspectors], sender=official)


def test_register_whilePaused_fails(registry, registration, admin, official):
    registry.pause(sender=admin)
    with ape.reverts(registry.LedgerPaused):
        registry.register(*registration.args(), sender=official)


def test_register_beforeModulesAreSet_fails(project, registration, admin, official):
    bare = project.ContractRegistry.deploy(admin, 0, sender=admin)
    with ape.reverts(bare.ModulesNotSet):
        bare.register(*registration.args(), sender=official)


def test_setModules_second_time_fails(suite, admin):
    with ape.reverts(suite.registry.ModulesAlreadySet):
        suite.registry.setModules(suite.verifier, suite.escrow, sender=admin)


def test_setParameters_aboveOneHundredPercent_fails(registry, admin):
    with ape.reverts(registry.InvalidParameters):
        registry.setParameters((10_001, 0, 0, 0, 0), sender=admin)


def test_milestoneSettled_fromAnyoneButTheVerifier_fails(registry, contract_id, stranger):
    with ape.reverts(registry.OnlyVerifier, caller=stranger.address):
        registry.milestoneSettled(contract_id, 1, sender=stranger)


def test_getContract_ofUnknownId_fails(registry):
    unknown = keccak(text="ocds-unknown")
    with ape.reverts(registry.UnknownContract, id=unknown):
        registry.getContract(unknown)


def test_accept_byOfficial_fails(registry, contract_id, official):
    with ape.reverts(registry.NotContractor, account=official.address, id=contract_id):
        registry.accept(contract_id, registry.termsHash(contract_id), sender=official)


def test_accept_withOtherTerms_fails(registry, contract_id, contractor):
    expected = registry.termsHash(contract_id)
    with ape.reverts(registry.TermsMismatch, id=contract_id, expected=expected, given=OTHER):
        registry.accept(contract_id, OTHER, sender=contractor)


def test_accept_twice_fails(registry, active_id, contractor):
    with ape.reverts(registry.WrongContractStatus, id=active_id, current=ACTIVE, required=PENDING):
        registry.accept(active_id, registry.termsHash(active_id), sender=contractor)


def test_acceptWithSignature_afterDeadline_fails(chain, registry, contract_id, contractor):
    deadline = chain.pending_timestamp - 1
    with ape.reverts(registry.AcceptanceExpired, deadline=deadline):
        registry.acceptWithSignature(contract_id, registry.termsHash(contract_id), deadline, b"", sender=contractor)


def test_acceptWithSignature_signedByAnother_fails(chain, registry, contract_id, official, contractor):
    terms, deadline = registry.termsHash(contract_id), chain.pending_timestamp + 3600
    digest = registry.acceptanceDigest(contract_id, terms, deadline)
    signature = Account.unsafe_sign_hash(digest, official.private_key).signature
    with ape.reverts(registry.InvalidAcceptanceSignature, signer=official.address, contractor=contractor.address):
        registry.acceptWithSignature(contract_id, terms, deadline, signature, sender=official)


def test_raiseDispute_byStranger_fails(registry, active_id, stranger):
    with ape.reverts(registry.NotAParty, account=stranger.address, id=active_id):
        registry.raiseDispute(active_id, REASON, sender=stranger)


def test_proposeAmendment_underDispute_fails(registry, active_id, official, contractor):
    registry.raiseDispute(active_id, REASON, sender=contractor)
    with ape.reverts(registry.ContractDisputed, id=active_id):
        registry.proposeAmendment(active_id, VALUE, OTHER, [], sender=official)


def test_raiseDispute_withTheLastReasonAgain_fails(registry, active_id, contractor, arbiter):
    registry.raiseDispute(active_id, REASON, sender=contractor)
    registry.resolveDispute(active_id, OTHER, sender=arbiter)
    with ape.reverts(registry.DisputeReasonReused, id=active_id, reasonHash=REASON):
        registry.raiseDispute(active_id, REASON, sender=contractor)


def test_resolveDispute_withoutDispute_fails(registry, active_id, arbiter):
    with ape.reverts(registry.NotDisputed, id=active_id):
        registry.resolveDispute(active_id, OTHER, sender=arbiter)


def test_raiseDispute_after255Disputes_fails(registry, active_id, contractor, arbiter, fast):
    for i in range(LIMIT):
        fast(registry.raiseDispute, active_id, keccak(text=f"reason {i}"), sender=contractor)
        fast(registry.resolveDispute, active_id, OTHER, sender=arbiter)
    assert registry.getContract(active_id).disputeCount == LIMIT
    with ape.reverts(registry.DisputeLimitReached, id=active_id, max=LIMIT):
        registry.raiseDispute(active_id, REASON, sender=contractor)


def test_proposeAmendment_aboveTheCap_fails(registry, active_id, official):
    cap = VALUE * 110 // 100
    with ape.reverts(registry.AmendmentExceedsCap, newValue=cap + 1, cap=cap):
        registry.proposeAmendment(active_id, cap + 1, OTHER, [], sender=official)


def test_proposeAmendment_belowWhatIsFunded_fails(suite, active_id, official):
    suite.escrow.fund(active_id, VALUE, sender=official)
    with ape.reverts(suite.registry.ValueBelowCommitted, newValue=VALUE - 1, committed=VALUE):
        suite.registry.proposeAmendment(active_id, VALUE - 1, OTHER, [], sender=official)


def test_consentAmendment_withoutProposal_fails(registry, active_id, contractor):
    with ape.reverts(registry.AmendmentMismatch, id=active_id, expected=b"\0" * 32):
        registry.consentAmendment(active_id, VALUE, OTHER, [], sender=contractor)


def test_proposeAmendment_after255Amendments_fails(registry, active_id, official, contractor, fast):
    for i in range(LIMIT):
        rationale = keccak(text=f"rationale {i}")
        fast(registry.proposeAmendment, active_id, VALUE, rationale, [], sender=official)
        fast(registry.consentAmendment, active_id, VALUE, rationale, [], sender=contractor)
    assert registry.getContract(active_id).amendmentCount == LIMIT
    with ape.reverts(registry.AmendmentLimitReached, id=active_id, max=LIMIT):
        registry.proposeAmendment(active_id, VALUE, OTHER, [], sender=official)
