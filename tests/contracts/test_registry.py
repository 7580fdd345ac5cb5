"""ContractRegistry: registration, acceptance (on chain and by EIP-712 signature), roles, modules."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from conftest import OCID, YEAR, make_spec
from govledger import errors
from govledger.artifacts import load_artifact
from govledger.ledger import Ledger
from govledger.pilot import PILOT_AGENCY
from govledger.roles import DEFAULT_ADMIN_ROLE, INSPECTOR_ROLE, agency_id, official_role
from govledger.types import Category, ContractStatus, MilestoneSpec, Parameters, Sen

from . import ACCOUNTS, built_once, cid, events, label, receipt_of, refused, roles, send
from chain_support import ChainControl

OTHER_AGENCY = "DEMO-OTHER-AGENCY"
ZERO_ADDRESS = "0x" + "00" * 20


def _ts(day: date) -> int:
    """A date as the chain stores it: seconds since the epoch at midnight UTC."""
    return calendar.timegm(day.timetuple())


def raw_registration(ocid: str = OCID, *, contractor: str | None = None, value: int = 1_000_000_00,
                     advance: int = 0) -> tuple:
    """A Registration struct as the contract takes it, for calls that bypass the SDK's shaping."""
    return (ocid, agency_id(PILOT_AGENCY), contractor or ACCOUNTS["contractor"].address, int(Category.GOODS), value,
            advance, _ts(date(YEAR, 1, 1)), _ts(date(YEAR + 1, 12, 31)), b"\x11" * 32, "")


def now(ledger: Ledger) -> int:
    return ledger.w3.eth.get_block("latest")["timestamp"]


def time_travel(ledger: Ledger, timestamp: int) -> None:
    ChainControl(ledger.w3).time_travel(timestamp)


def deploy_fresh_registry(ledger: Ledger, admin: LocalAccount):
    artifact = load_artifact("ContractRegistry")
    factory = ledger.w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    receipt = send(ledger, admin, factory.constructor(admin.address, 2 * 86400))
    return ledger.w3.eth.contract(address=receipt.contract_address, abi=artifact["abi"])


PENDING = "ocds-test01-0100"  # registered by `world`, not yet accepted (make_spec terms)
PENDING2 = "ocds-test01-0101"  # the same, a second contract


@pytest.fixture(scope="module")
def world(_deployed: Ledger) -> Iterator[Ledger]:
    """Built once for the module's acceptance tests: PENDING and PENDING2, registered, not accepted."""
    with built_once(_deployed) as ledger:
        for ocid in (PENDING, PENDING2):
            ledger.register(ACCOUNTS["official"], make_spec(ocid))
        yield ledger


# --- register: happy path -------------------------------------------------------------------------

def test_register_storesPendingContractWithItsTerms(ledger: Ledger, official, contractor) -> None:
    spec = make_spec(category=Category.WORKS)
    assert ledger.register(official, spec) == cid(OCID)

    c = ledger.contract(OCID)
    assert (c.ocid, c.agency, c.contractor, c.category) == (OCID, PILOT_AGENCY, contractor.address, Category.WORKS)
    assert (c.status, c.disputed) == (ContractStatus.PENDING, False)
    assert (c.value, c.original_value, c.milestone_count) == (spec.value, spec.value, 2)
    assert (c.start, c.end, c.document_hash) == (date(YEAR, 1, 1), date(YEAR + 1, 12, 31), b"\x11" * 32)
    assert (c.advance_payment, c.closed_at, c.amendment_count, c.settled_count) == (0, None, 0, 0)
    assert c.terms == ledger.parameters() == Parameters()  # the defaults: 10% cap, 5% retention, 1 per mille


def test_register_emitsContractRegisteredWithIndexedPartiesAndTerms(ledger: Ledger, official, contractor) -> None:
    spec = replace(make_spec(), metadata_uri="https://lpse.example/contract/1")
    ledger.register(official, spec)

    (event,) = events(ledger, ledger.registry, "ContractRegistered")
    assert (event["id"], event["agency"], event["contractor"]) == (cid(OCID), agency_id(PILOT_AGENCY), contractor.address)
    r = event["registration"]
    assert (r["ocid"], r["agency"], r["contractor"]) == (OCID, agency_id(PILOT_AGENCY), contractor.address)
    assert (r["category"], r["value"], r["advancePayment"], r["documentHash"], r["metadataURI"]) == (
        int(Category.GOODS), spec.value, 0, b"\x11" * 32, "https://lpse.example/contract/1")
    assert (r["startDate"], r["endDate"]) == (_ts(spec.start), _ts(spec.end))
    # The indexed fields are topics, so an auditor can filter the logs by agency and by contractor.
    log = next(x for x in receipt_of(ledger)["logs"] if x["address"] == ledger.registry.address)
    assert [bytes(t) for t in log["topics"][1:]] == [cid(OCID), agency_id(PILOT_AGENCY),
                                                    bytes(12) + bytes.fromhex(contractor.address[2:])]


