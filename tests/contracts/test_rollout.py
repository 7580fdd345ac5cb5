"""Rollout and platform administration: the allowlist by category, batch registration (migration),
the emergency pause, policy parameters, and the two-step transfer of the admin role."""

from __future__ import annotations

from dataclasses import replace

import pytest

from conftest import OCID, make_spec
from govledger import errors
from govledger._utils import codec
from govledger.ledger import Ledger
from govledger.pilot import PILOT_AGENCY
from govledger.roles import DEFAULT_ADMIN_ROLE, PAUSER_ROLE, agency_id
from govledger.types import Category, ContractStatus, Parameters, Sen

from . import ACCOUNTS, HASH_A, HASH_B, cid, events, refused, send, state
from chain_support import ChainControl

OTHER_AGENCY = "DEMO-OTHER-AGENCY"
PENDING = "ocds-test01-0501"
ADMIN_DELAY = 2 * 86400


def time_travel(ledger: Ledger, timestamp: int) -> None:
    ChainControl(ledger.w3).time_travel(timestamp)


def now(ledger: Ledger) -> int:
    return ledger.w3.eth.get_block("latest")["timestamp"]


# --- allowlist by category ------------------------------------------------------------------------

def test_enableAgency_allowsOnlyTheListedCategories(ledger: Ledger, admin, official) -> None:
    receipt = ledger.enable_agency(admin, PILOT_AGENCY, categories=[Category.GOODS, Category.SERVICES])

    assert events(ledger, ledger.registry, "AgencyAllowlisted", receipt) == [
        {"agency": agency_id(PILOT_AGENCY), "categoryMask": 0b0110}]
    assert ledger.allowed_categories(PILOT_AGENCY) == [Category.GOODS, Category.SERVICES]
    works = make_spec(category=Category.WORKS)
    refused(ledger, errors.CategoryNotAllowed, lambda: ledger.register(official, works), ocids=[OCID],
            arguments={"agency": agency_id(PILOT_AGENCY), "category": int(Category.WORKS)},
            mentions=[PILOT_AGENCY, "works"])
    ledger.register(official, make_spec(category=Category.SERVICES))
    assert ledger.contract(OCID).category is Category.SERVICES


def test_enableAgency_withNoCategoriesTakesTheAgencyOffTheRollout(ledger: Ledger, admin, official) -> None:
    ledger.enable_agency(admin, PILOT_AGENCY, categories=[])
    assert ledger.allowed_categories(PILOT_AGENCY) == []
    refused(ledger, errors.CategoryNotAllowed, lambda: ledger.register(official, make_spec()), ocids=[OCID],
            arguments={"agency": agency_id(PILOT_AGENCY), "category": int(Category.GOODS)})


def test_register_failsForAnAgencyNotInTheRollout(ledger: Ledger, admin, official) -> None:
    spec = replace(make_spec(category=Category.CONSULTING), agency=OTHER_AGENCY)
    ledger.appoint_official(admin, OTHER_AGENCY, official.address)
    refused(ledger, errors.CategoryNotAllowed, lambda: ledger.register(official, spec), ocids=[OCID],
            arguments={"agency": agency_id(OTHER_AGENCY), "category": int(Category.CONSULTING)})
    ledger.enable_agency(admin, OTHER_AGENCY, categories=[Category.CONSULTING])
    ledger.register(official, spec)
    assert ledger.contract(OCID).agency == OTHER_AGENCY


def test_enableAgency_failsIfCallerIsNotTheAdmin(ledger: Ledger, official) -> None:
    refused(ledger, errors.AccessControlUnauthorizedAccount,
            lambda: ledger.enable_agency(official, OTHER_AGENCY, categories=[Category.GOODS]),
            arguments={"account": official.address, "neededRole": DEFAULT_ADMIN_ROLE},
            state_of=lambda: ledger.allowed_categories(OTHER_AGENCY))


# --- batch registration ---------------------------------------------------------------------------

def test_registerBatch_registersEveryContractPending(ledger: Ledger, official) -> None:
    ocids = [f"ocds-test01-06{i:02d}" for i in range(3)]
    ids = ledger.register_batch(official, [make_spec(o) for o in ocids])

    logs = events(ledger, ledger.registry, "ContractRegistered")  # of the batch's one transaction
    assert [bytes(e["id"]) for e in logs] == [cid(o) for o in ocids] == [bytes(i) for i in ids]
    assert [e["registration"]["ocid"] for e in logs] == ocids
    assert [ledger.contract(o).status for o in ocids] == [ContractStatus.PENDING] * 3
    assert [len(ledger.milestones(o)) for o in ocids] == [2, 2, 2]


