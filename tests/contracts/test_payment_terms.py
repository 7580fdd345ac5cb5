"""Payment terms: works retention, late penalty (1 per mille a day, capped), advance payment recovery.

Figures are in sen (Rupiah x 100): 400_000_00 is Rp 400,000.00.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest

from conftest import OCID, YEAR, make_spec
from govledger import errors
from govledger.ledger import Ledger
from govledger.types import Category, ContractSpec, ContractStatus, MilestoneChange, Parameters, Sen

from . import ACCOUNTS, HASH_A, HASH_B, built_once, cid, events, refused, send
from chain_support import ChainControl

DAY = 86400
VALUE = 1_000_000_00
FIRST, SECOND = 400_000_00, 600_000_00
FIRST_DUE = calendar.timegm(date(YEAR, 1, 1).timetuple())  # make_spec: milestone i is due on YEAR-(1+i)-01
SECOND_DUE = calendar.timegm(date(YEAR, 2, 1).timetuple())


def time_travel(ledger: Ledger, timestamp: int) -> None:
    ChainControl(ledger.w3).time_travel(timestamp)


WORKS, GOODS = "ocds-test01-0201", "ocds-test01-0202"  # funded 1,000,000.00, nothing paid
ADV_GOODS, ADV_WORKS = "ocds-test01-0203", "ocds-test01-0204"  # advance 200,000.00 agreed, funded and paid
ADV_UNPAID = "ocds-test01-0205"  # goods, advance 200,000.00 agreed, funded, advance not paid yet
WORLD = (WORKS, GOODS, ADV_GOODS, ADV_WORKS, ADV_UNPAID)


def assert_balanced(ledger: Ledger, ocids: tuple[str, ...] = WORLD) -> None:
    """funded == withdrawn + withdrawable + retained + refunded + held for each of `ocids`; when they
    are every contract on the ledger, the escrow's token balance is exactly what it still owes."""
    owed = 0
    for ocid in ocids:
        a = ledger.escrow_account(ocid)
        assert a.funded == a.withdrawn + a.withdrawable + a.retained + a.refunded + a.held, (ocid, a)
        owed += a.held + a.withdrawable + a.retained
    if len(ocids) >= len(WORLD):
        assert ledger.balance(ledger.escrow.address) == owed


def start_spec(ledger: Ledger, spec: ContractSpec) -> str:
    """Register, accept and fully fund `spec`."""
    ledger.register(ACCOUNTS["official"], spec)
    ledger.accept(ACCOUNTS["contractor"], spec.ocid)
    ledger.fund(ACCOUNTS["official"], spec.ocid, spec.value)
    return spec.ocid


def start(ledger: Ledger, *, category: Category = Category.WORKS, advance: int = 0, ocid: str = OCID,
          fund: int = VALUE) -> str:
    """Register, accept and fund a 1,000,000.00 contract with milestones of 400,000.00 and 600,000.00."""
    spec = replace(make_spec(ocid, category=category), advance_payment=Sen(advance))
    ledger.register(ACCOUNTS["official"], spec)
    ledger.accept(ACCOUNTS["contractor"], ocid)
    if fund:
        ledger.fund(ACCOUNTS["official"], ocid, Sen(fund))
    return ocid


@pytest.fixture(scope="module")
def world(_deployed: Ledger) -> Iterator[Ledger]:
    with built_once(_deployed) as ledger:
        start(ledger, ocid=WORKS)
        start(ledger, ocid=GOODS, category=Category.GOODS)
        start(ledger, ocid=ADV_GOODS, category=Category.GOODS, advance=200_000_00)
        start(ledger, ocid=ADV_WORKS, advance=200_000_00)
        start(ledger, ocid=ADV_UNPAID, category=Category.GOODS, advance=200_000_00)
        for ocid in (ADV_GOODS, ADV_WORKS):
            ledger.pay_advance(ACCOUNTS["official"], ocid)
        yield ledger


@pytest.fixture(autouse=True)
def _world_first(world: Ledger) -> None:
    """Every test starts from the module's world (built before the per-test snapshot)."""


