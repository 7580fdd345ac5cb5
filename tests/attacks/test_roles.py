"""Acting out of role: the contractor as its own inspector (c), an inspector of another contract
(d), one party's money taken by another or by another agency (g), the modules' own entry points
called directly (h), and a contract calling on behalf of a lured official (i: roles are checked on
msg.sender, never tx.origin)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from web3.contract import Contract

from conftest import YEAR, make_spec
from govledger import errors
from govledger.ledger import Ledger
from govledger.pilot import PILOT_AGENCY
from govledger.roles import DEFAULT_ADMIN_ROLE, PAUSER_ROLE, agency_id, official_role
from govledger.types import MilestoneSpec, MilestoneStatus, Sen

from . import ACCOUNTS, HASH_A, HASH_B, assert_books, deploy, encode, refused

OTHER_AGENCY = "DEMO-OTHER-AGENCY"


def _pay_milestone0(ledger: Ledger, ocid: str) -> None:
    ledger.submit(ACCOUNTS["contractor"], ocid, 0, HASH_A)
    ledger.approve(ACCOUNTS["inspector1"], ocid, 0, HASH_B)
    ledger.approve(ACCOUNTS["inspector2"], ocid, 0, HASH_B)


def _spec(ocid: str, *per_milestone: tuple[tuple[str, ...], int]) -> Any:
    """make_spec, with milestone i verified by `per_milestone[i]` = (inspector names, k)."""
    amounts = (400_000_00, 600_000_00)
    base = make_spec(ocid, value=sum(amounts[:len(per_milestone)]))
    return replace(base, milestones=tuple(
        MilestoneSpec(Sen(amounts[i]), date(YEAR, 3 + i, 1), tuple(ACCOUNTS[n].address for n in names), k)
        for i, (names, k) in enumerate(per_milestone)))


# --- (c) the contractor approving its own work ------------------------------------------------------

def test_approve_byContractorEvenCertifiedAsInspector_isRefused(
        ledger: Ledger, admin: Any, contractor: Any, active_contract: str) -> None:
    ledger.certify_inspector(admin, contractor.address)  # certified, but not assigned to its own contract
    ledger.submit(contractor, active_contract, 0, HASH_A)
    refused(ledger, errors.NotAssignedInspector, lambda: ledger.approve(contractor, active_contract, 0, HASH_B),
            ocids=[active_contract], account=contractor.address, index=0)


@pytest.mark.parametrize("who", ["contractor", "official"])
def test_register_withPartyAsInspector_isRefused(ledger: Ledger, admin: Any, official: Any, who: str) -> None:
    party = ACCOUNTS[who]
    ledger.certify_inspector(admin, party.address)
    spec = _spec("ocds-attack-self-inspect", (("inspector1", who), 2))
    refused(ledger, errors.InspectorNotIndependent, lambda: ledger.register(official, spec),
            ocids=[spec.ocid], account=party.address)


# --- (d) an inspector of another contract, or of another milestone ----------------------------------

def test_approve_byInspectorOfAnotherContract_isRefused(ledger: Ledger, official: Any, contractor: Any) -> None:
    mine = _spec("ocds-attack-insp-mine", (("inspector3",), 1))
    other = _spec("ocds-attack-insp-other", (("inspector1", "inspector2"), 2))
    for spec in (mine, other):
        ledger.register(official, spec)
        ledger.accept(contractor, spec.ocid)
        ledger.fund(official, spec.ocid, spec.value)
    ledger.submit(contractor, mine.ocid, 0, HASH_A)
    for name in ("inspector1", "inspector2"):  # certified, assigned to the other contract only
        refused(ledger, errors.NotAssignedInspector, lambda: ledger.approve(ACCOUNTS[name], mine.ocid, 0, HASH_B),
                ocids=[mine.ocid, other.ocid], account=ACCOUNTS[name].address, index=0)


def test_approve_byInspectorOfAnotherMilestone_orTwice_orRevoked_isRefused(
        ledger: Ledger, admin: Any, official: Any, contractor: Any) -> None:
    spec = _spec("ocds-attack-insp-mask", (("inspector1", "inspector2"), 2), (("inspector3",), 1))
    ledger.register(official, spec)
    ledger.accept(contractor, spec.ocid)
    ledger.fund(official, spec.ocid, spec.value)
    ledger.submit(contractor, spec.ocid, 0, HASH_A)
    i1, i2, i3 = (ACCOUNTS[f"inspector{i}"] for i in (1, 2, 3))
    refused(ledger, errors.NotAssignedInspector, lambda: ledger.approve(i3, spec.ocid, 0, HASH_B),
            ocids=[spec.ocid], account=i3.address, index=0)
    ledger.approve(i1, spec.ocid, 0, HASH_B)
    # one inspector cannot make up k = 2 alone
    refused(ledger, errors.AlreadyApproved, lambda: ledger.approve(i1, spec.ocid, 0, HASH_B),
            ocids=[spec.ocid], inspector=i1.address, index=0)
    ledger.revoke_inspector(admin, i2.address)
    refused(ledger, errors.NotAssignedInspector, lambda: ledger.approve(i2, spec.ocid, 0, HASH_B),
            ocids=[spec.ocid], account=i2.address, index=0)
    assert ledger.escrow_account(spec.ocid).withdrawable == 0


def test_approve_afterAnApprovingInspectorWasRevoked_doesNotPayOnTheRevokedApproval(
        ledger: Ledger, admin: Any, contractor: Any, active_contract: str) -> None:
    """Revocation is the answer to a compromised or corrupt inspector; `_assignedSlot` says "a revoked
    inspector loses every assignment at once". Its approval of the open round must lose its weight too."""
    i1, i2 = ACCOUNTS["inspector1"], ACCOUNTS["inspector2"]
    ledger.submit(contractor, active_contract, 0, HASH_A)
    ledger.approve(i2, active_contract, 0, HASH_B)
    ledger.revoke_inspector(admin, i2.address)
    ledger.approve(i1, active_contract, 0, HASH_B)  # 1 valid approval of k = 2
    assert ledger.milestones(active_contract)[0].status is MilestoneStatus.SUBMITTED
    assert ledger.escrow_account(active_contract).withdrawable == 0


