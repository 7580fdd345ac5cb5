"""Amendments (addenda): both parties agree to the exact content; the value may rise at most 10% in
total over the ORIGINAL value; milestones can be changed, appended and cancelled, and after every
amendment the milestones not cancelled add up to the value exactly; nothing changes during a dispute."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from eth_abi import encode
from eth_utils import keccak

from conftest import OCID, YEAR, make_spec
from govledger import errors
from govledger._utils import codec
from govledger.ledger import Ledger
from govledger.types import ContractStatus, MilestoneChange, MilestoneStatus, Sen

from . import ACCOUNTS, HASH_A, HASH_B, built_once, cid, events, open_and_fund, refused

VALUE = 1_000_000_00
RATIONALE = b"\x5a" * 32
OTHER_RATIONALE = b"\x5b" * 32
INSPECTORS = tuple(ACCOUNTS[f"inspector{i}"].address for i in (1, 2, 3))
_CHANGE_TYPES = ["bytes32", "uint8", "bool", "uint96", "bytes32", "(uint256,uint96,uint40,uint8,uint16)[]"]


def change(index: int, amount: int, due: date = date(YEAR, 6, 1)) -> MilestoneChange:
    return MilestoneChange(index, Sen(amount), due, INSPECTORS, 2)


def raise_to(new_value: int) -> list[MilestoneChange]:
    """The change that makes make_spec's milestones (400,000.00 + 600,000.00) add up to `new_value`."""
    return [change(1, new_value - 400_000_00)]


def amendment_hash(ledger: Ledger, number: int, by_agency: bool, new_value: int, rationale: bytes,
                   changes: list[MilestoneChange]) -> bytes:
    """What the registry stores for a proposal: keccak256(abi.encode(id, number, side, value, rationale, changes))."""
    raw = [codec.milestone_change(c, ledger.inspectors(OCID)) for c in changes]
    return keccak(encode(_CHANGE_TYPES, [cid(OCID), number, by_agency, new_value, rationale, raw]))


def pending(ledger: Ledger) -> bytes:
    return bytes(ledger.registry.functions.pendingAmendment(cid(OCID)).call())


def amend(ledger: Ledger, new_value: int, changes: list[MilestoneChange] = (), rationale: bytes = RATIONALE,
          ocid: str = OCID):
    ledger.propose_amendment(ACCOUNTS["official"], ocid, Sen(new_value), rationale, list(changes))
    return ledger.consent_amendment(ACCOUNTS["contractor"], ocid, Sen(new_value), rationale, list(changes))


def assert_balanced(ledger: Ledger) -> None:
    a = ledger.escrow_account(OCID)
    assert a.funded == a.withdrawn + a.withdrawable + a.retained + a.refunded + a.held, a
    assert ledger.balance(ledger.escrow.address) == a.held + a.withdrawable + a.retained


def pay(ledger: Ledger, index: int, ocid: str = OCID):
    ledger.submit(ACCOUNTS["contractor"], ocid, index, HASH_A)
    ledger.approve(ACCOUNTS["inspector1"], ocid, index, HASH_B)
    return ledger.approve(ACCOUNTS["inspector2"], ocid, index, HASH_B)


@pytest.fixture(scope="module")
def world(_deployed: Ledger) -> Iterator[Ledger]:
    """OCID registered, accepted and fully funded once for the module (make_spec terms)."""
    with built_once(_deployed) as ledger:
        open_and_fund(ledger, make_spec())
        yield ledger


@pytest.fixture(autouse=True)
def _world_first(world: Ledger) -> None:
    """Every test starts from the module's world (built before the per-test snapshot)."""


@pytest.fixture
def active_contract(ledger: Ledger) -> str:
    return OCID


# --- happy paths ----------------------------------------------------------------------------------

