"""Closing a contract: termination, completion, reclaiming what was never earned, releasing retention."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from conftest import OCID, make_spec
from govledger import errors
from govledger.ledger import Ledger
from govledger.pilot import PILOT_AGENCY
from govledger.roles import agency_id
from govledger.types import Category, ContractStatus, Sen

from . import ACCOUNTS, HASH_A, HASH_B, built_once, cid, events, open_and_fund, refused, send
from chain_support import ChainControl

VALUE = 1_000_000_00
REASON = b"\x7e" * 32
MAINTENANCE = 180 * 86400


def time_travel(ledger: Ledger, timestamp: int) -> None:
    ChainControl(ledger.w3).time_travel(timestamp)


def assert_balanced(ledger: Ledger, *others: str) -> None:
    """The escrow identity for the module's contracts (and `others`), and the escrow's token balance
    is exactly what they still owe."""
    owed = 0
    for ocid in (OCID, WORKS, *others):
        a = ledger.escrow_account(ocid)
        assert a.funded == a.withdrawn + a.withdrawable + a.retained + a.refunded + a.held, (ocid, a)
        owed += a.held + a.withdrawable + a.retained
    assert ledger.balance(ledger.escrow.address) == owed


def pay(ledger: Ledger, index: int, ocid: str = OCID):
    ledger.submit(ACCOUNTS["contractor"], ocid, index, HASH_A)
    ledger.approve(ACCOUNTS["inspector1"], ocid, index, HASH_B)
    return ledger.approve(ACCOUNTS["inspector2"], ocid, index, HASH_B)


def block_time(ledger: Ledger, receipt) -> int:
    return ledger.w3.eth.get_block(receipt.block_number)["timestamp"]


WORKS = "ocds-test01-0801"


@pytest.fixture(scope="module")
def world(_deployed: Ledger) -> Iterator[Ledger]:
    """Built once: OCID (goods) and WORKS (works, 5% retention), each accepted and fully funded."""
    with built_once(_deployed) as ledger:
        for ocid, category in ((OCID, Category.GOODS), (WORKS, Category.WORKS)):
            open_and_fund(ledger, make_spec(ocid, category=category))
        yield ledger


@pytest.fixture(autouse=True)
def _world_first(world: Ledger) -> None:
    """Every test starts from the module's world (built before the per-test snapshot)."""


@pytest.fixture
def active_contract(ledger: Ledger) -> str:
    return OCID


@pytest.fixture
def works_contract(ledger: Ledger) -> str:
    return WORKS


# --- termination ----------------------------------------------------------------------------------

def test_terminate_leavesEarnedPaymentWithContractorAndLetsOfficialReclaimExactlyHeld(
        ledger: Ledger, active_contract: str, official, contractor) -> None:
    pay(ledger, 0)  # 400,000.00 earned, not yet withdrawn

    receipt = ledger.terminate(official, OCID, REASON)

    assert events(ledger, ledger.registry, "ContractTerminated", receipt) == [
        {"id": cid(OCID), "official": official.address, "reasonHash": REASON}]
    c = ledger.contract(OCID)
    assert (c.status, c.closed_at) == (ContractStatus.TERMINATED, block_time(ledger, receipt))
    a = ledger.escrow_account(OCID)
    assert (a.withdrawable, a.held) == (400_000_00, 600_000_00)
    assert_balanced(ledger)

    before = ledger.balance(official.address)
    refund = ledger.reclaim(official, OCID)
    assert events(ledger, ledger.escrow, "EscrowRefunded", refund) == [
        {"id": cid(OCID), "official": official.address, "amount": 600_000_00}]
    assert ledger.balance(official.address) == before + 600_000_00
    assert_balanced(ledger)

    ledger.withdraw(contractor, OCID)
    a = ledger.escrow_account(OCID)
    assert (a.funded, a.withdrawn, a.withdrawable, a.refunded, a.held) == (VALUE, 400_000_00, 0, 600_000_00, 0)
    assert_balanced(ledger)


def test_terminate_worksOnAPendingContract(ledger: Ledger, official, contractor) -> None:
    ocid = "ocds-test01-0802"
    ledger.register(official, make_spec(ocid))
    ledger.terminate(official, ocid, REASON)
    assert ledger.contract(ocid).status is ContractStatus.TERMINATED
    refused(ledger, errors.WrongContractStatus, lambda: ledger.accept(contractor, ocid), ocids=[ocid],
            arguments={"id": cid(ocid), "current": int(ContractStatus.TERMINATED),
                       "required": int(ContractStatus.PENDING)})