def test_register_assignsInspectorsAndEmitsMilestoneRegisteredPerMilestone(ledger: Ledger, official, inspectors) -> None:
    i1, i2, i3 = (i.address for i in inspectors)
    spec = replace(make_spec(value=600_00), milestones=(
        MilestoneSpec(Sen(100_00), date(YEAR, 3, 1), (i2, i3), 2),
        MilestoneSpec(Sen(200_00), date(YEAR, 6, 1), (i1,), 1),
        MilestoneSpec(Sen(300_00), date(YEAR, 9, 1), (i3, i1, i2), 2),
    ))
    ledger.register(official, spec)

    # The contract's inspectors are the union in order of first appearance; masks select from them.
    assert ledger.verifier.functions.inspectorsOf(cid(OCID)).call() == [i2, i3, i1]
    (assigned,) = events(ledger, ledger.verifier, "InspectorsAssigned")
    assert assigned == {"id": cid(OCID), "inspectors": [i2, i3, i1]}
    registered = events(ledger, ledger.verifier, "MilestoneRegistered")
    assert registered == [
        {"id": cid(OCID), "index": 0, "amount": 100_00, "dueDate": _ts(date(YEAR, 3, 1)), "requiredApprovals": 2,
         "inspectorMask": 0b011},
        {"id": cid(OCID), "index": 1, "amount": 200_00, "dueDate": _ts(date(YEAR, 6, 1)), "requiredApprovals": 1,
         "inspectorMask": 0b100},
        {"id": cid(OCID), "index": 2, "amount": 300_00, "dueDate": _ts(date(YEAR, 9, 1)), "requiredApprovals": 2,
         "inspectorMask": 0b111},
    ]
    assert ledger.verifier.functions.milestoneCount(cid(OCID)).call() == 3
    assert [m.inspectors for m in ledger.milestones(OCID)] == [(i2, i3), (i1,), (i2, i3, i1)]


def test_register_acceptsMilestonesAddingUpToExactlyTheValue(ledger: Ledger, official) -> None:
    ledger.register(official, make_spec(value=1_000_00, amounts=(250_00, 750_00)))
    assert sum(m.amount for m in ledger.milestones(OCID)) == ledger.contract(OCID).value == 1_000_00


def test_register_acceptsTheMaximumOf64MilestonesAnd16Inspectors(ledger: Ledger, admin, official) -> None:
    extra = [ledger.w3.eth.account.from_key(keccak(text=f"extra inspector {i}")) for i in range(13)]
    for account in extra:
        ledger.certify_inspector(admin, account.address)
    everyone = [ACCOUNTS[f"inspector{i}"].address for i in (1, 2, 3)] + [a.address for a in extra]
    milestones = [(1, _ts(date(YEAR, 6, 1)), 1, 1 << (i % 16)) for i in range(63)] + [(1, _ts(date(YEAR, 6, 1)), 16, 0xFFFF)]
    call = ledger.registry.functions.register(raw_registration(value=64), milestones, everyone)
    # A fixed gas limit skips eth-tester's gas estimation, which would run this big call a dozen times.
    receipt = ledger._sender.send(official, call, gas=8_000_000)
    assert receipt.gas_used < 8_000_000
    assert ledger.contract(OCID).milestone_count == 64
    assert ledger.verifier.functions.milestoneCount(cid(OCID)).call() == 64
    assert ledger.verifier.functions.inspectorsOf(cid(OCID)).call() == everyone
    last = ledger.verifier.functions.getMilestone(cid(OCID), 63).call()
    assert (last[4], last[6]) == (16, 0xFFFF)  # requiredApprovals, inspectorMask


# --- register: refusals -----------------------------------------------------------------------------

def test_register_failsIfContractAlreadyRegistered(ledger: Ledger, official) -> None:
    ledger.register(official, make_spec())
    refused(ledger, errors.ContractAlreadyRegistered, lambda: ledger.register(official, make_spec(value=2_000_000_00)),
            ocids=[OCID], arguments={"id": cid(OCID)}, mentions=[OCID])
    assert ledger.contract(OCID).value == 1_000_000_00