def test_proposeAmendment_recordsTheProposalWithoutChangingTheContract(ledger: Ledger, active_contract: str,
                                                                       official) -> None:
    changes = [change(1, 650_000_00)]
    before = ledger.contract(OCID)

    receipt = ledger.propose_amendment(official, OCID, Sen(1_050_000_00), RATIONALE, changes)

    [proposed] = events(ledger, ledger.registry, "AmendmentProposed", receipt)
    assert (proposed["id"], proposed["number"], proposed["proposer"], proposed["newValue"], proposed["rationaleHash"]) \
        == (cid(OCID), 1, official.address, 1_050_000_00, RATIONALE)
    assert [tuple(c.values()) for c in proposed["changes"]] == [codec.milestone_change(changes[0], list(INSPECTORS))]
    assert pending(ledger) == amendment_hash(ledger, 0, True, 1_050_000_00, RATIONALE, changes)
    assert ledger.contract(OCID) == before


def test_consentAmendment_appliesValueAndMilestoneChangesAndKeepsOriginalValue(ledger: Ledger, active_contract: str,
                                                                              official, contractor) -> None:
    changes = [change(1, 650_000_00)]
    ledger.propose_amendment(official, OCID, Sen(1_050_000_00), RATIONALE, changes)

    receipt = ledger.consent_amendment(contractor, OCID, Sen(1_050_000_00), RATIONALE, changes)

    assert events(ledger, ledger.registry, "ContractAmended", receipt) == [{
        "id": cid(OCID), "number": 1, "previousValue": VALUE, "newValue": 1_050_000_00, "rationaleHash": RATIONALE}]
    assert [(e["index"], e["amount"]) for e in events(ledger, ledger.verifier, "MilestoneRegistered", receipt)] == [
        (1, 650_000_00)]
    c = ledger.contract(OCID)
    assert (c.value, c.original_value, c.amendment_count, c.status) == (
        1_050_000_00, VALUE, 1, ContractStatus.ACTIVE)
    m = ledger.milestones(OCID)[1]
    assert (m.amount, m.due) == (650_000_00, date(YEAR, 6, 1))
    assert pending(ledger) == b"\0" * 32
    # The raised value can be funded and paid out.
    ledger.fund(official, OCID, Sen(50_000_00))
    pay(ledger, 1)
    assert ledger.escrow_account(OCID).withdrawable == 650_000_00
    assert_balanced(ledger)


def test_amendment_contractorMayProposeAndTheOfficialConsents(ledger: Ledger, active_contract: str,
                                                              official, contractor) -> None:
    ledger.propose_amendment(contractor, OCID, Sen(1_020_000_00), RATIONALE, raise_to(1_020_000_00))
    assert pending(ledger) == amendment_hash(ledger, 0, False, 1_020_000_00, RATIONALE, raise_to(1_020_000_00))

    receipt = ledger.consent_amendment(official, OCID, Sen(1_020_000_00), RATIONALE, raise_to(1_020_000_00))

    assert events(ledger, ledger.registry, "ContractAmended", receipt)[0]["newValue"] == 1_020_000_00
    assert ledger.contract(OCID).value == 1_020_000_00


def test_amendment_appendsAMilestone(ledger: Ledger, active_contract: str) -> None:
    receipt = amend(ledger, 1_080_000_00, [change(2, 80_000_00, date(YEAR, 9, 1))])

    assert [(e["index"], e["amount"]) for e in events(ledger, ledger.verifier, "MilestoneRegistered", receipt)] == [
        (2, 80_000_00)]
    assert ledger.contract(OCID).milestone_count == 3
    assert [(m.amount, m.status) for m in ledger.milestones(OCID)] == [
        (400_000_00, MilestoneStatus.PLANNED), (600_000_00, MilestoneStatus.PLANNED),
        (80_000_00, MilestoneStatus.PLANNED)]


def test_amendment_cancelsAnUnpaidMilestoneAndTheRestCompletesTheContract(ledger: Ledger, active_contract: str) -> None:
    # Milestone 0 is cancelled and its amount folded into milestone 1: the value stays fully funded.
    receipt = amend(ledger, VALUE, [change(0, 0), change(1, VALUE)])

    assert events(ledger, ledger.verifier, "MilestoneCancelled", receipt) == [{"id": cid(OCID), "index": 0}]
    assert ledger.milestones(OCID)[0].status is MilestoneStatus.CANCELLED
    c = ledger.contract(OCID)
    assert (c.status, c.settled_count, c.milestone_count) == (ContractStatus.ACTIVE, 1, 2)

    completing = pay(ledger, 1)
    assert events(ledger, ledger.registry, "ContractCompleted", completing) == [{"id": cid(OCID)}]
    assert ledger.contract(OCID).status is ContractStatus.COMPLETED
    assert ledger.escrow_account(OCID).withdrawable == VALUE
    assert_balanced(ledger)