def pay(ledger: Ledger, ocid: str, index: int, *, submit_at: int | None = None):
    """Submit milestone `index` (at `submit_at` if given) and have two inspectors approve it."""
    if submit_at is not None:
        time_travel(ledger, submit_at)
    ledger.submit(ACCOUNTS["contractor"], ocid, index, HASH_A)
    ledger.approve(ACCOUNTS["inspector1"], ocid, index, HASH_B)
    receipt = ledger.approve(ACCOUNTS["inspector2"], ocid, index, HASH_B)
    assert_balanced(ledger, (ocid,))
    return receipt


def released(ledger: Ledger, receipt) -> list[dict]:
    return events(ledger, ledger.escrow, "PaymentReleased", receipt)


# --- retention ----------------------------------------------------------------------------------

def test_worksPayment_retainsFivePercentAndCreditsTheRest(ledger: Ledger) -> None:
    assert ledger.contract(WORKS).terms.works_retention_bps == 500

    receipt = pay(ledger, WORKS, 0)

    assert released(ledger, receipt) == [{
        "id": cid(WORKS), "index": 0, "contractor": ACCOUNTS["contractor"].address,
        "net": 380_000_00, "retention": 20_000_00, "advanceRecovered": 0, "penalty": 0}]
    a = ledger.escrow_account(WORKS)
    assert (a.funded, a.held, a.withdrawable, a.retained) == (VALUE, 600_000_00, 380_000_00, 20_000_00)


def test_goodsPayment_retainsNothing(ledger: Ledger) -> None:
    assert ledger.contract(GOODS).terms.works_retention_bps == 0

    receipt = pay(ledger, GOODS, 0)

    assert [(e["net"], e["retention"]) for e in released(ledger, receipt)] == [(FIRST, 0)]
    a = ledger.escrow_account(GOODS)
    assert (a.held, a.withdrawable, a.retained) == (SECOND, FIRST, 0)


def test_withdraw_leavesRetentionInEscrow(ledger: Ledger) -> None:
    pay(ledger, WORKS, 0)
    before = ledger.balance(ACCOUNTS["contractor"].address)

    ledger.withdraw(ACCOUNTS["contractor"], WORKS)

    assert ledger.balance(ACCOUNTS["contractor"].address) == before + 380_000_00
    a = ledger.escrow_account(WORKS)
    assert (a.withdrawn, a.withdrawable, a.retained, a.held) == (380_000_00, 0, 20_000_00, 600_000_00)
    assert_balanced(ledger)


# --- late penalty ---------------------------------------------------------------------------------

def test_lateSubmission_threeDaysLate_withholdsPointThreePercent(ledger: Ledger) -> None:
    receipt = pay(ledger, WORKS, 0, submit_at=FIRST_DUE + 2 * DAY + 3600)  # a started day counts: 3 days

    assert events(ledger, ledger.verifier, "MilestoneVerified", receipt) == [
        {"id": cid(WORKS), "index": 0, "amount": FIRST, "penalty": 1_200_00, "daysLate": 3}]
    assert [(e["net"], e["retention"], e["penalty"]) for e in released(ledger, receipt)] == [
        (378_800_00, 20_000_00, 1_200_00)]
    a = ledger.escrow_account(WORKS)
    # The penalty is not paid out: it stays held, to go back to the agency.
    assert (a.held, a.withdrawable, a.retained) == (601_200_00, 378_800_00, 20_000_00)


def test_lateSubmission_penaltyIsCappedAtFivePercent(ledger: Ledger) -> None:
    receipt = pay(ledger, GOODS, 0, submit_at=FIRST_DUE + 59 * DAY + 3600)  # 60 days: 6% uncapped

    assert events(ledger, ledger.verifier, "MilestoneVerified", receipt)[0]["daysLate"] == 60
    assert [(e["net"], e["penalty"]) for e in released(ledger, receipt)] == [(380_000_00, 20_000_00)]
    assert ledger.escrow_account(GOODS).held == SECOND + 20_000_00


def test_submissionBeforeTheDueDate_carriesNoPenalty(ledger: Ledger) -> None:
    receipt = pay(ledger, GOODS, 0, submit_at=FIRST_DUE - 3600)

    verified = events(ledger, ledger.verifier, "MilestoneVerified", receipt)[0]
    assert (verified["penalty"], verified["daysLate"]) == (0, 0)
    assert ledger.escrow_account(GOODS).withdrawable == FIRST