def test_register_failsIfAgencyNotAllowlisted(ledger: Ledger, official) -> None:
    spec = replace(make_spec(), agency=OTHER_AGENCY)
    refused(ledger, errors.CategoryNotAllowed, lambda: ledger.register(official, spec), ocids=[OCID],
            arguments={"agency": agency_id(OTHER_AGENCY), "category": int(Category.GOODS)},
            mentions=[OTHER_AGENCY, "goods"])


def test_register_failsAfterTheAdminTakesTheAgencyOffTheAllowlist(ledger: Ledger, admin, official) -> None:
    receipt = ledger.enable_agency(admin, PILOT_AGENCY, [])
    assert events(ledger, ledger.registry, "AgencyAllowlisted", receipt) == [
        {"agency": agency_id(PILOT_AGENCY), "categoryMask": 0}]
    assert ledger.allowed_categories(PILOT_AGENCY) == []
    refused(ledger, errors.CategoryNotAllowed, lambda: ledger.register(official, make_spec()), ocids=[OCID],
            arguments={"agency": agency_id(PILOT_AGENCY), "category": int(Category.GOODS)}, mentions=[PILOT_AGENCY])


def test_register_failsIfCategoryNotAllowlistedForTheAgency(ledger: Ledger, admin, official) -> None:
    receipt = ledger.enable_agency(admin, PILOT_AGENCY, [Category.WORKS, Category.CONSULTING])
    assert events(ledger, ledger.registry, "AgencyAllowlisted", receipt) == [
        {"agency": agency_id(PILOT_AGENCY), "categoryMask": 0b1001}]
    assert ledger.allowed_categories(PILOT_AGENCY) == [Category.WORKS, Category.CONSULTING]
    refused(ledger, errors.CategoryNotAllowed, lambda: ledger.register(official, make_spec(category=Category.SERVICES)),
            ocids=[OCID], arguments={"agency": agency_id(PILOT_AGENCY), "category": int(Category.SERVICES)},
            mentions=[PILOT_AGENCY, "services"])
    ledger.register(official, make_spec(category=Category.WORKS))
    assert ledger.contract(OCID).category is Category.WORKS


def test_register_failsIfCallerIsNotOfficialOfTheAgency(ledger: Ledger, stranger) -> None:
    refused(ledger, errors.NotAgencyOfficial, lambda: ledger.register(stranger, make_spec()), ocids=[OCID],
            arguments={"account": stranger.address, "agency": agency_id(PILOT_AGENCY)},
            mentions=[label(ledger, stranger), PILOT_AGENCY])


def test_register_failsIfCallerIsOfficialOfAnotherAgency(ledger: Ledger, admin) -> None:
    other = ACCOUNTS["contractor2"]
    ledger.enable_agency(admin, OTHER_AGENCY)
    ledger.appoint_official(admin, OTHER_AGENCY, other.address)
    spec = replace(make_spec(), contractor=ACCOUNTS["contractor"].address)
    refused(ledger, errors.NotAgencyOfficial, lambda: ledger.register(other, spec), ocids=[OCID],
            arguments={"account": other.address, "agency": agency_id(PILOT_AGENCY)},
            mentions=[label(ledger, other), PILOT_AGENCY])


def test_register_failsIfContractorIsTheRegisteringOfficial(ledger: Ledger, official) -> None:
    spec = replace(make_spec(), contractor=official.address)
    refused(ledger, errors.InvalidContractor, lambda: ledger.register(official, spec), ocids=[OCID],
            arguments={"account": official.address}, mentions=[label(ledger, official)])


def test_register_failsIfContractorIsTheZeroAddress(ledger: Ledger, official) -> None:
    spec = replace(make_spec(), contractor=ZERO_ADDRESS)
    refused(ledger, errors.InvalidContractor, lambda: ledger.register(official, spec), ocids=[OCID],
            arguments={"account": ZERO_ADDRESS}, mentions=["0x0000"])


def test_register_failsIfValueIsZero(ledger: Ledger, official) -> None:
    refused(ledger, errors.ZeroValue, lambda: ledger.register(official, make_spec(value=0)), ocids=[OCID],
            arguments={}, mentions=["zero"])


def test_register_failsIfPeriodDoesNotEndAfterItStarts(ledger: Ledger, official) -> None:
    spec = replace(make_spec(), start=date(YEAR, 5, 1), end=date(YEAR, 5, 1))
    refused(ledger, errors.InvalidPeriod, lambda: ledger.register(official, spec), ocids=[OCID],
            arguments={"startDate": _ts(date(YEAR, 5, 1)), "endDate": _ts(date(YEAR, 5, 1))},
            mentions=[str(_ts(date(YEAR, 5, 1)))])


