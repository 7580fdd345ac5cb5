"""MilestoneVerifier: evidence in, k-of-n approvals by assigned, certified inspectors, payment credited once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest

from conftest import OCID, YEAR, make_spec
from govledger import errors
from govledger.ledger import Ledger
from govledger.types import MilestoneSpec, MilestoneStatus, Sen

from . import ACCOUNTS, HASH_A, HASH_B, assert_escrow_invariants, built_once, cid, events, label, refused, send

SPLIT = "ocds-test01-0003"  # milestone 0: inspector3 alone (k=1); milestone 1: inspectors 1 and 2 (k=2)
PENDING = "ocds-test01-0005"  # registered, not accepted
OTHER = "ocds-test01-0002"  # contractor2's, attested by inspectors 1 and 2 only (k=1)


@pytest.fixture(scope="module")
def world(_deployed: Ledger) -> Iterator[Ledger]:
    """Built once for the module: OCID (make_spec: k=2 of the three inspectors), SPLIT and OTHER, all
    accepted and fully funded, and PENDING. Each test starts from here and is rewound to here."""
    with built_once(_deployed) as ledger:
        official, contractor, second = ACCOUNTS["official"], ACCOUNTS["contractor"], ACCOUNTS["contractor2"]
        i1, i2, i3 = (ACCOUNTS[f"inspector{i}"].address for i in (1, 2, 3))
        specs = [
            (make_spec(), contractor),
            (replace(make_spec(SPLIT), milestones=(
                MilestoneSpec(Sen(400_000_00), date(YEAR, 6, 1), (i3,), 1),
                MilestoneSpec(Sen(600_000_00), date(YEAR, 7, 1), (i1, i2), 2))), contractor),
            (replace(make_spec(OTHER, value=400_000_00), contractor=second.address,
                     milestones=(MilestoneSpec(Sen(400_000_00), date(YEAR, 6, 1), (i1, i2), 1),)), second),
        ]
        for spec, party in specs:
            ledger.register(official, spec)
            ledger.accept(party, spec.ocid)
            ledger.fund(official, spec.ocid, spec.value)
        ledger.register(official, make_spec(PENDING))
        yield ledger


@pytest.fixture
def active_contract(world: Ledger, ledger: Ledger) -> str:
    """Overrides conftest's: the same contract (OCID, make_spec, accepted, funded), built once per module."""
    return OCID


@pytest.fixture
def split_contract(world: Ledger, ledger: Ledger) -> str:
    return SPLIT


# --- submit ---------------------------------------------------------------------------------------

def test_submit_emitsMilestoneSubmittedAndStartsRoundOne(ledger: Ledger, active_contract, contractor) -> None:
    receipt = ledger.submit(contractor, active_contract, 0, HASH_A)
    assert events(ledger, ledger.verifier, "MilestoneSubmitted", receipt) == [
        {"id": cid(OCID), "index": 0, "evidenceHash": HASH_A, "round": 1}]
    m = ledger.milestones(OCID)[0]
    block = ledger.w3.eth.get_block(receipt.block_number)
    assert (m.status, m.round, m.approved_by, m.submitted_at) == (MilestoneStatus.SUBMITTED, 1, (), block["timestamp"])
    assert ledger.milestones(OCID)[1].status == MilestoneStatus.PLANNED


def test_submit_failsIfCallerIsNotTheContractor(ledger: Ledger, active_contract, stranger) -> None:
    refused(ledger, errors.NotContractor, lambda: ledger.submit(stranger, OCID, 0, HASH_A), ocids=[OCID],
            arguments={"account": stranger.address, "id": cid(OCID)}, mentions=[label(ledger, stranger), OCID])


def test_submit_failsIfContractIsPending(world, ledger: Ledger, contractor) -> None:
    refused(ledger, errors.WrongContractStatus, lambda: ledger.submit(contractor, PENDING, 0, HASH_A),
            ocids=[PENDING], arguments={"id": cid(PENDING), "current": 0, "required": 1},
            mentions=[PENDING, "is pending", "active"])


def test_submit_failsIfContractUnknown(ledger: Ledger, contractor) -> None:
    ocid = "ocds-test01-0404"
    refused(ledger, errors.UnknownContract, lambda: ledger.submit(contractor, ocid, 0, HASH_A), ocids=[ocid],
            arguments={"id": cid(ocid)}, mentions=[ocid])


