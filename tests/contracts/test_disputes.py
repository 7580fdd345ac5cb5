"""Disputes: either party flags one and payments and attestations freeze until the arbiter resolves it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from conftest import OCID, make_spec
from govledger import errors
from govledger.ledger import Ledger
from govledger.roles import ARBITER_ROLE
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
        {"id": cid(OCID), "by": account.address, "reasonHash": REASON}]
    c = ledger.contract(OCID)
    assert (c.disputed, c.status) == (True, ContractStatus.ACTIVE)


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


def test_reclaim_failsWhileDisputedEvenAfterTermination(disputed: str, ledger: Ledger, official) -> None:
    ledger.terminate(official, disputed, REASON)
    refused(ledger, errors.ContractDisputed, lambda: ledger.reclaim(official, disputed),
            ocids=[disputed], arguments={"id": cid(disputed)})
    refused(ledger, errors.ContractDisputed, lambda: ledger.release_retention(official, disputed),
            ocids=[disputed], arguments={"id": cid(disputed)})


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