def test_register_failsIfMoreThan64Milestones(ledger: Ledger, official) -> None:
    # The SDK refuses this before sending (test_sdk); the contract's own check is called directly.
    milestones = [(1, 1_900_000_000, 1, 1)] * 65
    call = ledger.registry.functions.register(raw_registration(), milestones, [ACCOUNTS["inspector1"].address])
    refused(ledger, errors.InvalidMilestoneCount, lambda: send(ledger, official, call), ocids=[OCID],
            arguments={"count": 65, "max": 64}, mentions=["64", "65"])


def test_register_failsIfNoMilestones(ledger: Ledger, official) -> None:
    # The SDK derives the inspectors from the milestones, so the contract's own check is called directly.
    call = ledger.registry.functions.register(raw_registration(), [], [ACCOUNTS["inspector1"].address])
    refused(ledger, errors.InvalidMilestoneCount, lambda: send(ledger, official, call), ocids=[OCID],
            arguments={"count": 0, "max": 64}, mentions=["64", "0 given"])


def test_register_failsIfNoInspectors(ledger: Ledger, official) -> None:
    call = ledger.registry.functions.register(raw_registration(), [(100, _ts(date(YEAR, 6, 1)), 1, 1)], [])
    refused(ledger, errors.InvalidInspectorCount, lambda: send(ledger, official, call), ocids=[OCID],
            arguments={"count": 0, "max": 16}, mentions=["16", "0 given"])


def test_register_failsIfMoreThan16Inspectors(ledger: Ledger, official) -> None:
    # Called directly: the SDK cannot express a 17th inspector in a 16-bit mask (see test_sdk).
    many = [ledger.w3.eth.account.from_key(keccak(text=f"inspector {i}")).address for i in range(17)]
    call = ledger.registry.functions.register(raw_registration(), [(100, _ts(date(YEAR, 6, 1)), 1, 1)], many)
    refused(ledger, errors.InvalidInspectorCount, lambda: send(ledger, official, call), ocids=[OCID],
            arguments={"count": 17, "max": 16}, mentions=["16", "17"])


def test_register_failsIfInspectorNotCertified(ledger: Ledger, official, stranger, inspectors) -> None:
    spec = replace(make_spec(), milestones=(
        MilestoneSpec(Sen(100_00), date(YEAR, 6, 1), (inspectors[0].address, stranger.address), 1),))
    refused(ledger, errors.NotCertifiedInspector, lambda: ledger.register(official, spec), ocids=[OCID],
            arguments={"account": stranger.address}, mentions=[label(ledger, stranger)])


def test_register_failsIfInspectorIsTheContractor(ledger: Ledger, admin, official, contractor, inspectors) -> None:
    ledger.certify_inspector(admin, contractor.address)
    spec = replace(make_spec(), milestones=(
        MilestoneSpec(Sen(100_00), date(YEAR, 6, 1), (inspectors[0].address, contractor.address), 1),))
    refused(ledger, errors.InspectorNotIndependent, lambda: ledger.register(official, spec), ocids=[OCID],
            arguments={"account": contractor.address}, mentions=[label(ledger, contractor)])


def test_register_failsIfInspectorIsTheRegisteringOfficial(ledger: Ledger, admin, official) -> None:
    ledger.certify_inspector(admin, official.address)
    spec = replace(make_spec(), milestones=(MilestoneSpec(Sen(100_00), date(YEAR, 6, 1), (official.address,), 1),))
    refused(ledger, errors.InspectorNotIndependent, lambda: ledger.register(official, spec), ocids=[OCID],
            arguments={"account": official.address}, mentions=[label(ledger, official)])


def test_register_failsIfInspectorListedTwice(ledger: Ledger, official, inspectors) -> None:
    i1, i2 = inspectors[0].address, inspectors[1].address
    call = ledger.registry.functions.register(raw_registration(), [(100, _ts(date(YEAR, 6, 1)), 1, 0b1)], [i1, i2, i1])
    refused(ledger, errors.InspectorNotIndependent, lambda: send(ledger, official, call), ocids=[OCID],
            arguments={"account": i1}, mentions=[label(ledger, i1)])


def test_register_failsIfMilestoneAmountIsZero(ledger: Ledger, official) -> None:
    spec = make_spec(amounts=(100_00, 0))
    refused(ledger, errors.InvalidMilestone, lambda: ledger.register(official, spec), ocids=[OCID],
            arguments={"index": 1, "amount": 0, "requiredApprovals": 2, "inspectorMask": 0b111},
            mentions=["milestone 1", "amount Rp 0.00"])


