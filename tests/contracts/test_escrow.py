"""PaymentEscrow: agencies fund, verified milestones credit the contractor, contractors withdraw."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import OCID, make_spec
from govledger import errors
from govledger.ledger import Ledger
from govledger.pilot import PILOT_AGENCY
from govledger.roles import agency_id
from govledger.types import ContractStatus, MilestoneStatus

from . import (
    ACCOUNTS, HASH_A, HASH_B, assert_escrow_invariants, built_once, cid, events, label, refused, send,
)

UNFUNDED = "ocds-test01-0011"  # accepted, nothing funded yet
PAID = "ocds-test01-0012"  # accepted, fully funded, milestone 0 (400,000.00) verified and not yet withdrawn
VALUE = 1_000_000_00
FIRST = 400_000_00


@pytest.fixture(scope="module")
def world(_deployed: Ledger) -> Iterator[Ledger]:
    """Built once for the module: OCID (accepted, fully funded), UNFUNDED and PAID."""
    with built_once(_deployed) as ledger:
        official, contractor = ACCOUNTS["official"], ACCOUNTS["contractor"]
        for ocid in (OCID, UNFUNDED, PAID):
            ledger.register(official, make_spec(ocid))
            ledger.accept(contractor, ocid)
        ledger.fund(official, OCID, VALUE)
        ledger.fund(official, PAID, VALUE)
        ledger.submit(contractor, PAID, 0, HASH_A)
        ledger.approve(ACCOUNTS["inspector1"], PAID, 0, HASH_B)
        ledger.approve(ACCOUNTS["inspector2"], PAID, 0, HASH_B)
        yield ledger


@pytest.fixture(autouse=True)
def _world_first(world: Ledger) -> None:
    """Every test of this module starts from the module's world (built before the per-test snapshot)."""


# --- fund -----------------------------------------------------------------------------------------

def test_fund_movesTokensIntoEscrowAndEmitsEscrowFunded(ledger: Ledger, official) -> None:
    before = (ledger.balance(official.address), ledger.balance(ledger.escrow.address))
    receipt = ledger.fund(official, UNFUNDED, 300_000_00)

    assert events(ledger, ledger.escrow, "EscrowFunded", receipt) == [
        {"id": cid(UNFUNDED), "funder": official.address, "amount": 300_000_00}]
    assert events(ledger, ledger.token, "Transfer", receipt) == [
        {"from": official.address, "to": ledger.escrow.address, "value": 300_000_00}]
    after = (ledger.balance(official.address), ledger.balance(ledger.escrow.address))
    assert after == (before[0] - 300_000_00, before[1] + 300_000_00)
    a = ledger.escrow_account(UNFUNDED)
    assert (a.funded, a.held, a.withdrawable, a.withdrawn) == (300_000_00, 300_000_00, 0, 0)
    assert ledger.escrow.functions.token().call() == ledger.token.address


def test_fund_inInstalmentsUpToExactlyTheValue(ledger: Ledger, official) -> None:
    for amount in (250_000_00, 700_000_00, 50_000_00):
        ledger.fund(official, UNFUNDED, amount)
        assert_escrow_invariants(ledger)
    assert ledger.escrow_account(UNFUNDED).funded == VALUE
    refused(ledger, errors.FundingExceedsValue, lambda: ledger.fund(official, UNFUNDED, 1), ocids=[UNFUNDED],
            arguments={"id": cid(UNFUNDED), "funded": VALUE + 1, "value": VALUE},
            mentions=[UNFUNDED, str(VALUE + 1), str(VALUE)], sends_nothing=False)


def test_fund_failsIfFundingExceedsValue(ledger: Ledger, official) -> None:
    refused(ledger, errors.FundingExceedsValue, lambda: ledger.fund(official, UNFUNDED, VALUE + 1), ocids=[UNFUNDED],
            arguments={"id": cid(UNFUNDED), "funded": VALUE + 1, "value": VALUE}, mentions=[UNFUNDED],
            sends_nothing=False)


def test_fund_failsIfAmountIsZero(ledger: Ledger, official) -> None:
    refused(ledger, errors.ZeroAmount, lambda: ledger.fund(official, UNFUNDED, 0), ocids=[UNFUNDED],
            arguments={}, mentions=["above zero"], sends_nothing=False)


def test_fund_failsIfCallerIsNotOfficialOfTheAgency(ledger: Ledger, stranger) -> None:
    refused(ledger, errors.NotAgencyOfficial, lambda: ledger.fund(stranger, UNFUNDED, 100), ocids=[UNFUNDED],
            arguments={"account": stranger.address, "agency": agency_id(PILOT_AGENCY)},
            mentions=[label(ledger, stranger), PILOT_AGENCY], sends_nothing=False)