def test_terminate_failsIfCallerIsNotAnOfficialOfTheAgency(ledger: Ledger, active_contract: str, contractor) -> None:
    refused(ledger, errors.NotAgencyOfficial, lambda: ledger.terminate(contractor, OCID, REASON), ocids=[OCID],
            arguments={"account": contractor.address, "agency": agency_id(PILOT_AGENCY)})


def test_terminate_failsIfAlreadyTerminated(ledger: Ledger, active_contract: str, official) -> None:
    ledger.terminate(official, OCID, REASON)
    refused(ledger, errors.WrongContractStatus, lambda: ledger.terminate(official, OCID, REASON), ocids=[OCID],
            arguments={"id": cid(OCID), "current": int(ContractStatus.TERMINATED),
                       "required": int(ContractStatus.ACTIVE)})


def test_terminatedContract_takesNoSubmissionsAndNoFunds(ledger: Ledger, official, contractor) -> None:
    ocid = "ocds-test01-0803"
    ledger.register(official, make_spec(ocid))
    ledger.accept(contractor, ocid)
    ledger.fund(official, ocid, Sen(500_000_00))
    ledger.terminate(official, ocid, REASON)
    refused(ledger, errors.WrongContractStatus, lambda: ledger.submit(contractor, ocid, 0, HASH_A), ocids=[ocid],
            arguments={"id": cid(ocid), "current": int(ContractStatus.TERMINATED),
                       "required": int(ContractStatus.ACTIVE)})
    refused(ledger, errors.ContractNotFundable,
            lambda: send(ledger, official, ledger.escrow.functions.fund(cid(ocid), 1)), ocids=[ocid],
            arguments={"id": cid(ocid)})
    assert_balanced(ledger, ocid)


# --- completion -----------------------------------------------------------------------------------

def test_lastPaidMilestone_completesTheContract(ledger: Ledger, active_contract: str) -> None:
    first = pay(ledger, 0)
    assert events(ledger, ledger.registry, "ContractCompleted", first) == []
    assert (ledger.contract(OCID).status, ledger.contract(OCID).settled_count) == (ContractStatus.ACTIVE, 1)

    last = pay(ledger, 1)

    assert events(ledger, ledger.registry, "ContractCompleted", last) == [{"id": cid(OCID)}]
    c = ledger.contract(OCID)
    assert (c.status, c.settled_count, c.closed_at) == (ContractStatus.COMPLETED, 2, block_time(ledger, last))
    assert ledger.escrow_account(OCID).withdrawable == VALUE
    assert_balanced(ledger)


def test_milestoneSettled_failsIfCallerIsNotTheVerifier(ledger: Ledger, active_contract: str, stranger) -> None:
    refused(ledger, errors.OnlyVerifier,
            lambda: send(ledger, stranger, ledger.registry.functions.milestoneSettled(cid(OCID), 1)),
            ocids=[OCID], arguments={"caller": stranger.address})


def test_milestoneSettled_failsEvenForTheAgencyOfficial(ledger: Ledger, active_contract: str, official) -> None:
    refused(ledger, errors.OnlyVerifier,
            lambda: send(ledger, official, ledger.registry.functions.milestoneSettled(cid(OCID), 1)),
            ocids=[OCID], arguments={"caller": official.address})


# --- reclaim --------------------------------------------------------------------------------------

def test_reclaim_failsWhileContractIsStillOpen(ledger: Ledger, active_contract: str, official) -> None:
    refused(ledger, errors.ContractStillOpen, lambda: ledger.reclaim(official, OCID), ocids=[OCID],
            arguments={"id": cid(OCID)}, mentions=[OCID])


def test_reclaim_failsIfCallerIsNotAnOfficial(ledger: Ledger, active_contract: str, official, contractor) -> None:
    ledger.terminate(official, OCID, REASON)
    refused(ledger, errors.NotAgencyOfficial, lambda: ledger.reclaim(contractor, OCID), ocids=[OCID],
            arguments={"account": contractor.address, "agency": agency_id(PILOT_AGENCY)})


def test_reclaim_failsIfNothingIsHeld(ledger: Ledger, active_contract: str, official) -> None:
    pay(ledger, 0)
    pay(ledger, 1)
    refused(ledger, errors.NothingToWithdraw, lambda: ledger.reclaim(official, OCID), ocids=[OCID],
            arguments={"account": official.address, "id": cid(OCID)})