def test_register_failsIfMoreApprovalsRequiredThanInspectorsAssigned(ledger: Ledger, official, inspectors) -> None:
    two = (inspectors[0].address, inspectors[1].address)
    spec = replace(make_spec(), milestones=(MilestoneSpec(Sen(100_00), date(YEAR, 6, 1), two, 3),))
    refused(ledger, errors.InvalidMilestone, lambda: ledger.register(official, spec), ocids=[OCID],
            arguments={"index": 0, "amount": 100_00, "requiredApprovals": 3, "inspectorMask": 0b11},
            mentions=["milestone 0", "approvals required 3"])


def test_register_failsIfNoApprovalRequired(ledger: Ledger, official) -> None:
    spec = make_spec(approvals=0)
    refused(ledger, errors.InvalidMilestone, lambda: ledger.register(official, spec), ocids=[OCID],
            arguments={"index": 0, "amount": 400_000_00, "requiredApprovals": 0, "inspectorMask": 0b111})


def test_register_failsIfMilestoneMasksAnInspectorNotListed(ledger: Ledger, official, inspectors) -> None:
    call = ledger.registry.functions.register(
        raw_registration(), [(100, _ts(date(YEAR, 6, 1)), 1, 0b101)], [inspectors[0].address, inspectors[1].address])
    refused(ledger, errors.InvalidMilestone, lambda: send(ledger, official, call), ocids=[OCID],
            arguments={"index": 0, "amount": 100, "requiredApprovals": 1, "inspectorMask": 0b101},
            mentions=["0b0101"])


@pytest.mark.parametrize("amounts", [(500_00, 500_01), (500_00, 499_99)], ids=["above", "below"])
def test_register_failsIfMilestonesDoNotAddUpToTheValue(ledger: Ledger, official, amounts: tuple[int, int]) -> None:
    spec = make_spec(value=1_000_00, amounts=amounts)
    refused(ledger, errors.MilestoneTotalMismatch, lambda: ledger.register(official, spec), ocids=[OCID],
            arguments={"total": sum(amounts), "value": 1_000_00}, mentions=[str(sum(amounts)), "100000"])


@pytest.mark.parametrize("ocid", ["", "ocds-" + "x" * 252], ids=["empty", "257 bytes"])
def test_register_failsIfOcidIsEmptyOrTooLong(ledger: Ledger, official, ocid: str) -> None:
    call = ledger.registry.functions.register(raw_registration(ocid), [(1_000_000_00, _ts(date(YEAR, 6, 1)), 1, 1)],
                                              [ACCOUNTS["inspector1"].address])
    length = len(ocid.encode())
    refused(ledger, errors.InvalidOcidLength, lambda: send(ledger, official, call),
            arguments={"length": length, "max": 256}, mentions=[str(length), "256"])


def test_register_acceptsAnOcidOfExactly256Bytes(ledger: Ledger, official, contractor) -> None:
    # The chain's bound; the SDK refuses such an ocid earlier, by the stricter OCDS form (govledger.ocid).
    ocid = "ocds-" + "x" * 251
    send(ledger, official, ledger.registry.functions.register(
        raw_registration(ocid), [(1_000_000_00, _ts(date(YEAR, 6, 1)), 1, 1)], [ACCOUNTS["inspector1"].address]))
    assert ledger.registry.functions.getContract(cid(ocid)).call()[0] == contractor.address


def test_register_failsIfModulesNotSet(ledger: Ledger, admin, official) -> None:
    fresh = deploy_fresh_registry(ledger, admin)
    send(ledger, admin, fresh.functions.setAgencyCategories(agency_id(PILOT_AGENCY), 0b1111))
    send(ledger, admin, fresh.functions.grantRole(official_role(agency_id(PILOT_AGENCY)), official.address))
    call = fresh.functions.register(raw_registration(), [(100, _ts(date(YEAR, 6, 1)), 1, 1)],
                                    [ACCOUNTS["inspector1"].address])
    refused(ledger, errors.ModulesNotSet, lambda: send(ledger, official, call), arguments={},
            mentions=["not wired"], state_of=lambda: fresh.functions.verifier().call())


# --- modules --------------------------------------------------------------------------------------

