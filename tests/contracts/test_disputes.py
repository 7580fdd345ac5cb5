"""Disputes: either party flags one, with a new reason each time, and payments, attestations and the
parties' changes freeze until the arbiter resolves it (or terminates the contract)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from conftest import OCID, make_spec
from govledger import errors
from govledger.ledger import Ledger
from govledger.pilot import PILOT_AGENCY
from govledger.roles import ARBITER_ROLE, agency_id
from govledger.types import ContractStatus, Sen

from . import ACCOUNTS, HASH_A, HASH_B, built_once, cid, events, open_and_fund, refused

REASON = b"\xd1" * 32
RESOLUTION = b"\xd2" * 32
DISPUTED = "ocds-test01-0301"  # advance agreed (not paid), milestone 0 paid (400,000.00 withdrawable),
#                                milestone 1 submitted with one approval, then disputed by the contractor


@pytest.fixture(scope="module")
def world(_deployed: Ledger) -> Iterator[Ledger]:
    with built_once(_deployed) as ledger:
        official, contractor = ACCOUNTS["official"], ACCOUNTS["contractor"]
        ledger.register(official, replace(make_spec(DISPUTED), advance_payment=Sen(100_000_00)))
        ledger.accept(contractor, DISPUTED)
        ledger.fund(official, DISPUTED, Sen(1_000_000_00))
        ledger.submit(contractor, DISPUTED, 0, HASH_A)
        ledger.approve(ACCOUNTS["inspector1"], DISPUTED, 0, HASH_B)
        ledger.approve(ACCOUNTS["inspector2"], DISPUTED, 0, HASH_B)
        ledger.submit(contractor, DISPUTED, 1, HASH_A)
        ledger.approve(ACCOUNTS["inspector1"], DISPUTED, 1, HASH_B)
        ledger.raise_dispute(contractor, DISPUTED, REASON)
        open_and_fund(ledger, make_spec())
        yield ledger


@pytest.fixture(autouse=True)
def _world_first(world: Ledger) -> None:
    """Every test starts from the module's world (built before the per-test snapshot)."""


@pytest.fixture
def active_contract(ledger: Ledger) -> str:
    """OCID of the world: accepted, fully funded, undisputed."""
    return OCID


@pytest.fixture
def disputed(world: Ledger, ledger: Ledger) -> str:
    return DISPUTED


def assert_balanced(ledger: Ledger, ocid: str) -> None:
    a = ledger.escrow_account(ocid)
    assert a.funded == a.withdrawn + a.withdrawable + a.retained + a.refunded + a.held, a


# --- raising --------------------------------------------------------------------------------------

@pytest.mark.parametrize("party", ["contractor", "official"])
def test_raiseDispute_byEitherPartyFlagsTheContract(ledger: Ledger, active_contract: str, party: str) -> None:
    account = ACCOUNTS[party]
    receipt = ledger.raise_dispute(account, OCID, REASON)

    assert events(ledger, ledger.registry, "DisputeRaised", receipt) == [
        {"id": cid(OCID), "by": account.address, "reasonHash": REASON, "number": 1}]
    c = ledger.contract(OCID)
    assert (c.disputed, c.status, c.dispute_count) == (True, ContractStatus.ACTIVE, 1)


def test_raiseDispute_reopeningAfterAResolutionNeedsANewReasonAndIsCounted(ledger: Ledger, active_contract: str,
                                                                           official) -> None:
    arbiter = ACCOUNTS["arbiter"]
    ledger.raise_dispute(official, OCID, REASON)
    ledger.resolve_dispute(arbiter, OCID, RESOLUTION)
    refused(ledger, errors.DisputeReasonReused, lambda: ledger.raise_dispute(official, OCID, REASON), ocids=[OCID],
            arguments={"id": cid(OCID), "reasonHash": REASON}, mentions=[OCID, "0x" + REASON.hex()])
    receipt = ledger.raise_dispute(official, OCID, HASH_B)
    assert events(ledger, ledger.registry, "DisputeRaised", receipt)[0]["number"] == 2
    assert ledger.contract(OCID).dispute_count == 2
    # An earlier reason (not the last) may come back: what is refused is restating the last one.
    ledger.resolve_dispute(arbiter, OCID, RESOLUTION)
    assert events(ledger, ledger.registry, "DisputeRaised", ledger.raise_dispute(official, OCID, REASON))[0][
        "number"] == 3


def test_raiseDispute_failsWithoutAReason(ledger: Ledger, active_contract: str, contractor) -> None:
    refused(ledger, errors.DisputeReasonReused, lambda: ledger.raise_dispute(contractor, OCID, b"\0" * 32),
            ocids=[OCID], arguments={"id": cid(OCID), "reasonHash": b"\0" * 32}, mentions=[OCID, "0x"])


def test_raiseDispute_failsIfCallerIsNotAParty(ledger: Ledger, active_contract: str, stranger) -> None:
    refused(ledger, errors.NotAParty, lambda: ledger.raise_dispute(stranger, OCID, REASON), ocids=[OCID],
            arguments={"account": stranger.address, "id": cid(OCID)}, mentions=[OCID])


def test_raiseDispute_failsIfInspectorTriesIt(ledger: Ledger, active_contract: str) -> None:
    inspector = ACCOUNTS["inspector1"]
    refused(ledger, errors.NotAParty, lambda: ledger.raise_dispute(inspector, OCID, REASON), ocids=[OCID],
            arguments={"account": inspector.address, "id": cid(OCID)})


def test_raiseDispute_failsIfAlreadyDisputed(disputed: str, ledger: Ledger, official) -> None:
    refused(ledger, errors.ContractDisputed, lambda: ledger.raise_dispute(official, disputed, REASON),
            ocids=[disputed], arguments={"id": cid(disputed)})