def test_amendment_cancellingTheLastUnpaidMilestoneLowersTheValueAndCompletesTheContract(
        ledger: Ledger, official, contractor) -> None:
    partly = "ocds-test01-0402"  # funded for its first milestone only, so its value can come down
    ledger.register(official, make_spec(partly))
    ledger.accept(contractor, partly)
    ledger.fund(official, partly, Sen(400_000_00))
    pay(ledger, 0, partly)

    receipt = amend(ledger, 400_000_00, [change(1, 0)], ocid=partly)

    assert events(ledger, ledger.registry, "ContractCompleted", receipt) == [{"id": cid(partly)}]
    c = ledger.contract(partly)
    assert (c.status, c.settled_count, c.value, c.paid_value) == (ContractStatus.COMPLETED, 2, 400_000_00, 400_000_00)
    assert ledger.escrow_account(partly).withdrawable == 400_000_00


def test_amendment_cancelledMilestoneCannotBeSubmitted(ledger: Ledger, active_contract: str, contractor) -> None:
    amend(ledger, VALUE, [change(0, 0), change(1, VALUE)])
    refused(ledger, errors.WrongMilestoneStatus, lambda: ledger.submit(contractor, OCID, 0, HASH_A), ocids=[OCID],
            arguments={"id": cid(OCID), "index": 0, "current": int(MilestoneStatus.CANCELLED)})


# --- cap and commitments ----------------------------------------------------------------------------

def test_proposeAmendment_failsIfCumulativeIncreaseExceedsTheCapOnTheOriginalValue(
        ledger: Ledger, active_contract: str, official) -> None:
    amend(ledger, 1_060_000_00, raise_to(1_060_000_00))  # +6%: allowed

    refused(ledger, errors.AmendmentExceedsCap,
            lambda: ledger.propose_amendment(official, OCID, Sen(1_123_600_00), RATIONALE,
                                             raise_to(1_123_600_00)),  # another +6%
            ocids=[OCID], arguments={"newValue": 1_123_600_00, "cap": 1_100_000_00})
    assert pending(ledger) == b"\0" * 32


def test_amendment_mayReachTheCapExactly(ledger: Ledger, active_contract: str) -> None:
    amend(ledger, 1_060_000_00, raise_to(1_060_000_00))
    amend(ledger, 1_100_000_00, raise_to(1_100_000_00))
    c = ledger.contract(OCID)
    assert (c.value, c.original_value, c.amendment_count) == (1_100_000_00, VALUE, 2)


def test_proposeAmendment_failsBelowTheFundedValue(ledger: Ledger, active_contract: str, official) -> None:
    refused(ledger, errors.ValueBelowCommitted,
            lambda: ledger.propose_amendment(official, OCID, Sen(900_000_00), RATIONALE),
            ocids=[OCID], arguments={"newValue": 900_000_00, "committed": VALUE})


@pytest.mark.parametrize("added", [100_000_00, 20_000_00], ids=["above", "below"])
def test_consentAmendment_failsIfMilestonesDoNotAddUpToTheNewValue(ledger: Ledger, active_contract: str,
                                                                   official, contractor, added: int) -> None:
    changes = [change(2, added)]  # 1,000,000.00 + added of milestones against a value of 1,050,000.00
    ledger.propose_amendment(official, OCID, Sen(1_050_000_00), RATIONALE, changes)
    refused(ledger, errors.MilestoneTotalMismatch,
            lambda: ledger.consent_amendment(contractor, OCID, Sen(1_050_000_00), RATIONALE, changes),
            ocids=[OCID], arguments={"total": VALUE + added, "value": 1_050_000_00})