def test_submit_failsIfMilestoneUnknown(ledger: Ledger, active_contract, contractor) -> None:
    refused(ledger, errors.UnknownMilestone, lambda: ledger.submit(contractor, OCID, 2, HASH_A), ocids=[OCID],
            arguments={"id": cid(OCID), "index": 2}, mentions=[OCID, "milestone 2"])


def test_submit_failsIfAlreadySubmitted(ledger: Ledger, active_contract, contractor) -> None:
    ledger.submit(contractor, OCID, 0, HASH_A)
    refused(ledger, errors.WrongMilestoneStatus, lambda: ledger.submit(contractor, OCID, 0, HASH_B), ocids=[OCID],
            arguments={"id": cid(OCID), "index": 0, "current": 1}, mentions=[OCID, "milestone 0", "submitted"])


def test_submit_failsIfAlreadyPaid(ledger: Ledger, active_contract, contractor, inspectors) -> None:
    ledger.submit(contractor, OCID, 0, HASH_A)
    ledger.approve(inspectors[0], OCID, 0, HASH_B)
    ledger.approve(inspectors[1], OCID, 0, HASH_B)
    refused(ledger, errors.WrongMilestoneStatus, lambda: ledger.submit(contractor, OCID, 0, HASH_A), ocids=[OCID],
            arguments={"id": cid(OCID), "index": 0, "current": 3}, mentions=[OCID, "paid"])


def test_getMilestone_failsIfMilestoneUnknown(ledger: Ledger, active_contract) -> None:
    refused(ledger, errors.UnknownMilestone,
            lambda: ledger._call(ledger.verifier.functions.getMilestone(cid(OCID), 64)),
            arguments={"id": cid(OCID), "index": 64}, mentions=[OCID, "milestone 64"])


# --- approve --------------------------------------------------------------------------------------

def test_approve_belowThresholdRecordsTheApprovalOnly(ledger: Ledger, active_contract, contractor, inspectors) -> None:
    ledger.submit(contractor, OCID, 0, HASH_A)
    receipt = ledger.approve(inspectors[1], OCID, 0, HASH_B)
    assert events(ledger, ledger.verifier, "MilestoneApproved", receipt) == [
        {"id": cid(OCID), "index": 0, "inspector": inspectors[1].address, "reportHash": HASH_B}]
    assert events(ledger, ledger.verifier, "MilestoneVerified", receipt) == []
    assert events(ledger, ledger.escrow, "PaymentReleased", receipt) == []
    m = ledger.milestones(OCID)[0]
    assert (m.status, m.approved_by) == (MilestoneStatus.SUBMITTED, (inspectors[1].address,))
    assert ledger.escrow_account(OCID).withdrawable == 0


def test_approve_kthApprovalVerifiesAndCreditsTheContractor(ledger: Ledger, active_contract, contractor, inspectors) -> None:
    ledger.submit(contractor, OCID, 0, HASH_A)
    ledger.approve(inspectors[2], OCID, 0, HASH_A)
    receipt = ledger.approve(inspectors[0], OCID, 0, HASH_B)

    assert events(ledger, ledger.verifier, "MilestoneApproved", receipt) == [
        {"id": cid(OCID), "index": 0, "inspector": inspectors[0].address, "reportHash": HASH_B}]
    # On time, on a goods contract without advance: the whole amount is credited.
    assert events(ledger, ledger.verifier, "MilestoneVerified", receipt) == [
        {"id": cid(OCID), "index": 0, "amount": 400_000_00, "penalty": 0, "daysLate": 0}]
    assert events(ledger, ledger.escrow, "PaymentReleased", receipt) == [
        {"id": cid(OCID), "index": 0, "contractor": contractor.address, "net": 400_000_00, "retention": 0,
         "advanceRecovered": 0, "penalty": 0}]
    m = ledger.milestones(OCID)[0]
    assert (m.status, set(m.approved_by)) == (MilestoneStatus.PAID, {inspectors[0].address, inspectors[2].address})
    a = ledger.escrow_account(OCID)
    assert (a.funded, a.held, a.withdrawable, a.withdrawn) == (1_000_000_00, 600_000_00, 400_000_00, 0)
    assert_escrow_invariants(ledger)


def test_approve_failsIfMilestoneNotSubmitted(ledger: Ledger, active_contract, inspectors) -> None:
    refused(ledger, errors.WrongMilestoneStatus, lambda: ledger.approve(inspectors[0], OCID, 1, HASH_B), ocids=[OCID],
            arguments={"id": cid(OCID), "index": 1, "current": 0}, mentions=[OCID, "milestone 1", "planned"])