def test_setModules_wiresOnceAndEmitsModulesSet(ledger: Ledger, admin) -> None:
    fresh = deploy_fresh_registry(ledger, admin)
    assert fresh.functions.verifier().call() == ZERO_ADDRESS
    receipt = send(ledger, admin, fresh.functions.setModules(ledger.verifier.address, ledger.escrow.address))
    assert events(ledger, fresh, "ModulesSet", receipt) == [
        {"verifier": ledger.verifier.address, "escrow": ledger.escrow.address}]
    assert (fresh.functions.verifier().call(), fresh.functions.escrow().call()) == (
        ledger.verifier.address, ledger.escrow.address)


def test_setModules_failsIfModulesAlreadySet(ledger: Ledger, admin) -> None:
    call = ledger.registry.functions.setModules(ACCOUNTS["auditor"].address, ACCOUNTS["auditor"].address)
    refused(ledger, errors.ModulesAlreadySet, lambda: send(ledger, admin, call), arguments={},
            mentions=["already wired"],
            state_of=lambda: (ledger.registry.functions.verifier().call(), ledger.registry.functions.escrow().call()))
    assert ledger.registry.functions.verifier().call() == ledger.verifier.address


@pytest.mark.parametrize("zero", ["verifier", "escrow"])
def test_setModules_failsIfAModuleIsTheZeroAddress(ledger: Ledger, admin, zero: str) -> None:
    fresh = deploy_fresh_registry(ledger, admin)
    modules = {"verifier": ledger.verifier.address, "escrow": ledger.escrow.address, zero: ZERO_ADDRESS}
    call = fresh.functions.setModules(modules["verifier"], modules["escrow"])
    refused(ledger, errors.ModulesAlreadySet, lambda: send(ledger, admin, call), arguments={},
            state_of=lambda: (fresh.functions.verifier().call(), fresh.functions.escrow().call()))
    send(ledger, admin, fresh.functions.setModules(ledger.verifier.address, ledger.escrow.address))
    assert fresh.functions.escrow().call() == ledger.escrow.address


def test_setModules_failsIfCallerIsNotAdmin(ledger: Ledger, admin, stranger) -> None:
    fresh = deploy_fresh_registry(ledger, admin)
    call = fresh.functions.setModules(stranger.address, stranger.address)
    refused(ledger, errors.AccessControlUnauthorizedAccount, lambda: send(ledger, stranger, call),
            arguments={"account": stranger.address, "neededRole": DEFAULT_ADMIN_ROLE},
            mentions=[label(ledger, stranger), "platform admin"], state_of=lambda: fresh.functions.verifier().call())


# --- roles and the allowlist ----------------------------------------------------------------------

def test_roles_areGrantedAndRevokedWithEvents(ledger: Ledger, admin, stranger) -> None:
    role = official_role(agency_id(OTHER_AGENCY))
    assert ledger.registry.functions.officialRole(agency_id(OTHER_AGENCY)).call() == role
    assert ledger.registry.functions.INSPECTOR_ROLE().call() == INSPECTOR_ROLE

    receipt = ledger.appoint_official(admin, OTHER_AGENCY, stranger.address)
    assert events(ledger, ledger.registry, "RoleGranted", receipt) == [
        {"role": role, "account": stranger.address, "sender": admin.address}]
    receipt = ledger.certify_inspector(admin, stranger.address)
    assert events(ledger, ledger.registry, "RoleGranted", receipt) == [
        {"role": INSPECTOR_ROLE, "account": stranger.address, "sender": admin.address}]
    assert ledger.registry.functions.isInspector(stranger.address).call() is True

    receipt = ledger.revoke_inspector(admin, stranger.address)
    assert events(ledger, ledger.registry, "RoleRevoked", receipt) == [
        {"role": INSPECTOR_ROLE, "account": stranger.address, "sender": admin.address}]
    assert ledger.registry.functions.isInspector(stranger.address).call() is False
    assert ledger.registry.functions.hasRole(role, stranger.address).call() is True


def test_isOfficialOf_answersForTheOwningAgencyOnly(world, ledger: Ledger, admin, official, stranger) -> None:
    ledger.appoint_official(admin, OTHER_AGENCY, stranger.address)
    assert ledger.registry.functions.isOfficialOf(cid(PENDING), official.address).call() is True
    assert ledger.registry.functions.isOfficialOf(cid(PENDING), stranger.address).call() is False


def test_setAgencyCategories_failsIfCallerIsNotAdmin(ledger: Ledger, official) -> None:
    refused(ledger, errors.AccessControlUnauthorizedAccount,
            lambda: ledger.enable_agency(official, OTHER_AGENCY),
            arguments={"account": official.address, "neededRole": DEFAULT_ADMIN_ROLE},
            mentions=[label(ledger, official), "platform admin"],
            state_of=lambda: ledger.allowed_categories(OTHER_AGENCY))