def test_reclaim_cannotBeRepeated(ledger: Ledger, active_contract: str, official) -> None:
    ledger.terminate(official, OCID, REASON)
    ledger.reclaim(official, OCID)
    refused(ledger, errors.NothingToWithdraw, lambda: ledger.reclaim(official, OCID), ocids=[OCID],
            arguments={"account": official.address, "id": cid(OCID)})
    assert ledger.escrow_account(OCID).refunded == VALUE


# --- retention release ----------------------------------------------------------------------------

def test_releaseRetention_afterMaintenancePeriodCreditsTheContractor(ledger: Ledger, works_contract: str,
                                                                     official, contractor) -> None:
    pay(ledger, 0, WORKS)
    last = pay(ledger, 1, WORKS)
    closed_at = ledger.contract(WORKS).closed_at
    assert closed_at == block_time(ledger, last)
    a = ledger.escrow_account(WORKS)
    assert (a.withdrawable, a.retained, a.held) == (950_000_00, 50_000_00, 0)

    refused(ledger, errors.MaintenancePeriodNotOver, lambda: ledger.release_retention(official, WORKS),
            ocids=[WORKS], arguments={"id": cid(WORKS), "releasableAt": closed_at + MAINTENANCE})
    time_travel(ledger, closed_at + MAINTENANCE - 100)
    refused(ledger, errors.MaintenancePeriodNotOver, lambda: ledger.release_retention(official, WORKS),
            ocids=[WORKS], arguments={"id": cid(WORKS), "releasableAt": closed_at + MAINTENANCE})

    time_travel(ledger, closed_at + MAINTENANCE)
    receipt = ledger.release_retention(official, WORKS)

    assert events(ledger, ledger.escrow, "RetentionReleased", receipt) == [
        {"id": cid(WORKS), "contractor": contractor.address, "amount": 50_000_00}]
    a = ledger.escrow_account(WORKS)
    assert (a.withdrawable, a.retained) == (VALUE, 0)
    assert_balanced(ledger)
    before = ledger.balance(contractor.address)
    ledger.withdraw(contractor, WORKS)
    assert ledger.balance(contractor.address) == before + VALUE
    refused(ledger, errors.NothingToWithdraw, lambda: ledger.release_retention(official, WORKS), ocids=[WORKS],
            arguments={"account": contractor.address, "id": cid(WORKS)})


def test_releaseRetention_onATerminatedContractCountsFromTermination(ledger: Ledger, works_contract: str,
                                                                    official) -> None:
    pay(ledger, 0, WORKS)
    receipt = ledger.terminate(official, WORKS, REASON)
    time_travel(ledger, block_time(ledger, receipt) + MAINTENANCE)

    ledger.release_retention(official, WORKS)
    ledger.reclaim(official, WORKS)

    a = ledger.escrow_account(WORKS)
    assert (a.withdrawable, a.retained, a.refunded, a.held) == (400_000_00, 0, 600_000_00, 0)
    assert_balanced(ledger)


def test_releaseRetention_failsWhileContractIsStillOpen(ledger: Ledger, works_contract: str, official) -> None:
    pay(ledger, 0, WORKS)
    refused(ledger, errors.ContractStillOpen, lambda: ledger.release_retention(official, WORKS), ocids=[WORKS],
            arguments={"id": cid(WORKS)})


def test_releaseRetention_failsIfCallerIsNotAnOfficial(ledger: Ledger, works_contract: str, contractor) -> None:
    refused(ledger, errors.NotAgencyOfficial, lambda: ledger.release_retention(contractor, WORKS), ocids=[WORKS],
            arguments={"account": contractor.address, "agency": agency_id(PILOT_AGENCY)})


def test_terminate_returnsTheUnrecoveredAdvanceToTheAgency(ledger: Ledger, official, contractor) -> None:
    ocid = "ocds-test01-0804"
    ledger.register(official, replace(make_spec(ocid), advance_payment=Sen(200_000_00)))
    ledger.accept(contractor, ocid)
    ledger.fund(official, ocid, Sen(VALUE))
    ledger.pay_advance(official, ocid)
    pay(ledger, 0, ocid)  # earned 400,000.00, of which 80,000.00 recovered the advance
    ledger.terminate(official, ocid, REASON)

    refund = events(ledger, ledger.escrow, "EscrowRefunded", ledger.reclaim(official, ocid))[0]["amount"]
    assert_balanced(ledger, ocid)

    a = ledger.escrow_account(ocid)
    assert a.withdrawable + a.withdrawn == 400_000_00  # only what was earned
    assert refund == 600_000_00