def test_approve_failsIfAlreadyPaid(ledger: Ledger, active_contract, contractor, inspectors) -> None:
    ledger.submit(contractor, OCID, 0, HASH_A)
    ledger.approve(inspectors[0], OCID, 0, HASH_B)
    ledger.approve(inspectors[1], OCID, 0, HASH_B)
    # The third inspector comes too late: a milestone is never paid twice.
    refused(ledger, errors.WrongMilestoneStatus, lambda: ledger.approve(inspectors[2], OCID, 0, HASH_B), ocids=[OCID],
            arguments={"id": cid(OCID), "index": 0, "current": 3}, mentions=[OCID, "paid"])
    assert ledger.escrow_account(OCID).withdrawable == 400_000_00


def test_approve_failsIfMilestoneUnknown(ledger: Ledger, active_contract, inspectors) -> None:
    refused(ledger, errors.UnknownMilestone, lambda: ledger.approve(inspectors[0], OCID, 7, HASH_B), ocids=[OCID],
            arguments={"id": cid(OCID), "index": 7}, mentions=[OCID, "milestone 7"])


def test_approve_failsIfContractIsPending(world, ledger: Ledger, inspectors) -> None:
    refused(ledger, errors.WrongContractStatus, lambda: ledger.approve(inspectors[0], PENDING, 0, HASH_B),
            ocids=[PENDING], arguments={"id": cid(PENDING), "current": 0, "required": 1}, mentions=[PENDING, "pending"])


def test_approve_failsIfInspectorAlreadyApprovedThisRound(ledger: Ledger, active_contract, contractor, inspectors) -> None:
    ledger.submit(contractor, OCID, 0, HASH_A)
    ledger.approve(inspectors[0], OCID, 0, HASH_B)
    refused(ledger, errors.AlreadyApproved, lambda: ledger.approve(inspectors[0], OCID, 0, HASH_A), ocids=[OCID],
            arguments={"inspector": inspectors[0].address, "id": cid(OCID), "index": 0},
            mentions=[label(ledger, inspectors[0]), OCID, "milestone 0"])
    assert ledger.milestones(OCID)[0].status == MilestoneStatus.SUBMITTED


def test_approve_failsIfInspectorNotAssigned(ledger: Ledger, split_contract, contractor, inspectors) -> None:
    # inspector1 is one of the contract's inspectors, but milestone 0 is inspector3's alone.
    ledger.submit(contractor, SPLIT, 0, HASH_A)
    refused(ledger, errors.NotAssignedInspector, lambda: ledger.approve(inspectors[0], SPLIT, 0, HASH_B),
            ocids=[SPLIT], arguments={"account": inspectors[0].address, "id": cid(SPLIT), "index": 0},
            mentions=[label(ledger, inspectors[0]), SPLIT, "milestone 0"])
    ledger.approve(inspectors[2], SPLIT, 0, HASH_B)
    assert ledger.milestones(SPLIT)[0].status == MilestoneStatus.PAID


def test_approve_failsIfCallerIsNotAnInspector(ledger: Ledger, active_contract, contractor, official, stranger) -> None:
    ledger.submit(contractor, OCID, 0, HASH_A)
    for outsider in (stranger, contractor, official):
        refused(ledger, errors.NotAssignedInspector, lambda: ledger.approve(outsider, OCID, 0, HASH_B), ocids=[OCID],
                arguments={"account": outsider.address, "id": cid(OCID), "index": 0},
                mentions=[label(ledger, outsider), OCID])


def test_approve_failsIfInspectorRoleRevoked(ledger: Ledger, active_contract, admin, contractor, inspectors) -> None:
    ledger.submit(contractor, OCID, 0, HASH_A)
    ledger.revoke_inspector(admin, inspectors[0].address)
    refused(ledger, errors.NotAssignedInspector, lambda: ledger.approve(inspectors[0], OCID, 0, HASH_B), ocids=[OCID],
            arguments={"account": inspectors[0].address, "id": cid(OCID), "index": 0},
            mentions=[label(ledger, inspectors[0]), OCID])
    refused(ledger, errors.NotAssignedInspector, lambda: ledger.reject(inspectors[0], OCID, 0, HASH_B), ocids=[OCID],
            arguments={"account": inspectors[0].address, "id": cid(OCID), "index": 0})
    # Re-certified, the inspector's assignments work again.
    ledger.certify_inspector(admin, inspectors[0].address)
    ledger.approve(inspectors[0], OCID, 0, HASH_B)
    assert ledger.milestones(OCID)[0].approved_by == (inspectors[0].address,)