@pytest.mark.parametrize("raised_by", ["official", "contractor"])
def test_amendments_failDuringADispute_theArbiterResolvesFirst(ledger: Ledger, active_contract: str, official,
                                                              contractor, raised_by: str) -> None:
    ledger.propose_amendment(official, OCID, Sen(1_050_000_00), RATIONALE, raise_to(1_050_000_00))
    ledger.raise_dispute(ACCOUNTS[raised_by], OCID, HASH_A)
    for party in (official, contractor):
        refused(ledger, errors.ContractDisputed,
                lambda: ledger.propose_amendment(party, OCID, Sen(VALUE), OTHER_RATIONALE), ocids=[OCID],
                arguments={"id": cid(OCID)}, mentions=[OCID, "arbiter"])
    refused(ledger, errors.ContractDisputed,
            lambda: ledger.consent_amendment(contractor, OCID, Sen(1_050_000_00), RATIONALE, raise_to(1_050_000_00)),
            ocids=[OCID], arguments={"id": cid(OCID)})
    ledger.resolve_dispute(ACCOUNTS["arbiter"], OCID, HASH_B)
    ledger.consent_amendment(contractor, OCID, Sen(1_050_000_00), RATIONALE, raise_to(1_050_000_00))
    assert ledger.contract(OCID).value == 1_050_000_00


def test_consentAmendment_failsIfItChangesAPaidMilestone(ledger: Ledger, active_contract: str,
                                                        official, contractor) -> None:
    pay(ledger, 0)
    changes = [change(0, 300_000_00)]
    ledger.propose_amendment(official, OCID, Sen(VALUE), RATIONALE, changes)
    refused(ledger, errors.WrongMilestoneStatus,
            lambda: ledger.consent_amendment(contractor, OCID, Sen(VALUE), RATIONALE, changes),
            ocids=[OCID], arguments={"id": cid(OCID), "index": 0, "current": int(MilestoneStatus.PAID)})


# --- binding the content ----------------------------------------------------------------------------

def test_consentAmendment_failsIfContentDiffersFromProposal(ledger: Ledger, active_contract: str,
                                                           official, contractor) -> None:
    ledger.propose_amendment(official, OCID, Sen(1_050_000_00), RATIONALE)
    expected = pending(ledger)
    for value, rationale in ((1_090_000_00, RATIONALE), (1_050_000_00, OTHER_RATIONALE)):
        given = amendment_hash(ledger, 0, True, value, rationale, [])
        refused(ledger, errors.AmendmentMismatch,
                lambda: ledger.consent_amendment(contractor, OCID, Sen(value), rationale),
                ocids=[OCID], arguments={"id": cid(OCID), "expected": expected, "given": given})
    changes = [change(1, 500_000_00)]
    refused(ledger, errors.AmendmentMismatch,
            lambda: ledger.consent_amendment(contractor, OCID, Sen(1_050_000_00), RATIONALE, changes),
            ocids=[OCID], arguments={"id": cid(OCID), "expected": expected,
                                     "given": amendment_hash(ledger, 0, True, 1_050_000_00, RATIONALE, changes)})
    assert ledger.contract(OCID).value == VALUE


def test_consentAmendment_failsIfTheProposalWasReplacedBeforeTheConsent(ledger: Ledger, active_contract: str,
                                                                       official, contractor) -> None:
    """A front-run replacement: the contractor agreed to A, but the official swapped in B first."""
    ledger.propose_amendment(official, OCID, Sen(1_010_000_00), RATIONALE)
    ledger.propose_amendment(official, OCID, Sen(1_090_000_00), OTHER_RATIONALE)  # replaces it
    replaced = amendment_hash(ledger, 0, True, 1_090_000_00, OTHER_RATIONALE, [])
    assert pending(ledger) == replaced

    refused(ledger, errors.AmendmentMismatch,
            lambda: ledger.consent_amendment(contractor, OCID, Sen(1_010_000_00), RATIONALE),
            ocids=[OCID], arguments={"id": cid(OCID), "expected": replaced,
                                     "given": amendment_hash(ledger, 0, True, 1_010_000_00, RATIONALE, [])})