def test_grantRole_failsIfOfficialAppointsAnotherOfficial(ledger: Ledger, official, stranger) -> None:
    refused(ledger, errors.AccessControlUnauthorizedAccount,
            lambda: ledger.appoint_official(official, PILOT_AGENCY, stranger.address),
            arguments={"account": official.address, "neededRole": DEFAULT_ADMIN_ROLE},
            mentions=[label(ledger, official)], state_of=lambda: roles(ledger))


def test_grantRole_failsIfInspectorCertifiesAnInspector(ledger: Ledger, inspectors, stranger) -> None:
    refused(ledger, errors.AccessControlUnauthorizedAccount,
            lambda: ledger.certify_inspector(inspectors[0], stranger.address),
            arguments={"account": inspectors[0].address, "neededRole": DEFAULT_ADMIN_ROLE},
            mentions=[label(ledger, inspectors[0])], state_of=lambda: roles(ledger))


def test_renounceRole_failsIfConfirmationIsNotTheCaller(ledger: Ledger, admin, inspectors) -> None:
    call = ledger.registry.functions.renounceRole(INSPECTOR_ROLE, inspectors[0].address)
    refused(ledger, errors.AccessControlBadConfirmation, lambda: send(ledger, admin, call), arguments={},
            mentions=["renounced by its holder"], state_of=lambda: roles(ledger))


def test_renounceRole_letsAnInspectorStepDown(ledger: Ledger, inspectors) -> None:
    receipt = send(ledger, inspectors[0], ledger.registry.functions.renounceRole(INSPECTOR_ROLE, inspectors[0].address))
    assert events(ledger, ledger.registry, "RoleRevoked", receipt) == [
        {"role": INSPECTOR_ROLE, "account": inspectors[0].address, "sender": inspectors[0].address}]
    assert ledger.registry.functions.isInspector(inspectors[0].address).call() is False


# --- accept -----------------------------------------------------------------------------------------

def test_accept_activatesAndEmitsContractAccepted(world, ledger: Ledger, official, contractor) -> None:
    receipt = ledger.accept(contractor, PENDING)
    assert events(ledger, ledger.registry, "ContractAccepted", receipt) == [
        {"id": cid(PENDING), "contractor": contractor.address, "termsHash": ledger.terms_hash(make_spec(PENDING))}]
    assert ledger.contract(PENDING).status == ContractStatus.ACTIVE


def test_accept_failsIfContractUnknown(ledger: Ledger, contractor) -> None:
    refused(ledger, errors.UnknownContract, lambda: ledger.accept(contractor, "ocds-test01-9999"),
            ocids=["ocds-test01-9999"], arguments={"id": cid("ocds-test01-9999")}, mentions=["ocds-test01-9999"])


def test_getContract_failsIfContractUnknown(ledger: Ledger) -> None:
    refused(ledger, errors.UnknownContract, lambda: ledger.contract("ocds-test01-4040"),
            arguments={"id": cid("ocds-test01-4040")}, mentions=["ocds-test01-4040"])


def test_accept_failsIfCallerIsNotTheContractor(world, ledger: Ledger, official, stranger) -> None:
    refused(ledger, errors.NotContractor, lambda: ledger.accept(stranger, PENDING), ocids=[PENDING],
            arguments={"account": stranger.address, "id": cid(PENDING)}, mentions=[label(ledger, stranger), PENDING])


def test_accept_failsIfAlreadyActive(world, ledger: Ledger, official, contractor) -> None:
    digest = ledger.acceptance_terms(PENDING).terms_hash
    ledger.accept(contractor, PENDING)
    refused(ledger, errors.WrongContractStatus, lambda: ledger.accept(contractor, PENDING, digest), ocids=[PENDING],
            arguments={"id": cid(PENDING), "current": 1, "required": 0}, mentions=[PENDING, "is active", "pending"])


# --- accept by EIP-712 signature -------------------------------------------------------------------

def test_acceptanceDigest_isTheEip712HashTheSdkSigns(world, ledger: Ledger, official) -> None:
    deadline = now(ledger) + 3600
    domain = {"name": "govledger", "version": "1", "chainId": ledger.w3.eth.chain_id,
              "verifyingContract": ledger.registry.address}
    types = {"Acceptance": [{"name": "contractId", "type": "bytes32"}, {"name": "termsHash", "type": "bytes32"},
                            {"name": "deadline", "type": "uint256"}]}
    terms_hash = ledger.acceptance_terms(PENDING).terms_hash
    signable = encode_typed_data(domain_data=domain, message_types=types,
                                 message_data={"contractId": cid(PENDING), "termsHash": terms_hash,
                                               "deadline": deadline})
    expected = keccak(b"\x19" + signable.version + signable.header + signable.body)
    assert ledger.registry.functions.acceptanceDigest(cid(PENDING), terms_hash, deadline).call() == expected