def test_approve_failsIfInspectorBelongsToAnotherContract(world, ledger: Ledger, inspectors) -> None:
    # inspector3 attests OCID and SPLIT, but is not one of OTHER's inspectors.
    ledger.submit(ACCOUNTS["contractor2"], OTHER, 0, HASH_A)
    i3 = inspectors[2].address
    for attempt in (ledger.approve, ledger.reject):
        refused(ledger, errors.NotAssignedInspector, lambda: attempt(inspectors[2], OTHER, 0, HASH_B),
                ocids=[OTHER, OCID], arguments={"account": i3, "id": cid(OTHER), "index": 0},
                mentions=[label(ledger, i3), OTHER])
    assert ledger.escrow_account(OTHER).withdrawable == 0
    ledger.approve(inspectors[0], OTHER, 0, HASH_B)
    assert ledger.escrow_account(OTHER).withdrawable == 400_000_00


# --- reject and resubmit ------------------------------------------------------------------------------

def test_reject_sendsTheMilestoneBackAndClearsApprovals(ledger: Ledger, active_contract, contractor, inspectors) -> None:
    ledger.submit(contractor, OCID, 0, HASH_A)
    ledger.approve(inspectors[0], OCID, 0, HASH_A)
    receipt = ledger.reject(inspectors[1], OCID, 0, HASH_B)
    assert events(ledger, ledger.verifier, "MilestoneRejected", receipt) == [
        {"id": cid(OCID), "index": 0, "inspector": inspectors[1].address, "reportHash": HASH_B}]
    m = ledger.milestones(OCID)[0]
    assert (m.status, m.approved_by, m.round) == (MilestoneStatus.REJECTED, (), 1)


def test_reject_failsIfMilestoneNotSubmitted(ledger: Ledger, active_contract, contractor, inspectors) -> None:
    ledger.submit(contractor, OCID, 0, HASH_A)
    ledger.reject(inspectors[0], OCID, 0, HASH_B)
    refused(ledger, errors.WrongMilestoneStatus, lambda: ledger.reject(inspectors[1], OCID, 0, HASH_B), ocids=[OCID],
            arguments={"id": cid(OCID), "index": 0, "current": 2}, mentions=[OCID, "rejected"])
    refused(ledger, errors.WrongMilestoneStatus, lambda: ledger.approve(inspectors[1], OCID, 0, HASH_B), ocids=[OCID],
            arguments={"id": cid(OCID), "index": 0, "current": 2})


def test_reject_failsIfInspectorNotAssigned(ledger: Ledger, split_contract, contractor, inspectors) -> None:
    ledger.submit(contractor, SPLIT, 1, HASH_A)
    refused(ledger, errors.NotAssignedInspector, lambda: ledger.reject(inspectors[2], SPLIT, 1, HASH_B),
            ocids=[SPLIT], arguments={"account": inspectors[2].address, "id": cid(SPLIT), "index": 1},
            mentions=[label(ledger, inspectors[2]), SPLIT, "milestone 1"])


def test_lifecycle_rejectResubmitThenKApprovals_paysOnce(ledger: Ledger, active_contract, contractor, inspectors) -> None:
    i1, i2, i3 = inspectors
    ledger.submit(contractor, OCID, 0, HASH_A)
    ledger.approve(i1, OCID, 0, HASH_A)
    ledger.reject(i2, OCID, 0, HASH_B)

    receipt = ledger.submit(contractor, OCID, 0, HASH_B)
    assert events(ledger, ledger.verifier, "MilestoneSubmitted", receipt) == [
        {"id": cid(OCID), "index": 0, "evidenceHash": HASH_B, "round": 2}]
    # inspector1's approval of round 1 does not count in round 2: one more approval is not enough.
    ledger.approve(i3, OCID, 0, HASH_A)
    m = ledger.milestones(OCID)[0]
    assert (m.status, m.approved_by, m.round) == (MilestoneStatus.SUBMITTED, (i3.address,), 2)
    assert ledger.escrow_account(OCID).withdrawable == 0

    ledger.approve(i1, OCID, 0, HASH_A)  # approving again in the new round is allowed, and is the k-th
    assert ledger.milestones(OCID)[0].status == MilestoneStatus.PAID
    with pytest.raises(errors.WrongMilestoneStatus):
        ledger.approve(i2, OCID, 0, HASH_A)

    released = ledger.escrow.events.PaymentReleased.get_logs(from_block=0, argument_filters={"id": cid(OCID)})
    assert [(e["args"]["index"], e["args"]["net"]) for e in released] == [(0, 400_000_00)]
    before = ledger.balance(contractor.address)
    ledger.withdraw(contractor, OCID)
    assert ledger.balance(contractor.address) - before == 400_000_00
    assert_escrow_invariants(ledger)