def test_registerBatch_isAllOrNothing(ledger: Ledger, admin, official) -> None:
    ledger.enable_agency(admin, PILOT_AGENCY, categories=[Category.GOODS])
    good, bad = "ocds-test01-0610", "ocds-test01-0611"
    specs = [make_spec(good), make_spec(bad, category=Category.WORKS)]
    refused(ledger, errors.CategoryNotAllowed, lambda: ledger.register_batch(official, specs), ocids=[good, bad],
            arguments={"agency": agency_id(PILOT_AGENCY), "category": int(Category.WORKS)})
    refused(ledger, errors.ContractAlreadyRegistered,
            lambda: ledger.register_batch(official, [make_spec(good), make_spec(good)]), ocids=[good],
            arguments={"id": cid(good)})


def test_registerBatch_failsIfArrayLengthsDiffer(ledger: Ledger, official) -> None:
    regs = [codec.registration(make_spec(o)) for o in ("ocds-test01-0620", "ocds-test01-0621")]
    call = ledger.registry.functions.registerBatch([r[0] for r in regs], [regs[0][1]], [r[2] for r in regs])
    refused(ledger, errors.BatchLengthMismatch, lambda: send(ledger, official, call),
            ocids=["ocds-test01-0620"], arguments={"registrations": 2, "milestoneLists": 1, "inspectorLists": 2})
    call = ledger.registry.functions.registerBatch([r[0] for r in regs], [r[1] for r in regs], [])
    refused(ledger, errors.BatchLengthMismatch, lambda: send(ledger, official, call),
            arguments={"registrations": 2, "milestoneLists": 2, "inspectorLists": 0})


# --- pause ----------------------------------------------------------------------------------------

@pytest.fixture
def paused(ledger: Ledger, official, contractor) -> Ledger:
    """OCID active (advance 100,000.00 agreed, 600,000.00 funded, milestone 0 submitted), PENDING registered;
    then the guardian pauses the ledger."""
    ledger.register(official, replace(make_spec(), advance_payment=Sen(100_000_00)))
    ledger.register(official, make_spec(PENDING))
    ledger.accept(contractor, OCID)
    ledger.fund(official, OCID, Sen(600_000_00))
    ledger.submit(contractor, OCID, 0, HASH_A)
    send(ledger, official, ledger.token.functions.approve(ledger.escrow.address, 100_000_00))
    receipt = ledger.pause(ACCOUNTS["guardian"])
    assert events(ledger, ledger.registry, "Paused", receipt) == [{"account": ACCOUNTS["guardian"].address}]
    return ledger


def test_pause_refusesEveryWriteWithLedgerPaused(paused: Ledger, official, contractor, admin) -> None:
    ledger = paused
    inspector, arbiter = ACCOUNTS["inspector1"], ACCOUNTS["arbiter"]
    deadline = now(ledger) + 3600
    signature = ledger.sign_acceptance(contractor, PENDING, deadline)
    writes = {
        "register": lambda: ledger.register(official, make_spec("ocds-test01-0599")),
        "register_batch": lambda: ledger.register_batch(official, [make_spec("ocds-test01-0598")]),
        "accept": lambda: ledger.accept(contractor, PENDING),
        "accept_signed": lambda: ledger.accept_signed(admin, PENDING, deadline, signature),
        "propose_amendment": lambda: ledger.propose_amendment(official, OCID, Sen(1_050_000_00), HASH_A),
        "consent_amendment": lambda: ledger.consent_amendment(contractor, OCID, Sen(1_050_000_00), HASH_A),
        "terminate": lambda: ledger.terminate(official, OCID, HASH_A),
        "raise_dispute": lambda: ledger.raise_dispute(contractor, OCID, HASH_A),
        "resolve_dispute": lambda: ledger.resolve_dispute(arbiter, OCID, HASH_A),
        "fund": lambda: send(ledger, official, ledger.escrow.functions.fund(cid(OCID), 100_000_00)),
        "pay_advance": lambda: ledger.pay_advance(official, OCID),
        "submit": lambda: ledger.submit(contractor, OCID, 1, HASH_A),
        "approve": lambda: ledger.approve(inspector, OCID, 0, HASH_B),
        "reject": lambda: ledger.reject(inspector, OCID, 0, HASH_B),
        "withdraw": lambda: ledger.withdraw(contractor, OCID),
        "reclaim": lambda: ledger.reclaim(official, OCID),
        "release_retention": lambda: ledger.release_retention(official, OCID),
        "pause again": lambda: ledger.pause(ACCOUNTS["guardian"]),
    }
    before = state(ledger, OCID, PENDING)
    for name, write in writes.items():
        exc = refused(ledger, errors.LedgerPaused, write, arguments={})
        assert str(exc) == "the ledger is paused for an emergency", name
    assert state(ledger, OCID, PENDING) == before

    # Reads still work.
    assert ledger.is_paused() is True
    assert ledger.contract(OCID).status is ContractStatus.ACTIVE
    assert ledger.milestones(OCID)[0].round == 1
    assert ledger.escrow_account(OCID).held == 600_000_00
    assert ledger.parameters() == Parameters()