def test_raiseDispute_failsOnAPendingContract(ledger: Ledger, official) -> None:
    ocid = "ocds-test01-0302"
    ledger.register(official, make_spec(ocid))
    refused(ledger, errors.WrongContractStatus, lambda: ledger.raise_dispute(official, ocid, REASON), ocids=[ocid],
            arguments={"id": cid(ocid), "current": int(ContractStatus.PENDING),
                       "required": int(ContractStatus.ACTIVE)})


# --- what a dispute freezes -------------------------------------------------------------------------

def test_submit_failsWhileDisputed(disputed: str, ledger: Ledger, contractor) -> None:
    refused(ledger, errors.ContractDisputed, lambda: ledger.submit(contractor, disputed, 0, HASH_A),
            ocids=[disputed], arguments={"id": cid(disputed)}, mentions=[disputed])


def test_approve_failsWhileDisputed(disputed: str, ledger: Ledger) -> None:
    refused(ledger, errors.ContractDisputed, lambda: ledger.approve(ACCOUNTS["inspector2"], disputed, 1, HASH_B),
            ocids=[disputed], arguments={"id": cid(disputed)})


def test_reject_failsWhileDisputed(disputed: str, ledger: Ledger) -> None:
    refused(ledger, errors.ContractDisputed, lambda: ledger.reject(ACCOUNTS["inspector2"], disputed, 1, HASH_B),
            ocids=[disputed], arguments={"id": cid(disputed)})


def test_withdraw_failsWhileDisputed(disputed: str, ledger: Ledger, contractor) -> None:
    assert ledger.escrow_account(disputed).withdrawable == 400_000_00
    refused(ledger, errors.ContractDisputed, lambda: ledger.withdraw(contractor, disputed),
            ocids=[disputed], arguments={"id": cid(disputed)})


def test_payAdvance_failsWhileDisputed(disputed: str, ledger: Ledger, official) -> None:
    refused(ledger, errors.ContractDisputed, lambda: ledger.pay_advance(official, disputed),
            ocids=[disputed], arguments={"id": cid(disputed)})


def test_terminate_byTheOfficialFailsWhileDisputed(disputed: str, ledger: Ledger, official) -> None:
    refused(ledger, errors.ContractDisputed, lambda: ledger.terminate(official, disputed, REASON),
            ocids=[disputed], arguments={"id": cid(disputed)}, mentions=[disputed, "arbiter"])


def test_terminate_byTheArbiterWhileDisputedResolvesTheDisputeAndClosesTheContract(disputed: str, ledger: Ledger,
                                                                                   official) -> None:
    arbiter = ACCOUNTS["arbiter"]
    receipt = ledger.terminate(arbiter, disputed, RESOLUTION)
    assert events(ledger, ledger.registry, "DisputeResolved", receipt) == [
        {"id": cid(disputed), "arbiter": arbiter.address, "resolutionHash": RESOLUTION}]
    assert events(ledger, ledger.registry, "ContractTerminated", receipt) == [
        {"id": cid(disputed), "official": arbiter.address, "reasonHash": RESOLUTION}]
    c = ledger.contract(disputed)
    assert (c.status, c.disputed) == (ContractStatus.TERMINATED, False)
    assert events(ledger, ledger.escrow, "EscrowRefunded", ledger.reclaim(official, disputed))[0]["amount"] == \
        600_000_00


def test_terminate_byTheArbiterFailsWithoutADispute(ledger: Ledger, active_contract: str) -> None:
    arbiter = ACCOUNTS["arbiter"]
    refused(ledger, errors.NotAgencyOfficial, lambda: ledger.terminate(arbiter, OCID, REASON), ocids=[OCID],
            arguments={"account": arbiter.address, "agency": agency_id(PILOT_AGENCY)})


# --- resolving --------------------------------------------------------------------------------------

def test_resolveDispute_byTheArbiterUnfreezesPayments(disputed: str, ledger: Ledger, contractor) -> None:
    arbiter = ACCOUNTS["arbiter"]
    receipt = ledger.resolve_dispute(arbiter, disputed, RESOLUTION)

    assert events(ledger, ledger.registry, "DisputeResolved", receipt) == [
        {"id": cid(disputed), "arbiter": arbiter.address, "resolutionHash": RESOLUTION}]
    assert ledger.contract(disputed).disputed is False
    # Payments resume: the second approval pays milestone 1 and completes the contract.
    ledger.approve(ACCOUNTS["inspector2"], disputed, 1, HASH_B)
    ledger.withdraw(contractor, disputed)
    a = ledger.escrow_account(disputed)
    assert (a.withdrawn, a.held) == (1_000_000_00, 0)
    assert ledger.contract(disputed).status is ContractStatus.COMPLETED
    assert_balanced(ledger, disputed)


def test_resolveDispute_failsIfNotDisputed(ledger: Ledger, active_contract: str) -> None:
    refused(ledger, errors.NotDisputed, lambda: ledger.resolve_dispute(ACCOUNTS["arbiter"], OCID, RESOLUTION),
            ocids=[OCID], arguments={"id": cid(OCID)}, mentions=[OCID])


@pytest.mark.parametrize("who", ["official", "contractor", "admin"])
def test_resolveDispute_failsIfCallerIsNotTheArbiter(disputed: str, ledger: Ledger, who: str) -> None:
    account = ACCOUNTS[who]
    refused(ledger, errors.AccessControlUnauthorizedAccount,
            lambda: ledger.resolve_dispute(account, disputed, RESOLUTION), ocids=[disputed],
            arguments={"account": account.address, "neededRole": ARBITER_ROLE})
    assert ledger.contract(disputed).disputed is True