# --- (g) someone else's money -----------------------------------------------------------------------

@pytest.mark.parametrize("thief", ["auditor", "official"])
def test_withdraw_someoneElsesBalance_isRefused(ledger: Ledger, active_contract: str, thief: str) -> None:
    _pay_milestone0(ledger, active_contract)
    assert ledger.escrow_account(active_contract).withdrawable == 400_000_00
    account = ACCOUNTS[thief]
    refused(ledger, errors.NotContractor, lambda: ledger.withdraw(account, active_contract),
            ocids=[active_contract], account=account.address)
    assert_books(ledger, active_contract)


@pytest.fixture
def other_official(ledger: Ledger, admin: Any, treasury: Any) -> Any:
    """An official of another enabled agency, with budget of its own."""
    account = ACCOUNTS["contractor2"]
    ledger.enable_agency(admin, OTHER_AGENCY)
    ledger.appoint_official(admin, OTHER_AGENCY, account.address)
    ledger.mint(treasury, account.address, Sen(10_000_000_00))
    return account


def test_otherAgencyOfficial_cannotFundTerminateOrPayAdvanceOnThisAgencysContract(
        ledger: Ledger, official: Any, contractor: Any, other_official: Any) -> None:
    spec = replace(make_spec("ocds-attack-other-agency"), advance_payment=Sen(100_000_00))
    ledger.register(official, spec)
    ledger.accept(contractor, spec.ocid)
    ledger.fund(official, spec.ocid, Sen(500_000_00))
    ledger._send(other_official, ledger.token.functions.approve(ledger.escrow.address, 500_000_00))
    agency = agency_id(PILOT_AGENCY)
    attacks = {
        "fund": lambda: ledger._send(other_official, ledger.escrow.functions.fund(ledger._id(spec.ocid), 500_000_00)),
        "terminate": lambda: ledger.terminate(other_official, spec.ocid, HASH_A),
        "payAdvance": lambda: ledger.pay_advance(other_official, spec.ocid),
    }
    for name, attack in attacks.items():
        refused(ledger, errors.NotAgencyOfficial, attack, ocids=[spec.ocid],
                account=other_official.address, agency=agency)
    assert_books(ledger, spec.ocid)


def test_register_forAnotherAgency_isRefused(ledger: Ledger, other_official: Any) -> None:
    spec = make_spec("ocds-attack-register-for-other")  # the pilot agency's contract
    refused(ledger, errors.NotAgencyOfficial, lambda: ledger.register(other_official, spec),
            ocids=[spec.ocid], account=other_official.address, agency=agency_id(PILOT_AGENCY))