def test_lifecycle_nothingIsPaidWithoutKApprovals(ledger: Ledger, active_contract, contractor, inspectors) -> None:
    for index in (0, 1):
        ledger.submit(contractor, OCID, index, HASH_A)
        ledger.approve(inspectors[index], OCID, index, HASH_B)
    assert [m.status for m in ledger.milestones(OCID)] == [MilestoneStatus.SUBMITTED] * 2
    assert ledger.escrow_account(OCID).withdrawable == 0
    with pytest.raises(errors.NothingToWithdraw):
        ledger.withdraw(contractor, OCID)


# --- registry only --------------------------------------------------------------------------------

def test_registerMilestones_failsIfCallerIsNotTheRegistry(ledger: Ledger, active_contract, stranger, admin) -> None:
    for caller in (stranger, admin):
        call = ledger.verifier.functions.registerMilestones(
            cid(OCID), [caller.address], [(1, 0, 1, 1)])
        refused(ledger, errors.OnlyRegistry, lambda: send(ledger, caller, call), ocids=[OCID],
                arguments={"caller": caller.address}, mentions=[label(ledger, caller)])
    assert len(ledger.milestones(OCID)) == 2


def test_amendMilestones_failsIfCallerIsNotTheRegistry(ledger: Ledger, active_contract, official, contractor) -> None:
    for caller in (official, contractor):
        call = ledger.verifier.functions.amendMilestones(cid(OCID), [(0, 0, 0, 0, 0)])  # would cancel milestone 0
        refused(ledger, errors.OnlyRegistry, lambda: send(ledger, caller, call), ocids=[OCID],
                arguments={"caller": caller.address}, mentions=[label(ledger, caller)])
    assert ledger.milestones(OCID)[0].status == MilestoneStatus.PLANNED


# --- revocation: an approval counts only while its inspector stays certified ---------------------------

def test_approve_beforeARevocation_neverCountsAgain_evenAfterRecertification(ledger: Ledger, active_contract, admin,
                                                                           contractor) -> None:
    i1, i2 = ACCOUNTS["inspector1"], ACCOUNTS["inspector2"]
    ledger.submit(contractor, active_contract, 0, HASH_A)
    ledger.approve(i1, active_contract, 0, HASH_B)
    ledger.revoke_inspector(admin, i1.address)
    ledger.certify_inspector(admin, i1.address)
    assert ledger.milestones(active_contract)[0].approved_by == ()

    # k = 2: inspector2's approval and the stale one do not pay; the milestone waits.
    ledger.approve(i2, active_contract, 0, HASH_B)
    m = ledger.milestones(active_contract)[0]
    assert (m.status, m.approved_by) == (MilestoneStatus.SUBMITTED, (i2.address,))
    assert ledger.escrow_account(active_contract).withdrawable == 0

    # The stale approval does not block a new one from the re-certified inspector, which pays.
    receipt = ledger.approve(i1, active_contract, 0, HASH_B)
    assert [e["index"] for e in events(ledger, ledger.escrow, "PaymentReleased", receipt)] == [0]
    assert ledger.milestones(active_contract)[0].status is MilestoneStatus.PAID


def test_approve_stillCountsIfTheInspectorWasNeverRevoked(ledger: Ledger, active_contract, admin, contractor) -> None:
    i1, i2 = ACCOUNTS["inspector1"], ACCOUNTS["inspector2"]
    ledger.submit(contractor, active_contract, 0, HASH_A)
    ledger.approve(i1, active_contract, 0, HASH_B)
    ledger.certify_inspector(admin, i1.address)  # granting a role already held changes nothing
    refused(ledger, errors.AlreadyApproved, lambda: ledger.approve(i1, active_contract, 0, HASH_B),
            ocids=[active_contract], arguments={"inspector": i1.address, "id": cid(active_contract), "index": 0})
    ledger.approve(i2, active_contract, 0, HASH_B)
    assert ledger.milestones(active_contract)[0].status is MilestoneStatus.PAID