def test_unpause_resumesWrites(paused: Ledger, official, contractor) -> None:
    ledger = paused
    receipt = ledger.unpause(ACCOUNTS["guardian"])

    assert events(ledger, ledger.registry, "Unpaused", receipt) == [{"account": ACCOUNTS["guardian"].address}]
    assert ledger.is_paused() is False
    ledger.pay_advance(official, OCID)
    ledger.approve(ACCOUNTS["inspector1"], OCID, 0, HASH_B)
    ledger.approve(ACCOUNTS["inspector2"], OCID, 0, HASH_B)
    ledger.accept(contractor, PENDING)
    a = ledger.escrow_account(OCID)
    # 400,000.00 paid (40,000.00 of it recovering the advance) plus the 100,000.00 advance.
    assert (a.withdrawable, a.held) == (460_000_00, 140_000_00)
    assert a.funded == a.withdrawn + a.withdrawable + a.retained + a.refunded + a.held
    assert ledger.contract(PENDING).status is ContractStatus.ACTIVE


def test_pause_failsForTheAdminBecauseThePauserRoleIsHeldApart(ledger: Ledger, admin) -> None:
    refused(ledger, errors.AccessControlUnauthorizedAccount, lambda: ledger.pause(admin),
            arguments={"account": admin.address, "neededRole": PAUSER_ROLE}, state_of=ledger.is_paused)
    assert ledger.registry.functions.hasRole(PAUSER_ROLE, admin.address).call() is False


def test_unpause_failsForANonPauser(paused: Ledger, official) -> None:
    refused(paused, errors.AccessControlUnauthorizedAccount, lambda: paused.unpause(official),
            arguments={"account": official.address, "neededRole": PAUSER_ROLE}, state_of=paused.is_paused)
    assert paused.is_paused() is True


def test_unpause_failsIfNotPaused(ledger: Ledger) -> None:
    refused(ledger, errors.ExpectedPause, lambda: ledger.unpause(ACCOUNTS["guardian"]), arguments={},
            state_of=ledger.is_paused)


# --- parameters -----------------------------------------------------------------------------------

def test_setParameters_appliesToContractsRegisteredFromNowOn(ledger: Ledger, admin, official) -> None:
    ledger.register(official, make_spec("ocds-test01-0701", category=Category.WORKS))
    new = Parameters(amendment_cap_bps=2000, works_retention_bps=300, penalty_per_day_bps=20,
                     penalty_cap_bps=1000, maintenance_period_s=90 * 86400)

    receipt = ledger.set_parameters(admin, new)

    assert [tuple(e["parameters"].values()) for e in events(ledger, ledger.registry, "ParametersSet", receipt)] == [
        (2000, 300, 20, 1000, 90 * 86400)]
    assert ledger.parameters() == new
    ledger.register(official, make_spec("ocds-test01-0702", category=Category.WORKS))
    ledger.register(official, make_spec("ocds-test01-0703", category=Category.GOODS))
    assert ledger.contract("ocds-test01-0701").terms == Parameters()
    assert ledger.contract("ocds-test01-0702").terms == new
    assert ledger.contract("ocds-test01-0703").terms == replace(new, works_retention_bps=0)  # works only


@pytest.mark.parametrize("field", ["amendment_cap_bps", "penalty_per_day_bps", "works_retention_bps",
                                   "penalty_cap_bps"])
def test_setParameters_failsIfBasisPointsExceed10000(ledger: Ledger, admin, field: str) -> None:
    # Retention and the penalty cap share one ceiling; zero the other so the field alone can reach it.
    base = replace(Parameters(), works_retention_bps=0, penalty_cap_bps=0)
    ledger.set_parameters(admin, replace(base, **{field: 10_000}))  # the bound itself is allowed
    refused(ledger, errors.InvalidParameters,
            lambda: ledger.set_parameters(admin, replace(base, **{field: 10_001})),
            arguments={}, state_of=ledger.parameters)
    assert getattr(ledger.parameters(), field) == 10_000