def test_fund_failsIfCallerIsOfficialOfAnotherAgency(ledger: Ledger, admin, treasury) -> None:
    other = ACCOUNTS["contractor2"]
    ledger.enable_agency(admin, "DEMO-OTHER-AGENCY")
    ledger.appoint_official(admin, "DEMO-OTHER-AGENCY", other.address)
    ledger.mint(treasury, other.address, 500_00)
    refused(ledger, errors.NotAgencyOfficial, lambda: ledger.fund(other, UNFUNDED, 500_00), ocids=[UNFUNDED],
            arguments={"account": other.address, "agency": agency_id(PILOT_AGENCY)},
            mentions=[label(ledger, other), PILOT_AGENCY], sends_nothing=False)
    assert ledger.balance(other.address) == 500_00


def test_fund_failsIfContractUnknown(ledger: Ledger, official) -> None:
    ocid = "ocds-test01-0999"
    refused(ledger, errors.UnknownContract, lambda: ledger.fund(official, ocid, 100), ocids=[ocid],
            arguments={"id": cid(ocid)}, mentions=[ocid], sends_nothing=False)


def test_fund_failsIfOfficialLacksTokens(ledger: Ledger, admin, stranger) -> None:
    ledger.appoint_official(admin, PILOT_AGENCY, stranger.address)
    refused(ledger, errors.ERC20InsufficientBalance, lambda: ledger.fund(stranger, UNFUNDED, 100_00),
            ocids=[UNFUNDED], arguments={"sender": stranger.address, "balance": 0, "needed": 100_00},
            mentions=[label(ledger, stranger), "10000"], sends_nothing=False)


def test_fund_failsWithoutAllowance(ledger: Ledger, official) -> None:
    call = ledger.escrow.functions.fund(cid(UNFUNDED), 100_00)
    refused(ledger, errors.ERC20InsufficientAllowance, lambda: send(ledger, official, call), ocids=[UNFUNDED],
            arguments={"spender": ledger.escrow.address, "allowance": 0, "needed": 100_00},
            mentions=[label(ledger, ledger.escrow.address), "approve first"])


def test_fund_failsIfAllowanceTooSmall(ledger: Ledger, official) -> None:
    send(ledger, official, ledger.token.functions.approve(ledger.escrow.address, 99_99))
    call = ledger.escrow.functions.fund(cid(UNFUNDED), 100_00)
    refused(ledger, errors.ERC20InsufficientAllowance, lambda: send(ledger, official, call), ocids=[UNFUNDED],
            arguments={"spender": ledger.escrow.address, "allowance": 99_99, "needed": 100_00},
            mentions=["9999", "10000"])


# --- release: only through k approvals --------------------------------------------------------------

def test_release_failsIfCallerIsNotTheVerifier(ledger: Ledger, admin, official, contractor, stranger) -> None:
    for caller in (stranger, official, contractor, admin):
        call = ledger.escrow.functions.release(cid(OCID), 0, FIRST, 0)
        refused(ledger, errors.OnlyMilestoneVerifier, lambda: send(ledger, caller, call), ocids=[OCID],
                arguments={"caller": caller.address}, mentions=[label(ledger, caller)])


def test_approve_failsIfEscrowHoldsLessThanTheMilestone(ledger: Ledger, official, contractor, inspectors) -> None:
    ledger.fund(official, UNFUNDED, 100_000_00)
    ledger.submit(contractor, UNFUNDED, 0, HASH_A)
    ledger.approve(inspectors[0], UNFUNDED, 0, HASH_B)
    # The k-th approval cannot be paid, so it is refused whole: the milestone stays submitted.
    refused(ledger, errors.InsufficientEscrow, lambda: ledger.approve(inspectors[1], UNFUNDED, 0, HASH_B),
            ocids=[UNFUNDED], arguments={"id": cid(UNFUNDED), "held": 100_000_00, "required": FIRST},
            mentions=[UNFUNDED, "10000000", str(FIRST), "fund it first"])
    m = ledger.milestones(UNFUNDED)[0]
    assert (m.status, m.approved_by) == (MilestoneStatus.SUBMITTED, (inspectors[0].address,))

    ledger.fund(official, UNFUNDED, 300_000_00)
    ledger.approve(inspectors[1], UNFUNDED, 0, HASH_B)
    a = ledger.escrow_account(UNFUNDED)
    assert (a.funded, a.held, a.withdrawable) == (FIRST, 0, FIRST)


def test_approve_failsIfNothingFunded(ledger: Ledger, contractor, inspectors) -> None:
    ledger.submit(contractor, UNFUNDED, 1, HASH_A)
    ledger.approve(inspectors[2], UNFUNDED, 1, HASH_B)
    refused(ledger, errors.InsufficientEscrow, lambda: ledger.approve(inspectors[0], UNFUNDED, 1, HASH_B),
            ocids=[UNFUNDED], arguments={"id": cid(UNFUNDED), "held": 0, "required": 600_000_00}, mentions=[UNFUNDED])