@pytest.mark.parametrize("who", ["other_official", "contractor"])
def test_reclaim_anotherAgencysEscrow_isRefused(
        ledger: Ledger, official: Any, active_contract: str, other_official: Any, who: str) -> None:
    ledger.terminate(official, active_contract, HASH_A)
    account = other_official if who == "other_official" else ACCOUNTS[who]
    refused(ledger, errors.NotAgencyOfficial, lambda: ledger.reclaim(account, active_contract),
            ocids=[active_contract], account=account.address, agency=agency_id(PILOT_AGENCY))
    assert ledger.escrow_account(active_contract).held == 1_000_000_00
    assert_books(ledger, active_contract)


# --- (h) the modules' entry points, called directly -------------------------------------------------

@pytest.mark.parametrize("caller", ["official", "admin"])
def test_moduleOnlyFunctions_calledDirectly_areRefused(ledger: Ledger, active_contract: str, caller: str) -> None:
    account = ACCOUNTS[caller]
    cid = ledger._id(active_contract)
    v, e, r = ledger.verifier.functions, ledger.escrow.functions, ledger.registry.functions
    inspectors = [ACCOUNTS["inspector1"].address]
    attacks = [
        (errors.OnlyRegistry, v.registerMilestones(cid, inspectors, [(999_000_00, 1_900_000_000, 1, 1)])),
        (errors.OnlyRegistry, v.amendMilestones(cid, [(0, 1_000_000_00, 1_900_000_000, 1, 1)])),
        (errors.OnlyMilestoneVerifier, e.release(cid, 0, 400_000_00, 0)),
        (errors.OnlyVerifier, r.milestoneSettled(cid, 1)),
    ]
    for error, call in attacks:
        refused(ledger, error, lambda: ledger._send(account, call), ocids=[active_contract], caller=account.address)


def test_setModules_rewiringToAnAttackerVerifier_isRefused(ledger: Ledger, admin: Any, active_contract: str) -> None:
    stranger = ACCOUNTS["auditor"].address
    refused(ledger, errors.ModulesAlreadySet,
            lambda: ledger._send(admin, ledger.registry.functions.setModules(stranger, stranger)),
            ocids=[active_contract])
    assert ledger.registry.functions.verifier().call() == ledger.verifier.address


# --- (i) a contract calling on behalf of a lured role holder ----------------------------------------

@pytest.fixture
def phishing(ledger: Ledger, attacker_artifacts: dict[str, Any]) -> Contract:
    return deploy(ledger, ACCOUNTS["contractor2"], attacker_artifacts["Attacker"])


def test_contractCallingForLuredRoleHolders_isRefusedOnMsgSender(
        ledger: Ledger, official: Any, contractor: Any, active_contract: str, phishing: Contract) -> None:
    """Each victim sends a transaction to the attacker's contract (tx.origin = victim); the contract
    forwards to the ledger, which sees the contract as msg.sender and refuses."""
    _pay_milestone0(ledger, active_contract)
    ledger.submit(contractor, active_contract, 1, HASH_A)
    cid, me = ledger._id(active_contract), phishing.address
    reg, ver, esc = ledger.registry, ledger.verifier, ledger.escrow
    agency = agency_id(PILOT_AGENCY)
    lures = [
        ("official", reg, encode(reg, "terminate", cid, HASH_A), errors.NotAgencyOfficial, {"agency": agency}),
        ("official", reg, encode(reg, "proposeAmendment", cid, 1_050_000_00, HASH_A, []), errors.NotAParty, {}),
        ("contractor", esc, encode(esc, "withdraw", cid), errors.NotContractor, {}),
        ("contractor", reg, encode(reg, "raiseDispute", cid, HASH_A), errors.NotAParty, {}),
        ("inspector1", ver, encode(ver, "approve", cid, 1, HASH_B), errors.NotAssignedInspector, {"index": 1}),
        ("admin", reg, encode(reg, "grantRole", official_role(agency), me), errors.AccessControlUnauthorizedAccount,
         {"neededRole": DEFAULT_ADMIN_ROLE}),
        ("guardian", reg, encode(reg, "pause"), errors.AccessControlUnauthorizedAccount, {"neededRole": PAUSER_ROLE}),
    ]
    for victim, target, data, error, extra in lures:
        refused(ledger, error, lambda: ledger._send(ACCOUNTS[victim], phishing.functions.execute(target.address, data)),
                ocids=[active_contract], addresses=[me], account=me, **extra)
    ledger.terminate(official, active_contract, HASH_A)
    refused(ledger, errors.NotAgencyOfficial,
            lambda: ledger._send(official, phishing.functions.execute(esc.address, encode(esc, "reclaim", cid))),
            ocids=[active_contract], addresses=[me], account=me, agency=agency)
    assert_books(ledger, active_contract)