def test_consentAmendment_failsIfGivenByTheProposersOwnSide(ledger: Ledger, active_contract: str, official) -> None:
    ledger.propose_amendment(official, OCID, Sen(1_050_000_00), RATIONALE)
    refused(ledger, errors.AmendmentMismatch,
            lambda: ledger.consent_amendment(official, OCID, Sen(1_050_000_00), RATIONALE),
            ocids=[OCID], arguments={"id": cid(OCID), "expected": pending(ledger),
                                     "given": amendment_hash(ledger, 0, False, 1_050_000_00, RATIONALE, [])})


def test_consentAmendment_failsIfNothingWasProposed(ledger: Ledger, active_contract: str, contractor) -> None:
    refused(ledger, errors.AmendmentMismatch,
            lambda: ledger.consent_amendment(contractor, OCID, Sen(1_050_000_00), RATIONALE),
            ocids=[OCID], arguments={"id": cid(OCID), "expected": b"\0" * 32,
                                     "given": amendment_hash(ledger, 0, True, 1_050_000_00, RATIONALE, [])})


def test_consentAmendment_cannotReplayAnEarlierAmendment(ledger: Ledger, active_contract: str,
                                                        official, contractor) -> None:
    amend(ledger, 1_050_000_00, raise_to(1_050_000_00))
    # Same content, amendment 2.
    ledger.propose_amendment(official, OCID, Sen(1_050_000_00), RATIONALE, raise_to(1_050_000_00))
    assert pending(ledger) == amendment_hash(ledger, 1, True, 1_050_000_00, RATIONALE, raise_to(1_050_000_00))
    ledger.consent_amendment(contractor, OCID, Sen(1_050_000_00), RATIONALE, raise_to(1_050_000_00))
    assert ledger.contract(OCID).amendment_count == 2


def test_proposeAmendment_failsIfCallerIsNotAParty(ledger: Ledger, active_contract: str, stranger) -> None:
    refused(ledger, errors.NotAParty, lambda: ledger.propose_amendment(stranger, OCID, Sen(VALUE), RATIONALE),
            ocids=[OCID], arguments={"account": stranger.address, "id": cid(OCID)}, mentions=[OCID])


def test_consentAmendment_failsIfCallerIsNotAParty(ledger: Ledger, active_contract: str, official, stranger) -> None:
    ledger.propose_amendment(official, OCID, Sen(VALUE), RATIONALE)
    refused(ledger, errors.NotAParty, lambda: ledger.consent_amendment(stranger, OCID, Sen(VALUE), RATIONALE),
            ocids=[OCID], arguments={"account": stranger.address, "id": cid(OCID)})


def test_proposeAmendment_failsIfContractIsNotActive(ledger: Ledger, official) -> None:
    pending_ocid = "ocds-test01-0401"
    ledger.register(official, make_spec(pending_ocid))
    refused(ledger, errors.WrongContractStatus,
            lambda: ledger.propose_amendment(official, pending_ocid, Sen(VALUE), RATIONALE), ocids=[pending_ocid],
            arguments={"id": cid(pending_ocid), "current": int(ContractStatus.PENDING),
                       "required": int(ContractStatus.ACTIVE)})


def test_terminate_dropsThePendingAmendment(ledger: Ledger, active_contract: str, official) -> None:
    ledger.propose_amendment(official, OCID, Sen(1_050_000_00), RATIONALE)
    ledger.terminate(official, OCID, RATIONALE)
    assert pending(ledger) == b"\0" * 32
    assert ledger.contract(OCID).status is ContractStatus.TERMINATED


def test_completion_dropsAPendingProposal_soItCanNeverBeConsentedLater(ledger: Ledger) -> None:
    ledger.propose_amendment(ACCOUNTS["official"], OCID, Sen(VALUE), RATIONALE, [])
    assert pending(ledger) != b"\0" * 32
    pay(ledger, 0)
    pay(ledger, 1)
    assert ledger.contract(OCID).status is ContractStatus.COMPLETED
    assert pending(ledger) == b"\0" * 32