# --- withdraw -------------------------------------------------------------------------------------

def test_withdraw_paysTheVerifiedAmountToTheContractor(ledger: Ledger, contractor) -> None:
    assert ledger.escrow.functions.withdraw(cid(PAID)).call({"from": contractor.address}) == FIRST
    before = ledger.balance(contractor.address)
    receipt = ledger.withdraw(contractor, PAID)

    assert events(ledger, ledger.escrow, "PaymentWithdrawn", receipt) == [
        {"id": cid(PAID), "contractor": contractor.address, "amount": FIRST}]
    assert events(ledger, ledger.token, "Transfer", receipt) == [
        {"from": ledger.escrow.address, "to": contractor.address, "value": FIRST}]
    assert ledger.balance(contractor.address) == before + FIRST
    a = ledger.escrow_account(PAID)
    assert (a.funded, a.held, a.withdrawable, a.withdrawn) == (VALUE, VALUE - FIRST, 0, FIRST)
    assert_escrow_invariants(ledger)


def test_withdraw_failsIfNothingToWithdraw(ledger: Ledger, contractor) -> None:
    refused(ledger, errors.NothingToWithdraw, lambda: ledger.withdraw(contractor, OCID), ocids=[OCID],
            arguments={"account": contractor.address, "id": cid(OCID)}, mentions=[label(ledger, contractor), OCID])


def test_withdraw_failsIfAlreadyWithdrawn(ledger: Ledger, contractor) -> None:
    ledger.withdraw(contractor, PAID)
    refused(ledger, errors.NothingToWithdraw, lambda: ledger.withdraw(contractor, PAID), ocids=[PAID],
            arguments={"account": contractor.address, "id": cid(PAID)}, mentions=[label(ledger, contractor), PAID])
    assert ledger.escrow_account(PAID).withdrawn == FIRST


def test_withdraw_failsIfCallerIsNotTheContractor(ledger: Ledger, official, stranger) -> None:
    for caller in (stranger, official):
        refused(ledger, errors.NotContractor, lambda: ledger.withdraw(caller, PAID), ocids=[PAID],
                arguments={"account": caller.address, "id": cid(PAID)}, mentions=[label(ledger, caller), PAID])


def test_withdraw_failsIfContractUnknown(ledger: Ledger, contractor) -> None:
    ocid = "ocds-test01-0998"
    refused(ledger, errors.UnknownContract, lambda: ledger.withdraw(contractor, ocid), ocids=[ocid],
            arguments={"id": cid(ocid)}, mentions=[ocid])


# --- invariants -----------------------------------------------------------------------------------

def test_invariants_holdAfterEveryStepOfAFullLifecycle(ledger: Ledger, official, contractor, inspectors) -> None:
    i1, i2, i3 = inspectors
    steps = [
        lambda: ledger.fund(official, UNFUNDED, 500_000_00),
        lambda: ledger.submit(contractor, UNFUNDED, 0, HASH_A),
        lambda: ledger.approve(i1, UNFUNDED, 0, HASH_B),
        lambda: ledger.reject(i3, UNFUNDED, 0, HASH_B),
        lambda: ledger.submit(contractor, UNFUNDED, 0, HASH_B),
        lambda: ledger.approve(i2, UNFUNDED, 0, HASH_B),
        lambda: ledger.approve(i3, UNFUNDED, 0, HASH_B),
        lambda: ledger.withdraw(contractor, UNFUNDED),
        lambda: ledger.withdraw(contractor, PAID),
        lambda: ledger.fund(official, UNFUNDED, 500_000_00),
        lambda: ledger.submit(contractor, UNFUNDED, 1, HASH_A),
        lambda: ledger.approve(i1, UNFUNDED, 1, HASH_B),
        lambda: ledger.approve(i2, UNFUNDED, 1, HASH_B),
        lambda: ledger.withdraw(contractor, UNFUNDED),
    ]
    assert [c.ocid for c in ledger.contracts()] == [OCID, UNFUNDED, PAID]  # all the money in escrow
    start = ledger.balance(contractor.address)
    for step in steps:
        step()
        assert_escrow_invariants(ledger, [OCID, UNFUNDED, PAID])
    assert ledger.contract(UNFUNDED).status is ContractStatus.COMPLETED
    # Everything verified, and nothing else, reached the contractor.
    assert ledger.balance(contractor.address) - start == VALUE + FIRST
    a = ledger.escrow_account(UNFUNDED)
    assert (a.funded, a.held, a.withdrawable, a.withdrawn) == (VALUE, 0, 0, VALUE)
    assert [m.status for m in ledger.milestones(UNFUNDED)] == [MilestoneStatus.PAID] * 2