def test_acceptWithSignature_activatesWhenRelayedByAnyone(world, ledger: Ledger, official, contractor, stranger) -> None:
    deadline = now(ledger) + 3600
    signature = ledger.sign_acceptance(contractor, PENDING, deadline)
    receipt = ledger.accept_signed(stranger, PENDING, deadline, signature)
    assert events(ledger, ledger.registry, "ContractAccepted", receipt) == [
        {"id": cid(PENDING), "contractor": contractor.address, "termsHash": ledger.terms_hash(make_spec(PENDING))}]
    assert ledger.contract(PENDING).status == ContractStatus.ACTIVE


def test_acceptWithSignature_failsIfSignedByTheWrongKey(world, ledger: Ledger, official, contractor, stranger) -> None:
    deadline = now(ledger) + 3600
    impostor = ACCOUNTS["contractor2"]
    signature = ledger.sign_acceptance(impostor, PENDING, deadline)
    refused(ledger, errors.InvalidAcceptanceSignature, lambda: ledger.accept_signed(stranger, PENDING, deadline, signature),
            ocids=[PENDING], arguments={"signer": impostor.address, "contractor": contractor.address},
            mentions=[label(ledger, impostor), label(ledger, contractor)])


def test_acceptWithSignature_failsIfSignatureIsForAnotherDeadline(world, ledger: Ledger, official, contractor, stranger) -> None:
    deadline = now(ledger) + 3600
    signature = ledger.sign_acceptance(contractor, PENDING, deadline)
    exc = refused(ledger, errors.InvalidAcceptanceSignature,
                  lambda: ledger.accept_signed(stranger, PENDING, deadline + 1, signature), ocids=[PENDING],
                  mentions=[label(ledger, contractor)])
    # The signature recovers to some key over the altered digest, but never the contractor's.
    assert exc.arguments["contractor"].lower() == contractor.address.lower()
    assert exc.arguments["signer"].lower() != contractor.address.lower()


def test_acceptWithSignature_failsIfSignatureIsForAnotherContract(world, ledger: Ledger, official, contractor, stranger) -> None:
    deadline = now(ledger) + 3600
    signature = ledger.sign_acceptance(contractor, PENDING2, deadline)
    exc = refused(ledger, errors.InvalidAcceptanceSignature,
                  lambda: ledger.accept_signed(stranger, PENDING, deadline, signature),
                  ocids=[PENDING, PENDING2], mentions=[label(ledger, contractor)])
    assert exc.arguments["signer"].lower() != contractor.address.lower()


def test_acceptWithSignature_failsIfDeadlinePassed(world, ledger: Ledger, official, contractor, stranger) -> None:
    deadline = now(ledger) + 60
    signature = ledger.sign_acceptance(contractor, PENDING, deadline)
    time_travel(ledger, deadline + 60)
    refused(ledger, errors.AcceptanceExpired, lambda: ledger.accept_signed(stranger, PENDING, deadline, signature),
            ocids=[PENDING], arguments={"deadline": deadline}, mentions=[str(deadline)])


def test_acceptWithSignature_failsIfReplayedAfterAcceptance(world, ledger: Ledger, official, contractor, stranger) -> None:
    deadline = now(ledger) + 3600
    signature = ledger.sign_acceptance(contractor, PENDING, deadline)
    digest = ledger.acceptance_terms(PENDING).terms_hash
    ledger.accept_signed(stranger, PENDING, deadline, signature)
    refused(ledger, errors.WrongContractStatus,
            lambda: ledger.accept_signed(stranger, PENDING, deadline, signature, digest),
            ocids=[PENDING], arguments={"id": cid(PENDING), "current": 1, "required": 0}, mentions=[PENDING, "active"])


def test_acceptWithSignature_failsIfContractUnknown(ledger: Ledger, contractor, stranger) -> None:
    call = ledger.registry.functions.acceptWithSignature(cid("ocds-test01-7777"), b"\x01" * 32, now(ledger) + 60,
                                                         b"\x00" * 65)
    refused(ledger, errors.UnknownContract, lambda: send(ledger, stranger, call),
            arguments={"id": cid("ocds-test01-7777")}, mentions=["0x" + cid("ocds-test01-7777").hex()])