@pytest.mark.parametrize(("seconds_late", "penalty", "days"), [
    (0, 0, 0),
    (-DAY, 0, 0),
    (1, 400_00, 1),
    (DAY, 400_00, 1),
    (DAY + 1, 800_00, 2),
    (50 * DAY, 20_000_00, 50),
    (365 * DAY, 20_000_00, 365),
])
def test_latePenalty_isPerStartedDayAndCapped(ledger: Ledger, seconds_late: int, penalty: int, days: int) -> None:
    terms = (1000, 500, 10, 500, 180 * DAY)
    got = ledger.verifier.functions.latePenalty(FIRST, FIRST_DUE, FIRST_DUE + seconds_late, terms).call()
    assert tuple(got) == (penalty, days)


def test_penalty_isReclaimedByTheAgencyAfterCompletion(ledger: Ledger) -> None:
    pay(ledger, GOODS, 0, submit_at=FIRST_DUE + 2 * DAY + 3600)
    pay(ledger, GOODS, 1)
    assert ledger.contract(GOODS).status is ContractStatus.COMPLETED
    before = ledger.balance(ACCOUNTS["official"].address)

    receipt = ledger.reclaim(ACCOUNTS["official"], GOODS)

    assert events(ledger, ledger.escrow, "EscrowRefunded", receipt) == [
        {"id": cid(GOODS), "official": ACCOUNTS["official"].address, "amount": 1_200_00}]
    assert ledger.balance(ACCOUNTS["official"].address) == before + 1_200_00
    a = ledger.escrow_account(GOODS)
    assert (a.held, a.refunded, a.withdrawable) == (0, 1_200_00, VALUE - 1_200_00)
    assert_balanced(ledger)


def test_contractKeepsTheTermsInForceAtRegistration(ledger: Ledger) -> None:
    ledger.set_parameters(ACCOUNTS["admin"], Parameters(penalty_per_day_bps=100, penalty_cap_bps=1000))

    receipt = pay(ledger, GOODS, 0, submit_at=FIRST_DUE + 2 * DAY + 3600)

    assert [e["penalty"] for e in released(ledger, receipt)] == [1_200_00]  # still 1 per mille a day


# --- advance payment ------------------------------------------------------------------------------

def test_payAdvance_creditsTheAgreedAdvance(ledger: Ledger) -> None:

    receipt = ledger.pay_advance(ACCOUNTS["official"], ADV_UNPAID)

    assert events(ledger, ledger.escrow, "AdvancePaid", receipt) == [
        {"id": cid(ADV_UNPAID), "contractor": ACCOUNTS["contractor"].address, "amount": 200_000_00}]
    a = ledger.escrow_account(ADV_UNPAID)
    assert (a.held, a.withdrawable, a.advance_paid, a.advance_outstanding) == (
        800_000_00, 200_000_00, 200_000_00, 200_000_00)
    assert_balanced(ledger)


def test_advance_isRecoveredProRataAndTheLastMilestoneRecoversTheRest(ledger: Ledger) -> None:

    first = pay(ledger, ADV_GOODS, 0)
    assert [(e["net"], e["advanceRecovered"]) for e in released(ledger, first)] == [(320_000_00, 80_000_00)]
    a = ledger.escrow_account(ADV_GOODS)
    assert (a.held, a.withdrawable, a.advance_outstanding) == (480_000_00, 520_000_00, 120_000_00)

    last = pay(ledger, ADV_GOODS, 1)
    assert [(e["net"], e["advanceRecovered"]) for e in released(ledger, last)] == [(480_000_00, 120_000_00)]
    a = ledger.escrow_account(ADV_GOODS)
    assert (a.held, a.withdrawable, a.advance_paid, a.advance_outstanding) == (0, VALUE, 200_000_00, 0)
    assert ledger.contract(ADV_GOODS).status is ContractStatus.COMPLETED


def test_advance_onWorks_isRecoveredAfterRetention(ledger: Ledger) -> None:

    first = pay(ledger, ADV_WORKS, 0)
    last = pay(ledger, ADV_WORKS, 1)

    payments = released(ledger, first) + released(ledger, last)
    assert [(e["net"], e["retention"], e["advanceRecovered"]) for e in payments] == [
        (300_000_00, 20_000_00, 80_000_00), (450_000_00, 30_000_00, 120_000_00)]
    a = ledger.escrow_account(ADV_WORKS)
    assert (a.held, a.withdrawable, a.retained, a.advance_outstanding) == (0, 950_000_00, 50_000_00, 0)