def test_setParameters_failsIfRetentionAndPenaltyCapTogetherExceed10000(ledger: Ledger, admin) -> None:
    ledger.set_parameters(admin, Parameters(works_retention_bps=5000, penalty_cap_bps=5000))
    refused(ledger, errors.InvalidParameters,
            lambda: ledger.set_parameters(admin, Parameters(works_retention_bps=5000, penalty_cap_bps=5001)),
            arguments={}, state_of=ledger.parameters)
    assert (ledger.parameters().works_retention_bps, ledger.parameters().penalty_cap_bps) == (5000, 5000)


def test_setParameters_failsIfCallerIsNotTheAdmin(ledger: Ledger, official) -> None:
    refused(ledger, errors.AccessControlUnauthorizedAccount,
            lambda: ledger.set_parameters(official, Parameters(amendment_cap_bps=5000)),
            arguments={"account": official.address, "neededRole": DEFAULT_ADMIN_ROLE}, state_of=ledger.parameters)


# --- admin role: two-step, delayed transfer -----------------------------------------------------------

def _admin_state(ledger: Ledger) -> tuple:
    return (ledger.registry.functions.defaultAdmin().call(),
            tuple(ledger.registry.functions.pendingDefaultAdmin().call()))


def test_grantRole_failsForTheAdminRole(ledger: Ledger, admin) -> None:
    new_admin = ACCOUNTS["contractor2"]
    refused(ledger, errors.AccessControlEnforcedDefaultAdminRules,
            lambda: send(ledger, admin, ledger.registry.functions.grantRole(DEFAULT_ADMIN_ROLE, new_admin.address)),
            arguments={}, state_of=lambda: _admin_state(ledger))
    refused(ledger, errors.AccessControlEnforcedDefaultAdminRules,
            lambda: send(ledger, admin, ledger.registry.functions.revokeRole(DEFAULT_ADMIN_ROLE, admin.address)),
            arguments={}, state_of=lambda: _admin_state(ledger))
    assert ledger.registry.functions.hasRole(DEFAULT_ADMIN_ROLE, new_admin.address).call() is False


def test_adminTransfer_takesTwoStepsAndTheDelay(ledger: Ledger, admin, stranger) -> None:
    new_admin = ACCOUNTS["contractor2"]
    receipt = send(ledger, admin, ledger.registry.functions.beginDefaultAdminTransfer(new_admin.address))
    schedule = ledger.w3.eth.get_block(receipt.block_number)["timestamp"] + ADMIN_DELAY
    assert events(ledger, ledger.registry, "DefaultAdminTransferScheduled", receipt) == [
        {"newAdmin": new_admin.address, "acceptSchedule": schedule}]
    assert _admin_state(ledger) == (admin.address, (new_admin.address, schedule))

    accept = ledger.registry.functions.acceptDefaultAdminTransfer()
    refused(ledger, errors.AccessControlEnforcedDefaultAdminDelay, lambda: send(ledger, new_admin, accept),
            arguments={"schedule": schedule}, state_of=lambda: _admin_state(ledger))
    refused(ledger, errors.AccessControlInvalidDefaultAdmin, lambda: send(ledger, stranger, accept),
            arguments={"defaultAdmin": stranger.address}, state_of=lambda: _admin_state(ledger))

    time_travel(ledger, schedule + 1)
    receipt = send(ledger, new_admin, accept)

    granted = events(ledger, ledger.registry, "RoleGranted", receipt)
    revoked = events(ledger, ledger.registry, "RoleRevoked", receipt)
    assert [(g["role"], g["account"]) for g in granted] == [(DEFAULT_ADMIN_ROLE, new_admin.address)]
    assert [(r["role"], r["account"]) for r in revoked] == [(DEFAULT_ADMIN_ROLE, admin.address)]
    assert _admin_state(ledger) == (new_admin.address, ("0x" + "00" * 20, 0))
    refused(ledger, errors.AccessControlUnauthorizedAccount,
            lambda: ledger.set_parameters(admin, Parameters(amendment_cap_bps=0)),
            arguments={"account": admin.address, "neededRole": DEFAULT_ADMIN_ROLE}, state_of=ledger.parameters)
    ledger.set_parameters(new_admin, Parameters(amendment_cap_bps=0))
    assert ledger.parameters().amendment_cap_bps == 0