def test_advance_isRecoveredProRataRoundedUp_andTheLastPaymentRecoversExactlyTheRest(ledger: Ledger) -> None:
    amounts = (333_333_33, 333_333_33, 333_333_35)  # add up to the value, 1,000,000.01
    spec = replace(make_spec(amounts=amounts), advance_payment=Sen(100_000_00))
    ledger.register(ACCOUNTS["official"], spec)
    ledger.accept(ACCOUNTS["contractor"], OCID)
    ledger.fund(ACCOUNTS["official"], OCID, spec.value)
    ledger.pay_advance(ACCOUNTS["official"], OCID)

    recovered = [released(ledger, pay(ledger, OCID, i))[0]["advanceRecovered"] for i in (2, 0, 1)]

    # Each share of what is still unpaid, rounded up; the last one paid takes exactly what is left.
    assert recovered[0] == -(-100_000_00 * 333_333_35 // 1_000_000_01)
    assert recovered[1] == -(-(100_000_00 - recovered[0]) * 333_333_33 // (1_000_000_01 - 333_333_35))
    assert sum(recovered) == 100_000_00
    a = ledger.escrow_account(OCID)
    assert (a.advance_outstanding, a.held, a.withdrawable) == (0, 0, spec.value)


def test_issue7_fundedWorksContract_advanceAfterAMilestoneIsRefused_soTheLastMilestoneStaysPayable(
        ledger: Ledger) -> None:
    """Value 1,000,000; advance 500,000; two milestones of 500,000; fully funded. Paying milestone 0
    and then the advance used to leave milestone 1 unpayable (InsufficientEscrow) for ever."""
    spec = replace(make_spec(amounts=(500_000_00, 500_000_00), category=Category.WORKS),
                   advance_payment=Sen(500_000_00))
    start_spec(ledger, spec)
    pay(ledger, OCID, 0)
    refused(ledger, errors.AdvanceAfterPayment, lambda: ledger.pay_advance(ACCOUNTS["official"], OCID), ocids=[OCID],
            arguments={"id": cid(OCID), "paidValue": 500_000_00}, mentions=[OCID, "Rp 500,000.00"])
    pay(ledger, OCID, 1)
    a = ledger.escrow_account(OCID)
    assert ledger.contract(OCID).status is ContractStatus.COMPLETED
    assert (a.held, a.retained, a.withdrawable) == (0, 50_000_00, 950_000_00)


def test_issue7_fundedWorksContract_advanceFirst_everyMilestonePaysAndRecoversIt(ledger: Ledger) -> None:
    spec = replace(make_spec(amounts=(500_000_00, 500_000_00), category=Category.WORKS),
                   advance_payment=Sen(500_000_00))
    start_spec(ledger, spec)
    ledger.pay_advance(ACCOUNTS["official"], OCID)
    recovered = [released(ledger, pay(ledger, OCID, i))[0]["advanceRecovered"] for i in (0, 1)]
    a = ledger.escrow_account(OCID)
    assert recovered == [250_000_00, 250_000_00]
    assert (a.held, a.retained, a.withdrawable, a.advance_outstanding) == (0, 50_000_00, 950_000_00, 0)


def test_amendment_failsIfTheUnpaidMilestonesCouldNoLongerRepayTheAdvance(ledger: Ledger) -> None:
    # Funded only for the advance (200,000.00), so the value may come down; at 200,000.00 the two
    # unpaid milestones could repay at most 95% of it (goods: no retention, 5% penalty ceiling).
    start(ledger, category=Category.GOODS, advance=200_000_00, fund=200_000_00)
    ledger.pay_advance(ACCOUNTS["official"], OCID)
    lower = [MilestoneChange(0, Sen(100_000_00), date(YEAR, 1, 1), tuple(make_spec().milestones[0].inspectors), 2),
             MilestoneChange(1, Sen(100_000_00), date(YEAR, 2, 1), tuple(make_spec().milestones[1].inspectors), 2)]
    refused(ledger, errors.AdvanceTooLarge,
            lambda: ledger.propose_amendment(ACCOUNTS["official"], OCID, Sen(200_000_00), b"\x01" * 32, lower),
            ocids=[OCID], arguments={"advance": 200_000_00, "max": 190_000_00}, mentions=["Rp 190,000.00"])
    lower[1] = replace(lower[1], amount=Sen(150_000_00))  # 250,000.00 x 95% covers it
    ledger.propose_amendment(ACCOUNTS["official"], OCID, Sen(250_000_00), b"\x01" * 32, lower)
    ledger.consent_amendment(ACCOUNTS["contractor"], OCID, Sen(250_000_00), b"\x01" * 32, lower)
    assert ledger.contract(OCID).value == 250_000_00


def test_payAdvance_failsIfNoAdvanceWasAgreed(ledger: Ledger) -> None:
    refused(ledger, errors.NoAdvanceDue, lambda: ledger.pay_advance(ACCOUNTS["official"], GOODS),
            ocids=[GOODS], arguments={"id": cid(GOODS)}, mentions=[GOODS])


def test_payAdvance_failsIfAlreadyPaid(ledger: Ledger) -> None:
    refused(ledger, errors.NoAdvanceDue, lambda: ledger.pay_advance(ACCOUNTS["official"], ADV_GOODS),
            ocids=[ADV_GOODS], arguments={"id": cid(ADV_GOODS)})
    assert ledger.escrow_account(ADV_GOODS).withdrawable == 200_000_00


def test_payAdvance_failsIfEscrowHoldsTooLittle(ledger: Ledger) -> None:
    start(ledger, category=Category.GOODS, advance=200_000_00, fund=100_000_00)
    refused(ledger, errors.InsufficientEscrow, lambda: ledger.pay_advance(ACCOUNTS["official"], OCID),
            ocids=[OCID], arguments={"id": cid(OCID), "held": 100_000_00, "required": 200_000_00})


def test_payAdvance_failsIfCallerIsNotAnOfficial(ledger: Ledger) -> None:
    refused(ledger, errors.NotAgencyOfficial, lambda: ledger.pay_advance(ACCOUNTS["contractor"], ADV_UNPAID),
            ocids=[ADV_UNPAID])


@pytest.mark.parametrize(("category", "ceiling"), [
    (Category.GOODS, 950_000_00),  # value less the 5% penalty ceiling
    (Category.WORKS, 900_000_00),  # value less 5% retention and the 5% penalty ceiling
])
def test_register_failsIfAdvanceLeavesNoRoomForRetentionAndPenalty(ledger: Ledger, category: Category,
                                                                     ceiling: int) -> None:
    too_large = replace(make_spec(category=category), advance_payment=Sen(ceiling + 1))
    refused(ledger, errors.AdvanceTooLarge, lambda: ledger.register(ACCOUNTS["official"], too_large),
            ocids=[OCID], arguments={"advance": ceiling + 1, "max": ceiling})
    for value in (VALUE, VALUE + 1):  # above the value itself, too
        refused(ledger, errors.AdvanceTooLarge,
                lambda: ledger.register(ACCOUNTS["official"], replace(too_large, advance_payment=Sen(value))),
                ocids=[OCID], arguments={"advance": value, "max": ceiling})

    ledger.register(ACCOUNTS["official"], replace(too_large, advance_payment=Sen(ceiling)))
    assert ledger.contract(OCID).advance_payment == ceiling


def test_terminationAfterAPayment_recoversTheOutstandingAdvance(ledger: Ledger) -> None:
    pay(ledger, ADV_GOODS, 0)  # earned 400,000.00; recovered 80,000.00 of the advance
    ledger.terminate(ACCOUNTS["official"], ADV_GOODS, b"\x01" * 32)

    # The first money to move after closing takes the unrecovered advance back for the agency.
    ledger.reclaim(ACCOUNTS["official"], ADV_GOODS)
    a = ledger.escrow_account(ADV_GOODS)
    # The contractor earned 400,000.00 and is credited exactly that; the rest went back.
    assert a.withdrawable + a.withdrawn == FIRST
    assert a.advance_outstanding == 0
    assert a.refunded == VALUE - FIRST and a.held == 0


@pytest.mark.parametrize("who", ["auditor", "official", "inspector1"])
def test_release_failsIfCallerIsNotTheMilestoneVerifier(ledger: Ledger, who: str) -> None:
    account = ACCOUNTS[who]
    call = ledger.escrow.functions.release(cid(WORKS), 0, FIRST, 0)
    refused(ledger, errors.OnlyMilestoneVerifier, lambda: send(ledger, account, call), ocids=[WORKS],
            arguments={"caller": account.address})
